#pragma once

#include <QLatin1StringView>
#include <QString>
#include <QStringView>

#include <initializer_list>
#include <optional>

namespace Dmarc {

// What becomes of an email once its outcome is committed (docs/counting.md section 5): it goes
// to the done folder or to the error folder.
enum class EmailVerdict
{
    Done,
    Error
};

// What becomes of one report found in an email (docs/counting.md sections 4 and 5).
enum class ReportOutcome
{
    Counted,
    Duplicate,
    Malformed // did not parse, or its container failed: the email is invalid
};

// Which kind of report a candidate holds (docs/counting.md section 8.1). A payload that fails
// counts on the invalid family of its kind: dmarc_invalid_reports_total for an aggregate report,
// tlsrpt_invalid_reports_total for a TLS report (section 8.4).
enum class ReportKind
{
    Aggregate, // DMARC aggregate report, XML
    Tls,       // SMTP TLS report, JSON
    Failure    // DMARC failure report, a message/feedback-report part
};

// Why a report that could be read is not counted (docs/counting.md section 9): the email is
// invalid, as for a report that failed, and the refusal has a counter of its own.
enum class Refusal
{
    LabelSetsPerReport, // the report has more label sets than limits.max_label_sets_per_report
    LabelSets,          // its new label sets would take the store past limits.max_label_sets
    ForeignDomain       // its policy domain is none of the configured `domains`
};

// One report of an email that was refused, and the sentence that says why with the figures.
struct ReportRefusal
{
    Refusal reason = Refusal::LabelSets;
    QString message;
};

// The one name of each value: metric labels, the store's columns, logs and the dashboard use
// these and no others.
inline QLatin1StringView outcomeName(EmailVerdict verdict)
{
    return verdict == EmailVerdict::Done ? QLatin1StringView("done") : QLatin1StringView("error");
}

inline QLatin1StringView outcomeName(ReportOutcome outcome)
{
    switch (outcome) {
    case ReportOutcome::Counted:
        return QLatin1StringView("counted");
    case ReportOutcome::Duplicate:
        return QLatin1StringView("duplicate");
    case ReportOutcome::Malformed:
        break;
    }
    return QLatin1StringView("malformed");
}

inline QLatin1StringView outcomeName(ReportKind kind)
{
    switch (kind) {
    case ReportKind::Aggregate:
        return QLatin1StringView("aggregate");
    case ReportKind::Tls:
        return QLatin1StringView("tls");
    case ReportKind::Failure:
        break;
    }
    return QLatin1StringView("failure");
}

inline QLatin1StringView outcomeName(Refusal refusal)
{
    switch (refusal) {
    case Refusal::LabelSetsPerReport:
        return QLatin1StringView("label_sets_per_report");
    case Refusal::LabelSets:
        return QLatin1StringView("label_sets");
    case Refusal::ForeignDomain:
        break;
    }
    return QLatin1StringView("foreign_domain");
}

// The value called `name`, looked up among `values`.
template<typename Value>
std::optional<Value> valueFromName(QStringView name, std::initializer_list<Value> values)
{
    for (const Value value : values) {
        if (name == outcomeName(value))
            return value;
    }
    return std::nullopt;
}

inline std::optional<EmailVerdict> emailVerdictFromName(QStringView name)
{
    return valueFromName(name, {EmailVerdict::Done, EmailVerdict::Error});
}

inline std::optional<ReportOutcome> reportOutcomeFromName(QStringView name)
{
    return valueFromName(
        name, {ReportOutcome::Counted, ReportOutcome::Duplicate, ReportOutcome::Malformed});
}

inline std::optional<ReportKind> reportKindFromName(QStringView name)
{
    return valueFromName(name, {ReportKind::Aggregate, ReportKind::Tls, ReportKind::Failure});
}

inline std::optional<Refusal> refusalFromName(QStringView name)
{
    return valueFromName(name,
                         {Refusal::LabelSetsPerReport, Refusal::LabelSets, Refusal::ForeignDomain});
}

} // namespace Dmarc
