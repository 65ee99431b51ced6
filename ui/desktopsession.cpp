#include "desktopsession.h"

#include "common/log.h"
#include "common/logging.h"
#include "desktopshell.h"
#include "service/exporter.h"
#include "setupassistant.h"
#include "singleinstance.h"

#include <QApplication>
#include <QWidget>

namespace Dmarc::Ui {

DesktopSession::DesktopSession(const QString &configPath, bool given, QObject *parent)
    : QObject(parent)
    , m_instance(std::make_unique<SingleInstance>())
    , m_assistant(std::make_unique<SetupAssistant>(configPath, given))
{
    connect(m_instance.get(), &SingleInstance::activationRequested, this,
            &DesktopSession::activate);
}

DesktopSession::~DesktopSession() = default;

void DesktopSession::setBeforeStart(std::function<void(const Config &)> beforeStart)
{
    m_assistant->setBeforeStart(std::move(beforeStart));
}

bool DesktopSession::start(int *exitCode)
{
    // Closing windows never ends the service by itself: Quit, a signal, or closing the
    // dashboard on a desktop without a tray does.
    QApplication::setQuitOnLastWindowClosed(false);
    if (m_instance->handOver()) {
        *exitCode = 0;
        return false;
    }
    m_exporter = m_assistant->run();
    if (!m_exporter) {
        *exitCode = 1;
        return false;
    }
    m_shell = new DesktopShell(*m_exporter, m_exporter.get());
    m_shell->start();
    // After a setup the person wants to see the result, not only an icon.
    if (m_assistant->setUpNow())
        m_shell->showDashboard();
    *exitCode = 0;
    return true;
}

void DesktopSession::activate()
{
    Log::info(lcUi(), QStringLiteral("Launched again: showing this instance"), {});
    if (m_shell) {
        m_shell->showDashboard();
    } else if (QWidget *window = QApplication::activeModalWidget()) {
        // Still in the setup: its window comes to the front.
        window->raise();
        window->activateWindow();
    }
}

} // namespace Dmarc::Ui
