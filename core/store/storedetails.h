#pragma once

#include "commitplan.h"
#include "common/result.h"
#include "storesql.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace Dmarc {

// What the report view and the recent activity read beyond the counts: the details of each
// reports log entry (the reporter's address, the published policy, the first records), the email
// it came from with its parts, and the activity lines.

// Schema version 6: the tables of this file, and the email of each reports log entry.
QStringList reportDetailsMigration(const StoreDialect &dialect);
// Schema version 17: a report's records kept as one text in its details, not a row each.
QStringList reportRecordsMigration(const StoreDialect &dialect);
// Schema version 8: the TLS and failure reports of each activity line apart from the aggregate
// reports.
QStringList activityKindsMigration();

// One more than the highest id of `table` (1 when empty). Read in the write transaction that
// inserts with it, so that no other writer takes it meanwhile.
Result<qint64> nextId(const StoreConnection &connection, const QString &table);

// Writes the emails with their parts, the first taking the id `firstId`; the id of the email of
// each of the `rowCount` reports log entries to append (0 for an entry without one).
QList<qint64> addLoggedEmails(StatementBatch &batch, const QList<LoggedEmailRows> &emails,
                              qsizetype rowCount, qint64 firstId);
// Writes the details of the entries that have them; `rows` get the ids from `firstId` on.
void addReportDetails(StatementBatch &batch, const QList<ReportLogEntry> &rows, qint64 firstId);
// The keys of the reports log and of its emails as a commit finds them, read under the write
// lock.
struct ReportsLogKeys
{
    qint64 firstEntry = 1;  // the next entry's
    qint64 oldestEntry = 1; // the oldest entry's (firstEntry when the log is empty)
    qint64 firstEmail = 1;  // the same for the emails
    qint64 oldestEmail = 1;
    // The oldest email of the entries that stay when `surplus` entries more than the log keeps
    // are appended (addReportsLogKeys); none when none of them has one.
    std::optional<qint64> oldestKeptEmail;
};
void addReportsLogKeys(StatementBatch &batch, qsizetype surplus, ReportsLogKeys *keys);
// Drops the reports log's entries before `keptEntry` with their details, and the emails before
// `keptEmail` (none: no email is kept, and none is dropped either). Each a range of keys from
// the oldest, with both ends known to the writer: an engine that plans for a bound it cannot
// see, or for a table it has no statistics of (PostgreSQL), otherwise reads all of the table.
void addReportsLogPrune(StatementBatch &batch, const ReportsLogKeys &keys, qint64 keptEntry,
                        std::optional<qint64> keptEmail);

// The reports log's columns in the order readReportLogEntry() reads them.
QString reportsLogColumns();
ReportLogEntry readReportLogEntry(const QSqlQuery &query);

// The entry `id` of the reports log with all the store keeps of it; none when it is gone.
Result<std::optional<LoggedReportRecord>> readLoggedReport(const StoreConnection &connection,
                                                           qint64 id);

// Appends the records (setting their ids) and keeps the newest `keep`.
Result<void> writeActivity(const StoreConnection &connection, QList<ActivityRecord> &records,
                           int keep);
// The newest `limit` records, oldest first.
Result<QList<ActivityRecord>> readActivity(const StoreConnection &connection, int limit);

} // namespace Dmarc
