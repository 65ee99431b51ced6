#include "desktop.h"

#include "common/log.h"
#include "common/logging.h"
#include "service/exporter.h"
#include "trayicon.h"

#include <QApplication>

namespace Dmarc::App {

void attachDesktop(Exporter &exporter)
{
    // The exporter keeps running with every window closed; Quit (or a signal) stops it.
    QApplication::setQuitOnLastWindowClosed(false);
    auto *tray = new Ui::TrayIcon(exporter.metricsUrl(), &exporter);
    QObject::connect(tray, &Ui::TrayIcon::quitRequested, &exporter,
                     [&exporter] { exporter.stop(); });
    if (!QSystemTrayIcon::isSystemTrayAvailable())
        Log::info(lcUi(),
                  QStringLiteral("No system tray on this desktop yet; the icon appears "
                                 "when one starts"),
                  {});
    tray->show();
}

} // namespace Dmarc::App
