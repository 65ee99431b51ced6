#include "httpconnection.h"

#include "common/log.h"
#include "common/logging.h"
#include "httpserver.h"

#include <QSslSocket>

#include <sys/socket.h>

namespace Dmarc {

namespace {

// How long a connection that ends reads and drops what the client still sends, and how much.
constexpr int kLingerMs = 2000;
constexpr qint64 kMaxLingerBytes = 4 * 1024 * 1024;
constexpr qint64 kLingerReadBuffer = 64 * 1024;

} // namespace

HttpConnection::HttpConnection(QTcpSocket *socket, const QHostAddress &client, HttpServer *server)
    : QObject(server)
    , m_socket(socket)
    , m_client(client)
    , m_server(server)
    , m_parser(server->settings().maxRequestHeadBytes)
{
    m_socket->setParent(this);
    m_socket->setReadBufferSize(server->settings().maxRequestHeadBytes + 1);
    // A response goes out in several writes (head, cached body, fresh self metrics); with
    // Nagle's algorithm the last small one would wait for the client's delayed ACK (40 ms).
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        if (m_phase != Phase::Lingering) {
            Log::write(lcHttp(), QtDebugMsg, QStringLiteral("Connection deadline passed; closing"),
                       {{QStringLiteral("client"), m_client.toString()}});
        }
        close();
    });
    connect(m_socket, &QIODevice::readyRead, this, &HttpConnection::readRequests);
    connect(m_socket, &QIODevice::bytesWritten, this, &HttpConnection::pump);
    connect(m_socket, &QAbstractSocket::disconnected, this, &HttpConnection::close);
    connect(m_socket, &QAbstractSocket::errorOccurred, this,
            [this](QAbstractSocket::SocketError) { close(); });
    if (auto *ssl = qobject_cast<QSslSocket *>(m_socket)) {
        connect(ssl, &QSslSocket::sslErrors, this, [this](const QList<QSslError> &) { close(); });
    }
    // The first request, TLS handshake included, has a shorter deadline than the next ones.
    m_deadline.start(server->settings().firstRequestTimeoutMs);
}

void HttpConnection::close()
{
    if (m_closed)
        return;
    m_closed = true;
    m_deadline.stop();
    m_socket->abort();
    m_server->connectionClosed(this);
    deleteLater();
}

void HttpConnection::readRequests()
{
    if (m_closed)
        return;
    if (m_phase == Phase::Lingering) {
        m_dropped += m_socket->skip(m_socket->bytesAvailable());
        if (m_dropped > kMaxLingerBytes)
            close();
        return;
    }
    if (m_phase != Phase::Reading)
        return; // read after the answer; meanwhile the socket's buffer limit holds the client
    if (m_parser.feed(m_socket->readAll()) == HttpRequestParser::State::NeedMore)
        return;
    handleParsed();
}

void HttpConnection::handleParsed()
{
    if (m_parser.state() == HttpRequestParser::State::Error) {
        const int status = m_parser.errorStatus();
        send(HttpResponse::text(status, reasonPhrase(status) + '\n', false));
        return;
    }
    if (m_parser.state() != HttpRequestParser::State::Complete)
        return;
    const HttpRequest request = m_parser.takeRequest();
    m_phase = Phase::Authorizing;
    m_deadline.start(m_server->settings().requestTimeoutMs);
    m_server->authorize(m_client, request, this, [this, request](bool authorized) {
        send(m_server->answer(request, authorized));
    });
}

void HttpConnection::send(const HttpResponse &response)
{
    if (m_closed)
        return; // closed while the password was checked
    m_phase = Phase::Writing;
    m_keepAlive = response.keepAlive;
    m_writer.start(response);
    m_deadline.start(m_server->settings().responseTimeoutMs);
    pump();
}

void HttpConnection::pump()
{
    if (m_closed || m_phase != Phase::Writing)
        return;
    if (!m_writer.pump(m_socket)) {
        close();
        return;
    }
    if (!m_writer.done(m_socket))
        return;
    if (!m_keepAlive) {
        linger();
        return;
    }
    m_phase = Phase::Reading;
    m_deadline.start(m_server->settings().requestTimeoutMs);
    // Requests that arrived while we were answering.
    if (m_parser.state() != HttpRequestParser::State::NeedMore)
        handleParsed();
    else if (m_socket->bytesAvailable() > 0)
        readRequests();
}

void HttpConnection::linger()
{
    // Closing with unread bytes would send a reset, which can destroy the answer before the
    // client reads it (a request head too large is answered before it has all arrived). So end
    // our side only, and drop what comes until the client closes or the moment has passed.
    m_phase = Phase::Lingering;
    ::shutdown(int(m_socket->socketDescriptor()), SHUT_WR);
    m_socket->setReadBufferSize(kLingerReadBuffer);
    m_deadline.start(kLingerMs);
    readRequests();
}

} // namespace Dmarc
