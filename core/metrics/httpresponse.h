#pragma once

#include <QByteArray>
#include <QList>

class QTcpSocket;

namespace Dmarc {

// One HTTP/1.1 response: the status, extra header lines and the body in parts, which are shared,
// never copied, so a large cached body costs nothing per client.
struct HttpResponse
{
    int status = 200;
    QList<QByteArray> headers; // "Name: value", without Content-Length and Connection
    QList<QByteArray> body;
    bool keepAlive = false;
    bool headOnly = false; // an answer to HEAD: the head alone

    // A text/plain answer such as "Not Found\n".
    static HttpResponse text(int status, const QByteArray &message, bool keepAlive);

    // The status line and the headers, Content-Length and Connection included.
    QByteArray head() const;
};

QByteArray reasonPhrase(int status);

// Writes one response at a time to a socket as the client reads it, keeping at most about one
// chunk queued in the socket, so a slow reader costs no memory beyond the shared body.
class ResponseWriter
{
public:
    void start(const HttpResponse &response);
    // Writes what the socket takes now; false when the socket refused a write.
    bool pump(QTcpSocket *socket);
    // Everything was handed to the socket and the socket has sent it.
    bool done(const QTcpSocket *socket) const;

private:
    QList<QByteArray> m_pending;
    qint64 m_offset = 0;
};

} // namespace Dmarc
