#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QMap>
#include <QObject>
#include <QString>

#include <functional>

class QTcpServer;
class QTcpSocket;

namespace Dmarc::Test {

// A scripted IMAP server on 127.0.0.1, port 0, without TLS. It plays a small, well-behaved
// mailbox (folders, UIDs, MOVE/COPY/STORE/EXPUNGE, IDLE, LOGIN/AUTHENTICATE) and lets a test
// replace the reply to any command to produce faults: silence, NO/BAD, garbage, a dropped
// connection, replies split across reads.
class FakeImapServer : public QObject
{
    Q_OBJECT
public:
    struct Message
    {
        quint32 uid = 0;
        QByteArray body;
        bool deleted = false;
        qint64 announcedSize = -1; // RFC822.SIZE to report; -1: the real size
    };

    class Connection
    {
    public:
        void write(const QByteArray &bytes);
        void close();
        // The next line from the client goes to `handler` instead of the command dispatcher.
        void expectLine(std::function<void(const QByteArray &line)> handler);

    private:
        friend class FakeImapServer;
        QTcpSocket *socket = nullptr;
        QByteArray buffer;
        qint64 literalLeft = -1;
        QByteArray command;
        std::function<void(const QByteArray &)> lineHandler;
        bool authenticated = false;
        QString selected;
    };

    // Replaces the reply to a command (upper-cased name such as "LOGIN" or "UID MOVE").
    // `arguments` is the rest of the line, literals inlined. Return false to use the default.
    using Handler = std::function<bool(Connection &connection, const QByteArray &tag,
                                       const QByteArray &arguments)>;

    explicit FakeImapServer(QObject *parent = nullptr);
    ~FakeImapServer() override;

    quint16 port() const;

    // Empty: the greeting is never sent.
    QByteArray greeting = "* OK fake IMAP ready\r\n";
    QByteArray capabilities = "IMAP4rev1 LITERAL+ UIDPLUS MOVE IDLE NAMESPACE SASL-IR AUTH=PLAIN "
                              "AUTH=XOAUTH2 AUTH=OAUTHBEARER";
    QByteArray personalNamespace = "((\"\" \"/\"))";
    quint32 uidValidity = 1234;
    QHash<QByteArray, Handler> handlers;

    void addMessage(const QString &folder, const QByteArray &body, qint64 announcedSize = -1);
    QList<Message> messages(const QString &folder) const { return m_folders.value(folder); }
    bool hasFolder(const QString &folder) const { return m_folders.contains(folder); }
    QStringList folders() const { return m_folders.keys(); }
    // Every command line received (literals inlined), and every other line (SASL, DONE).
    QList<QByteArray> received;
    QList<QByteArray> receivedWithName(const QByteArray &name) const;
    int connectionCount() const { return m_connectionCount; }
    // Tells idling clients that mail arrived.
    void notifyExists();

Q_SIGNALS:
    void commandReceived(const QByteArray &name);

private:
    void onNewConnection();
    void onReadyRead(Connection *connection);
    void dispatch(Connection &connection, const QByteArray &line);
    void defaultReply(Connection &connection, const QByteArray &tag, const QByteArray &name,
                      const QByteArray &arguments);
    void fetch(Connection &connection, const QByteArray &tag, const QByteArray &arguments);
    void transfer(Connection &connection, const QByteArray &tag, const QByteArray &arguments,
                  bool move);
    void expunge(Connection &connection, const QList<quint32> &only);

    QTcpServer *m_server;
    QList<Connection *> m_connections;
    QMap<QString, QList<Message>> m_folders;
    QHash<QString, quint32> m_nextUid;
    int m_connectionCount = 0;
};

} // namespace Dmarc::Test
