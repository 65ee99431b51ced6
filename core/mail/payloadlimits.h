#pragma once

#include <QtGlobal>

namespace Dmarc {

// Hard limits against decompression bombs (docs/counting.md section 1.5); configurable.
struct PayloadLimits
{
    qint64 maxPayloadBytes = qint64(256) * 1024 * 1024; // one decompressed payload
    int maxZipMembers = 64;
};

} // namespace Dmarc
