#pragma once

#include "service/accountstatus.h"
#include "service/emailoutcome.h"

#include <QDateTime>
#include <QString>

namespace Dmarc::Ui {

// Words for what the status views show, shared by the tray and the dashboard.
QString activityText(AccountStatus::Activity activity);
// "IDLE" or "polling".
QString modeText(const AccountStatus &status);
// "12:04" today, else a short date and time; "never" when invalid.
QString whenText(const QDateTime &when, const QDateTime &now);
// When the next poll is due: after an error the next try, for IDLE "on new mail", else the last
// success plus the interval.
QString nextCheckText(const AccountStatus &status, const QDateTime &now);
// Why the account's last check failed, in plain words: "Login refused by imap.example.com for
// user reports", "Certificate not trusted: issued by ... for ... (...)", "Server unreachable:
// ...". Empty when it did not fail.
QString troubleText(const AccountStatus &status);
// troubleText() and, while waiting to reconnect, when the next try is ("...; next try at 14:32").
QString troubleLine(const AccountStatus &status, const QDateTime &now);
// One line for the tray tooltip: "name: idle (IDLE), last check 12:04".
QString accountLine(const AccountStatus &status, const QDateTime &now);
// Where several instances share the database, which one watches the account: "Watched by
// host-1 (this instance)", "Watched by host-2" or "Not watched by any instance"; empty without
// a shared database (an account no instance watches is then not watched here either).
QString watcherText(const AccountStatus &status);

} // namespace Dmarc::Ui
