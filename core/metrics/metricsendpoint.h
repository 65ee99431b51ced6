#pragma once

#include "common/result.h"
#include "endpointsettings.h"

#include <QHostAddress>
#include <QObject>
#include <QSet>
#include <QSslConfiguration>

#include <memory>
#include <optional>

namespace Dmarc {

class MetricsRegistry;
class PasswordHash;
class HttpConnection;
class HttpListener;
struct HttpRequest;

// Serves /metrics (text format 0.0.4, gzip when accepted) and a small index page over HTTP/1.1,
// optionally behind TLS and basic auth. Each connection has a deadline, the number of
// connections is capped, and request heads are parsed by HttpRequestParser.
class MetricsEndpoint : public QObject
{
    Q_OBJECT
public:
    explicit MetricsEndpoint(MetricsRegistry *registry, QObject *parent = nullptr);
    ~MetricsEndpoint() override;

    // Loads the TLS files and the password hash, then listens. Errors say which setting failed.
    Result<void> start(const EndpointSettings &settings);
    void stop();

    bool isListening() const;
    QHostAddress serverAddress() const;
    quint16 serverPort() const;
    bool usesTls() const { return m_tls.has_value(); }
    int connectionCount() const { return m_connections.size(); }

Q_SIGNALS:
    // After each response was queued, with its status (e.g. for logs and tests).
    void requestServed(const QByteArray &path, int status);

private:
    friend class HttpConnection;

    void acceptConnection(qintptr socketDescriptor);
    void connectionClosed(HttpConnection *connection);
    bool authorized(const HttpRequest &request);

    MetricsRegistry *m_registry;
    EndpointSettings m_settings;
    std::unique_ptr<HttpListener> m_listener;
    std::optional<QSslConfiguration> m_tls;
    std::unique_ptr<PasswordHash> m_passwordHash;
    QSet<QByteArray> m_acceptedCredentials; // digests of Authorization values already verified
    QSet<HttpConnection *> m_connections;
};

} // namespace Dmarc
