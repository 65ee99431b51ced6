#include "trayicon.h"

#include <QDesktopServices>
#include <QIcon>
#include <QMenu>

namespace Dmarc::Ui {

TrayIcon::TrayIcon(const QUrl &metricsUrl, QObject *parent)
    : QSystemTrayIcon(QIcon(QStringLiteral(":/icons/dmarc-metrics-exporter.svg")), parent)
    , m_menu(new QMenu)
{
    setToolTip(tr("DMARC metrics exporter"));
    m_menu->addAction(tr("Open metrics page"), this,
                      [metricsUrl] { QDesktopServices::openUrl(metricsUrl); });
    m_menu->addSeparator();
    m_menu->addAction(tr("Quit"), this, &TrayIcon::quitRequested);
    setContextMenu(m_menu);
}

TrayIcon::~TrayIcon()
{
    delete m_menu;
}

} // namespace Dmarc::Ui
