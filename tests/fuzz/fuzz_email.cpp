// libFuzzer target: any file the exporter may be handed (an email with any MIME tree, a gzip, a
// zip, an XML or JSON report) through analyzeFile(), which walks, unpacks, parses and counts.

#include "analysis/emailanalyzer.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    // Small limits keep each input fast; the limit code paths are the same.
    Dmarc::PayloadLimits limits;
    limits.maxPayloadBytes = 4 * 1024 * 1024;
    limits.maxZipMembers = 8;
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    const Dmarc::EmailAnalysis analysis =
        Dmarc::analyzeFile(bytes, QStringLiteral("input"), limits);
    // Every candidate ends as a report of one kind or a failure.
    if (analysis.candidates != analysis.reports.size() + analysis.tlsReports.size() +
                                   analysis.failureReports.size() + analysis.failures.size())
        __builtin_trap();
    if (analysis.invalid() != (analysis.invalidDmarc() || analysis.invalidTls()))
        __builtin_trap();
    return 0;
}
