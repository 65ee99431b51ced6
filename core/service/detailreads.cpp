#include "detailreads.h"

#include "store/store.h"

#include <array>
#include <utility>

namespace Dmarc {

namespace {

// The store's name of each event.
constexpr std::array<std::pair<ActivityEntry::Event, QLatin1StringView>, 5> kEventNames = {{
    {ActivityEntry::Event::Done, QLatin1StringView("done")},
    {ActivityEntry::Event::Invalid, QLatin1StringView("invalid")},
    {ActivityEntry::Event::DecidedBefore, QLatin1StringView("decided_before")},
    {ActivityEntry::Event::NothingNew, QLatin1StringView("nothing_new")},
    {ActivityEntry::Event::CheckFailed, QLatin1StringView("check_failed")},
}};

} // namespace

LoggedReport loggedReportOf(const ReportLogEntry &e)
{
    return LoggedReport{e.orgName, e.reportId, e.dateBegin, e.dateEnd,     e.records, e.messages,
                        e.outcome, e.reason,   e.fromEmail, e.processedAt, e.id};
}

Result<LoggedReportDetails> loggedReportDetailsOf(const Store &store, qint64 id)
{
    const auto record = store.loggedReport(id);
    if (!record)
        return record.error();
    if (!*record) {
        return Error{QStringLiteral("gone"),
                     QStringLiteral("the reports log no longer holds this entry")};
    }
    const LoggedReportRecord &found = **record;
    LoggedReportDetails details;
    details.entry = loggedReportOf(found.entry);
    details.details = found.entry.details;
    details.email = found.email;
    for (const ReportLogEntry &other : found.otherEntriesOfEmail)
        details.otherEntriesOfEmail << loggedReportOf(other);
    return details;
}

ActivityRecord activityRecordOf(const ActivityEntry &entry)
{
    QString event;
    for (const auto &[value, name] : kEventNames) {
        if (value == entry.event)
            event = name;
    }
    return ActivityRecord{entry.id,         entry.at,     entry.account,   entry.host,
                          event,            entry.label,  entry.fromEmail, entry.counted,
                          entry.duplicates, entry.folder, entry.detail,    entry.tlsCounted,
                          entry.failuresCounted};
}

Result<QList<ActivityEntry>> recentActivityOf(const Store &store, int limit)
{
    const auto records = store.recentActivity(limit);
    if (!records)
        return records.error();
    QList<ActivityEntry> entries;
    entries.reserve(records->size());
    for (const ActivityRecord &r : *records) {
        ActivityEntry entry{
            r.id,     r.at,        r.account, r.host,       ActivityEntry::Event::Done,
            r.label,  r.fromEmail, r.counted, r.duplicates, r.folder,
            r.detail, r.tlsCounted, r.failuresCounted};
        for (const auto &[value, name] : kEventNames) {
            if (r.event == name)
                entry.event = value;
        }
        entries << entry;
    }
    return entries;
}

} // namespace Dmarc
