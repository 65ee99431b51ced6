#include "autostart.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QStandardPaths>

namespace Dmarc::Ui::Autostart {

namespace {

// One argument of an Exec key: quoted, with the characters the specification reserves inside
// quotes escaped, and '%' doubled (field codes). The file's own escaping of '\' comes on top.
QString execArgument(const QString &argument)
{
    QString quoted;
    for (const QChar c : argument) {
        if (c == QLatin1Char('"') || c == QLatin1Char('`') || c == QLatin1Char('$') ||
            c == QLatin1Char('\\'))
            quoted += QLatin1Char('\\');
        quoted += c;
    }
    quoted.replace(QLatin1Char('%'), QStringLiteral("%%"));
    quoted.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

} // namespace

QString entryPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation) +
           QStringLiteral("/autostart/dmarc-metrics-exporter.desktop");
}

bool isEnabled()
{
    return QFileInfo::exists(entryPath());
}

Result<void> enable(const QString &configPath)
{
    const QString path = entryPath();
    if (!QDir().mkpath(QFileInfo(path).absolutePath()))
        return Error{QStringLiteral("io"),
                     QCoreApplication::translate("Dmarc::Ui::Autostart", "cannot create %1")
                         .arg(QFileInfo(path).absolutePath())};
    const QString exec = execArgument(QCoreApplication::applicationFilePath()) +
                         QStringLiteral(" --configuration ") +
                         execArgument(QFileInfo(configPath).absoluteFilePath());
    const QString entry = QStringLiteral("[Desktop Entry]\n"
                                         "Type=Application\n"
                                         "Name=DMARC Metrics Exporter\n"
                                         "Comment=Count DMARC reports and serve them to "
                                         "Prometheus\n"
                                         "Exec=%1\n"
                                         "Icon=dmarc-metrics-exporter\n"
                                         "Terminal=false\n"
                                         "X-GNOME-Autostart-Delay=5\n")
                              .arg(exec);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(entry.toUtf8()) < 0 || !file.commit())
        return Error{QStringLiteral("io"),
                     QCoreApplication::translate("Dmarc::Ui::Autostart", "cannot write %1: %2")
                         .arg(path, file.errorString())};
    return {};
}

Result<void> disable()
{
    QFile file(entryPath());
    if (file.exists() && !file.remove())
        return Error{QStringLiteral("io"),
                     QCoreApplication::translate("Dmarc::Ui::Autostart", "cannot remove %1: %2")
                         .arg(file.fileName(), file.errorString())};
    return {};
}

} // namespace Dmarc::Ui::Autostart
