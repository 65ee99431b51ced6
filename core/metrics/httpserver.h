#pragma once

#include "basicauth.h"
#include "endpointsettings.h"
#include "httpresponse.h"

#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QSet>
#include <QSslConfiguration>

#include <atomic>
#include <memory>
#include <optional>

namespace Dmarc {

class ExpositionSnapshot;
class HttpConnection;
class HttpListener;
struct HttpRequest;

// The HTTP side of the endpoint, on a thread of its own: accepts connections, holds the
// connection limits, and answers requests from the latest published exposition snapshot.
// Over the cap it stops accepting, so that new connections wait in the listen backlog until a
// connection ends; a client address over its own limit has its new connections closed.
class HttpServer : public QObject
{
public:
    HttpServer(const EndpointSettings &settings, std::optional<QSslConfiguration> tls,
               std::optional<PasswordHash> passwordHash);
    ~HttpServer() override;

    // Listens from the calling thread; move the server to its thread afterwards.
    bool listen(const QHostAddress &address, quint16 port);
    QString errorString() const;
    QHostAddress serverAddress() const;
    quint16 serverPort() const;
    // From any thread.
    int connectionCount() const { return m_connectionCount.load(); }

    // What /metrics serves from now on.
    void setSnapshot(std::shared_ptr<const ExpositionSnapshot> snapshot);

    // For the connections.
    const EndpointSettings &settings() const { return m_settings; }
    // Calls `done` with whether the request may be answered (see BasicAuth::check).
    void authorize(const QHostAddress &client, const HttpRequest &request, QObject *context,
                   BasicAuth::Done done);
    HttpResponse answer(const HttpRequest &request, bool authorized) const;
    void connectionClosed(HttpConnection *connection);

private:
    void accept(qintptr socketDescriptor);
    void setAccepting(bool accepting);

    EndpointSettings m_settings;
    std::optional<QSslConfiguration> m_tls;
    BasicAuth *m_auth = nullptr; // null without basic auth
    HttpListener *m_listener;
    std::shared_ptr<const ExpositionSnapshot> m_snapshot;
    QSet<HttpConnection *> m_connections;
    QHash<QHostAddress, int> m_perClient;
    std::atomic<int> m_connectionCount{0};
    bool m_accepting = true;
};

} // namespace Dmarc
