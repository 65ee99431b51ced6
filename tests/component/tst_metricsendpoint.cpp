#include "exposition.h"
#include "gunzip.h"
#include "metrics/metricsendpoint.h"
#include "metrics/metricsregistry.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QSignalSpy>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <atomic>
#include <memory>
#include <thread>

using namespace Dmarc;

namespace {

// "s3cret", hashed by Python's crypt module (bcrypt cost 4, sha512-crypt).
const char kBcryptHash[] = "$2b$04$e/HZ7R/ZVKRRczAkceOn5u1dXQeB/uRVE9k3FENfVXYK160NXLMOC";
const char kSha512Hash[] = "$6$1YaZbpr7t9WUWv0T$TALl32T6MRS8wKaE05ReoWhS1/tcCQ7ftYruKXxKAhgwLKG0B/"
                           "wXk3wcqZVY5EzAFFHFHwU2oKb4T52Qh8/Ov1";
// "s3cret" again, with sha512-crypt at 300,000 rounds: a check takes a noticeable time.
const char kSlowHash[] = "$6$rounds=300000$slowsalt$hF3Pv4l9s0jHebJ0xm7IpdeAypcdAzjGcaMsppQ9ELok"
                         "fcGMEvnDxwTeHW0VSX.JBtHmPmVWezbqHrh9kBp3l.";

// Loopback addresses other than 127.0.0.1 stand for other clients.
const QHostAddress kOtherClient(QStringLiteral("127.0.0.2"));

struct Response
{
    int status = 0;
    QMap<QByteArray, QByteArray> headers; // lower-case names
    QByteArray body;
};

// A minimal HTTP/1.1 client over one socket, reading exactly one response at a time.
class Client
{
public:
    explicit Client(std::unique_ptr<QTcpSocket> socket)
        : m_socket(std::move(socket))
    {}

    static std::unique_ptr<Client> connect(quint16 port)
    {
        return connect(QHostAddress(QHostAddress::LocalHost), port);
    }

    static std::unique_ptr<Client> connect(const QHostAddress &address, quint16 port,
                                           const QHostAddress &from = QHostAddress())
    {
        auto socket = std::make_unique<QTcpSocket>();
        if (!from.isNull() && !socket->bind(from))
            return nullptr;
        QSignalSpy connected(socket.get(), &QTcpSocket::connected);
        socket->connectToHost(address, port);
        if (!connected.wait(5000))
            return nullptr;
        return std::make_unique<Client>(std::move(socket));
    }

    QTcpSocket &socket() { return *m_socket; }
    void send(const QByteArray &bytes)
    {
        m_socket->write(bytes);
        m_socket->flush();
    }

    // An empty optional when the connection closed or nothing came within the timeout.
    std::optional<Response> read(bool head = false, int timeoutMs = 10000)
    {
        QElapsedTimer timer;
        timer.start();
        qsizetype end = -1;
        while ((end = m_buffer.indexOf("\r\n\r\n")) < 0) {
            if (!waitForMore(timeoutMs - timer.elapsed()))
                return std::nullopt;
        }
        Response response;
        const QList<QByteArray> lines = m_buffer.left(end).split('\n');
        const QList<QByteArray> statusLine = lines.first().trimmed().split(' ');
        response.status = statusLine.value(1).toInt();
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines.at(i).indexOf(':');
            response.headers.insert(lines.at(i).left(colon).trimmed().toLower(),
                                    lines.at(i).mid(colon + 1).trimmed());
        }
        m_buffer.remove(0, end + 4);
        const qsizetype length = head ? 0 : response.headers.value("content-length").toLongLong();
        while (m_buffer.size() < length) {
            if (!waitForMore(timeoutMs - timer.elapsed()))
                return std::nullopt;
        }
        response.body = m_buffer.left(length);
        m_buffer.remove(0, length);
        return response;
    }

    // True when the server closes the connection within the timeout.
    bool waitForClose(int timeoutMs = 5000)
    {
        QSignalSpy disconnected(m_socket.get(), &QAbstractSocket::disconnected);
        QSignalSpy readyRead(m_socket.get(), &QIODevice::readyRead);
        QElapsedTimer timer;
        timer.start();
        while (m_socket->state() != QAbstractSocket::UnconnectedState && disconnected.isEmpty()) {
            if (timer.elapsed() > timeoutMs)
                return false;
            readyRead.wait(50);
            m_buffer += m_socket->readAll();
        }
        m_buffer += m_socket->readAll();
        return true;
    }

    QByteArray buffered() const { return m_buffer; }

private:
    // Runs the event loop (the server lives in this thread) until more bytes arrive.
    bool waitForMore(qint64 remainingMs)
    {
        if (m_socket->bytesAvailable() == 0) {
            QSignalSpy readyRead(m_socket.get(), &QIODevice::readyRead);
            if (remainingMs <= 0 || !readyRead.wait(int(remainingMs)))
                return false;
        }
        m_buffer += m_socket->readAll();
        return true;
    }

    std::unique_ptr<QTcpSocket> m_socket;
    QByteArray m_buffer;
};

EndpointSettings testSettings()
{
    EndpointSettings settings;
    settings.port = 0;
    return settings;
}

void fill(MetricsRegistry &registry, int labelSets)
{
    for (int i = 0; i < labelSets; ++i) {
        Counters c;
        c.total = quint64(i);
        registry.addCounts(LabelSet{QStringLiteral("reporter-%1.example").arg(i % 97),
                                    QStringLiteral("domain-%1.example").arg(i),
                                    QStringLiteral("dkim-%1.example").arg(i % 13),
                                    QStringLiteral("spf-%1.example").arg(i % 7)},
                           c);
    }
}

bool runOpenssl(const QStringList &arguments, const QString &dir)
{
    QProcess process;
    process.setWorkingDirectory(dir);
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(QStringLiteral("openssl"), arguments);
    if (!process.waitForFinished(30000) || process.exitCode() != 0) {
        qWarning("openssl %s: %s", qPrintable(arguments.join(QLatin1Char(' '))),
                 process.readAll().constData());
        return false;
    }
    return true;
}

// A test CA (ca.pem) and a certificate for localhost and 127.0.0.1 signed by it (cert.pem,
// key.pem) in `path`.
bool makeTlsFiles(const QString &path)
{
    const QString ec = QStringLiteral("ec_paramgen_curve:prime256v1");
    if (!runOpenssl({QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                     QStringLiteral("ec"), QStringLiteral("-pkeyopt"), ec, QStringLiteral("-nodes"),
                     QStringLiteral("-keyout"), QStringLiteral("ca-key.pem"),
                     QStringLiteral("-out"), QStringLiteral("ca.pem"), QStringLiteral("-days"),
                     QStringLiteral("2"), QStringLiteral("-subj"),
                     QStringLiteral("/CN=metrics test CA")},
                    path) ||
        !runOpenssl({QStringLiteral("req"), QStringLiteral("-newkey"), QStringLiteral("ec"),
                     QStringLiteral("-pkeyopt"), ec, QStringLiteral("-nodes"),
                     QStringLiteral("-keyout"), QStringLiteral("key.pem"), QStringLiteral("-out"),
                     QStringLiteral("req.pem"), QStringLiteral("-subj"),
                     QStringLiteral("/CN=localhost")},
                    path)) {
        return false;
    }
    QFile ext(path + QStringLiteral("/ext.cnf"));
    if (!ext.open(QIODevice::WriteOnly))
        return false;
    ext.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n");
    ext.close();
    return runOpenssl({QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"),
                       QStringLiteral("req.pem"), QStringLiteral("-CA"), QStringLiteral("ca.pem"),
                       QStringLiteral("-CAkey"), QStringLiteral("ca-key.pem"),
                       QStringLiteral("-CAcreateserial"), QStringLiteral("-out"),
                       QStringLiteral("cert.pem"), QStringLiteral("-days"), QStringLiteral("2"),
                       QStringLiteral("-extfile"), QStringLiteral("ext.cnf")},
                      path);
}

} // namespace

class TestMetricsEndpoint : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
        m_registry = std::make_unique<MetricsRegistry>();
        fill(*m_registry, 3);
        m_endpoint = std::make_unique<MetricsEndpoint>(m_registry.get());
    }

    void cleanup()
    {
        m_endpoint.reset();
        m_registry.reset();
    }

    void servesMetricsWithKeepAlive()
    {
        QVERIFY(m_endpoint->start(testSettings()).ok());
        auto client = Client::connect(m_endpoint->serverPort());
        QVERIFY(client);
        for (int i = 0; i < 3; ++i) {
            client->send("GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n");
            const auto response = client->read();
            QVERIFY(response);
            QCOMPARE(response->status, 200);
            QCOMPARE(response->headers.value("content-type"),
                     QByteArray("text/plain; version=0.0.4; charset=utf-8"));
            QCOMPARE(response->headers.value("connection"), QByteArray("keep-alive"));
            QVERIFY(!response->headers.contains("content-encoding"));
            const auto parsed = Dmarc::Test::parseExposition(response->body);
            QCOMPARE(parsed.errors, QStringList());
            QCOMPARE(parsed.samplesOf(QStringLiteral("dmarc_total")).size(), 3);
        }
        QCOMPARE(m_endpoint->connectionCount(), 1);
    }

    void pipelinedRequests()
    {
        QVERIFY(m_endpoint->start(testSettings()).ok());
        auto client = Client::connect(m_endpoint->serverPort());
        client->send("GET / HTTP/1.1\r\n\r\nHEAD /metrics HTTP/1.1\r\n\r\nGET /x HTTP/1.1\r\n\r\n");
        QCOMPARE(client->read()->status, 200);
        const auto head = client->read(true);
        QCOMPARE(head->status, 200);
        QVERIFY(head->headers.value("content-length").toInt() > 100);
        QCOMPARE(client->read()->status, 404); // so HEAD sent no body
    }

    void headHasNoBody()
    {
        QVERIFY(m_endpoint->start(testSettings()).ok());
        auto client = Client::connect(m_endpoint->serverPort());
        client->send("HEAD /metrics HTTP/1.1\r\nConnection: close\r\n\r\n");
        const auto response = client->read(true);
        QVERIFY(response);
        QCOMPARE(response->status, 200);
        QVERIFY(response->headers.value("content-length").toInt() > 100);
        QVERIFY(client->waitForClose());
        QCOMPARE(client->buffered(), QByteArray());
    }

    void gzip()
    {
        QVERIFY(m_endpoint->start(testSettings()).ok());
        auto client = Client::connect(m_endpoint->serverPort());
        client->send("GET /metrics HTTP/1.1\r\nAccept-Encoding: gzip, deflate\r\n\r\n");
        const auto response = client->read();
        QCOMPARE(response->status, 200);
        QCOMPARE(response->headers.value("content-encoding"), QByteArray("gzip"));
        QCOMPARE(response->headers.value("vary"), QByteArray("Accept-Encoding"));
        const QByteArray plain = Dmarc::Test::gunzip(response->body);
        QVERIFY(plain.contains("dmarc_total{"));
        QVERIFY(plain.contains("process_open_fds"));
    }

    void indexPage()
    {
        QVERIFY(m_endpoint->start(testSettings()).ok());
        auto client = Client::connect(m_endpoint->serverPort());
        client->send("GET / HTTP/1.1\r\n\r\n");
        const auto response = client->read();
        QCOMPARE(response->status, 200);
        QVERIFY(response->headers.value("content-type").startsWith("text/html"));
        QVERIFY(response->body.contains("href=\"/metrics\""));
    }

    void statuses_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("status");
        QTest::addColumn<bool>("closes");
        QTest::newRow("404") << QByteArray("GET /metricsx HTTP/1.1\r\n\r\n") << 404 << false;
        QTest::newRow("query kept apart")
            << QByteArray("GET /metrics?name[]=x HTTP/1.1\r\n\r\n") << 200 << false;
        QTest::newRow("POST") << QByteArray("POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n")
                              << 405 << false;
        QTest::newRow("POST with body")
            << QByteArray("POST /metrics HTTP/1.1\r\nContent-Length: 4\r\n\r\nabcd") << 405 << true;
        QTest::newRow("DELETE") << QByteArray("DELETE / HTTP/1.1\r\n\r\n") << 405 << false;
        QTest::newRow("1.0 closes") << QByteArray("GET /metrics HTTP/1.0\r\n\r\n") << 200 << true;
        QTest::newRow("no version") << QByteArray("GET /metrics\r\n\r\n") << 400 << true;
        QTest::newRow("garbage") << QByteArray("\x01\x02\x03 \xff\xfe\r\n\r\n") << 400 << true;
        QTest::newRow("HTTP/2") << QByteArray("GET / HTTP/2.0\r\n\r\n") << 505 << true;
        QTest::newRow("bad header")
            << QByteArray("GET / HTTP/1.1\r\nNo colon\r\n\r\n") << 400 << true;
        QTest::newRow("oversized head")
            << QByteArray("GET / HTTP/1.1\r\nCookie: " + QByteArray(70000, 'c') + "\r\n\r\n") << 431
            << true;
    }

    void statuses()
    {
        QFETCH(QByteArray, request);
        QFETCH(int, status);
        QFETCH(bool, closes);
        QVERIFY(m_endpoint->start(testSettings()).ok());
        auto client = Client::connect(m_endpoint->serverPort());
        client->send(request);
        const auto response = client->read();
        QVERIFY(response);
        QCOMPARE(response->status, status);
        if (status == 405)
            QCOMPARE(response->headers.value("allow"), QByteArray("GET, HEAD"));
        if (closes) {
            QVERIFY(client->waitForClose());
        } else {
            client->send("GET /metrics HTTP/1.1\r\n\r\n");
            QCOMPARE(client->read()->status, 200);
        }
    }

    void slowClientsHitTheDeadline()
    {
        EndpointSettings settings = testSettings();
        settings.firstRequestTimeoutMs = 300;
        QVERIFY(m_endpoint->start(settings).ok());
        auto idle = Client::connect(m_endpoint->serverPort());
        auto trickle = Client::connect(m_endpoint->serverPort());
        // One byte every 50 ms never completes a head; the deadline is not extended by bytes.
        QTimer drip;
        connect(&drip, &QTimer::timeout, &trickle->socket(), [&trickle] { trickle->send("X"); });
        trickle->send("GET /metrics HTTP/1.1\r\nX-Slow: ");
        drip.start(50);
        QElapsedTimer timer;
        timer.start();
        QVERIFY(trickle->waitForClose(5000));
        QVERIFY(idle->waitForClose(5000));
        QVERIFY(timer.elapsed() >= 250);
        QTRY_COMPARE(m_endpoint->connectionCount(), 0);
    }

    void idleKeepAliveConnectionIsClosed()
    {
        EndpointSettings settings = testSettings();
        settings.requestTimeoutMs = 300;
        QVERIFY(m_endpoint->start(settings).ok());
        auto client = Client::connect(m_endpoint->serverPort());
        client->send("GET /metrics HTTP/1.1\r\n\r\n");
        QCOMPARE(client->read()->status, 200);
        QVERIFY(client->waitForClose(5000));
    }

    void connectionsOverTheCapWaitInTheBacklog()
    {
        EndpointSettings settings = testSettings();
        settings.maxConnections = 2;
        QVERIFY(m_endpoint->start(settings).ok());
        auto first = Client::connect(m_endpoint->serverPort());
        auto second = Client::connect(m_endpoint->serverPort());
        QTRY_COMPARE(m_endpoint->connectionCount(), 2);
        // The kernel completes the handshake; the endpoint leaves the connection in the backlog.
        auto third = Client::connect(m_endpoint->serverPort());
        QVERIFY(third);
        third->send("GET /metrics HTTP/1.1\r\n\r\n");
        QVERIFY(!third->read(false, 500));
        QCOMPARE(third->socket().state(), QAbstractSocket::ConnectedState);
        QCOMPARE(m_endpoint->connectionCount(), 2);
        first.reset();
        const auto response = third->read();
        QVERIFY(response);
        QCOMPARE(response->status, 200);
        QCOMPARE(m_endpoint->connectionCount(), 2);
    }

    void halfOpenConnectionsOverTheClientLimitStarveNoOne()
    {
        EndpointSettings settings = testSettings();
        settings.maxConnections = 8;
        settings.maxConnectionsPerClient = 4;
        QVERIFY(m_endpoint->start(settings).ok());
        // 40 connections from another address that never finish their request.
        std::vector<std::unique_ptr<Client>> halfOpen;
        int closed = 0;
        for (int i = 0; i < 40; ++i) {
            auto client =
                Client::connect(QHostAddress::LocalHost, m_endpoint->serverPort(), kOtherClient);
            QVERIFY(client);
            connect(&client->socket(), &QAbstractSocket::disconnected, this,
                    [&closed] { ++closed; });
            client->send("GET /metrics HTTP/1.1\r\nHost: x\r\n");
            halfOpen.push_back(std::move(client));
        }
        QTRY_COMPARE(closed, 36);
        QCOMPARE(m_endpoint->connectionCount(), 4);
        for (int i = 0; i < 3; ++i) {
            auto client = Client::connect(m_endpoint->serverPort());
            client->send("GET /metrics HTTP/1.1\r\n\r\n");
            const auto response = client->read(false, 2000);
            QVERIFY(response);
            QCOMPARE(response->status, 200);
        }
        QCOMPARE(closed, 36);
    }

    void parallelScrapes()
    {
        fill(*m_registry, 200);
        EndpointSettings settings = testSettings();
        settings.maxConnectionsPerClient = 256; // and 64 at once: the others wait in the backlog
        QVERIFY(m_endpoint->start(settings).ok());
        const QByteArray expected = m_registry->exposition(false).cached;
        std::vector<std::unique_ptr<QTcpSocket>> sockets;
        std::vector<QByteArray> received(200);
        int done = 0;
        for (int i = 0; i < 200; ++i) {
            auto socket = std::make_unique<QTcpSocket>();
            QTcpSocket *s = socket.get();
            connect(s, &QTcpSocket::connected, s, [s, i] {
                s->write(i % 2 ? "GET /metrics HTTP/1.1\r\nConnection: close\r\n\r\n"
                               : "GET /metrics HTTP/1.1\r\nConnection: close\r\n"
                                 "Accept-Encoding: gzip\r\n\r\n");
            });
            connect(s, &QTcpSocket::readyRead, s,
                    [s, i, &received] { received[size_t(i)] += s->readAll(); });
            connect(s, &QTcpSocket::disconnected, s, [&done] { ++done; });
            s->connectToHost(QHostAddress::LocalHost, m_endpoint->serverPort());
            sockets.push_back(std::move(socket));
        }
        QTRY_COMPARE_WITH_TIMEOUT(done, 200, 60000);
        for (int i = 0; i < 200; ++i) {
            const QByteArray &raw = received[size_t(i)];
            QVERIFY2(raw.startsWith("HTTP/1.1 200 OK\r\n"), raw.left(100).constData());
            QByteArray body = raw.mid(raw.indexOf("\r\n\r\n") + 4);
            if (i % 2 == 0)
                body = Dmarc::Test::gunzip(body);
            QVERIFY(body.startsWith(expected));
        }
    }

    void clientDisconnectsMidResponse()
    {
        fill(*m_registry, 20000); // several megabytes
        QVERIFY(m_endpoint->start(testSettings()).ok());
        for (int i = 0; i < 5; ++i) {
            auto client = Client::connect(m_endpoint->serverPort());
            client->send("GET /metrics HTTP/1.1\r\n\r\n");
            QVERIFY(QSignalSpy(&client->socket(), &QIODevice::readyRead).wait(10000));
            client->socket().abort();
        }
        QTRY_COMPARE(m_endpoint->connectionCount(), 0);
        auto client = Client::connect(m_endpoint->serverPort());
        client->send("GET /metrics HTTP/1.1\r\n\r\n");
        const auto response = client->read(false, 30000);
        QVERIFY(response);
        QCOMPARE(response->status, 200);
        QVERIFY(response->body.size() > 1000000);
    }

    void basicAuth_data()
    {
        QTest::addColumn<QByteArray>("hash");
        QTest::newRow("bcrypt") << QByteArray(kBcryptHash);
        QTest::newRow("bcrypt 2y") << QByteArray(kBcryptHash).replace(0, 4, "$2y$");
        QTest::newRow("sha512-crypt") << QByteArray(kSha512Hash);
    }

    void basicAuth()
    {
        QFETCH(QByteArray, hash);
        EndpointSettings settings = testSettings();
        settings.basicAuthUser = QStringLiteral("prometheus");
        settings.basicAuthPasswordHash = QString::fromLatin1(hash);
        const auto started = m_endpoint->start(settings);
        QVERIFY2(started.ok(), started.ok() ? "" : qPrintable(started.error().message));
        auto client = Client::connect(m_endpoint->serverPort());
        const auto request = [&client](const QByteArray &credentials) {
            QByteArray text = "GET /metrics HTTP/1.1\r\n";
            if (!credentials.isNull())
                text += "Authorization: Basic " + credentials.toBase64() + "\r\n";
            client->send(text + "\r\n");
            return client->read();
        };
        const auto anonymous = request(QByteArray());
        QCOMPARE(anonymous->status, 401);
        QVERIFY(anonymous->headers.value("www-authenticate").startsWith("Basic realm="));
        QCOMPARE(request("prometheus:wrong")->status, 401);
        QCOMPARE(request("other:s3cret")->status, 401);
        QCOMPARE(request("prometheus")->status, 401);
        QCOMPARE(request("prometheus:s3cret")->status, 200);
        QCOMPARE(request("prometheus:s3cret")->status, 200); // from the cache
        client->send("GET / HTTP/1.1\r\nAuthorization: Basic !!!\r\n\r\n");
        QCOMPARE(client->read()->status, 401);
    }

    void scrapeIsAnsweredWhileTheMainThreadIsBusy()
    {
        QVERIFY(m_endpoint->start(testSettings()).ok());
        const quint16 port = m_endpoint->serverPort();
        QElapsedTimer busy;
        busy.start();
        std::atomic<qint64> answeredAfterMs{-1};
        // A client of its own thread, while this thread (the registry's, where the mail is
        // processed) computes without returning to its event loop.
        std::thread client([port, &busy, &answeredAfterMs] {
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, port);
            if (!socket.waitForConnected(5000))
                return;
            socket.write("GET /metrics HTTP/1.1\r\nConnection: close\r\n\r\n");
            QByteArray received;
            while (!received.contains("\r\n\r\n") && socket.waitForReadyRead(5000))
                received += socket.readAll();
            if (received.startsWith("HTTP/1.1 200 "))
                answeredAfterMs = busy.elapsed();
        });
        while (answeredAfterMs < 0 && busy.elapsed() < 3000) {
        }
        const qint64 busyMs = busy.elapsed();
        client.join();
        QVERIFY2(answeredAfterMs >= 0 && answeredAfterMs <= busyMs,
                 qPrintable(QStringLiteral("answered after %1 ms").arg(answeredAfterMs.load())));
    }

    void passwordCheckDoesNotBlockTheMainThread()
    {
        EndpointSettings settings = testSettings();
        settings.basicAuthUser = QStringLiteral("prometheus");
        settings.basicAuthPasswordHash = QString::fromLatin1(kSlowHash);
        QVERIFY(m_endpoint->start(settings).ok());
        // The gaps between the ticks of a timer in this (the registry's) thread.
        QElapsedTimer sinceTick;
        qint64 longestGap = 0;
        QTimer ticker;
        connect(&ticker, &QTimer::timeout, this,
                [&] { longestGap = qMax(longestGap, sinceTick.restart()); });
        auto client = Client::connect(m_endpoint->serverPort());
        QElapsedTimer answered;
        answered.start();
        sinceTick.start();
        ticker.start(5);
        client->send("GET /metrics HTTP/1.1\r\nAuthorization: Basic " +
                     QByteArray("prometheus:s3cret").toBase64() + "\r\n\r\n");
        const auto response = client->read();
        const qint64 checkMs = answered.elapsed();
        longestGap = qMax(longestGap, sinceTick.elapsed());
        QVERIFY(response);
        QCOMPARE(response->status, 200);
        QVERIFY2(longestGap * 2 < checkMs, qPrintable(QStringLiteral("the main thread stood still "
                                                                     "for %1 ms of the %2 ms")
                                                          .arg(longestGap)
                                                          .arg(checkMs)));
    }

    void failedGuessesAreDelayedWhileOthersAreServed()
    {
        EndpointSettings settings = testSettings();
        settings.basicAuthUser = QStringLiteral("prometheus");
        settings.basicAuthPasswordHash = QString::fromLatin1(kBcryptHash);
        settings.authFailureDelayMs = 200;
        QVERIFY(m_endpoint->start(settings).ok());
        const QByteArray valid = "GET /metrics HTTP/1.1\r\nAuthorization: Basic " +
                                 QByteArray("prometheus:s3cret").toBase64() + "\r\n\r\n";
        const QByteArray guess = "GET /metrics HTTP/1.1\r\nAuthorization: Basic " +
                                 QByteArray("prometheus:guess").toBase64() + "\r\n\r\n";
        // Four connections from another address guess as fast as they are answered.
        std::vector<std::unique_ptr<Client>> guessers;
        int refused = 0;
        for (int i = 0; i < 4; ++i) {
            auto client =
                Client::connect(QHostAddress::LocalHost, m_endpoint->serverPort(), kOtherClient);
            QVERIFY(client);
            QTcpSocket *socket = &client->socket();
            connect(socket, &QIODevice::readyRead, this, [socket, &refused, guess] {
                refused += int(socket->readAll().count("HTTP/1.1 401"));
                socket->write(guess);
            });
            client->send(guess);
            guessers.push_back(std::move(client));
        }
        // Meanwhile a valid client scrapes, each answer at once.
        auto client = Client::connect(m_endpoint->serverPort());
        QElapsedTimer clock;
        clock.start();
        int scrapes = 0;
        while (clock.elapsed() < 2000) {
            QElapsedTimer scrape;
            scrape.start();
            client->send(valid);
            const auto response = client->read();
            QVERIFY(response);
            QCOMPARE(response->status, 200);
            QVERIFY2(scrape.elapsed() < 1000, qPrintable(QString::number(scrape.elapsed())));
            ++scrapes;
        }
        QVERIFY(scrapes >= 5);
        // Checks one at a time after 0, 200, 400, 800 ms of delay: about four in two seconds.
        QVERIFY2(refused >= 1 && refused <= 6, qPrintable(QString::number(refused)));
        for (const auto &guesser : guessers)
            QCOMPARE(guesser->socket().state(), QAbstractSocket::ConnectedState);
    }

    void oversizedHeadIsAnsweredNotReset()
    {
        QVERIFY(m_endpoint->start(testSettings()).ok());
        const QByteArray request =
            "GET /metrics HTTP/1.1\r\nCookie: " + QByteArray(100 * 1024, 'c') + "\r\n\r\n";
        for (int i = 0; i < 5; ++i) {
            // As over a real network: the endpoint has its answer ready long before the client
            // has sent the whole head, and the client reads only once it has sent it all.
            auto client = Client::connect(m_endpoint->serverPort());
            QTcpSocket &socket = client->socket();
            for (qsizetype at = 0;
                 at < request.size() && socket.state() == QAbstractSocket::ConnectedState;
                 at += 8192) {
                QSignalSpy written(&socket, &QIODevice::bytesWritten);
                socket.write(request.mid(at, 8192));
                QVERIFY(written.wait(5000) || socket.state() != QAbstractSocket::ConnectedState);
            }
            const auto response = client->read();
            QVERIFY2(response,
                     qPrintable(QStringLiteral("round %1: %2").arg(i).arg(socket.errorString())));
            QCOMPARE(response->status, 431);
            QCOMPARE(response->headers.value("connection"), QByteArray("close"));
            QVERIFY(client->waitForClose());
        }
        QTRY_COMPARE(m_endpoint->connectionCount(), 0);
    }

    void stalledTlsClientIsDropped()
    {
        QTemporaryDir dir;
        QVERIFY(makeTlsFiles(dir.path()));
        EndpointSettings settings = testSettings();
        settings.tlsCertFile = dir.filePath(QStringLiteral("cert.pem"));
        settings.tlsKeyFile = dir.filePath(QStringLiteral("key.pem"));
        settings.firstRequestTimeoutMs = 300;
        QVERIFY(m_endpoint->start(settings).ok());
        // Connected, but no TLS hello ever comes.
        auto client = Client::connect(m_endpoint->serverPort());
        QVERIFY(client);
        QElapsedTimer timer;
        timer.start();
        QVERIFY(client->waitForClose(5000));
        QVERIFY(timer.elapsed() >= 250);
        QTRY_COMPARE(m_endpoint->connectionCount(), 0);
    }

    void refusesBadSettings_data()
    {
        QTest::addColumn<QString>("address");
        QTest::addColumn<QString>("user");
        QTest::addColumn<QString>("hash");
        QTest::addColumn<QString>("cert");
        QTest::newRow("hostname") << QStringLiteral("localhost") << QString() << QString()
                                  << QString();
        QTest::newRow("plain password") << QStringLiteral("127.0.0.1") << QStringLiteral("u")
                                        << QStringLiteral("s3cret") << QString();
        QTest::newRow("md5-crypt") << QStringLiteral("127.0.0.1") << QStringLiteral("u")
                                   << QStringLiteral("$1$abc$abcdefghijklmnopqrstuv") << QString();
        QTest::newRow("hash without user") << QStringLiteral("127.0.0.1") << QString()
                                           << QString::fromLatin1(kBcryptHash) << QString();
        QTest::newRow("cert without key") << QStringLiteral("127.0.0.1") << QString() << QString()
                                          << QStringLiteral("/nonexistent/cert.pem");
    }

    void refusesBadSettings()
    {
        QFETCH(QString, address);
        QFETCH(QString, user);
        QFETCH(QString, hash);
        QFETCH(QString, cert);
        EndpointSettings settings = testSettings();
        settings.listenAddress = address;
        settings.basicAuthUser = user;
        settings.basicAuthPasswordHash = hash;
        settings.tlsCertFile = cert;
        const auto started = m_endpoint->start(settings);
        QVERIFY(!started.ok());
        QVERIFY(!started.error().message.isEmpty());
        QVERIFY(!m_endpoint->isListening());
    }

    void listenAddresses_data()
    {
        QTest::addColumn<QString>("address");
        QTest::addColumn<QString>("connectTo");
        QTest::newRow("IPv4 loopback")
            << QStringLiteral("127.0.0.1") << QStringLiteral("127.0.0.1");
        QTest::newRow("IPv4 any") << QStringLiteral("0.0.0.0") << QStringLiteral("127.0.0.1");
        QTest::newRow("IPv6 loopback") << QStringLiteral("::1") << QStringLiteral("::1");
        QTest::newRow("any, dual stack") << QStringLiteral("::") << QStringLiteral("127.0.0.1");
    }

    void listenAddresses()
    {
        QFETCH(QString, address);
        QFETCH(QString, connectTo);
        EndpointSettings settings = testSettings();
        settings.listenAddress = address;
        const auto started = m_endpoint->start(settings);
        if (!started.ok() && address.contains(QLatin1Char(':')))
            QSKIP("no IPv6 on this machine");
        QVERIFY(started.ok());
        auto client = Client::connect(QHostAddress(connectTo), m_endpoint->serverPort());
        QVERIFY(client);
        client->send("GET /metrics HTTP/1.1\r\n\r\n");
        QCOMPARE(client->read()->status, 200);
    }

    void portInUse()
    {
        QVERIFY(m_endpoint->start(testSettings()).ok());
        MetricsEndpoint second(m_registry.get());
        EndpointSettings settings = testSettings();
        settings.port = m_endpoint->serverPort();
        const auto started = second.start(settings);
        QVERIFY(!started.ok());
        QVERIFY(started.error().message.contains(QString::number(settings.port)));
    }

    void tlsScrape()
    {
        QTemporaryDir dir;
        const QString path = dir.path();
        QVERIFY(makeTlsFiles(path));

        EndpointSettings settings = testSettings();
        settings.tlsCertFile = path + QStringLiteral("/cert.pem");
        settings.tlsKeyFile = path + QStringLiteral("/key.pem");
        settings.basicAuthUser = QStringLiteral("prometheus");
        settings.basicAuthPasswordHash = QString::fromLatin1(kBcryptHash);
        const auto started = m_endpoint->start(settings);
        QVERIFY2(started.ok(), started.ok() ? "" : qPrintable(started.error().message));
        QVERIFY(m_endpoint->usesTls());

        auto socket = std::make_unique<QSslSocket>();
        QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
        configuration.setCaCertificates(
            QSslCertificate::fromPath(path + QStringLiteral("/ca.pem")));
        socket->setSslConfiguration(configuration);
        socket->setPeerVerifyName(QStringLiteral("localhost"));
        socket->connectToHostEncrypted(QStringLiteral("127.0.0.1"), m_endpoint->serverPort());

        QSignalSpy encrypted(socket.get(), &QSslSocket::encrypted);
        QVERIFY2(encrypted.wait(10000), qPrintable(socket->errorString()));
        QVERIFY(socket->sessionProtocol() >= QSsl::TlsV1_2);
        Client client(std::move(socket));
        client.send("GET /metrics HTTP/1.1\r\nAuthorization: Basic " +
                    QByteArray("prometheus:s3cret").toBase64() + "\r\n\r\n");
        const auto response = client.read();
        QVERIFY(response);
        QCOMPARE(response->status, 200);
        QVERIFY(response->body.contains("dmarc_total{"));

        // Plain HTTP to the TLS port gets no metrics.
        auto plain = Client::connect(m_endpoint->serverPort());
        plain->send("GET /metrics HTTP/1.1\r\n\r\n");
        QVERIFY(plain->waitForClose(10000));
        QVERIFY(!plain->buffered().contains("200 OK"));
    }

private:
    std::unique_ptr<MetricsRegistry> m_registry;
    std::unique_ptr<MetricsEndpoint> m_endpoint;
};

QTEST_GUILESS_MAIN(TestMetricsEndpoint)
#include "tst_metricsendpoint.moc"
