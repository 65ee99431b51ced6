#include "fakeimapserver.h"

#include "imap/imapcommand.h"
#include "imap/imapparser.h"

#include <QTcpServer>
#include <QTcpSocket>

namespace Dmarc::Test {

namespace {

QList<quint32> parseUidSet(const QByteArray &set)
{
    QList<quint32> uids;
    for (const QByteArray &range : set.split(',')) {
        const QList<QByteArray> ends = range.split(':');
        const quint32 first = ends.first().toUInt();
        const quint32 last = ends.last().toUInt();
        for (quint32 uid = first; uid <= last && uid != 0; ++uid)
            uids.append(uid);
    }
    return uids;
}

QList<Imap::ImapValue> values(const QByteArray &arguments)
{
    auto parsed = Imap::ImapResponseParser::parseValues(arguments);
    return parsed ? parsed.value() : QList<Imap::ImapValue>();
}

QByteArray quotedMailbox(const QString &name)
{
    return '"' + Imap::encodeMailboxName(name) + '"';
}

} // namespace

void FakeImapServer::Connection::write(const QByteArray &bytes)
{
    if (socket)
        socket->write(bytes);
}

void FakeImapServer::Connection::close()
{
    if (socket)
        socket->disconnectFromHost();
}

void FakeImapServer::Connection::expectLine(std::function<void(const QByteArray &)> handler)
{
    lineHandler = std::move(handler);
}

FakeImapServer::FakeImapServer(QObject *parent)
    : QObject(parent)
    , m_server(new QTcpServer(this))
{
    m_folders.insert(QStringLiteral("INBOX"), {});
    connect(m_server, &QTcpServer::newConnection, this, &FakeImapServer::onNewConnection);
    m_server->listen(QHostAddress::LocalHost, 0);
}

FakeImapServer::~FakeImapServer()
{
    for (Connection *connection : std::as_const(m_connections)) {
        if (connection->socket)
            connection->socket->abort();
        delete connection;
    }
}

quint16 FakeImapServer::port() const
{
    return m_server->serverPort();
}

void FakeImapServer::addMessage(const QString &folder, const QByteArray &body, qint64 announcedSize)
{
    const quint32 uid = ++m_nextUid[folder];
    m_folders[folder].append(Message{uid, body, false, announcedSize});
}

QList<QByteArray> FakeImapServer::receivedWithName(const QByteArray &name) const
{
    QList<QByteArray> out;
    for (const QByteArray &line : received) {
        const QByteArray rest = line.mid(line.indexOf(' ') + 1);
        if (rest.startsWith(QByteArray(name + ' ')) || rest == name)
            out.append(line);
    }
    return out;
}

void FakeImapServer::notifyExists()
{
    for (Connection *connection : std::as_const(m_connections)) {
        if (!connection->selected.isEmpty())
            connection->write("* " +
                              QByteArray::number(m_folders.value(connection->selected).size()) +
                              " EXISTS\r\n");
    }
}

void FakeImapServer::onNewConnection()
{
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        ++m_connectionCount;
        auto *connection = new Connection;
        connection->socket = socket;
        m_connections.append(connection);
        connect(socket, &QTcpSocket::readyRead, this,
                [this, connection]() { onReadyRead(connection); });
        connect(socket, &QTcpSocket::disconnected, this, [connection, socket]() {
            connection->socket = nullptr;
            socket->deleteLater();
        });
        connection->write(greeting);
    }
}

void FakeImapServer::onReadyRead(Connection *connection)
{
    if (!connection->socket)
        return;
    connection->buffer += connection->socket->readAll();
    for (;;) {
        if (connection->literalLeft >= 0) {
            if (connection->buffer.size() < connection->literalLeft)
                return;
            connection->command += connection->buffer.left(connection->literalLeft);
            connection->buffer.remove(0, connection->literalLeft);
            connection->literalLeft = -1;
        }
        const qsizetype end = connection->buffer.indexOf("\r\n");
        if (end < 0)
            return;
        const QByteArray line = connection->buffer.left(end);
        connection->buffer.remove(0, end + 2);
        if (connection->lineHandler && connection->command.isEmpty()) {
            received.append(line);
            const auto handler = std::move(connection->lineHandler);
            connection->lineHandler = nullptr;
            handler(line);
            continue;
        }
        connection->command += line;
        const qsizetype open = line.lastIndexOf('{');
        if (line.endsWith('}') && open >= 0) {
            const bool nonSync = line.endsWith("+}");
            connection->literalLeft =
                line.mid(open + 1, line.size() - open - (nonSync ? 3 : 2)).toLongLong();
            connection->command += "\r\n";
            if (!nonSync)
                connection->write("+ go ahead\r\n");
            continue;
        }
        const QByteArray command = std::move(connection->command);
        connection->command.clear();
        dispatch(*connection, command);
        if (!connection->socket)
            return;
    }
}

void FakeImapServer::dispatch(Connection &connection, const QByteArray &line)
{
    received.append(line);
    QList<QByteArray> words = line.split(' ');
    const QByteArray tag = words.value(0);
    QByteArray name = words.value(1).toUpper();
    int used = 2;
    if (name == "UID") {
        name += ' ' + words.value(2).toUpper();
        used = 3;
    }
    QByteArray arguments;
    qsizetype pos = 0;
    for (int i = 0; i < used && pos >= 0; ++i)
        pos = line.indexOf(' ', pos + (i ? 1 : 0));
    if (pos >= 0)
        arguments = line.mid(pos + 1);
    Q_EMIT commandReceived(name);
    if (const auto handler = handlers.value(name); handler && handler(connection, tag, arguments))
        return;
    defaultReply(connection, tag, name, arguments);
}

void FakeImapServer::defaultReply(Connection &connection, const QByteArray &tag,
                                  const QByteArray &name, const QByteArray &arguments)
{
    const QList<Imap::ImapValue> args = values(arguments);
    const QByteArray ok = tag + " OK done\r\n";
    if (name == "CAPABILITY") {
        connection.write("* CAPABILITY " + capabilities + "\r\n" + ok);
    } else if (name == "NOOP") {
        connection.write(ok);
    } else if (name == "LOGIN") {
        if (args.value(1).text() == "wrong") {
            connection.write(tag + " NO [AUTHENTICATIONFAILED] wrong password\r\n");
            return;
        }
        connection.authenticated = true;
        connection.write(ok);
    } else if (name == "AUTHENTICATE") {
        const auto finish = [this, &connection, tag](const QByteArray &) {
            connection.authenticated = true;
            connection.write(tag + " OK authenticated\r\n");
        };
        if (args.size() > 1) {
            finish(args.at(1).text());
        } else {
            connection.expectLine(finish);
            connection.write("+ \r\n");
        }
    } else if (name == "LIST") {
        QByteArray out;
        for (auto it = m_folders.cbegin(); it != m_folders.cend(); ++it)
            out += "* LIST () \"/\" " + quotedMailbox(it.key()) + "\r\n";
        connection.write(out + ok);
    } else if (name == "NAMESPACE") {
        connection.write("* NAMESPACE " + personalNamespace + " NIL NIL\r\n" + ok);
    } else if (name == "CREATE") {
        const QString folder = Imap::decodeMailboxName(args.value(0).text());
        if (m_folders.contains(folder)) {
            connection.write(tag + " NO [ALREADYEXISTS] exists\r\n");
            return;
        }
        m_folders.insert(folder, {});
        connection.write(ok);
    } else if (name == "SELECT") {
        const QString folder = Imap::decodeMailboxName(args.value(0).text());
        if (!m_folders.contains(folder)) {
            connection.write(tag + " NO no such mailbox\r\n");
            return;
        }
        connection.selected = folder;
        connection.write("* " + QByteArray::number(m_folders.value(folder).size()) +
                         " EXISTS\r\n* OK [UIDVALIDITY " + QByteArray::number(uidValidity) +
                         "] ok\r\n" + tag + " OK [READ-WRITE] selected\r\n");
    } else if (name == "UID SEARCH") {
        QByteArray out = "* SEARCH";
        for (const Message &message : m_folders.value(connection.selected)) {
            if (!message.deleted)
                out += ' ' + QByteArray::number(message.uid);
        }
        connection.write(out + "\r\n" + ok);
    } else if (name == "UID FETCH") {
        fetch(connection, tag, arguments);
    } else if (name == "UID MOVE" || name == "UID COPY") {
        transfer(connection, tag, arguments, name == "UID MOVE");
    } else if (name == "UID STORE") {
        const QList<quint32> uids = parseUidSet(args.value(0).text());
        for (Message &message : m_folders[connection.selected]) {
            if (uids.contains(message.uid))
                message.deleted = true;
        }
        connection.write(ok);
    } else if (name == "UID EXPUNGE") {
        expunge(connection, parseUidSet(args.value(0).text()));
        connection.write(ok);
    } else if (name == "EXPUNGE") {
        expunge(connection, {});
        connection.write(ok);
    } else if (name == "IDLE") {
        connection.expectLine([&connection, tag](const QByteArray &line) {
            connection.write(line == "DONE" ? QByteArray(tag + " OK idle done\r\n")
                                            : QByteArray(tag + " BAD expected DONE\r\n"));
        });
        connection.write("+ idling\r\n");
    } else if (name == "LOGOUT") {
        connection.write("* BYE logging out\r\n" + ok);
        connection.close();
    } else {
        connection.write(tag + " BAD unknown command\r\n");
    }
}

void FakeImapServer::fetch(Connection &connection, const QByteArray &tag,
                           const QByteArray &arguments)
{
    const QList<quint32> uids = parseUidSet(arguments.left(arguments.indexOf(' ')));
    const bool body = arguments.contains("BODY.PEEK[]");
    QByteArray out;
    const QList<Message> &messages = m_folders[connection.selected];
    for (int i = 0; i < messages.size(); ++i) {
        const Message &message = messages.at(i);
        if (!uids.contains(message.uid))
            continue;
        out += "* " + QByteArray::number(i + 1) + " FETCH (UID " + QByteArray::number(message.uid);
        if (body)
            out += " BODY[] {" + QByteArray::number(message.body.size()) + "}\r\n" + message.body;
        else
            out += " RFC822.SIZE " + QByteArray::number(message.announcedSize >= 0
                                                            ? message.announcedSize
                                                            : message.body.size());
        out += ")\r\n";
    }
    connection.write(out + tag + " OK fetched\r\n");
}

void FakeImapServer::transfer(Connection &connection, const QByteArray &tag,
                              const QByteArray &arguments, bool move)
{
    const QList<Imap::ImapValue> args = values(arguments);
    const QList<quint32> uids = parseUidSet(args.value(0).text());
    const QString target = Imap::decodeMailboxName(args.value(1).text());
    if (!m_folders.contains(target)) {
        connection.write(tag + " NO [TRYCREATE] no such mailbox\r\n");
        return;
    }
    for (const Message &message : m_folders.value(connection.selected)) {
        if (uids.contains(message.uid))
            addMessage(target, message.body);
    }
    if (move) {
        for (Message &message : m_folders[connection.selected]) {
            if (uids.contains(message.uid))
                message.deleted = true;
        }
        expunge(connection, uids);
    }
    connection.write(tag + " OK transferred\r\n");
}

void FakeImapServer::expunge(Connection &connection, const QList<quint32> &only)
{
    QList<Message> &messages = m_folders[connection.selected];
    for (int i = 0; i < messages.size();) {
        if (messages.at(i).deleted && (only.isEmpty() || only.contains(messages.at(i).uid))) {
            messages.removeAt(i);
            connection.write("* " + QByteArray::number(i + 1) + " EXPUNGE\r\n");
        } else {
            ++i;
        }
    }
}

} // namespace Dmarc::Test

#include "moc_fakeimapserver.cpp"
