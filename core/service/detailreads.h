#pragma once

#include "common/result.h"
#include "service/activity.h"
#include "service/reportdetails.h"
#include "store/storetypes.h"

#include <QList>

namespace Dmarc {

class Store;

// The service's side of what the store keeps for the report view and the recent activity.
LoggedReport loggedReportOf(const ReportLogEntry &entry);
// The reports log entry `id` in full; an error when the log no longer holds it.
Result<LoggedReportDetails> loggedReportDetailsOf(const Store &store, qint64 id);

ActivityRecord activityRecordOf(const ActivityEntry &entry);
// The newest `limit` lines, oldest first.
Result<QList<ActivityEntry>> recentActivityOf(const Store &store, int limit);

} // namespace Dmarc
