#pragma once

#include <QObject>
#include <QPointer>

namespace Dmarc {
class Exporter;
}

namespace Dmarc::Ui {

class DashboardWindow;
class SettingsDialog;
class TrayIcon;

// The desktop face of one running exporter: the tray icon, the dashboard opened from it, and
// the settings dialog, whose saved settings the running exporter takes up at once. Without a
// system tray the dashboard opens at once and closing it stops the exporter; with a tray,
// closing windows leaves the service running.
class DesktopShell : public QObject
{
    Q_OBJECT
public:
    explicit DesktopShell(Exporter &exporter, QObject *parent = nullptr);
    ~DesktopShell() override;

    void start();
    void showDashboard();
    void openSettings();

    TrayIcon *tray() const { return m_tray; }
    DashboardWindow *dashboard() const;
    SettingsDialog *settings() const;
    // What the last saved settings came to, as the person was told.
    QString lastSettingsResult() const { return m_lastSettingsResult; }

private:
    // Saved settings take effect in the running exporter.
    void applySettings();

    Exporter &m_exporter;
    TrayIcon *m_tray;
    QPointer<DashboardWindow> m_dashboard;
    QPointer<SettingsDialog> m_settings;
    QString m_lastSettingsResult;
};

} // namespace Dmarc::Ui
