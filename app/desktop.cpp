#include "desktop.h"

#include "commandline.h"
#include "desktopshell.h"
#include "service/exporter.h"
#include "settingsdialog.h"
#include "translations.h"

#include <QApplication>

namespace Dmarc::App {

bool prepareConfiguration(CommandLine &commandLine)
{
    Ui::installTranslations();
    return Ui::SettingsDialog::ensureConfiguration(commandLine.configurationPath);
}

void attachDesktop(Exporter &exporter)
{
    Ui::installTranslations();
    // Closing windows never ends the service by itself: Quit, a signal, or closing the
    // dashboard on a desktop without a tray does.
    QApplication::setQuitOnLastWindowClosed(false);
    (new Ui::DesktopShell(exporter, &exporter))->start();
}

} // namespace Dmarc::App
