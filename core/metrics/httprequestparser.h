#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>

namespace Dmarc {

// One HTTP/1.x request head (we serve no request bodies).
struct HttpRequest
{
    QByteArray method;
    QByteArray target; // as sent
    QByteArray path;   // the target's path, without query string or absolute-form authority
    int versionMinor = 1;
    QList<QPair<QByteArray, QByteArray>> headers; // names lower-cased, values trimmed

    // The first header with this (lower-case) name, or a null QByteArray.
    QByteArray header(const QByteArray &name) const;
    // HTTP/1.1 keeps the connection unless "Connection: close"; 1.0 only with "keep-alive".
    bool keepAlive() const;
    // Content-Length > 0 or Transfer-Encoding: the client sends a body we do not read.
    bool hasBody() const;
    // Whether Accept-Encoding allows gzip (q > 0 for "gzip" or "*").
    bool acceptsGzip() const;
};

// An incremental HTTP/1.x request-head parser: bytes in, requests or an error status out.
// Pure: no I/O. Bytes after a complete head stay buffered for the next (pipelined) request.
class HttpRequestParser
{
public:
    enum class State
    {
        NeedMore,
        Complete,
        Error
    };

    explicit HttpRequestParser(int maxHeadBytes = 16 * 1024);

    // Appends bytes and parses as far as possible.
    State feed(const QByteArray &bytes);
    State state() const { return m_state; }
    // Valid when state() is Complete. Takes the request and parses what is buffered next.
    HttpRequest takeRequest();
    // Valid when state() is Error: 400, 431 (head too large) or 505 (version).
    int errorStatus() const { return m_errorStatus; }
    // Bytes buffered and not yet part of a returned request.
    qsizetype bufferedBytes() const { return m_buffer.size(); }

private:
    State parse();
    State fail(int status);

    int m_maxHeadBytes;
    QByteArray m_buffer;
    qsizetype m_scanFrom = 0; // where the search for the end of the head resumes
    State m_state = State::NeedMore;
    int m_errorStatus = 0;
    HttpRequest m_request;
};

} // namespace Dmarc
