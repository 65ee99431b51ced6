#pragma once

#include "common/result.h"
#include "report/counters.h"
#include "report/outcome.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace Dmarc {

// One failed payload: which part, and why (code: "too_large", "malformed", "corrupt_archive").
struct PayloadFailure
{
    QString part; // e.g. "part 1.2 (report.xml.gz), member report.xml"
    Error error;  // message includes the XML line/column where one applies
};

// Everything one email produced, before deduplication: pure data, no I/O.
struct EmailAnalysis
{
    QString fromEmail;           // bare address of the outer first From, lower-cased; "" if none
    QString subject;             // decoded, for logs
    int candidates = 0;          // candidate payloads found (zip members counted one by one)
    QList<ReportCounts> reports; // every report that parsed, in email order
    QList<PayloadFailure> failures;

    // No candidate at all, or some candidate failed: the email counts as invalid once.
    bool invalid() const { return candidates == 0 || !failures.isEmpty(); }
    EmailVerdict verdict() const { return invalid() ? EmailVerdict::Error : EmailVerdict::Done; }
};

} // namespace Dmarc
