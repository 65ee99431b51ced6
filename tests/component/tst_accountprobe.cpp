#include "awaitfinished.h"
#include "fakeimapserver.h"
#include "fakeimapsettings.h"
#include "imap/accountprobe.h"

#include <QTcpServer>
#include <QTemporaryFile>
#include <QTest>

using namespace Dmarc;
using Dmarc::Test::awaitFinished;
using Dmarc::Test::FakeImapServer;
using Connection = Dmarc::Test::FakeImapServer::Connection;

namespace {

ImapSettings settingsFor(quint16 port)
{
    return Dmarc::Test::fakeAccount(port, 0.5);
}

Result<QStringList> probe(const ImapSettings &settings)
{
    AccountProbe probe(settings);
    return awaitFinished<QStringList>(probe);
}

QString errorOf(const Result<QStringList> &result)
{
    return result ? QStringLiteral("(folders: %1)").arg(result->join(u", "))
                  : result.error().message;
}

} // namespace

class TestAccountProbe : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void listsTheFoldersAndLogsOut()
    {
        FakeImapServer server;
        server.addMessage(QStringLiteral("Archiv ü"), "Subject: a\r\n\r\na\r\n");
        server.addMessage(QStringLiteral("DMARC/Berichte"), "Subject: b\r\n\r\nb\r\n");
        const auto folders = probe(settingsFor(server.port()));
        QVERIFY2(folders.ok(), qPrintable(errorOf(folders)));
        QCOMPARE(*folders,
                 QStringList({QStringLiteral("Archiv ü"), QStringLiteral("DMARC/Berichte"),
                              QStringLiteral("INBOX")}));
        QCOMPARE(server.receivedWithName("LIST").size(), 1);
        QCOMPARE(server.receivedWithName("LOGOUT").size(), 1);
        // A probe changes nothing.
        QVERIFY(server.receivedWithName("CREATE").isEmpty());
        QVERIFY(server.receivedWithName("SELECT").isEmpty());
    }

    void loginRefused()
    {
        FakeImapServer server;
        ImapSettings settings = settingsFor(server.port());
        settings.password = QStringLiteral("wrong");
        const auto folders = probe(settings);
        QVERIFY(!folders.ok());
        QCOMPARE(folders.error().code, QStringLiteral("auth_failed"));
        QVERIFY2(folders.error().message.startsWith(u"Login refused: check the user name"),
                 qPrintable(errorOf(folders)));
        QVERIFY2(folders.error().message.contains(u"wrong password"), qPrintable(errorOf(folders)));
        QVERIFY(server.receivedWithName("LIST").isEmpty());
    }

    // The watcher's way of logging in: a refused token is fetched again once.
    void refusedTokenIsRefreshedOnce()
    {
        FakeImapServer server;
        server.handlers.insert(
            "AUTHENTICATE", [](Connection &connection, const QByteArray &tag, const QByteArray &) {
                connection.write(tag + " NO [AUTHENTICATIONFAILED] invalid token\r\n");
                return true;
            });
        QTemporaryFile token;
        QVERIFY(token.open());
        token.write("ya29.token\n");
        token.flush();
        ImapSettings settings = settingsFor(server.port());
        settings.auth = ImapSettings::Auth::XOAuth2;
        settings.oauth2.tokenFile = token.fileName();
        const auto folders = probe(settings);
        QVERIFY(!folders.ok());
        QVERIFY2(folders.error().message.contains(u"did not accept the access token"),
                 qPrintable(errorOf(folders)));
        QCOMPARE(server.receivedWithName("AUTHENTICATE").size(), 2);
    }

    void connectionDropped()
    {
        FakeImapServer server;
        server.handlers.insert("LIST",
                               [](Connection &connection, const QByteArray &, const QByteArray &) {
                                   connection.write("* LIST () \"/\" INBOX\r\n");
                                   connection.close();
                                   return true;
                               });
        const auto folders = probe(settingsFor(server.port()));
        QVERIFY(!folders.ok());
        QVERIFY2(folders.error().message.startsWith(u"The server ended the connection"),
                 qPrintable(errorOf(folders)));
        QVERIFY2(folders.error().message.contains(u"closed"), qPrintable(errorOf(folders)));
    }

    void listRefused()
    {
        FakeImapServer server;
        server.handlers.insert(
            "LIST", [](Connection &connection, const QByteArray &tag, const QByteArray &) {
                connection.write(tag + " NO not now\r\n");
                return true;
            });
        const auto folders = probe(settingsFor(server.port()));
        QVERIFY(!folders.ok());
        QVERIFY2(folders.error().message.contains(u"LIST failed: NO not now"),
                 qPrintable(errorOf(folders)));
        QCOMPARE(server.receivedWithName("LOGOUT").size(), 1);
    }

    void serverUnreachable()
    {
        QTcpServer closed; // a port nobody listens on any more
        QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
        const quint16 port = closed.serverPort();
        closed.close();
        const auto folders = probe(settingsFor(port));
        QVERIFY(!folders.ok());
        QCOMPARE(folders.error().code, QStringLiteral("unreachable"));
        QVERIFY2(folders.error().message.startsWith(u"Server unreachable"),
                 qPrintable(errorOf(folders)));
    }

    void serverSilent()
    {
        FakeImapServer server;
        server.greeting.clear();
        const auto folders = probe(settingsFor(server.port()));
        QVERIFY(!folders.ok());
        QVERIFY2(folders.error().message.startsWith(u"The server did not answer in time"),
                 qPrintable(errorOf(folders)));
    }
};

QTEST_GUILESS_MAIN(TestAccountProbe)
#include "tst_accountprobe.moc"
