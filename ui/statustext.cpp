#include "statustext.h"

#include <QCoreApplication>
#include <QLocale>

namespace Dmarc::Ui {

namespace {

// The translation context of the words below.
class StatusText
{
    Q_DECLARE_TR_FUNCTIONS(Dmarc::Ui::StatusText)
};

} // namespace

QString activityText(AccountStatus::Activity activity)
{
    switch (activity) {
    case AccountStatus::Activity::Stopped:
        return StatusText::tr("stopped");
    case AccountStatus::Activity::Connecting:
        return StatusText::tr("connecting");
    case AccountStatus::Activity::Checking:
        return StatusText::tr("checking");
    case AccountStatus::Activity::Processing:
        return StatusText::tr("processing");
    case AccountStatus::Activity::WaitingForMail:
        return StatusText::tr("waiting for mail");
    case AccountStatus::Activity::WaitingForPoll:
        return StatusText::tr("waiting for next check");
    case AccountStatus::Activity::Reconnecting:
        return StatusText::tr("reconnecting after an error");
    }
    return {};
}

QString modeText(const AccountStatus &status)
{
    return status.pushMode ? StatusText::tr("IDLE") : StatusText::tr("polling");
}

QString whenText(const QDateTime &when, const QDateTime &now)
{
    if (!when.isValid())
        return StatusText::tr("never");
    const QDateTime local = when.toLocalTime();
    if (local.date() == now.toLocalTime().date())
        return QLocale().toString(local.time(), QLocale::ShortFormat);
    return QLocale().toString(local, QLocale::ShortFormat);
}

QString nextCheckText(const AccountStatus &status, const QDateTime &now)
{
    if (status.activity == AccountStatus::Activity::Stopped)
        return StatusText::tr("paused");
    if (status.activity == AccountStatus::Activity::Reconnecting && status.nextAttempt.isValid())
        return whenText(status.nextAttempt, now);
    if (status.pushMode && status.connected)
        return StatusText::tr("on new mail");
    if (!status.lastSuccessfulPoll.isValid())
        return StatusText::tr("soon");
    return whenText(status.lastSuccessfulPoll.addMSecs(qint64(status.pollIntervalSeconds * 1000)),
                    now);
}

QString troubleText(const AccountStatus &status)
{
    using Trouble = AccountStatus::Trouble;
    switch (status.trouble) {
    case Trouble::None:
        return {};
    case Trouble::LoginRefused:
        return StatusText::tr("Login refused by %1 for user %2").arg(status.host, status.user);
    case Trouble::Certificate:
        return StatusText::tr("Certificate not trusted: issued by %1 for %2 (%3)")
            .arg(status.certificateIssuer.isEmpty() ? StatusText::tr("an unknown issuer")
                                                    : status.certificateIssuer,
                 status.certificateNames.isEmpty()
                     ? StatusText::tr("no name")
                     : status.certificateNames.join(QStringLiteral(", ")),
                 status.certificateProblems.join(QStringLiteral("; ")));
    case Trouble::Unreachable:
        return StatusText::tr("Server unreachable: %1").arg(status.lastError);
    case Trouble::Other:
        break;
    }
    return StatusText::tr("Mailbox check failed: %1").arg(status.lastError);
}

QString troubleLine(const AccountStatus &status, const QDateTime &now)
{
    const QString text = troubleText(status);
    if (text.isEmpty() || status.activity != AccountStatus::Activity::Reconnecting ||
        !status.nextAttempt.isValid())
        return text;
    return StatusText::tr("%1; next try at %2").arg(text, whenText(status.nextAttempt, now));
}

QString accountLine(const AccountStatus &status, const QDateTime &now)
{
    QString line = status.name + QStringLiteral(": ") + activityText(status.activity);
    if (status.connected)
        line += QStringLiteral(" (") + modeText(status) + QLatin1Char(')');
    line += QStringLiteral(", ") +
            StatusText::tr("last check %1").arg(whenText(status.lastSuccessfulPoll, now));
    if (status.trouble != AccountStatus::Trouble::None)
        line += QStringLiteral(" — ") + troubleLine(status, now);
    return line;
}

QString watcherText(const AccountStatus &status)
{
    if (status.watcher.isEmpty())
        return status.watchedHere ? QString() : StatusText::tr("Not watched by any instance");
    if (status.watchedHere)
        return StatusText::tr("Watched by %1 (this instance)").arg(status.watcher);
    return StatusText::tr("Watched by %1").arg(status.watcher);
}

} // namespace Dmarc::Ui
