#pragma once

#include "common/result.h"
#include "store.h"
#include "storemigrationreport.h"
#include "storesql.h"

namespace Dmarc {

// Copies the SQLite store `source` (its file, or the storage folder that holds it) into the
// PostgreSQL store of `target` (README, "Moving to PostgreSQL"). The file is only read: the
// folder's lock is taken first (an exporter still counting into it is refused), a consistent
// copy of it is taken into a temporary folder, and an older schema is brought up to date on
// that copy. Then copyStore() runs between the copy and the database.
Result<StoreMigration> migrateStore(const QString &source, const StoreLocation &target,
                                    const StoreOptions &options);

// The rows of `tables` (in that order: a table after those it references) from `source` into
// `target`, in one write transaction of `target`: refused, with nothing written, when `target`
// holds rows in any of them that differ from the source's; nothing written either when it
// holds the same rows (`copied` false). After the copy each table must have as many rows in
// both and each of its number columns the same sum, else it is rolled back.
Result<StoreMigration> copyStore(const StoreConnection &source, const StoreConnection &target,
                                 const QStringList &tables);

} // namespace Dmarc
