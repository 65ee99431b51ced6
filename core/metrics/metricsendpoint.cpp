#include "metricsendpoint.h"

#include "common/log.h"
#include "common/logging.h"
#include "httprequestparser.h"
#include "metricsregistry.h"
#include "passwordhash.h"

#include <QCryptographicHash>
#include <QFile>
#include <QList>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslSocket>
#include <QTcpServer>
#include <QTimer>

#include <functional>

namespace Dmarc {

namespace {

constexpr qint64 kWriteChunk = 1024 * 1024;
constexpr int kMaxCachedCredentials = 16;

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 431:
        return "Request Header Fields Too Large";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Error";
    }
}

const QByteArray kIndexPage = QByteArrayLiteral(
    "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>DMARC metrics exporter</title>"
    "</head>\n<body><h1>DMARC metrics exporter</h1>\n"
    "<p><a href=\"/metrics\">Metrics</a></p>\n</body></html>\n");

Result<QSslConfiguration> loadTls(const EndpointSettings &settings)
{
    if (!QSslSocket::supportsSsl())
        return Error{QStringLiteral("tls"), QStringLiteral("TLS is not available (no OpenSSL)")};
    const QList<QSslCertificate> chain = QSslCertificate::fromPath(settings.tlsCertFile);
    if (chain.isEmpty()) {
        return Error{QStringLiteral("tls"), QStringLiteral("TLS certificate file %1: no PEM "
                                                           "certificate could be read")
                                                .arg(settings.tlsCertFile)};
    }
    QFile keyFile(settings.tlsKeyFile);
    if (!keyFile.open(QIODevice::ReadOnly)) {
        return Error{
            QStringLiteral("tls"),
            QStringLiteral("TLS key file %1: %2").arg(settings.tlsKeyFile, keyFile.errorString())};
    }
    const QByteArray pem = keyFile.readAll();
    QSslKey key;
    for (QSsl::KeyAlgorithm algorithm : {QSsl::Rsa, QSsl::Ec, QSsl::Dsa}) {
        key = QSslKey(pem, algorithm, QSsl::Pem, QSsl::PrivateKey);
        if (!key.isNull())
            break;
    }
    if (key.isNull()) {
        return Error{QStringLiteral("tls"), QStringLiteral("TLS key file %1: no unencrypted PEM "
                                                           "private key could be read")
                                                .arg(settings.tlsKeyFile)};
    }
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setLocalCertificateChain(chain);
    configuration.setPrivateKey(key);
    configuration.setProtocol(QSsl::TlsV1_2OrLater);
    configuration.setPeerVerifyMode(QSslSocket::VerifyNone);
    return configuration;
}

} // namespace

// Hands accepted sockets to the endpoint instead of queueing them, so the connection cap and
// the deadline apply from the first byte, TLS handshake included.
class HttpListener : public QTcpServer
{
public:
    explicit HttpListener(std::function<void(qintptr)> accept)
        : m_accept(std::move(accept))
    {}

protected:
    void incomingConnection(qintptr socketDescriptor) override { m_accept(socketDescriptor); }

private:
    std::function<void(qintptr)> m_accept;
};

// One client connection: reads request heads, answers one request at a time, writes large
// bodies in chunks as the client reads them.
class HttpConnection : public QObject
{
public:
    HttpConnection(QTcpSocket *socket, MetricsEndpoint *endpoint)
        : m_socket(socket)
        , m_endpoint(endpoint)
        , m_parser(endpoint->m_settings.maxRequestHeadBytes)
    {
        m_socket->setParent(this);
        m_socket->setReadBufferSize(endpoint->m_settings.maxRequestHeadBytes + 1);
        // A response goes out in several writes (head, cached body, fresh self metrics); with
        // Nagle's algorithm the last small one would wait for the client's delayed ACK (40 ms).
        m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        m_deadline.setSingleShot(true);
        connect(&m_deadline, &QTimer::timeout, this, [this] {
            Log::write(lcHttp(), QtDebugMsg, QStringLiteral("Connection deadline passed; closing"),
                       {});
            m_socket->abort();
        });
        connect(m_socket, &QIODevice::readyRead, this, &HttpConnection::readRequests);
        connect(m_socket, &QIODevice::bytesWritten, this, &HttpConnection::pump);
        connect(m_socket, &QAbstractSocket::disconnected, this, &HttpConnection::close);
        connect(m_socket, &QAbstractSocket::errorOccurred, this,
                [this](QAbstractSocket::SocketError) { close(); });
        if (auto *ssl = qobject_cast<QSslSocket *>(m_socket)) {
            connect(ssl, &QSslSocket::sslErrors, this,
                    [this](const QList<QSslError> &) { m_socket->abort(); });
        }
        m_deadline.start(endpoint->m_settings.requestTimeoutMs);
    }

    void close()
    {
        if (m_closed)
            return;
        m_closed = true;
        m_deadline.stop();
        m_socket->abort();
        m_endpoint->connectionClosed(this);
        deleteLater();
    }

private:
    void readRequests()
    {
        if (m_closed || m_responding)
            return;
        const QByteArray bytes = m_socket->readAll();
        if (m_parser.feed(bytes) == HttpRequestParser::State::NeedMore)
            return;
        handleParsed();
    }

    void handleParsed()
    {
        if (m_parser.state() == HttpRequestParser::State::Error) {
            const int status = m_parser.errorStatus();
            respond(QByteArray(), status, {}, reasonPhrase(status) + '\n', false, false);
            return;
        }
        if (m_parser.state() != HttpRequestParser::State::Complete)
            return;
        serve(m_parser.takeRequest());
    }

    void serve(const HttpRequest &request)
    {
        const bool keepAlive = request.keepAlive() && !request.hasBody();
        const bool head = request.method == "HEAD";
        if (!m_endpoint->authorized(request)) {
            respond(request.path, 401,
                    {"WWW-Authenticate: Basic realm=\"dmarc-metrics-exporter\", charset=\"UTF-8\""},
                    "Unauthorized\n", keepAlive, head);
            return;
        }
        if (request.method != "GET" && !head) {
            respond(request.path, 405, {"Allow: GET, HEAD"}, "Method Not Allowed\n", keepAlive,
                    false);
            return;
        }
        if (request.path == "/metrics") {
            const Exposition exposition = m_endpoint->m_registry->exposition(request.acceptsGzip());
            QList<QByteArray> headers{"Content-Type: " + MetricsRegistry::contentType(),
                                      "Vary: Accept-Encoding"};
            if (exposition.gzip)
                headers << "Content-Encoding: gzip";
            respondParts(request.path, 200, headers, {exposition.cached, exposition.fresh},
                         keepAlive, head);
            return;
        }
        if (request.path == "/") {
            respond(request.path, 200, {"Content-Type: text/html; charset=utf-8"}, kIndexPage,
                    keepAlive, head);
            return;
        }
        respond(request.path, 404, {}, "Not Found\n", keepAlive, head);
    }

    void respond(const QByteArray &path, int status, const QList<QByteArray> &headers,
                 const QByteArray &body, bool keepAlive, bool headOnly)
    {
        QList<QByteArray> extra = headers;
        if (!body.isEmpty() && status != 200)
            extra << "Content-Type: text/plain; charset=utf-8";
        respondParts(path, status, extra, {body}, keepAlive, headOnly);
    }

    void respondParts(const QByteArray &path, int status, const QList<QByteArray> &headers,
                      const QList<QByteArray> &parts, bool keepAlive, bool headOnly)
    {
        qsizetype length = 0;
        for (const QByteArray &part : parts)
            length += part.size();
        QByteArray head = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) +
                          "\r\nContent-Length: " + QByteArray::number(length) +
                          (keepAlive ? "\r\nConnection: keep-alive" : "\r\nConnection: close");
        for (const QByteArray &header : headers)
            head += "\r\n" + header;
        head += "\r\n\r\n";

        m_pending = {head};
        if (!headOnly)
            m_pending += parts;
        m_offset = 0;
        m_keepAlive = keepAlive;
        m_responding = true;
        m_deadline.start(m_endpoint->m_settings.responseTimeoutMs);
        Q_EMIT m_endpoint->requestServed(path, status);
        pump();
    }

    // Keeps at most about one chunk queued in the socket, so a slow reader costs no memory
    // beyond the shared body.
    void pump()
    {
        if (m_closed || !m_responding)
            return;
        while (!m_pending.isEmpty() && m_socket->bytesToWrite() < kWriteChunk) {
            const QByteArray &part = m_pending.first();
            const qint64 size = qMin<qint64>(kWriteChunk, part.size() - m_offset);
            if (size > 0 && m_socket->write(part.constData() + m_offset, size) != size) {
                close();
                return;
            }
            m_offset += size;
            if (m_offset >= part.size()) {
                m_pending.removeFirst();
                m_offset = 0;
            }
        }
        if (!m_pending.isEmpty() || m_socket->bytesToWrite() > 0)
            return;
        m_responding = false;
        if (!m_keepAlive) {
            m_deadline.stop();
            m_socket->disconnectFromHost();
            return;
        }
        m_deadline.start(m_endpoint->m_settings.requestTimeoutMs);
        // Requests that arrived while we were writing.
        if (m_parser.state() != HttpRequestParser::State::NeedMore)
            handleParsed();
        else if (m_socket->bytesAvailable() > 0)
            readRequests();
    }

    QTcpSocket *m_socket;
    MetricsEndpoint *m_endpoint;
    HttpRequestParser m_parser;
    QTimer m_deadline;
    QList<QByteArray> m_pending;
    qint64 m_offset = 0;
    bool m_keepAlive = false;
    bool m_responding = false;
    bool m_closed = false;
};

MetricsEndpoint::MetricsEndpoint(MetricsRegistry *registry, QObject *parent)
    : QObject(parent)
    , m_registry(registry)
{}

MetricsEndpoint::~MetricsEndpoint()
{
    stop();
}

Result<void> MetricsEndpoint::start(const EndpointSettings &settings)
{
    stop();
    m_settings = settings;

    QHostAddress address;
    if (settings.listenAddress == QLatin1String("::"))
        address = QHostAddress::Any; // dual stack, as "::" listens on most systems
    else if (!address.setAddress(settings.listenAddress))
        return Error{
            QStringLiteral("listen_address"),
            QStringLiteral("listen address %1 is not an IP address").arg(settings.listenAddress)};

    const bool wantsTls = !settings.tlsCertFile.isEmpty() || !settings.tlsKeyFile.isEmpty();
    if (wantsTls) {
        if (settings.tlsCertFile.isEmpty() || settings.tlsKeyFile.isEmpty())
            return Error{QStringLiteral("tls"),
                         QStringLiteral("TLS needs both a certificate file and a key file")};
        auto tls = loadTls(settings);
        if (!tls.ok())
            return tls.error();
        m_tls = tls.value();
    }
    const bool wantsAuth =
        !settings.basicAuthUser.isEmpty() || !settings.basicAuthPasswordHash.isEmpty();
    if (wantsAuth) {
        if (settings.basicAuthUser.isEmpty() || settings.basicAuthPasswordHash.isEmpty())
            return Error{QStringLiteral("basic_auth"),
                         QStringLiteral("basic auth needs both a user and a password hash")};
        auto hash = PasswordHash::parse(settings.basicAuthPasswordHash.toUtf8());
        if (!hash.ok())
            return hash.error();
        m_passwordHash = std::make_unique<PasswordHash>(hash.value());
    }

    m_listener = std::make_unique<HttpListener>(
        [this](qintptr descriptor) { acceptConnection(descriptor); });
    if (!m_listener->listen(address, settings.port)) {
        const QString reason = m_listener->errorString();
        m_listener.reset();
        return Error{QStringLiteral("listen"), QStringLiteral("cannot listen on %1 port %2: %3")
                                                   .arg(settings.listenAddress)
                                                   .arg(settings.port)
                                                   .arg(reason)};
    }
    Log::info(lcHttp(), QStringLiteral("Serving metrics"),
              {{QStringLiteral("url"),
                QStringLiteral("%1://%2:%3/metrics")
                    .arg(m_tls ? QStringLiteral("https") : QStringLiteral("http"))
                    .arg(settings.listenAddress.contains(QLatin1Char(':'))
                             ? QLatin1Char('[') + settings.listenAddress + QLatin1Char(']')
                             : settings.listenAddress)
                    .arg(m_listener->serverPort())},
               {QStringLiteral("basic_auth"),
                m_passwordHash ? QStringLiteral("on") : QStringLiteral("off")}});
    return {};
}

void MetricsEndpoint::stop()
{
    if (m_listener)
        m_listener->close();
    m_listener.reset();
    const QSet<HttpConnection *> connections = m_connections;
    for (HttpConnection *connection : connections)
        connection->close();
    m_connections.clear();
    m_tls.reset();
    m_passwordHash.reset();
    m_acceptedCredentials.clear();
}

bool MetricsEndpoint::isListening() const
{
    return m_listener && m_listener->isListening();
}

QHostAddress MetricsEndpoint::serverAddress() const
{
    return m_listener ? m_listener->serverAddress() : QHostAddress();
}

quint16 MetricsEndpoint::serverPort() const
{
    return m_listener ? m_listener->serverPort() : 0;
}

void MetricsEndpoint::acceptConnection(qintptr socketDescriptor)
{
    QTcpSocket *socket = m_tls ? new QSslSocket : new QTcpSocket;
    if (!socket->setSocketDescriptor(socketDescriptor)) {
        delete socket;
        return;
    }
    if (m_connections.size() >= m_settings.maxConnections) {
        Log::write(lcHttp(), QtDebugMsg,
                   QStringLiteral("Connection limit reached; refusing a connection"),
                   {{QStringLiteral("limit"), QString::number(m_settings.maxConnections)}});
        socket->abort();
        delete socket;
        return;
    }
    if (auto *ssl = qobject_cast<QSslSocket *>(socket)) {
        ssl->setSslConfiguration(*m_tls);
        ssl->startServerEncryption();
    }
    m_connections.insert(new HttpConnection(socket, this));
}

void MetricsEndpoint::connectionClosed(HttpConnection *connection)
{
    m_connections.remove(connection);
}

bool MetricsEndpoint::authorized(const HttpRequest &request)
{
    if (!m_passwordHash)
        return true;
    const QByteArray authorization = request.header("authorization");
    if (!authorization.startsWith("Basic ") && !authorization.startsWith("basic "))
        return false;
    // bcrypt is slow on purpose; remember credentials that passed instead of re-hashing them
    // on every scrape.
    const QByteArray digest = QCryptographicHash::hash(authorization, QCryptographicHash::Sha256);
    if (m_acceptedCredentials.contains(digest))
        return true;
    const auto decoded = QByteArray::fromBase64Encoding(authorization.mid(6).trimmed(),
                                                        QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return false;
    const qsizetype colon = decoded.decoded.indexOf(':');
    if (colon < 0)
        return false;
    const bool userMatches =
        equalsInConstantTime(decoded.decoded.left(colon), m_settings.basicAuthUser.toUtf8());
    const bool passwordMatches = m_passwordHash->verify(decoded.decoded.mid(colon + 1));
    if (!userMatches || !passwordMatches) {
        Log::info(lcHttp(), QStringLiteral("Refused a request with wrong basic auth credentials"),
                  {});
        return false;
    }
    if (m_acceptedCredentials.size() >= kMaxCachedCredentials)
        m_acceptedCredentials.clear();
    m_acceptedCredentials.insert(digest);
    return true;
}

} // namespace Dmarc
