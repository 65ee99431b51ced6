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

// One leaf of an email's MIME tree (or a report file given alone): what the report view lists of
// an email, so that an invalid one shows what it held.
struct EmailPart
{
    enum class Kind
    {
        Report,        // a candidate for an aggregate or TLS report (docs/counting.md 1.2, 8.1)
        FailureReport, // message/feedback-report
        Other          // not a report
    };

    QString section; // "1", "2.1"; "" for a report file
    QString contentType;
    QString fileName;
    qint64 size = 0; // bytes as in the email, transfer encoding included
    Kind kind = Kind::Other;

    friend bool operator==(const EmailPart &a, const EmailPart &b)
    {
        return a.section == b.section && a.contentType == b.contentType &&
               a.fileName == b.fileName && a.size == b.size && a.kind == b.kind;
    }
};

// Parts an analysis lists; an email with more lists the first ones and counts the rest.
constexpr qsizetype kListedParts = 100;

inline QLatin1StringView partKindName(EmailPart::Kind kind)
{
    switch (kind) {
    case EmailPart::Kind::Report:
        return QLatin1StringView("report");
    case EmailPart::Kind::FailureReport:
        return QLatin1StringView("failure_report");
    case EmailPart::Kind::Other:
        break;
    }
    return QLatin1StringView("other");
}

inline EmailPart::Kind partKindFromName(QStringView name)
{
    for (const auto kind : {EmailPart::Kind::Report, EmailPart::Kind::FailureReport}) {
        if (name == partKindName(kind))
            return kind;
    }
    return EmailPart::Kind::Other;
}

// An email as the report view shows it: where it was, and what it held (the store keeps it with
// the email's lines of the reports log).
struct LoggedEmail
{
    QString account;
    QString mailbox;
    quint32 uid = 0;
    QString fromEmail;
    QString subject;
    qint64 size = 0;
    QList<EmailPart> parts;  // the first kListedParts leaves
    qsizetype partCount = 0; // every leaf
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
    qint64 size = 0;          // the email's (or the file's) bytes
    QList<EmailPart> parts;   // the first kListedParts leaves, depth-first
    qsizetype partCount = 0;  // every leaf, listed or not

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
