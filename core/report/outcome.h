#pragma once

#include <QLatin1StringView>
#include <QStringView>

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

inline std::optional<EmailVerdict> emailVerdictFromName(QStringView name)
{
    for (EmailVerdict verdict : {EmailVerdict::Done, EmailVerdict::Error}) {
        if (name == outcomeName(verdict))
            return verdict;
    }
    return std::nullopt;
}

inline std::optional<ReportOutcome> reportOutcomeFromName(QStringView name)
{
    for (ReportOutcome outcome :
         {ReportOutcome::Counted, ReportOutcome::Duplicate, ReportOutcome::Malformed}) {
        if (name == outcomeName(outcome))
            return outcome;
    }
    return std::nullopt;
}

} // namespace Dmarc
