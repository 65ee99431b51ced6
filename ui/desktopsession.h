#pragma once

#include <QObject>

#include <functional>
#include <memory>

namespace Dmarc {
class Exporter;
struct Config;
} // namespace Dmarc

namespace Dmarc::Ui {

class DesktopShell;
class SetupAssistant;
class SingleInstance;

// The desktop face from launch to running: one instance per user (a later launch shows this
// one's dashboard), the exporter started on a configuration the setup assistant made usable,
// then the tray icon, with the dashboard open after a setup.
class DesktopSession : public QObject
{
    Q_OBJECT
public:
    // `configPath` and `given` as for SetupAssistant.
    DesktopSession(const QString &configPath, bool given, QObject *parent = nullptr);
    ~DesktopSession() override;

    // Called with each configuration right before an exporter starts on it (logging).
    void setBeforeStart(std::function<void(const Config &)> beforeStart);

    // True when the exporter runs with its desktop face. False when this launch ends here:
    // `exitCode` is 0 when a running instance took over, 1 when the person gave up the setup.
    bool start(int *exitCode);

    Exporter *exporter() const { return m_exporter.get(); }
    DesktopShell *shell() const { return m_shell; }
    SetupAssistant &assistant() const { return *m_assistant; }

private:
    void activate();

    std::unique_ptr<SingleInstance> m_instance;
    std::unique_ptr<SetupAssistant> m_assistant;
    std::unique_ptr<Exporter> m_exporter;
    DesktopShell *m_shell = nullptr; // a child of the exporter
};

} // namespace Dmarc::Ui
