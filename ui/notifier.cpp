#include "notifier.h"

#include <QCoreApplication>

#include <utility>

namespace Dmarc::Ui {

namespace {

// The translation context of the notices.
class Notifier
{
    Q_DECLARE_TR_FUNCTIONS(Dmarc::Ui::Notifier)
};

bool failing(const Counters &counters)
{
    return counters.compliant < counters.total;
}

QString sourceKey(const LabelSet &labels)
{
    return labels.fromDomain + QLatin1Char('\n') + labels.dkimDomain + QLatin1Char('\n') +
           labels.spfDomain;
}

} // namespace

NotificationPolicy::NotificationPolicy(qint64 minIntervalSecs)
    : m_minIntervalSecs(minIntervalSecs)
{}

void NotificationPolicy::knowFailingSources(const QList<LabelCounts> &counts)
{
    for (const LabelCounts &entry : counts) {
        if (failing(entry.counters))
            m_failingSources.insert(sourceKey(entry.labels));
    }
}

bool NotificationPolicy::addFailing(const LabelSet &labels)
{
    const QString key = sourceKey(labels);
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

bool NotificationPolicy::allow(const QString &key, qint64 nowSecs)
{
    const auto last = m_lastShown.constFind(key);
    if (last != m_lastShown.constEnd() && nowSecs - *last < m_minIntervalSecs)
        return false;
    m_lastShown.insert(key, nowSecs);
    return true;
}

std::optional<Notice> NotificationPolicy::accountChanged(const AccountStatus &account,
                                                         qint64 nowSecs)
{
    const QString error = account.lastError;
    const QString previous = m_accountErrors.value(account.name);
    m_accountErrors.insert(account.name, error);
    if (error.isEmpty() || error == previous ||
        !allow(QStringLiteral("mailbox:") + account.name, nowSecs))
        return std::nullopt;
    return Notice{Notice::Kind::MailboxError,
                  Notifier::tr("Mailbox %1 unreachable").arg(account.name), error};
}

QList<Notice> NotificationPolicy::emailsProcessed(const QList<EmailOutcome> &emails, qint64 nowSecs)
{
    QStringList newSources;
    int invalid = 0;
    for (const EmailOutcome &email : emails) {
        if (email.verdict == EmailVerdict::Error)
            ++invalid;
        for (const ReportCounts &report : email.analysis.reports) {
            for (const LabelCounts &entry : report.counts) {
                if (failing(entry.counters) && addFailing(entry.labels)) {
                    const LabelSet &l = entry.labels;
                    newSources << Notifier::tr("%1 via DKIM %2 / SPF %3 (reported by %4)")
                                      .arg(l.fromDomain,
                                           l.dkimDomain.isEmpty() ? QStringLiteral("–")
                                                                  : l.dkimDomain,
                                           l.spfDomain.isEmpty() ? QStringLiteral("–")
                                                                 : l.spfDomain,
                                           l.reporter);
                }
            }
        }
    }
    QList<Notice> notices;
    if (!newSources.isEmpty() && allow(QStringLiteral("failing"), nowSecs)) {
        notices.append(
            Notice{Notice::Kind::FailingSource,
                   Notifier::tr("%n new source(s) failing DMARC", nullptr, int(newSources.size())),
                   newSources.join(QLatin1Char('\n'))});
    }
    if (invalid > 0 && allow(QStringLiteral("invalid"), nowSecs)) {
        notices.append(
            Notice{Notice::Kind::InvalidReport, Notifier::tr("Invalid DMARC report"),
                   Notifier::tr("%n email(s) could not be read as a report; see Recent reports.",
                                nullptr, invalid)});
    }
    return notices;
}

} // namespace Dmarc::Ui
