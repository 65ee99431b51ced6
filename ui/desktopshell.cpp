#include "desktopshell.h"

#include "common/log.h"
#include "common/logging.h"
#include "dashboardwindow.h"
#include "service/exporter.h"
#include "settingsdialog.h"
#include "trayicon.h"

#include <QMessageBox>

namespace Dmarc::Ui {

DesktopShell::DesktopShell(Exporter &exporter, QObject *parent)
    : QObject(parent)
    , m_exporter(exporter)
    , m_tray(new TrayIcon(exporter, this))
{
    connect(m_tray, &TrayIcon::dashboardRequested, this, &DesktopShell::showDashboard);
    connect(m_tray, &TrayIcon::settingsRequested, this, &DesktopShell::openSettings);
    connect(m_tray, &TrayIcon::quitRequested, &m_exporter, [this] { m_exporter.stop(); });
}

DesktopShell::~DesktopShell()
{
    delete m_dashboard;
    delete m_settings;
}

DashboardWindow *DesktopShell::dashboard() const
{
    return m_dashboard;
}

SettingsDialog *DesktopShell::settings() const
{
    return m_settings;
}

void DesktopShell::start()
{
    m_tray->show();
    if (!QSystemTrayIcon::isSystemTrayAvailable()) {
        Log::info(lcUi(), QStringLiteral("No system tray on this desktop: showing the dashboard"),
                  {});
        showDashboard();
    }
}

void DesktopShell::showDashboard()
{
    if (!m_dashboard) {
        m_dashboard = new DashboardWindow(m_exporter);
        m_dashboard->setAttribute(Qt::WA_DeleteOnClose);
        connect(m_dashboard, &DashboardWindow::settingsRequested, this,
                &DesktopShell::openSettings);
        // Without a tray the dashboard is the only way back to the service: closing it quits.
        // Queued: while `destroyed` is emitted the window still receives the exporter's signals.
        connect(
            m_dashboard, &QObject::destroyed, this,
            [this] {
                if (!QSystemTrayIcon::isSystemTrayAvailable())
                    m_exporter.stop();
            },
            Qt::QueuedConnection);
    }
    m_dashboard->show();
    m_dashboard->raise();
    m_dashboard->activateWindow();
    m_tray->acknowledge();
}

void DesktopShell::applySettings()
{
    // The same reload as on SIGHUP: accounts and endpoint anew, store and counters kept.
    const Result<QStringList> reloaded = m_exporter.reload();
    if (!reloaded) {
        m_lastSettingsResult = tr("The settings are saved, but the exporter runs on the previous "
                                  "ones: %1")
                                   .arg(reloaded.error().message);
        QMessageBox::warning(m_dashboard, tr("Settings not applied"), m_lastSettingsResult);
        return;
    }
    m_lastSettingsResult =
        reloaded->isEmpty()
            ? tr("The exporter uses the new settings.")
            : tr("The exporter uses the new settings; %1 take effect after a restart.")
                  .arg(reloaded->join(QStringLiteral(", ")));
    m_tray->showMessage(tr("Settings saved"), m_lastSettingsResult);
}

void DesktopShell::openSettings()
{
    if (!m_settings) {
        m_settings = new SettingsDialog(m_exporter.config().sourcePath, SettingsDialog::Mode::Edit,
                                        m_dashboard);
        m_settings->setAttribute(Qt::WA_DeleteOnClose);
        connect(m_settings, &QDialog::accepted, this, &DesktopShell::applySettings);
    }
    m_settings->show();
    m_settings->raise();
    m_settings->activateWindow();
}

} // namespace Dmarc::Ui
