#include "dnsserver.h"

#include <QNetworkDatagram>
#include <QStringList>
#include <QtEndian>

namespace Dmarc::Test {

namespace {

constexpr int headerSize = 12;
constexpr quint16 typePtr = 12;
constexpr quint16 classIn = 1;

enum Rcode : quint16
{
    NoError = 0,
    FormErr = 1,
    ServFail = 2,
    NxDomain = 3
};

quint16 read16(const QByteArray &bytes, int at)
{
    return qFromBigEndian<quint16>(bytes.constData() + at);
}

void append16(QByteArray &bytes, quint16 value)
{
    bytes.append(char(value >> 8));
    bytes.append(char(value & 0xff));
}

// Reads the name at `at` (RFC 1035 section 4.1.4): labels, ended by a zero byte or a pointer.
// `end` becomes the offset after the name where it started, pointers not followed.
std::optional<QString> readName(const QByteArray &message, int at, int &end)
{
    QStringList labels;
    int length = 0;
    int jumps = 0;
    end = -1;
    for (;;) {
        if (at >= message.size())
            return std::nullopt;
        const auto size = quint8(message[at]);
        if ((size & 0xc0) == 0xc0) {
            if (at + 1 >= message.size() || ++jumps > 16)
                return std::nullopt;
            if (end < 0)
                end = at + 2;
            at = ((size & 0x3f) << 8) | quint8(message[at + 1]);
            continue;
        }
        if (size & 0xc0) // the reserved label types
            return std::nullopt;
        if (size == 0) {
            if (end < 0)
                end = at + 1;
            return labels.join(QLatin1Char('.')).toLower();
        }
        length += size + 1;
        if (at + 1 + size > message.size() || length > 255)
            return std::nullopt;
        labels.append(QString::fromLatin1(message.mid(at + 1, size)));
        at += 1 + size;
    }
}

QByteArray encodeName(const QString &name)
{
    QByteArray bytes;
    for (const QString &label : name.split(QLatin1Char('.'), Qt::SkipEmptyParts)) {
        const QByteArray text = label.toLatin1();
        bytes.append(char(text.size()));
        bytes.append(text);
    }
    bytes.append('\0');
    return bytes;
}

} // namespace

std::optional<DnsQuery> parseDnsQuery(const QByteArray &message)
{
    if (message.size() < headerSize || read16(message, 4) != 1)
        return std::nullopt;
    DnsQuery query;
    query.id = read16(message, 0);
    query.flags = read16(message, 2);
    int end = 0;
    const std::optional<QString> name = readName(message, headerSize, end);
    if (!name || end + 4 > message.size())
        return std::nullopt;
    query.name = *name;
    query.type = read16(message, end);
    query.qclass = read16(message, end + 2);
    query.question = message.mid(headerSize, end + 4 - headerSize);
    return query;
}

DnsServer::DnsServer(const QHostAddress &address, QObject *parent)
    : QObject(parent)
{
    m_socket.bind(address, 0);
    connect(&m_socket, &QUdpSocket::readyRead, this, &DnsServer::readDatagrams);
}

void DnsServer::answer(const QString &name, const QString &ptr)
{
    m_entries.insert(name, {Behaviour::Answer, ptr});
}

void DnsServer::setBehaviour(const QString &name, Behaviour behaviour)
{
    m_entries[name].behaviour = behaviour;
}

void DnsServer::readDatagrams()
{
    while (m_socket.hasPendingDatagrams()) {
        const QNetworkDatagram datagram = m_socket.receiveDatagram();
        const QByteArray message = datagram.data();
        const std::optional<DnsQuery> query = parseDnsQuery(message);
        ++m_queryCount;
        if (query)
            ++m_queriesByName[query->name];
        QByteArray answer;
        if (query) {
            answer = reply(*query);
        } else if (message.size() >= headerSize) { // the header at least: FORMERR
            answer = message.left(4);
            answer[2] = char(quint8(answer[2]) | 0x80);
            answer[3] = char(FormErr);
            answer.append(QByteArray(8, '\0'));
        }
        if (!answer.isEmpty())
            m_socket.writeDatagram(answer, datagram.senderAddress(),
                                   quint16(datagram.senderPort()));
        Q_EMIT queryReceived(query ? query->name : QString());
    }
}

// The reply to query, or nothing when the name is to stay silent.
QByteArray DnsServer::reply(const DnsQuery &query) const
{
    const Entry entry = m_entries.value(query.name);
    if (entry.behaviour == Behaviour::Silent)
        return {};
    const bool record =
        entry.behaviour == Behaviour::Answer && query.type == typePtr && query.qclass == classIn;
    quint16 rcode = NoError;
    if (entry.behaviour == Behaviour::NxDomain)
        rcode = NxDomain;
    else if (entry.behaviour == Behaviour::ServerFailure)
        rcode = ServFail;
    // QR, the query's opcode and RD, AA, RA, the rcode.
    const quint16 flags = 0x8000 | (query.flags & 0x7900) | 0x0400 | 0x0080 | rcode;

    QByteArray bytes;
    append16(bytes, query.id);
    append16(bytes, flags);
    append16(bytes, 1);              // QDCOUNT
    append16(bytes, record ? 1 : 0); // ANCOUNT
    append16(bytes, 0);              // NSCOUNT
    append16(bytes, 0);              // ARCOUNT
    bytes.append(query.question);
    if (record) {
        const QByteArray rdata = encodeName(entry.ptr);
        append16(bytes, 0xc000 | headerSize); // the owner: a pointer to the question's name
        append16(bytes, typePtr);
        append16(bytes, classIn);
        append16(bytes, 0);
        append16(bytes, 3600); // TTL
        append16(bytes, quint16(rdata.size()));
        bytes.append(rdata);
    }
    return bytes;
}

} // namespace Dmarc::Test
