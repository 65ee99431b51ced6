#include "httpresponse.h"

#include <QTcpSocket>

namespace Dmarc {

namespace {

constexpr qint64 kWriteChunk = 1024 * 1024;

} // namespace

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

HttpResponse HttpResponse::text(int status, const QByteArray &message, bool keepAlive)
{
    HttpResponse response;
    response.status = status;
    response.headers << "Content-Type: text/plain; charset=utf-8";
    response.body << message;
    response.keepAlive = keepAlive;
    return response;
}

QByteArray HttpResponse::head() const
{
    qsizetype length = 0;
    for (const QByteArray &part : body)
        length += part.size();
    QByteArray text = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) +
                      "\r\nContent-Length: " + QByteArray::number(length) +
                      (keepAlive ? "\r\nConnection: keep-alive" : "\r\nConnection: close");
    for (const QByteArray &header : headers)
        text += "\r\n" + header;
    text += "\r\n\r\n";
    return text;
}

void ResponseWriter::start(const HttpResponse &response)
{
    m_pending = {response.head()};
    if (!response.headOnly)
        m_pending += response.body;
    m_offset = 0;
}

bool ResponseWriter::pump(QTcpSocket *socket)
{
    while (!m_pending.isEmpty() && socket->bytesToWrite() < kWriteChunk) {
        const QByteArray &part = m_pending.first();
        const qint64 size = qMin<qint64>(kWriteChunk, part.size() - m_offset);
        if (size > 0 && socket->write(part.constData() + m_offset, size) != size)
            return false;
        m_offset += size;
        if (m_offset >= part.size()) {
            m_pending.removeFirst();
            m_offset = 0;
        }
    }
    return true;
}

bool ResponseWriter::done(const QTcpSocket *socket) const
{
    return m_pending.isEmpty() && socket->bytesToWrite() == 0;
}

} // namespace Dmarc
