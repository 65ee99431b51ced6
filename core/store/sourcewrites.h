#pragma once

#include "commitplan.h"
#include "common/result.h"
#include "storesql.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace Dmarc {

// The sending sources in the store (docs/counting.md section 10.7): per day, from domain and
// source IP the sums and the name (source_days), the reporters and passing DKIM and SPF domains
// seen there (source_day_domains), and per from domain and source name the counters the metrics
// serve (source_counters).

// The schema version that adds the tables of this file.
QStringList sourcesMigration(const StoreDialect &dialect);

// The kind column's value: "reporter", "dkim" or "spf".
QString sourceDomainKindName(SourceDomainKind kind);

// Adds the plan's source rows, in the open transaction.
Result<void> writeSources(const StoreConnection &connection, const CommitPlan &plan);

// The source counters in first-counted order.
Result<QList<SourceCounter>> readSourceCounters(const StoreConnection &connection);

} // namespace Dmarc
