#pragma once

#include <QSystemTrayIcon>
#include <QUrl>

class QMenu;

namespace Dmarc::Ui {

// The exporter's icon in the system tray, with a menu to open the metrics page or quit.
class TrayIcon : public QSystemTrayIcon
{
    Q_OBJECT
public:
    explicit TrayIcon(const QUrl &metricsUrl, QObject *parent = nullptr);
    ~TrayIcon() override;

Q_SIGNALS:
    void quitRequested();

private:
    QMenu *m_menu;
};

} // namespace Dmarc::Ui
