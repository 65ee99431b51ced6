#pragma once

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QString>
#include <QUdpSocket>

#include <optional>

namespace Dmarc::Test {

// One question of a DNS query (RFC 1035 section 4.1), as read from the wire.
struct DnsQuery
{
    quint16 id = 0;
    quint16 flags = 0;
    QString name; // lower case, without the final dot
    quint16 type = 0;
    quint16 qclass = 0;
    QByteArray question; // the question section as the client wrote it, to echo back
};

// Reads a query with exactly one question; names may use compression pointers. Nothing for
// anything else (short, truncated, a pointer loop, a label past 63 bytes, more questions).
std::optional<DnsQuery> parseDnsQuery(const QByteArray &message);

// A DNS server for PTR queries on loopback, port 0, over UDP. Each query name gets the
// behaviour set for it (names not set: NXDOMAIN), and every query received is counted, so a
// test can prove that a second query, or any packet at all, was never sent.
class DnsServer : public QObject
{
    Q_OBJECT
public:
    enum class Behaviour
    {
        Answer,        // NOERROR with the PTR record
        NoRecord,      // NOERROR without an answer
        NxDomain,      // NXDOMAIN
        ServerFailure, // SERVFAIL
        Silent,        // never answer
    };

    // Listens on address (127.0.0.1 unless told), port 0; isListening() says whether it could.
    explicit DnsServer(const QHostAddress &address = QHostAddress(QHostAddress::LocalHost),
                       QObject *parent = nullptr);

    bool isListening() const { return m_socket.state() == QAbstractSocket::BoundState; }
    QString address() const { return m_socket.localAddress().toString(); }
    quint16 port() const { return m_socket.localPort(); }

    // name is the query name ("7.2.0.192.in-addr.arpa"), ptr the name to answer with.
    void answer(const QString &name, const QString &ptr);
    void setBehaviour(const QString &name, Behaviour behaviour);

    int queryCount() const { return m_queryCount; }
    int queryCount(const QString &name) const { return m_queriesByName.value(name); }

Q_SIGNALS:
    void queryReceived(const QString &name);

private:
    struct Entry
    {
        Behaviour behaviour = Behaviour::NxDomain;
        QString ptr;
    };

    void readDatagrams();
    QByteArray reply(const DnsQuery &query) const;

    QUdpSocket m_socket;
    QHash<QString, Entry> m_entries;
    int m_queryCount = 0;
    QHash<QString, int> m_queriesByName;
};

} // namespace Dmarc::Test
