#pragma once

#include "common/result.h"
#include "failurereport/failurereport.h"
#include "report/counters.h"
#include "report/outcome.h"
#include "tlsrpt/tlsreport.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <algorithm>

namespace Dmarc {

// One failed payload: which part, and why (code: "too_large", "malformed", "corrupt_archive").
struct PayloadFailure
{
    QString part; // e.g. "part 1.2 (report.xml.gz), member report.xml"
    Error error;  // message includes the XML line/column where one applies
    // Aggregate for an XML payload, Tls for a JSON one; a payload whose container failed before
    // its first byte was seen is Tls only when its part is labelled so (docs/counting.md 8.4).
    ReportKind kind = ReportKind::Aggregate;
};

// Everything one email produced, before deduplication: pure data, no I/O.
struct EmailAnalysis
{
    QString fromEmail;           // bare address of the outer first From, lower-cased; "" if none
    QString subject;             // decoded, for logs
    int candidates = 0;          // candidates of every kind (zip members counted one by one)
    QList<ReportCounts> reports; // every aggregate report that parsed, in email order
    QList<TlsReport> tlsReports; // every TLS report that parsed, in email order
    QList<FailureReport> failureReports;
    QList<PayloadFailure> failures;
    bool mimeTooDeep = false; // MIME nesting past the walker's limit was read as a leaf

    // No candidate of any kind, or some candidate failed: the email counts as invalid
    // (docs/counting.md sections 5.1 and 8.4).
    bool invalid() const { return candidates == 0 || !failures.isEmpty(); }
    EmailVerdict verdict() const { return invalid() ? EmailVerdict::Error : EmailVerdict::Done; }

    // Which invalid counters the email adds one to, each once per email (docs/counting.md 8.4):
    // dmarc_invalid_reports_total when there was no candidate at all or an aggregate payload
    // failed, tlsrpt_invalid_reports_total when a TLS payload failed.
    bool invalidDmarc() const { return candidates == 0 || failedOf(ReportKind::Aggregate); }
    bool invalidTls() const { return failedOf(ReportKind::Tls); }

    // Why no candidate was found when the email's structure says why ("MIME nesting deeper than
    // 40 levels"); "" otherwise.
    QString noReportReason() const;
    // The failures as one line, "part: message; part: message", as many as fit in `maxLength`
    // characters (the first always), then "… and N more".
    QString failureSummary(qsizetype maxLength) const;

private:
    bool failedOf(ReportKind kind) const
    {
        return std::any_of(failures.cbegin(), failures.cend(),
                           [kind](const PayloadFailure &failure) { return failure.kind == kind; });
    }
};

} // namespace Dmarc
