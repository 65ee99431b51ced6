#pragma once

#include <QObject>

class QSocketNotifier;

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

} // namespace Dmarc::App
