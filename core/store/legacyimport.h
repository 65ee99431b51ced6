#pragma once

#include "common/result.h"
#include "storetypes.h"

namespace Dmarc {

// Reads the Python original's metrics.db (the pre-0.11 list, the 0.11 object, or what 1.3
// writes) into counters and invalid counts, in file order. Pure apart from reading the file.
Result<StoreSnapshot> readLegacyMetrics(const QString &path);

// The same, from the file's bytes; `path` only names the file in errors.
Result<StoreSnapshot> parseLegacyMetrics(const QByteArray &json, const QString &path);

} // namespace Dmarc
