#include "httpserver.h"

#include "common/log.h"
#include "common/logging.h"
#include "httpconnection.h"
#include "httprequestparser.h"
#include "metricsregistry.h"

#include <QSslSocket>
#include <QTcpServer>

#include <functional>

namespace Dmarc {

namespace {

// Room in the listen backlog for connections that wait while the cap is reached.
constexpr int kListenBacklog = 1024;

const QByteArray kIndexPage = QByteArrayLiteral(
    "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>DMARC metrics exporter</title>"
    "</head>\n<body><h1>DMARC metrics exporter</h1>\n"
    "<p><a href=\"/metrics\">Metrics</a></p>\n</body></html>\n");

// IPv4 clients of a dual-stack socket count as the IPv4 address they are.
QHostAddress clientAddress(const QHostAddress &peer)
{
    bool isV4 = false;
    const quint32 v4 = peer.toIPv4Address(&isV4);
    return isV4 ? QHostAddress(v4) : peer;
}

} // namespace

// Hands accepted sockets to the server instead of queueing them, so the limits and the deadline
// apply from the first byte, TLS handshake included.
class HttpListener : public QTcpServer
{
public:
    HttpListener(std::function<void(qintptr)> accept, QObject *parent)
        : QTcpServer(parent)
        , m_accept(std::move(accept))
    {}

protected:
    void incomingConnection(qintptr socketDescriptor) override { m_accept(socketDescriptor); }

private:
    std::function<void(qintptr)> m_accept;
};

HttpServer::HttpServer(const EndpointSettings &settings, std::optional<QSslConfiguration> tls,
                       std::optional<PasswordHash> passwordHash)
    : m_settings(settings)
    , m_tls(std::move(tls))
    , m_listener(new HttpListener([this](qintptr descriptor) { accept(descriptor); }, this))
{
    if (passwordHash) {
        m_auth = new BasicAuth(settings.basicAuthUser.toUtf8(), *passwordHash,
                               settings.authFailureDelayMs, this);
    }
    m_listener->setListenBacklogSize(kListenBacklog);
}

HttpServer::~HttpServer()
{
    // Connections first: each one that ends may resume accepting, which needs the listener open.
    const QSet<HttpConnection *> connections = m_connections;
    for (HttpConnection *connection : connections)
        connection->close();
    m_listener->close();
}

bool HttpServer::listen(const QHostAddress &address, quint16 port)
{
    return m_listener->listen(address, port);
}

QString HttpServer::errorString() const
{
    return m_listener->errorString();
}

QHostAddress HttpServer::serverAddress() const
{
    return m_listener->serverAddress();
}

quint16 HttpServer::serverPort() const
{
    return m_listener->serverPort();
}

void HttpServer::setSnapshot(std::shared_ptr<const ExpositionSnapshot> snapshot)
{
    m_snapshot = std::move(snapshot);
}

void HttpServer::accept(qintptr socketDescriptor)
{
    QTcpSocket *socket = m_tls ? new QSslSocket : new QTcpSocket;
    if (!socket->setSocketDescriptor(socketDescriptor)) {
        delete socket;
        return;
    }
    const QHostAddress client = clientAddress(socket->peerAddress());
    int &fromClient = m_perClient[client];
    if (fromClient >= m_settings.maxConnectionsPerClient) {
        Log::write(
            lcHttp(), QtDebugMsg,
            QStringLiteral("Connection limit per client reached; closing a connection"),
            {{QStringLiteral("client"), client.toString()},
             {QStringLiteral("limit"), QString::number(m_settings.maxConnectionsPerClient)}});
        socket->abort();
        delete socket;
        return;
    }
    ++fromClient;
    if (auto *ssl = qobject_cast<QSslSocket *>(socket)) {
        ssl->setSslConfiguration(*m_tls);
        ssl->startServerEncryption();
    }
    m_connections.insert(new HttpConnection(socket, client, this));
    m_connectionCount = int(m_connections.size());
    if (m_connections.size() >= m_settings.maxConnections)
        setAccepting(false);
}

void HttpServer::connectionClosed(HttpConnection *connection)
{
    if (!m_connections.remove(connection))
        return;
    const auto it = m_perClient.find(connection->client());
    if (it != m_perClient.end() && --*it <= 0)
        m_perClient.erase(it);
    m_connectionCount = int(m_connections.size());
    if (m_connections.size() < m_settings.maxConnections)
        setAccepting(true);
}

void HttpServer::setAccepting(bool accepting)
{
    if (accepting == m_accepting)
        return;
    m_accepting = accepting;
    // QTcpServer accepts everything that is waiting once it is notified; with no room for
    // pending connections it stops at once and leaves the rest in the backlog. (It keeps none
    // pending: incomingConnection() takes each.)
    if (accepting) {
        m_listener->setMaxPendingConnections(1);
        m_listener->resumeAccepting();
    } else {
        Log::write(lcHttp(), QtDebugMsg,
                   QStringLiteral("Connection limit reached; new connections wait"),
                   {{QStringLiteral("limit"), QString::number(m_settings.maxConnections)}});
        m_listener->setMaxPendingConnections(0);
        m_listener->pauseAccepting();
    }
}

void HttpServer::authorize(const QHostAddress &client, const HttpRequest &request, QObject *context,
                           BasicAuth::Done done)
{
    if (!m_auth) {
        done(true);
        return;
    }
    m_auth->check(client, request.header("authorization"), context, std::move(done));
}

HttpResponse HttpServer::answer(const HttpRequest &request, bool authorized) const
{
    const bool keepAlive = request.keepAlive() && !request.hasBody();
    const bool head = request.method == "HEAD";
    HttpResponse response;
    if (!authorized) {
        response = HttpResponse::text(401, "Unauthorized\n", keepAlive);
        response.headers
            << "WWW-Authenticate: Basic realm=\"dmarc-metrics-exporter\", charset=\"UTF-8\"";
    } else if (request.method != "GET" && !head) {
        response = HttpResponse::text(405, "Method Not Allowed\n", keepAlive);
        response.headers << "Allow: GET, HEAD";
    } else if (request.path == "/metrics") {
        const Exposition exposition = m_snapshot->exposition(request.acceptsGzip());
        response.headers << "Content-Type: " + MetricsRegistry::contentType()
                         << "Vary: Accept-Encoding";
        if (exposition.gzip)
            response.headers << "Content-Encoding: gzip";
        response.body = {exposition.cached, exposition.fresh};
        response.keepAlive = keepAlive;
    } else if (request.path == "/") {
        response.headers << "Content-Type: text/html; charset=utf-8";
        response.body = {kIndexPage};
        response.keepAlive = keepAlive;
    } else {
        response = HttpResponse::text(404, "Not Found\n", keepAlive);
    }
    response.headOnly = head;
    return response;
}

} // namespace Dmarc
