#pragma once

#include "analysis/emailanalysis.h"
#include "report/counters.h"
#include "service/dashboardtypes.h"

#include <QList>
#include <QString>

#include <optional>

namespace Dmarc {

// One entry of the reports log with everything the store keeps of it, for the report view.
struct LoggedReportDetails
{
    LoggedReport entry;
    // The reporter's address, the published policy and the first records of a report that was
    // read. Kept for entries logged since this release; none for a failure.
    std::optional<ReportDetails> details;
    // None for entries logged before this release.
    std::optional<LoggedEmail> email;
    // The other reports and failures of the same email.
    QList<LoggedReport> otherEntriesOfEmail;
};

} // namespace Dmarc
