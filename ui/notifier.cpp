#include "notifier.h"

#include "statustext.h"

#include <QDateTime>
#include <QTimer>

#include <algorithm>
#include <utility>

namespace Dmarc::Ui {

namespace {

// The title of a notice about one account alone.
QString troubleTitle(const AccountStatus &account)
{
    using Trouble = AccountStatus::Trouble;
    switch (account.trouble) {
    case Trouble::LoginRefused:
        return Notifier::tr("Mailbox %1: login refused").arg(account.name);
    case Trouble::Certificate:
        return Notifier::tr("Mailbox %1: certificate not trusted").arg(account.name);
    case Trouble::Unreachable:
        return Notifier::tr("Mailbox %1 unreachable").arg(account.name);
    case Trouble::None:
    case Trouble::Other:
        break;
    }
    return Notifier::tr("Mailbox %1 failed").arg(account.name);
}

} // namespace

NotificationPolicy::NotificationPolicy(qint64 minIntervalSecs)
    : m_minIntervalSecs(minIntervalSecs)
{}

void NotificationPolicy::knowFailingSources(const QList<FailingSource> &sources)
{
    for (const FailingSource &source : sources)
        m_failingSources.insert(source.key);
}

bool NotificationPolicy::addFailing(const QString &key)
{
    if (m_failingSources.contains(key))
        return false;
    m_failingSources.insert(key);
    ++m_newFailing;
    return true;
}

int NotificationPolicy::takeNewFailingSources()
{
    return std::exchange(m_newFailing, 0);
}

std::optional<Notice> NotificationPolicy::storeChanged(const StoreStatus &store, qint64 nowSecs)
{
    const QString previous = std::exchange(m_storeFault, store.usable ? QString() : store.reason);
    if (store.usable) {
        m_heldStore.reset(); // no longer news
        return std::nullopt;
    }
    if (m_heldStore)
        m_heldStore = store; // the newest word on it
    if (store.reason == previous)
        return std::nullopt;
    m_heldStore = store;
    return offer(Notice::Kind::StoreFailure, nowSecs);
}

std::optional<Notice> NotificationPolicy::accountChanged(const AccountStatus &account,
                                                         qint64 nowSecs)
{
    const AccountStatus::Trouble previous =
        m_troubles.value(account.name, AccountStatus::Trouble::None);
    m_troubles.insert(account.name, account.trouble);
    if (account.trouble == AccountStatus::Trouble::None) {
        m_heldAccounts.remove(account.name); // no longer news
        return std::nullopt;
    }
    if (account.trouble == previous)
        return std::nullopt;
    m_heldAccounts.insert(account.name, account);
    return offer(Notice::Kind::MailboxError, nowSecs);
}

std::optional<Notice> NotificationPolicy::emailsProcessed(const QList<EmailOutcome> &emails,
                                                          qint64 nowSecs)
{
    const int heldBefore = m_heldInvalid;
    for (const EmailOutcome &email : emails) {
        if (email.verdict == EmailVerdict::Error)
            ++m_heldInvalid;
    }
    if (m_heldInvalid == heldBefore)
        return std::nullopt;
    return offer(Notice::Kind::InvalidReport, nowSecs);
}

std::optional<Notice> NotificationPolicy::sourcesFailing(const QList<FailingSource> &sources,
                                                         qint64 nowSecs)
{
    const qsizetype heldBefore = m_heldSources.size();
    for (const FailingSource &source : sources) {
        if (addFailing(source.key)) {
            m_heldSources << Notifier::tr("%1 as %2: %Ln message(s) failed DMARC", nullptr,
                                          int(source.failed))
                                 .arg(source.key, source.fromDomains.join(QStringLiteral(", ")));
        }
    }
    if (m_heldSources.size() == heldBefore)
        return std::nullopt;
    return offer(Notice::Kind::FailingSource, nowSecs);
}

std::optional<qint64> NotificationPolicy::dueAt() const
{
    if (!m_heldStore && m_heldAccounts.isEmpty() && m_heldSources.isEmpty() && m_heldInvalid == 0)
        return std::nullopt;
    return m_lastShown ? *m_lastShown + m_minIntervalSecs : 0;
}

std::optional<Notice> NotificationPolicy::takeDue(qint64 nowSecs)
{
    const std::optional<qint64> due = dueAt();
    if (!due || nowSecs < *due)
        return std::nullopt;
    return take(nowSecs);
}

std::optional<Notice> NotificationPolicy::offer(Notice::Kind kind, qint64 nowSecs)
{
    // Kinds compare by importance: the smaller, the more important.
    if (m_lastShown && nowSecs - *m_lastShown < m_minIntervalSecs && kind >= m_lastKind)
        return std::nullopt;
    return take(nowSecs);
}

Notice NotificationPolicy::take(qint64 nowSecs)
{
    // One part per kind of news, the most important first; alone, a part has a title of its
    // own, together their counts are the title.
    struct Part
    {
        Notice::Kind kind;
        QString title;
        QString summary;
        QStringList lines;
    };
    QList<Part> parts;
    if (m_heldStore) {
        parts << Part{Notice::Kind::StoreFailure,
                      Notifier::tr("Reports could not be saved"),
                      Notifier::tr("Reports not saved"),
                      {Notifier::tr("Reports cannot be saved: %1. The emails stay in the inbox "
                                    "and are tried again.")
                           .arg(m_heldStore->reason),
                       m_heldStore->error}};
    }
    if (!m_heldAccounts.isEmpty()) {
        Part part{Notice::Kind::MailboxError,
                  troubleTitle(m_heldAccounts.first()),
                  Notifier::tr("%Ln mailbox problem(s)", nullptr, int(m_heldAccounts.size())),
                  {}};
        for (const AccountStatus &account : std::as_const(m_heldAccounts)) {
            part.lines << (m_heldAccounts.size() == 1
                               ? troubleText(account)
                               : account.name + QStringLiteral(": ") + troubleText(account));
        }
        if (m_heldAccounts.size() > 1)
            part.title = part.summary;
        parts << part;
    }
    if (!m_heldSources.isEmpty()) {
        const int count = int(m_heldSources.size());
        parts << Part{Notice::Kind::FailingSource,
                      Notifier::tr("%Ln new source(s) failing DMARC", nullptr, count),
                      Notifier::tr("%Ln new failing source(s)", nullptr, count), m_heldSources};
    }
    if (m_heldInvalid > 0) {
        parts << Part{
            Notice::Kind::InvalidReport,
            Notifier::tr("Invalid DMARC report"),
            Notifier::tr("%Ln invalid report(s)", nullptr, m_heldInvalid),
            {Notifier::tr("%Ln email(s) could not be read as a report; see Recent reports.", nullptr,
                          m_heldInvalid)}};
    }
    m_heldStore.reset();
    m_heldAccounts.clear();
    m_heldSources.clear();
    m_heldInvalid = 0;

    Notice notice{parts.first().kind, parts.first().title, QString()};
    QStringList summaries;
    QStringList lines;
    for (const Part &part : std::as_const(parts)) {
        summaries << part.summary;
        lines << part.lines;
    }
    if (parts.size() > 1)
        notice.title = summaries.join(QStringLiteral(", "));
    notice.message = lines.join(QLatin1Char('\n'));
    m_lastShown = nowSecs;
    m_lastKind = notice.kind;
    return notice;
}

Notifier::Notifier(qint64 minIntervalSecs, QObject *parent)
    : QObject(parent)
    , m_policy(minIntervalSecs)
    , m_clock([] { return QDateTime::currentSecsSinceEpoch(); })
    , m_timer(new QTimer(this))
{
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, &Notifier::deliverDue);
}

void Notifier::knowFailingSources(const QList<FailingSource> &sources)
{
    m_policy.knowFailingSources(sources);
}

void Notifier::sourcesFailing(const QList<FailingSource> &sources)
{
    deliver(m_policy.sourcesFailing(sources, m_clock()));
}

void Notifier::storeChanged(const StoreStatus &store)
{
    deliver(m_policy.storeChanged(store, m_clock()));
}

void Notifier::accountChanged(const AccountStatus &account)
{
    deliver(m_policy.accountChanged(account, m_clock()));
}

void Notifier::emailsProcessed(const QList<EmailOutcome> &emails)
{
    deliver(m_policy.emailsProcessed(emails, m_clock()));
}

void Notifier::deliverDue()
{
    deliver(m_policy.takeDue(m_clock()));
}

void Notifier::deliver(const std::optional<Notice> &notice)
{
    if (notice)
        Q_EMIT noticeReady(*notice);
    if (const std::optional<qint64> due = m_policy.dueAt())
        m_timer->start(int(std::clamp<qint64>(*due - m_clock(), 0, 24 * 3600) * 1000));
    else
        m_timer->stop();
}

} // namespace Dmarc::Ui
