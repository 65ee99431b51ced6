#pragma once

#include "report/counters.h"
#include "service/accountstatus.h"
#include "service/emailoutcome.h"
#include "service/sourcetypes.h"
#include "service/storestatus.h"

#include <QHash>
#include <QList>
#include <QMap>
#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

class QTimer;

namespace Dmarc::Ui {

// A desktop notification to show.
struct Notice
{
    // The most important first.
    enum class Kind
    {
        StoreFailure, // reports cannot be saved: nothing is counted, no email moves
        MailboxError,
        FailingSource,
        InvalidReport
    };
    Kind kind = Kind::MailboxError;
    QString title;
    QString message;
};

// Decides which events deserve a desktop notification: a store that stops taking reports, or
// fails for a new reason (disk full, read-only, ...), an account whose check fails for a new
// reason (login refused, certificate not trusted, server unreachable, other), a source newly
// failing DMARC (docs/counting.md section 10.8), an invalid report. Shows at most one notice
// per `minIntervalSecs`, so that a broken mailbox does not flood the desktop and no notice
// replaces another at once: news within the interval are held and merged into one notice ("2
// new failing sources, 1 invalid report") that is due when the interval ends. Held news are
// never dropped, except a store's or an account's trouble that ended meanwhile. News more
// important than the notice last shown are shown at once, with everything held. Pure: the
// caller passes the time.
class NotificationPolicy
{
public:
    explicit NotificationPolicy(qint64 minIntervalSecs = 15 * 60);

    // The sources already known to fail (e.g. from the store at start): no notice for them.
    void knowFailingSources(const QList<FailingSource> &sources);
    // The notice to show now, if any; else the news are held (see dueAt()).
    std::optional<Notice> storeChanged(const StoreStatus &store, qint64 nowSecs);
    std::optional<Notice> accountChanged(const AccountStatus &account, qint64 nowSecs);
    std::optional<Notice> emailsProcessed(const QList<EmailOutcome> &emails, qint64 nowSecs);
    // The sources newly failing DMARC as the store has them now; those not known yet are news.
    std::optional<Notice> sourcesFailing(const QList<FailingSource> &sources, qint64 nowSecs);
    // When the held news may be shown; nothing when none are held.
    std::optional<qint64> dueAt() const;
    // The held news as one notice, when they are due at `nowSecs`.
    std::optional<Notice> takeDue(qint64 nowSecs);
    // Sources that started failing since the last call (for the tray's attention state).
    int takeNewFailingSources();

private:
    // Remembers the source; true when it was not known to fail before.
    bool addFailing(const QString &key);
    // The held news now when the interval allows news of `kind`, else nothing.
    std::optional<Notice> offer(Notice::Kind kind, qint64 nowSecs);
    // Everything held, as one notice shown at `nowSecs`.
    Notice take(qint64 nowSecs);

    qint64 m_minIntervalSecs;
    std::optional<qint64> m_lastShown;
    Notice::Kind m_lastKind = Notice::Kind::InvalidReport;
    QString m_storeFault; // the store's fault as last told; empty while it takes reports
    QHash<QString, AccountStatus::Trouble> m_troubles; // per account, as last told
    QSet<QString> m_failingSources;
    int m_newFailing = 0;
    // Held news.
    std::optional<StoreStatus> m_heldStore;
    QMap<QString, AccountStatus> m_heldAccounts; // by name
    QStringList m_heldSources;
    int m_heldInvalid = 0;
};

// Delivers the policy's notices: at once when it allows, else the merged held news when they
// are due, by a timer. The clock (seconds since the epoch) can be replaced for tests.
class Notifier : public QObject
{
    Q_OBJECT
public:
    using Clock = std::function<qint64()>;

    explicit Notifier(qint64 minIntervalSecs = 15 * 60, QObject *parent = nullptr);

    void setClock(Clock clock) { m_clock = std::move(clock); }
    void knowFailingSources(const QList<FailingSource> &sources);
    void sourcesFailing(const QList<FailingSource> &sources);
    void storeChanged(const StoreStatus &store);
    void accountChanged(const AccountStatus &account);
    void emailsProcessed(const QList<EmailOutcome> &emails);
    int takeNewFailingSources() { return m_policy.takeNewFailingSources(); }
    // Runs while news are held; delivers them when it fires.
    QTimer *timer() const { return m_timer; }

Q_SIGNALS:
    void noticeReady(const Dmarc::Ui::Notice &notice);

private:
    void deliver(const std::optional<Notice> &notice);
    void deliverDue();

    NotificationPolicy m_policy;
    Clock m_clock;
    QTimer *m_timer;
};

} // namespace Dmarc::Ui
