#pragma once

#include "common/result.h"
#include "imap/imapsettings.h"

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QList>
#include <QObject>
#include <QSet>
#include <QString>

class QTimer;

namespace Dmarc {

class OAuth2TokenSource;
namespace Imap {
class ImapSession;
struct ImapResponse;
} // namespace Imap

// One email of a batch. An email larger than ImapSettings::maxMessageBytes is not downloaded:
// it arrives with `oversized` set and an empty `raw`, and still needs a destination.
struct FetchedEmail
{
    quint32 uid = 0;
    qint64 size = 0; // RFC822.SIZE
    QByteArray raw;  // the whole message (BODY.PEEK[], so \Seen is not set)
    bool oversized = false;
};

// Emails handed to the consumer together. (account, mailbox, uidValidity, uid) names an email
// for good: the consumer keys what it has decided on it.
struct MailboxBatch
{
    QString account;
    QString mailbox; // the inbox as used on the server (a personal prefix may have been added)
    quint32 uidValidity = 0;
    QList<FetchedEmail> emails;
};

// What the status page and the metrics show about one account.
struct MailboxStatus
{
    enum class Activity
    {
        Stopped,
        Connecting,       // connect, TLS, greeting, login
        Syncing,          // LIST/CREATE/SELECT/SEARCH/FETCH/moves
        AwaitingVerdicts, // a batch is with the consumer
        Idling,           // connected, waiting in IDLE for new mail
        Waiting,          // disconnected until the next poll
        Reconnecting      // waiting out the backoff after an error
    };

    Activity activity = Activity::Stopped;
    bool connected = false;       // a logged-in session exists
    bool pushMode = false;        // IDLE is used (else polling)
    QDateTime lastSuccessfulPoll; // UTC; invalid before the first success
    quint64 pollErrors = 0;
    QString lastError; // empty after a successful poll
    quint64 emailsMoved = 0;
};

// Watches one mailbox: connects, creates the folders, fetches the inbox in size-bounded batches,
// hands each batch to the consumer, and moves each email only where the consumer says.
// Then waits for new mail (IDLE) or for the next poll, and reconnects with backoff after errors.
//
// Flow for the consumer:
//   batchReady(batch) -> count, commit -> submitDestinations({uid: folder, ...})
//   -> the watcher moves those emails -> emailsMoved(...) -> the next batch or wait.
// An email without a destination stays in the inbox and is offered again on the next poll.
class MailboxWatcher : public QObject
{
    Q_OBJECT
public:
    explicit MailboxWatcher(const ImapSettings &settings, QObject *parent = nullptr);
    ~MailboxWatcher() override;

    const ImapSettings &settings() const { return m_settings; }
    MailboxStatus status() const { return m_status; }

    // Connects and processes the inbox now; then keeps watching until stop().
    void start();
    // Abandons a batch still waiting for destinations (its emails stay in the inbox), lets a
    // running move finish, logs out, closes. Emits stopped() once the connection is closed.
    void stop();
    // Processes the inbox as soon as possible (ends IDLE, skips the poll wait or the backoff).
    void checkNow();
    // The destination folder (as configured) of each email of the current batch, given once the
    // outcomes are committed. May come later, from
    // the event loop. UIDs not in the current batch are ignored; emails of the batch without a
    // destination are not moved. Destinations arriving after the connection was lost are dropped.
    void submitDestinations(const QHash<quint32, QString> &folders);

Q_SIGNALS:
    void batchReady(const Dmarc::MailboxBatch &batch);
    // The emails of the current batch that reached their destination folder.
    void emailsMoved(quint32 uidValidity, const QList<quint32> &uids, const QString &folder);
    // Once per poll: ok, or the error that ended it.
    void pollFinished(bool ok, const QString &error);
    void statusChanged(const Dmarc::MailboxStatus &status);
    void stopped();

private:
    enum class Step
    {
        Off,
        Connecting,
        Preparing, // LIST, NAMESPACE, CREATE, SELECT
        Searching, // SEARCH and FETCH
        AwaitingVerdicts,
        Moving,
        Idling,
        WaitingForPoll,
        Backoff,
        LoggingOut
    };
    struct MoveGroup
    {
        QString folder;       // as configured
        QString serverFolder; // as the server names it
        QList<quint32> uids;
        bool ok = false;
    };

    void setActivity(MailboxStatus::Activity activity);
    void connectSession(bool refreshToken);
    void openSession(const QString &accessToken);
    void onSessionReady();
    void onSessionFailed(const Error &error);
    void onSessionClosed();
    void onIdling();
    void onUntagged(const Imap::ImapResponse &response);
    void listFolders();
    void readNamespace();
    void createMissingFolders();
    void createFolder(const QString &configured, const QString &name);
    void selectInbox();
    void search();
    void fetchSizes();
    void fetchNextBatch();
    void fetchBodies(const QList<quint32> &uids);
    void transferBatch(const QByteArray &command, void (MailboxWatcher::*allDone)());
    void deleteCopied();
    void afterMoves();
    void finishPoll();
    void enterIdle();
    void startNewCheck();
    void leaveIdle();
    void failPoll(const Error &error);
    void scheduleReconnect();
    void logout();
    void disposeSession();
    void finishStop();
    bool commandFailed(const Imap::ImapResponse &tagged, const QString &what);
    QString onServer(const QString &folder) const { return m_folderOnServer.value(folder, folder); }

    ImapSettings m_settings;
    MailboxStatus m_status;
    Step m_step = Step::Off;
    bool m_stopping = false;
    bool m_checkRequested = false;
    bool m_newMail = false;
    bool m_tokenRefreshed = false; // one forced token refresh per authentication failure
    int m_failures = 0;
    Imap::ImapSession *m_session = nullptr;
    OAuth2TokenSource *m_tokens = nullptr;
    QTimer *m_waitTimer;
    QTimer *m_idleRenewTimer;

    // Learned from the server in this session.
    QString m_personalPrefix;
    QSet<QString> m_existingFolders;
    QHash<QString, QString> m_folderOnServer; // configured name -> name used on the server
    QStringList m_foldersToCreate;
    quint32 m_uidValidity = 0;
    quint64 m_exists = 0;

    // The poll in progress.
    QList<quint32> m_found;         // SEARCH result
    QList<quint32> m_pendingUids;   // found, not yet handed over
    QHash<quint32, qint64> m_sizes; // RFC822.SIZE per UID
    QSet<quint32> m_skipped;        // already offered during this poll
    QHash<quint32, QByteArray> m_bodies;
    MailboxBatch m_batch;
    QList<MoveGroup> m_moves;
    int m_movesRunning = 0;
    QString m_moveError;
};

} // namespace Dmarc
