#include "storemigrator.h"

#include "store/storemigration.h"
#include "storeoptions.h"

namespace Dmarc {

Result<StoreMigration> migrateToDatabase(const Config &config, const QString &sqliteStore)
{
    return migrateStore(sqliteStore, storeLocationFor(config), storeOptionsFor(config));
}

} // namespace Dmarc
