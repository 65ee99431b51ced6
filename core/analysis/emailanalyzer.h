#pragma once

#include "analysis/emailanalysis.h"
#include "mail/payloadlimits.h"

#include <QByteArray>
#include <QString>

namespace Dmarc {

// Everything one email yields (docs/counting.md sections 1, 2, 3 and 5): every candidate part is
// unpacked, parsed and counted, whatever failed before it. Pure: no I/O, never throws.
EmailAnalysis analyzeEmail(const QByteArray &raw, const PayloadLimits &limits);

// The same for a file given on its own: an email, an XML report, a gzip or a zip, told apart
// by the content (the name only labels failures). A report file has no From address.
EmailAnalysis analyzeFile(const QByteArray &contents, const QString &fileName,
                          const PayloadLimits &limits);

} // namespace Dmarc
