#include "dovecotserver.h"

#include <QSignalSpy>
#include <QSslSocket>
#include <QTcpServer>
#include <QTest>

using Dmarc::Test::DovecotServer;

namespace {

// Waits until a complete line starting with `prefix` has arrived and returns it.
QByteArray waitForLine(QSslSocket &socket, const QByteArray &prefix)
{
    QSignalSpy readyRead(&socket, &QIODevice::readyRead);
    for (;;) {
        while (socket.canReadLine()) {
            const QByteArray line = socket.readLine();
            if (line.startsWith(prefix))
                return line.trimmed();
        }
        if (!readyRead.wait(5000))
            return QByteArray();
    }
}

QByteArray command(QSslSocket &socket, const QByteArray &tag, const QByteArray &text)
{
    socket.write(tag + ' ' + text + "\r\n");
    return waitForLine(socket, tag + ' ');
}

} // namespace

// The private Dovecot fixture every integration test builds on.
class TestDovecotFixture : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void implicitTlsLoginAndSelect()
    {
        DovecotServer server;
        const auto started = server.start();
        QVERIFY2(started.ok(), qPrintable(started.error().message));

        QSslSocket socket;
        socket.setSslConfiguration(server.clientTlsConfiguration());
        socket.setPeerVerifyName(server.tlsPeerName());
        QSignalSpy encrypted(&socket, &QSslSocket::encrypted);
        socket.connectToHostEncrypted(server.host(), server.imapsPort());
        QVERIFY(encrypted.wait(5000));
        QVERIFY(socket.sessionProtocol() >= QSsl::TlsV1_2);
        QVERIFY(waitForLine(socket, "* OK").startsWith("* OK"));
        QVERIFY(command(socket, "a1", "LOGIN testuser testpass").startsWith("a1 OK"));
        QVERIFY(command(socket, "a2", "SELECT INBOX").startsWith("a2 OK"));
        QVERIFY(command(socket, "a3", "LOGOUT").startsWith("a3 OK"));
    }

    void startTlsThenLogin()
    {
        DovecotServer server;
        const auto started = server.start();
        QVERIFY2(started.ok(), qPrintable(started.error().message));

        QSslSocket socket;
        socket.setSslConfiguration(server.clientTlsConfiguration());
        socket.setPeerVerifyName(server.tlsPeerName());
        QSignalSpy connected(&socket, &QSslSocket::connected);
        socket.connectToHost(server.host(), server.imapPort());
        QVERIFY(connected.wait(5000));
        QVERIFY(waitForLine(socket, "* OK").contains("STARTTLS"));
        QVERIFY(command(socket, "s1", "STARTTLS").startsWith("s1 OK"));
        QSignalSpy encrypted(&socket, &QSslSocket::encrypted);
        socket.startClientEncryption();
        QVERIFY(encrypted.wait(5000));
        QVERIFY(command(socket, "s2", "LOGIN testuser testpass").startsWith("s2 OK"));
        QVERIFY(command(socket, "s3", "SELECT INBOX").startsWith("s3 OK"));
    }

    void untrustedCertificateIsRefused()
    {
        DovecotServer server;
        const auto started = server.start();
        QVERIFY2(started.ok(), qPrintable(started.error().message));

        QSslSocket socket; // the system's CAs only: the test CA is unknown
        socket.setPeerVerifyName(server.tlsPeerName());
        QSignalSpy sslErrors(&socket, &QSslSocket::sslErrors);
        QSignalSpy encrypted(&socket, &QSslSocket::encrypted);
        socket.connectToHostEncrypted(server.host(), server.imapsPort());
        QVERIFY(sslErrors.wait(5000));
        QCOMPARE(encrypted.count(), 0);
    }

    void busyPortIsRefusedWithAClearMessage()
    {
        QTcpServer squatter;
        QVERIFY(squatter.listen(QHostAddress::LocalHost, 0));
        DovecotServer server;
        DovecotServer::Options options;
        options.imapsPort = squatter.serverPort();
        const auto started = server.start(options);
        QVERIFY(!started.ok());
        QVERIFY2(started.error().message.contains(QStringLiteral("busy")),
                 qPrintable(started.error().message));
        QVERIFY(started.error().message.contains(QString::number(squatter.serverPort())));
        QVERIFY(!server.isRunning());
    }

    void deliversAndCountsMail()
    {
        DovecotServer server;
        const auto started = server.start();
        QVERIFY2(started.ok(), qPrintable(started.error().message));
        QCOMPARE(server.messageCount(QStringLiteral("INBOX")), 0);
        const auto delivered = server.deliver(
            QStringLiteral("INBOX"), "From: a@example.org\r\nSubject: hello\r\n\r\nbody\r\n");
        QVERIFY2(delivered.ok(), qPrintable(delivered.error().message));
        QCOMPARE(server.messageCount(QStringLiteral("INBOX")), 1);

        const QString nested = QStringLiteral("Reports/Fertig-\u00fc");
        QVERIFY(server.createMailbox(nested).ok());
        QVERIFY(server.mailboxes().contains(nested));
        QCOMPARE(server.messageCount(QStringLiteral("Missing")), -1);
    }

    void stopFreesThePortsAndRestartKeepsTheMail()
    {
        DovecotServer server;
        const auto started = server.start();
        QVERIFY2(started.ok(), qPrintable(started.error().message));
        QVERIFY(server.deliver(QStringLiteral("INBOX"), "Subject: kept\r\n\r\nx\r\n").ok());
        const quint16 port = server.imapsPort();
        server.stop();
        QVERIFY(!server.isRunning());
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, port));
        probe.close();

        const auto restarted = server.restart();
        QVERIFY2(restarted.ok(), qPrintable(restarted.error().message));
        QCOMPARE(server.imapsPort(), port);
        QCOMPARE(server.messageCount(QStringLiteral("INBOX")), 1);
    }
};

QTEST_GUILESS_MAIN(TestDovecotFixture)
#include "tst_dovecotfixture.moc"
