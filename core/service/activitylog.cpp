#include "activitylog.h"

#include "common/log.h"
#include "common/logging.h"
#include "detailreads.h"
#include "store/store.h"

namespace Dmarc {

namespace {

// A failure's reason as long as a line of the activity should be.
constexpr qsizetype kDetailLength = 300;

ActivityEntry entryFor(const ImapSettings &account, ActivityEntry::Event event, qint64 nowSecs)
{
    ActivityEntry entry;
    entry.at = nowSecs;
    entry.account = account.displayName();
    entry.host = account.host;
    entry.event = event;
    return entry;
}

// Why an invalid email is invalid, in one line.
QString invalidReason(const ProcessedEmail &email)
{
    if (!email.refusals.isEmpty())
        return email.refusals.constFirst().message;
    const EmailAnalysis &analysis = email.analysis;
    if (!analysis.failures.isEmpty())
        return analysis.failureSummary(kDetailLength);
    const QString reason = analysis.noReportReason();
    return reason.isEmpty() ? QStringLiteral("no report found in the email") : reason;
}

} // namespace

QList<ActivityEntry> ActivityLog::emailsProcessed(const void *key, const ImapSettings &account,
                                                  const QList<ProcessedEmail> &emails,
                                                  qint64 nowSecs)
{
    if (m_asked.contains(key))
        m_mailSinceAsk.insert(key);
    QList<ActivityEntry> entries;
    for (const ProcessedEmail &email : emails) {
        const bool done = email.verdict == EmailVerdict::Done;
        ActivityEntry entry = entryFor(account,
                                       email.alreadyDecided ? ActivityEntry::Event::DecidedBefore
                                       : done               ? ActivityEntry::Event::Done
                                                            : ActivityEntry::Event::Invalid,
                                       nowSecs);
        entry.label = email.label;
        entry.fromEmail = email.analysis.fromEmail;
        entry.counted = quint64(email.reports.count(ReportOutcome::Counted));
        entry.duplicates = quint64(email.reports.count(ReportOutcome::Duplicate) +
                                   email.tlsReports.count(ReportOutcome::Duplicate));
        entry.tlsCounted = quint64(email.tlsReports.count(ReportOutcome::Counted));
        // Each failure report read is counted, whatever failed beside it (docs/counting.md
        // sections 8.4 and 8.6); none of an email decided before was read.
        entry.failuresCounted = quint64(email.analysis.failureReports.size());
        entry.folder = done ? account.doneFolder : account.errorFolder;
        if (entry.event == ActivityEntry::Event::Invalid)
            entry.detail = invalidReason(email);
        entries << entry;
    }
    return keep(entries);
}

void ActivityLog::checkAsked(const void *key)
{
    m_asked.insert(key);
    m_mailSinceAsk.remove(key);
}

QList<ActivityEntry> ActivityLog::checkEnded(const void *key, const ImapSettings &account, bool ok,
                                             const QString &error, qint64 nowSecs)
{
    const bool asked = m_asked.remove(key);
    const bool hadMail = m_mailSinceAsk.remove(key);
    if (ok) {
        m_lastError.remove(key);
        if (!asked || hadMail)
            return {};
        return keep({entryFor(account, ActivityEntry::Event::NothingNew, nowSecs)});
    }
    // A failing account retries on its own: its failure is told once, unless asked for.
    if (!asked && m_lastError.value(key) == error)
        return {};
    m_lastError.insert(key, error);
    ActivityEntry entry = entryFor(account, ActivityEntry::Event::CheckFailed, nowSecs);
    entry.detail = error;
    return keep({entry});
}

void ActivityLog::forget(const void *key)
{
    m_asked.remove(key);
    m_mailSinceAsk.remove(key);
    m_lastError.remove(key);
}

QList<ActivityEntry> ActivityLog::keep(QList<ActivityEntry> entries)
{
    if (entries.isEmpty())
        return entries;
    QList<ActivityRecord> records;
    records.reserve(entries.size());
    for (const ActivityEntry &entry : std::as_const(entries))
        records << activityRecordOf(entry);
    if (auto kept = m_store->appendActivity(records, kActivityKept); !kept) {
        Log::warning(lcStore(), QStringLiteral("Cannot keep the recent activity"),
                     {{QStringLiteral("error"), kept.error().message}});
        return entries;
    }
    for (qsizetype i = 0; i < entries.size(); ++i)
        entries[i].id = records.at(i).id;
    return entries;
}

} // namespace Dmarc
