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
// Schema version 8: the TLS and failure reports of each activity line apart from the aggregate
// reports.
QStringList activityKindsMigration();

// Reads one more than the highest id of `table` (1 when empty) into `id`. Read in the write
// transaction that inserts with it, so that no other writer takes it meanwhile.
void addNextId(StatementBatch &batch, const QString &table, qint64 *id);
Result<qint64> nextId(const StoreConnection &connection, const QString &table);

// Writes the emails with their parts, the first taking the id `firstId`; the id of the email of
// each of the `rowCount` reports log entries to append (0 for an entry without one).
QList<qint64> addLoggedEmails(StatementBatch &batch, const QList<LoggedEmailRows> &emails,
                              qsizetype rowCount, qint64 firstId);
// Writes the details of the entries that have them; `rows` get the ids from `firstId` on.
void addReportDetails(StatementBatch &batch, const QList<ReportLogEntry> &rows, qint64 firstId);
// Drops the details and the emails of entries the reports log no longer holds.
void addReportDetailsPrune(StatementBatch &batch);

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
