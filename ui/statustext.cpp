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
    if (status.pushMode && status.connected)
        return StatusText::tr("on new mail");
    if (!status.lastSuccessfulPoll.isValid())
        return StatusText::tr("soon");
    return whenText(status.lastSuccessfulPoll.addMSecs(qint64(status.pollIntervalSeconds * 1000)),
                    now);
}

QString accountLine(const AccountStatus &status, const QDateTime &now)
{
    QString line = status.name + QStringLiteral(": ") + activityText(status.activity);
    if (status.connected)
        line += QStringLiteral(" (") + modeText(status) + QLatin1Char(')');
    line += QStringLiteral(", ") +
            StatusText::tr("last check %1").arg(whenText(status.lastSuccessfulPoll, now));
    if (!status.lastError.isEmpty())
        line += QStringLiteral(" — ") + status.lastError;
    return line;
}

QString processedLine(const EmailOutcome &email)
{
    if (email.alreadyDecided)
        return StatusText::tr("%1: decided before, moved now").arg(email.label);
    int counted = 0;
    int duplicates = 0;
    for (const ReportOutcome outcome : email.reports)
        (outcome == ReportOutcome::Counted ? counted : duplicates) += 1;
    QString line =
        StatusText::tr("%1 from %2: %n report(s) counted", nullptr, counted)
            .arg(email.label, email.analysis.fromEmail.isEmpty() ? StatusText::tr("(no sender)")
                                                                 : email.analysis.fromEmail);
    if (duplicates > 0)
        line += QStringLiteral(", ") + StatusText::tr("%n duplicate(s)", nullptr, duplicates);
    if (email.verdict == EmailVerdict::Error) {
        line += QStringLiteral(", ") + StatusText::tr("invalid");
        if (!email.analysis.failures.isEmpty())
            line += QStringLiteral(": ") + email.analysis.failures.first().error.message;
    }
    return line;
}

} // namespace Dmarc::Ui
