#pragma once

#include <QtGlobal>

namespace Dmarc {

// Hard limits against decompression bombs (docs/counting.md sections 1.5 and 8.2); configurable.
struct PayloadLimits
{
    qint64 maxPayloadBytes = qint64(256) * 1024 * 1024; // one decompressed payload
    int maxZipMembers = 64;
    int maxCandidateParts = 1000; // candidate parts of one email (docs/counting.md 1.5)
    qint64 maxTlsReportBytes = qint64(16) * 1024 * 1024; // one TLS report (docs/counting.md 8.2)
    // Label sets of one aggregate report; past it the report is refused (docs/counting.md 9.1).
    int maxLabelSetsPerReport = 10000;
};

} // namespace Dmarc
