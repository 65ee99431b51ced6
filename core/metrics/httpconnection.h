#pragma once

#include "httprequestparser.h"
#include "httpresponse.h"

#include <QHostAddress>
#include <QObject>
#include <QTimer>

class QTcpSocket;

namespace Dmarc {

class HttpServer;

// One client connection: reads request heads under a deadline, has each request authorized and
// answered by the server, one at a time, and writes the answer as the client reads it. A
// connection that ends after an answer sends its end first and then reads and drops what the
// client still sends for a moment, so the client reads the answer instead of a reset.
class HttpConnection : public QObject
{
public:
    HttpConnection(QTcpSocket *socket, const QHostAddress &client, HttpServer *server);

    const QHostAddress &client() const { return m_client; }
    void close();

private:
    enum class Phase
    {
        Reading,     // a request head
        Authorizing, // waiting for the password check
        Writing,     // an answer
        Lingering    // the answer is out and our side closed; dropping what still comes
    };

    void readRequests();
    void handleParsed();
    void send(const HttpResponse &response);
    void pump();
    void linger();

    QTcpSocket *m_socket;
    QHostAddress m_client;
    HttpServer *m_server;
    HttpRequestParser m_parser;
    ResponseWriter m_writer;
    QTimer m_deadline;
    Phase m_phase = Phase::Reading;
    bool m_keepAlive = false;
    qint64 m_dropped = 0; // bytes read and dropped while lingering
    bool m_closed = false;
};

} // namespace Dmarc
