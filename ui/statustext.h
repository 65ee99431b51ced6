#pragma once

#include "imap/mailboxwatcher.h"
#include "service/pipeline.h"

#include <QDateTime>
#include <QString>

namespace Dmarc {
struct AccountState;
}

namespace Dmarc::Ui {

// Words for what the status views show, shared by the tray and the dashboard.
QString activityText(MailboxStatus::Activity activity);
// "IDLE" or "polling".
QString modeText(const MailboxStatus &status);
// "12:04" today, else a short date and time; "never" when invalid.
QString whenText(const QDateTime &when, const QDateTime &now);
// When the next poll is due: for IDLE "on new mail", else the last success plus the interval.
QString nextCheckText(const MailboxStatus &status, double pollIntervalSeconds,
                      const QDateTime &now);
// One line for the tray tooltip: "name: idle (IDLE), last check 12:04".
QString accountLine(const AccountState &account, const QDateTime &now);
// One line of the activity log for a processed email.
QString processedLine(const ProcessedEmail &email);

} // namespace Dmarc::Ui
