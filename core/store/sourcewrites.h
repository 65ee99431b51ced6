#pragma once

#include "commitplan.h"
#include "common/result.h"
#include "storesql.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace Dmarc {

// The sending sources in the store (docs/counting.md section 10.7): per day, from domain and
// source IP the sums, the name and the reporters and passing DKIM and SPF domains seen there
// (source_days), and per from domain and source name the counters the metrics serve
// (source_counters).

// The schema version that adds the tables of this file.
QStringList sourcesMigration(const StoreDialect &dialect);

// The CREATE TABLE of source_days: `laterColumns` (", ..." or empty) after the counters,
// `options` after the columns.
QString createSourceDays(const QString &laterColumns, const QString &options);

// The definition of source_days' column `domains` (schema version 13).
QString sourceDomainsColumn();

// The schema version (13) that keeps a source day's reporters and DKIM and SPF domains in its row
// of source_days (column `domains`) instead of a row each in source_day_domains, which it drops.
QStringList sourceDomainsMigration(const StoreDialect &dialect);

// The combinations of reporter, DKIM and SPF domain that a source day's `domains` holds, as
// commits appended them (the same combination may come more than once).
QList<SourceDayAuth> sourceDayAuth(const QString &text);

// The six counter columns of source_days (and of the sums per week), in the migration's order.
const QStringList &sourceDayCounters();
// Binds the columns a row of source_days or source_weeks starts with: its day (or week),
// from_domain, source_ip, source_name, source_type, then sourceDayCounters().
void bindSourceRow(BoundValues &bound, QDate period, const SourceDay &row);

// Adds the writes of the plan's source rows to `batch`.
void addSources(StatementBatch &batch, const CommitPlan &plan);

// The source counters in first-counted order.
Result<QList<SourceCounter>> readSourceCounters(const StoreConnection &connection);

} // namespace Dmarc
