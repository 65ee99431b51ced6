#pragma once

#include <QObject>

class QLocalServer;

namespace Dmarc::Ui {

// One desktop face per user. The first launch listens on a local socket in the user's runtime
// folder; a later launch finds it there, asks it to show itself, and ends.
class SingleInstance : public QObject
{
    Q_OBJECT
public:
    explicit SingleInstance(QObject *parent = nullptr);
    ~SingleInstance() override;

    // True when an instance of this user runs: it was asked to show its dashboard. Otherwise
    // this one answers later launches from now on.
    bool handOver();

    // $XDG_RUNTIME_DIR/dmarc-metrics-exporter.socket
    static QString socketPath();

Q_SIGNALS:
    // A later launch asked for this one.
    void activationRequested();

private:
    QLocalServer *m_server;
};

} // namespace Dmarc::Ui
