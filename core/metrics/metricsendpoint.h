#pragma once

#include "common/result.h"
#include "endpointsettings.h"

#include <QHostAddress>
#include <QObject>
#include <QThread>

namespace Dmarc {

class HttpServer;
class MetricsRegistry;

// Serves /metrics (text format 0.0.4, gzip when accepted) and a small index page over HTTP/1.1,
// optionally behind TLS and basic auth. The HTTP side runs on a thread of its own (HttpServer)
// and serves an immutable snapshot of the registry's exposition, which this object, on the
// registry's thread, publishes after each change once that thread is free again: scrapes never
// wait for mail processing, and mail processing never waits for scrapes. The password checks run
// on a third thread (BasicAuth).
class MetricsEndpoint : public QObject
{
    Q_OBJECT
public:
    // One endpoint serves a registry: it takes the registry's change handler.
    explicit MetricsEndpoint(MetricsRegistry *registry, QObject *parent = nullptr);
    ~MetricsEndpoint() override;

    // Loads the TLS files and the password hash, then listens. Errors say which setting failed.
    Result<void> start(const EndpointSettings &settings);
    // Closes every connection and ends the thread.
    void stop();

    bool isListening() const { return m_server != nullptr; }
    QHostAddress serverAddress() const { return m_address; }
    quint16 serverPort() const { return m_port; }
    bool usesTls() const { return m_usesTls; }
    int connectionCount() const;

private:
    void publish();

    MetricsRegistry *m_registry;
    QThread m_thread;
    HttpServer *m_server = nullptr; // lives in m_thread
    QHostAddress m_address;
    quint16 m_port = 0;
    bool m_usesTls = false;
};

} // namespace Dmarc
