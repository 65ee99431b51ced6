#pragma once

#include "config/config.h"
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

} // namespace Dmarc
