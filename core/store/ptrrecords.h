#pragma once

#include "common/result.h"
#include "storesql.h"
#include "storetypes.h"

#include <QList>
#include <QStringList>

namespace Dmarc {

// The reverse DNS answers the store keeps (table ptr_cache, docs/counting.md section 10.6): one
// row per source IP asked for, the latest answer replacing the one before.

// The schema version that adds ptr_cache.
QStringList ptrCacheMigration();

// The rows kept for `ips` (expired ones too), in the order of `ips`; an IP without a row is
// left out.
Result<QList<PtrRecord>> readPtrRecords(const StoreConnection &connection, const QStringList &ips);

// Keeps `records`, each replacing the row of its IP; in the open transaction.
Result<void> writePtrRecords(const StoreConnection &connection, const QList<PtrRecord> &records);

} // namespace Dmarc
