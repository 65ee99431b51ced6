#pragma once

#include "config/config.h"
#include "store/store.h"
#include "store/storetypes.h"

namespace Dmarc {

// The store's options as the configuration sets them: the exporter and the import use the same.
inline StoreOptions storeOptionsFor(const Config &config)
{
    StoreOptions options;
    options.dedupMaxSeconds = config.deduplicationMaxSeconds;
    options.maxLabelSets = config.maxLabelSets;
    options.domains = config.domains;
    return options;
}

// Where the configuration puts the store: PostgreSQL with `database`, else SQLite in
// storage_path (which also offers the Python original's metrics.db to a new store).
inline StoreLocation storeLocationFor(const Config &config)
{
    return StoreLocation{config.storagePath, config.database};
}

} // namespace Dmarc
