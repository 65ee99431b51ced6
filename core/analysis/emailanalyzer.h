#pragma once

#include "analysis/emailanalysis.h"
#include "mail/payloadlimits.h"

#include <QByteArray>
#include <QString>

namespace Dmarc {

// Everything one email yields (docs/counting.md sections 1, 2, 3, 5 and 8): every candidate part
// is unpacked, read as an aggregate, TLS or failure report and counted, whatever failed before
// it. Pure: no I/O, never throws.
EmailAnalysis analyzeEmail(const QByteArray &raw, const PayloadLimits &limits);

// The same for a file given on its own: an email, an XML or JSON report, a gzip or a zip, told
// apart by the content (the name labels failures, and says TLS report when a container fails
// before its first byte). A report file has no From address.
EmailAnalysis analyzeFile(const QByteArray &contents, const QString &fileName,
                          const PayloadLimits &limits);

} // namespace Dmarc
