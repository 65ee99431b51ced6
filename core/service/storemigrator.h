#pragma once

#include "common/result.h"
#include "config/config.h"
#include "store/storemigrationreport.h"

#include <QString>

namespace Dmarc {

// Copies the SQLite store `sqliteStore` (its file, or the storage folder holding it) into the
// PostgreSQL store that `config`'s database names, verified by counts and sums (README, "Moving
// to PostgreSQL"); a store migrated before is left as it is.
Result<StoreMigration> migrateToDatabase(const Config &config, const QString &sqliteStore);

} // namespace Dmarc
