#pragma once

#include "common/result.h"
#include "imap/fetchbatchjob.h"
#include "imap/imapsession.h"
#include "imap/imapsettings.h"
#include "imap/mailboxbatch.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QObject>
#include <QString>

#include <optional>

class QTimer;

namespace Dmarc {

namespace Imap {
class SessionOpener;
struct FolderSetup;
struct ImapResponse;
} // namespace Imap

// What the status page and the metrics show about one account.
struct MailboxStatus
{
    enum class Activity
    {
        Stopped,
        Connecting,       // connect, TLS, greeting, login
        Syncing,          // a step of a check: folder setup, fetching a batch, moving
        AwaitingVerdicts, // a batch is with the consumer
        Idling,           // connected, waiting in IDLE for new mail
        Waiting,          // disconnected until the next poll
        Reconnecting      // waiting out the backoff after an error
    };
    // What ended the last poll, by what sets it right: the server refused the login (the user
    // name or password), did not prove itself with a trusted certificate (a CA file, the peer
    // name), could not be reached or dropped the connection (waiting), or anything else.
    enum class Failure
    {
        None,
        LoginRefused,
        Certificate,
        Network,
        Other
    };

    Activity activity = Activity::Stopped;
    bool connected = false;       // a logged-in session exists
    bool pushMode = false;        // IDLE is used (else polling)
    QDateTime lastSuccessfulPoll; // UTC; invalid before the first success
    quint64 pollErrors = 0;
    QString lastError;                                       // empty after a successful poll
    Failure failure = Failure::None;                         // of the last poll
    std::optional<Imap::PeerCertificate> refusedCertificate; // when failure is Certificate
    QDateTime nextAttempt; // UTC; while Reconnecting, when the next attempt begins
    quint64 emailsMoved = 0;
};

// Watches one mailbox: connects, creates the folders, fetches the inbox in size-bounded batches,
// hands each batch to the consumer, and moves each email only where the consumer says.
// Then waits for new mail (IDLE) or for the next poll, and reconnects with backoff after errors:
// in seconds, doubling up to reconnectMaxSeconds, after a network or server error; in minutes
// (loginRetryDelaySeconds()) after a refused login, which the same credentials would only repeat
// and which a server's intrusion protection counts.
// The watcher keeps this lifecycle; the work on the session is done by steps that each run
// once and report their result: FolderSetupJob, FetchBatchJob, MoveJob.
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

    // The wait before the next attempt after `refusals` logins in a row were refused: 1, 2, 5,
    // 10, then every 15 minutes.
    static double loginRetryDelaySeconds(int refusals);

Q_SIGNALS:
    void batchReady(const Dmarc::MailboxBatch &batch);
    // The emails of the current batch that reached their destination folder.
    void emailsMoved(quint32 uidValidity, const QList<quint32> &uids, const QString &folder);
    // Once per poll: ok, or the error that ended it.
    void pollFinished(bool ok, const QString &error);
    void statusChanged(const Dmarc::MailboxStatus &status);
    void stopped();

private:
    void setActivity(MailboxStatus::Activity activity);
    void connectSession();
    void onSessionOpened(const Result<Imap::ImapSession *> &session);
    void onSessionClosed();
    void onIdling();
    void onUntagged(const Imap::ImapResponse &response);
    // Runs one step of a check on the session; `done` gets its result.
    template<typename Step, typename Value>
    void runStep(Step *step, void (MailboxWatcher::*done)(const Result<Value> &));
    void abandonStep();
    void onFoldersReady(const Result<Imap::FolderSetup> &setup);
    void fetchNextBatch();
    void onBatchFetched(const Result<Imap::NextBatch> &next);
    void onMovesDone(const Result<void> &moves);
    void finishPoll(bool mailArrived);
    void enterIdle();
    void startNewCheck();
    void leaveIdle();
    void failStep(const Error &error);
    void failPoll(const Error &error);
    void scheduleReconnect();
    void logout();
    bool isLoggingOut() const;
    void disposeSession();
    void finishStop();

    ImapSettings m_settings;
    // m_status.activity is the watcher's state; while Syncing, m_step says which step runs.
    MailboxStatus m_status;
    QObject *m_step = nullptr; // FolderSetupJob, FetchBatchJob or MoveJob
    bool m_stopping = false;
    bool m_checkRequested = false;
    bool m_newMail = false; // the inbox grew since the last IDLE began
    int m_failures = 0;
    int m_loginRefusals = 0; // in a row
    Imap::SessionOpener *m_opener;
    Imap::ImapSession *m_session = nullptr;
    QTimer *m_waitTimer;
    QTimer *m_idleRenewTimer;

    // Learned from the server in this session.
    QHash<QString, QString> m_folderOnServer; // configured name -> name used on the server
    quint32 m_uidValidity = 0;
    quint64 m_exists = 0;

    // The check in progress.
    Imap::InboxQueue m_queue;
    QList<quint32> m_awaiting; // the batch waiting for destinations
};

} // namespace Dmarc
