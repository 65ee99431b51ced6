#include "fakeimapserver.h"
#include "imap/mailboxwatcher.h"
#include "imap/oauth2tokensource.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QUrlQuery>

using namespace Dmarc;

namespace {

// A token endpoint on port 0: answers each POST with the next scripted reply and keeps the
// forms it received.
class FakeTokenEndpoint : public QObject
{
public:
    struct Reply
    {
        int status;
        QByteArray json;
    };

    FakeTokenEndpoint() { listen(0); }

    bool listen(quint16 port)
    {
        connect(&m_server, &QTcpServer::newConnection, this, &FakeTokenEndpoint::onConnection,
                Qt::UniqueConnection);
        return m_server.listen(QHostAddress::LocalHost, port);
    }
    void close() { m_server.close(); }
    quint16 port() const { return m_server.serverPort(); }
    QString url() const
    {
        return QStringLiteral("http://127.0.0.1:%1/token").arg(m_port ? m_port : port());
    }
    void rememberPort() { m_port = port(); }

    QList<Reply> replies;
    QList<QUrlQuery> forms;

private:
    void onConnection()
    {
        while (QTcpSocket *socket = m_server.nextPendingConnection()) {
            connect(socket, &QTcpSocket::readyRead, this, [this, socket]() {
                m_buffers[socket] += socket->readAll();
                const QByteArray &buffer = m_buffers[socket];
                const qsizetype headerEnd = buffer.indexOf("\r\n\r\n");
                if (headerEnd < 0)
                    return;
                const QByteArray headers = buffer.left(headerEnd).toLower();
                const qsizetype at = headers.indexOf("content-length:");
                const int length = at < 0
                                       ? 0
                                       : headers.mid(at + 15, headers.indexOf('\r', at) - at - 15)
                                             .trimmed()
                                             .toInt();
                if (buffer.size() < headerEnd + 4 + length)
                    return;
                forms.append(QUrlQuery(QString::fromUtf8(buffer.mid(headerEnd + 4, length))));
                const Reply reply = replies.isEmpty() ? Reply{500, "{}"} : replies.takeFirst();
                socket->write("HTTP/1.1 " + QByteArray::number(reply.status) +
                              " X\r\nContent-Type: application/json\r\nContent-Length: " +
                              QByteArray::number(reply.json.size()) +
                              "\r\nConnection: close\r\n\r\n" + reply.json);
                socket->disconnectFromHost();
                m_buffers.remove(socket);
            });
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        }
    }

    QTcpServer m_server;
    QHash<QTcpSocket *, QByteArray> m_buffers;
    quint16 m_port = 0;
};

OAuth2Settings grantSettings(const FakeTokenEndpoint &endpoint)
{
    OAuth2Settings settings;
    settings.tokenUrl = endpoint.url();
    settings.clientId = QStringLiteral("client-1");
    settings.clientSecret = QStringLiteral("s3cret");
    settings.refreshToken = QStringLiteral("refresh-1");
    settings.scope = QStringLiteral("https://outlook.office.com/IMAP.AccessAsUser.All");
    return settings;
}

Result<QString> requestToken(OAuth2TokenSource &source, bool refresh)
{
    std::optional<Result<QString>> answer;
    const auto connection =
        QObject::connect(&source, &OAuth2TokenSource::finished, &source,
                         [&answer](const Result<QString> &token) { answer = token; });
    source.request(refresh);
    const bool answered = QTest::qWaitFor([&answer]() { return answer.has_value(); }, 5000);
    QObject::disconnect(connection);
    if (!answered)
        return Error{QStringLiteral("test"), QStringLiteral("no answer")};
    return *answer;
}

QString errorText(const Result<QString> &token)
{
    return token.ok() ? QString() : token.error().message;
}

QByteArray tokenJson(const QByteArray &token, int expiresIn, const QByteArray &refresh = {})
{
    return "{\"access_token\":\"" + token +
           "\",\"token_type\":\"Bearer\",\"expires_in\":" + QByteArray::number(expiresIn) +
           (refresh.isEmpty() ? QByteArray() : ",\"refresh_token\":\"" + refresh + "\"") + "}";
}

} // namespace

class TestOAuth2TokenSource : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { qRegisterMetaType<MailboxBatch>(); }

    void grantIsCachedUntilShortlyBeforeExpiry()
    {
        FakeTokenEndpoint endpoint;
        endpoint.replies = {{200, tokenJson("access-1", 3600, "refresh-2")},
                            {200, tokenJson("access-2", 60)},
                            {200, tokenJson("access-3", 3600)}};
        OAuth2TokenSource source(grantSettings(endpoint), 5);

        auto token = requestToken(source, false);
        QVERIFY2(token.ok(), qPrintable(errorText(token)));
        QCOMPARE(token.value(), QStringLiteral("access-1"));
        const QUrlQuery form = endpoint.forms.first();
        QCOMPARE(form.queryItemValue(QStringLiteral("grant_type")),
                 QStringLiteral("refresh_token"));
        QCOMPARE(form.queryItemValue(QStringLiteral("refresh_token")), QStringLiteral("refresh-1"));
        QCOMPARE(form.queryItemValue(QStringLiteral("client_id")), QStringLiteral("client-1"));
        QCOMPARE(form.queryItemValue(QStringLiteral("client_secret")), QStringLiteral("s3cret"));
        QVERIFY(form.hasQueryItem(QStringLiteral("scope")));

        // Cached: no second request.
        token = requestToken(source, false);
        QCOMPARE(token.value(), QStringLiteral("access-1"));
        QCOMPARE(endpoint.forms.size(), 1);

        // Refused by the server: a fresh grant, with the rotated refresh token.
        token = requestToken(source, true);
        QCOMPARE(token.value(), QStringLiteral("access-2"));
        QCOMPARE(endpoint.forms.size(), 2);
        QCOMPARE(endpoint.forms.last().queryItemValue(QStringLiteral("refresh_token")),
                 QStringLiteral("refresh-2"));

        // access-2 expires within the safety margin: refreshed before it runs out.
        token = requestToken(source, false);
        QCOMPARE(token.value(), QStringLiteral("access-3"));
        QCOMPARE(endpoint.forms.size(), 3);
    }

    void refusedGrantIsAClearError()
    {
        FakeTokenEndpoint endpoint;
        endpoint.replies = {
            {400, "{\"error\":\"invalid_grant\",\"error_description\":\"AADSTS70008: expired\"}"}};
        OAuth2TokenSource source(grantSettings(endpoint), 5);
        const auto token = requestToken(source, false);
        QVERIFY(!token.ok());
        QVERIFY2(token.error().message.contains(u"HTTP 400") &&
                     token.error().message.contains(u"invalid_grant") &&
                     token.error().message.contains(u"AADSTS70008"),
                 qPrintable(token.error().message));
        QVERIFY(!token.error().message.contains(u"refresh-1"));
        QVERIFY(!token.error().message.contains(u"s3cret"));
    }

    void endpointDownIsAClearError()
    {
        FakeTokenEndpoint endpoint;
        endpoint.rememberPort();
        endpoint.close();
        OAuth2TokenSource source(grantSettings(endpoint), 5);
        const auto token = requestToken(source, false);
        QVERIFY(!token.ok());
        QVERIFY2(token.error().message.contains(u"unreachable") &&
                     token.error().message.contains(endpoint.url()),
                 qPrintable(token.error().message));
    }

    void tokenFileAndCommand()
    {
        OAuth2Settings settings;
        settings.tokenCommand = QStringLiteral("echo cmd-token");
        OAuth2TokenSource command(settings, 5);
        auto token = requestToken(command, false);
        QVERIFY2(token.ok(), qPrintable(errorText(token)));
        QCOMPARE(token.value(), QStringLiteral("cmd-token"));

        settings.tokenCommand = QStringLiteral("/nonexistent/token-helper");
        OAuth2TokenSource missing(settings, 5);
        token = requestToken(missing, false);
        QVERIFY(!token.ok());
        QVERIFY2(token.error().message.contains(u"cannot be started"),
                 qPrintable(token.error().message));

        settings.tokenCommand = QStringLiteral("sleep 30");
        OAuth2TokenSource slow(settings, 0.2);
        token = requestToken(slow, false);
        QVERIFY(!token.ok());

        settings = OAuth2Settings();
        settings.tokenFile = QStringLiteral("/nonexistent/token");
        OAuth2TokenSource file(settings, 5);
        token = requestToken(file, false);
        QVERIFY(!token.ok());
        QVERIFY(token.error().message.contains(u"cannot be read"));
    }

    // The watcher: endpoint down -> error and backoff; endpoint back -> logged in. A token the
    // server refuses is refreshed once.
    void watcherRetriesTheEndpointWithBackoff()
    {
        Test::FakeImapServer imap;
        imap.addMessage(QStringLiteral("INBOX"), "Subject: x\r\n\r\nx\r\n");
        int refusals = 1;
        imap.handlers.insert(
            "AUTHENTICATE", [&refusals](Test::FakeImapServer::Connection &connection,
                                        const QByteArray &tag, const QByteArray &arguments) {
                const QByteArray sasl = QByteArray::fromBase64(arguments.split(' ').value(1));
                if (refusals > 0 || !sasl.contains("auth=Bearer access-2")) {
                    --refusals;
                    connection.write(tag + " NO [AUTHENTICATIONFAILED] expired token\r\n");
                    return true;
                }
                return false;
            });
        FakeTokenEndpoint endpoint;
        endpoint.rememberPort();
        endpoint.close();

        ImapSettings settings;
        settings.host = QStringLiteral("127.0.0.1");
        settings.port = imap.port();
        settings.security = ImapSettings::Security::Plain;
        settings.username = QStringLiteral("user@example.org");
        settings.auth = ImapSettings::Auth::XOAuth2;
        settings.oauth2 = grantSettings(endpoint);
        settings.idle = false;
        settings.pollIntervalSeconds = 3600;
        settings.timeoutSeconds = 2;
        settings.reconnectMinSeconds = 0.1;
        settings.reconnectMaxSeconds = 0.3;
        MailboxWatcher watcher(settings);
        QSignalSpy polls(&watcher, &MailboxWatcher::pollFinished);
        QSignalSpy batches(&watcher, &MailboxWatcher::batchReady);
        watcher.start();
        QTRY_VERIFY_WITH_TIMEOUT(polls.size() >= 2, 5000);
        QVERIFY2(polls.first().at(1).toString().contains(u"unreachable"),
                 qPrintable(polls.first().at(1).toString()));
        QCOMPARE(watcher.status().activity, MailboxStatus::Activity::Reconnecting);
        QCOMPARE(imap.connectionCount(), 0);

        // The endpoint comes back; the first token is refused, the refreshed one works.
        endpoint.replies = {{200, tokenJson("access-1", 3600)}, {200, tokenJson("access-2", 3600)}};
        QVERIFY(endpoint.listen(QUrl(endpoint.url()).port()));
        QVERIFY(batches.wait(5000));
        QCOMPARE(endpoint.forms.size(), 2);
        QCOMPARE(imap.receivedWithName("AUTHENTICATE").size(), 2);
        watcher.stop();
    }
};

QTEST_GUILESS_MAIN(TestOAuth2TokenSource)
#include "tst_oauth2tokensource.moc"
