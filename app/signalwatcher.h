#pragma once

#include <QObject>

class QSocketNotifier;

namespace Dmarc {
struct Config;
}

namespace Dmarc::App {

// Turns SIGTERM and SIGINT, and SIGHUP, into Qt signals on the event loop (a self-pipe: nothing
// but a write() happens in the signal handler).
class SignalWatcher : public QObject
{
    Q_OBJECT
public:
    explicit SignalWatcher(QObject *parent = nullptr);
    ~SignalWatcher() override;

Q_SIGNALS:
    void terminationRequested(int signalNumber);
    void reloadRequested();

private:
    static void handle(int signalNumber);
    void readSignal();

    QSocketNotifier *m_notifier = nullptr;
};

// SIGHUP: reads the configuration file at `path` again. When it is valid, what can change in a
// running process is applied (the log level and format; `debug` keeps the level at debug) and
// taken into `running`, and one line names the keys applied and those that need a restart;
// when it is not, the error is logged and nothing changes. Values are never logged, only keys.
void reloadConfiguration(const QString &path, bool debug, Config &running);

} // namespace Dmarc::App
