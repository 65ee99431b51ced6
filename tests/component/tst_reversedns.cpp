#include "dnsserver.h"
#include "rdns/ptrname.h"
#include "rdns/reversednsresolver.h"

#include <QElapsedTimer>
#include <QNetworkDatagram>
#include <QSignalSpy>
#include <QTest>
#include <QUdpSocket>

using namespace Dmarc;
using Dmarc::Test::DnsServer;

namespace {

// A cache in memory (the exporter's is the store's): what was remembered, with its expiry.
class MemoryCache : public ReverseDnsCache
{
public:
    struct Entry
    {
        ReverseDnsAnswer answer;
        QDateTime expires;
    };

    std::optional<ReverseDnsAnswer> find(const QString &ip, const QDateTime &now) override
    {
        const auto it = entries.constFind(ip);
        if (it == entries.constEnd() || it->expires <= now)
            return std::nullopt;
        return it->answer;
    }
    void remember(const ReverseDnsAnswer &answer, const QDateTime &expires) override
    {
        entries.insert(answer.ip, {answer, expires});
    }

    QHash<QString, Entry> entries;
};

// Every answer the resolver gave, in order.
struct Answers
{
    explicit Answers(ReverseDnsResolver &resolver)
    {
        QObject::connect(&resolver, &ReverseDnsResolver::answered, &resolver,
                         [this](const ReverseDnsAnswer &answer) { list.append(answer); });
    }
    QList<ReverseDnsAnswer> list;
};

ReverseDnsSettings settingsFor(const DnsServer &server)
{
    ReverseDnsSettings settings;
    settings.server = server.address();
    settings.port = server.port();
    settings.timeout = std::chrono::milliseconds(2000);
    return settings;
}

std::unique_ptr<ReverseDnsResolver> resolverFor(const ReverseDnsSettings &settings,
                                                ReverseDnsCache &cache)
{
    Result<std::unique_ptr<ReverseDnsResolver>> resolver =
        ReverseDnsResolver::create(settings, cache);
    if (!resolver) {
        qWarning() << resolver.error().message;
        return {};
    }
    return std::move(resolver).value();
}

// Asks for ip and waits for its answer.
std::optional<ReverseDnsAnswer> askAndWait(ReverseDnsResolver &resolver, const QString &ip)
{
    QSignalSpy answered(&resolver, &ReverseDnsResolver::answered);
    resolver.ask(ip);
    if (!answered.wait(10000))
        return std::nullopt;
    return answered.at(0).at(0).value<ReverseDnsAnswer>();
}

// The addresses 198.51.100.1 to .count, which server leaves unanswered.
QStringList silentAddresses(DnsServer &server, int count)
{
    QStringList ips;
    for (int i = 1; i <= count; ++i) {
        ips.append(QStringLiteral("198.51.100.%1").arg(i));
        server.setBehaviour(ptrQueryName(QHostAddress(ips.last())), DnsServer::Behaviour::Silent);
    }
    return ips;
}

// Seconds from now to `expires`, for comparing a lifetime to within a minute.
qint64 secondsUntil(const QDateTime &expires)
{
    return QDateTime::currentDateTimeUtc().secsTo(expires);
}

constexpr qint64 day = 24 * 3600;

} // namespace

class TestReverseDns : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void ptrQueryNames_data();
    void ptrQueryNames();
    void answeredName_data();
    void answeredName();
    void failures_data();
    void failures();
    void timeoutWithinConfiguredTime();
    void boundedInFlight();
    void fullQueueIsNotAsked();
    void cachedAnswerSendsNothing();
    void expiredAnswerIsAskedAgain();
    void sameAddressWhileWaitingIsAskedOnce();
    void notAnAddressIsNotAsked();
    void destroyedWhileWaiting();
    void offSendsNothing();
    void badServerAddress();
    void testServerReadsQueries_data();
    void testServerReadsQueries();
    void testServerRefusesMalformedQuery();
};

void TestReverseDns::ptrQueryNames_data()
{
    QTest::addColumn<QString>("address");
    QTest::addColumn<QString>("name");
    QTest::newRow("v4") << "192.0.2.7"
                        << "7.2.0.192.in-addr.arpa";
    QTest::newRow("v4 zeros") << "0.0.0.0"
                              << "0.0.0.0.in-addr.arpa";
    QTest::newRow("v4 all ones") << "255.255.255.255"
                                 << "255.255.255.255.in-addr.arpa";
    // RFC 3596 section 2.5's example.
    QTest::newRow("v6 rfc") << "4321:0:1:2:3:4:567:89ab"
                            << "b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4"
                               ".ip6.arpa";
    QTest::newRow("v6 short") << "2001:db8::1"
                              << "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2"
                                 ".ip6.arpa";
    QTest::newRow("v6 loopback")
        << "::1"
        << "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0"
           ".ip6.arpa";
    QTest::newRow("not an address") << "mail.example.com"
                                    << "";
    QTest::newRow("empty") << ""
                           << "";
}

void TestReverseDns::ptrQueryNames()
{
    QFETCH(QString, address);
    QFETCH(QString, name);
    QCOMPARE(ptrQueryName(QHostAddress(address)), name);
}

void TestReverseDns::answeredName_data()
{
    QTest::addColumn<QHostAddress>("serverAddress");
    QTest::addColumn<QString>("ip");
    QTest::addColumn<QString>("ptr");
    QTest::addColumn<QString>("name");
    const QHostAddress v4(QHostAddress::LocalHost);
    QTest::newRow("v4 address") << v4 << "192.0.2.7"
                                << "O1.Mail.Example.NET"
                                << "o1.mail.example.net";
    QTest::newRow("v6 address") << v4 << "2001:db8::25"
                                << "mx.example.org."
                                << "mx.example.org";
    QTest::newRow("v6 server") << QHostAddress(QHostAddress::LocalHostIPv6) << "192.0.2.7"
                               << "mail.example.net"
                               << "mail.example.net";
}

// The name as the server gave it, in lower case without the final dot, kept for a week.
void TestReverseDns::answeredName()
{
    QFETCH(QHostAddress, serverAddress);
    QFETCH(QString, ip);
    QFETCH(QString, ptr);
    QFETCH(QString, name);
    DnsServer server(serverAddress);
    if (!server.isListening())
        QSKIP("no such loopback address on this machine");
    const QString queryName = ptrQueryName(QHostAddress(ip));
    server.answer(queryName, ptr);
    MemoryCache cache;
    const auto resolver = resolverFor(settingsFor(server), cache);
    QVERIFY(resolver);
    const ReverseDnsAnswer expected{ip, ReverseDnsOutcome::Name, name};
    QCOMPARE(askAndWait(*resolver, ip), expected);
    QCOMPARE(server.queryCount(), 1);
    QCOMPARE(server.queryCount(queryName), 1);
    QCOMPARE(cache.entries.value(ip).answer, expected);
    QVERIFY(qAbs(secondsUntil(cache.entries.value(ip).expires) - 7 * day) < 60);
}

void TestReverseDns::failures_data()
{
    QTest::addColumn<DnsServer::Behaviour>("behaviour");
    QTest::addColumn<ReverseDnsOutcome>("outcome");
    QTest::addColumn<qint64>("lifetime");
    QTest::newRow("nxdomain") << DnsServer::Behaviour::NxDomain << ReverseDnsOutcome::NoName
                              << 7 * day;
    QTest::newRow("no ptr record")
        << DnsServer::Behaviour::NoRecord << ReverseDnsOutcome::NoName << 7 * day;
    QTest::newRow("servfail") << DnsServer::Behaviour::ServerFailure
                              << ReverseDnsOutcome::ServerFailure << day;
}

// An address without a name is known for as long as a name; a server's failure is asked again
// after a day.
void TestReverseDns::failures()
{
    QFETCH(DnsServer::Behaviour, behaviour);
    QFETCH(ReverseDnsOutcome, outcome);
    QFETCH(qint64, lifetime);
    DnsServer server;
    server.setBehaviour(QStringLiteral("9.2.0.192.in-addr.arpa"), behaviour);
    MemoryCache cache;
    const auto resolver = resolverFor(settingsFor(server), cache);
    QVERIFY(resolver);
    const ReverseDnsAnswer expected{QStringLiteral("192.0.2.9"), outcome, {}};
    QCOMPARE(askAndWait(*resolver, QStringLiteral("192.0.2.9")), expected);
    QCOMPARE(server.queryCount(), 1); // one attempt
    QCOMPARE(cache.entries.value(QStringLiteral("192.0.2.9")).answer, expected);
    QVERIFY(qAbs(secondsUntil(cache.entries.value(QStringLiteral("192.0.2.9")).expires) -
                 lifetime) < 60);
}

void TestReverseDns::timeoutWithinConfiguredTime()
{
    DnsServer server;
    server.setBehaviour(QStringLiteral("9.2.0.192.in-addr.arpa"), DnsServer::Behaviour::Silent);
    MemoryCache cache;
    ReverseDnsSettings settings = settingsFor(server);
    settings.timeout = std::chrono::milliseconds(300);
    const auto resolver = resolverFor(settings, cache);
    QVERIFY(resolver);
    QSignalSpy answered(resolver.get(), &ReverseDnsResolver::answered);

    QElapsedTimer elapsed;
    elapsed.start();
    resolver->ask(QStringLiteral("192.0.2.9"));
    QVERIFY(answered.wait(5000));
    QVERIFY2(elapsed.elapsed() >= 290, qPrintable(QString::number(elapsed.elapsed())));
    // Well before the next attempt a second try would make; the machine may be loaded.
    QVERIFY2(elapsed.elapsed() < 1500, qPrintable(QString::number(elapsed.elapsed())));
    QCOMPARE(answered.takeFirst().at(0).value<ReverseDnsAnswer>(),
             (ReverseDnsAnswer{QStringLiteral("192.0.2.9"), ReverseDnsOutcome::Timeout, {}}));
    QCOMPARE(server.queryCount(), 1);
    QVERIFY(qAbs(secondsUntil(cache.entries.value(QStringLiteral("192.0.2.9")).expires) - day) <
            60);
}

// A server that never answers sees at most maxInFlight queries at once; the other addresses
// wait and are sent as the earlier ones time out, none lost.
void TestReverseDns::boundedInFlight()
{
    DnsServer server;
    const QStringList ips = silentAddresses(server, 7);
    MemoryCache cache;
    ReverseDnsSettings settings = settingsFor(server);
    settings.timeout = std::chrono::milliseconds(400);
    settings.maxInFlight = 3;
    const auto resolver = resolverFor(settings, cache);
    QVERIFY(resolver);
    Answers answers(*resolver);
    int mostOutstanding = 0;
    connect(&server, &DnsServer::queryReceived, this, [&] {
        mostOutstanding = qMax(mostOutstanding, server.queryCount() - int(answers.list.size()));
    });

    for (const QString &ip : ips)
        resolver->ask(ip);
    QTRY_COMPARE(server.queryCount(), 3);
    QCOMPARE(answers.list.size(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(answers.list.size(), 7, 10000);
    QCOMPARE(server.queryCount(), 7);
    QCOMPARE(mostOutstanding, 3);
    QStringList answered;
    for (const ReverseDnsAnswer &answer : answers.list) {
        QCOMPARE(answer.outcome, ReverseDnsOutcome::Timeout);
        answered.append(answer.ip);
    }
    QCOMPARE(answered, ips); // in the order asked
}

void TestReverseDns::fullQueueIsNotAsked()
{
    DnsServer server;
    const QStringList ips = silentAddresses(server, 5);
    MemoryCache cache;
    ReverseDnsSettings settings = settingsFor(server);
    settings.timeout = std::chrono::milliseconds(300);
    settings.maxInFlight = 1;
    settings.maxQueued = 2;
    const auto resolver = resolverFor(settings, cache);
    QVERIFY(resolver);
    Answers answers(*resolver);

    for (const QString &ip : ips)
        resolver->ask(ip);
    // One sent, two waiting, the last two dropped at once.
    QTRY_COMPARE(answers.list.size(), 2);
    QCOMPARE(answers.list.at(0),
             (ReverseDnsAnswer{QStringLiteral("198.51.100.4"), ReverseDnsOutcome::NotAsked, {}}));
    QCOMPARE(answers.list.at(1),
             (ReverseDnsAnswer{QStringLiteral("198.51.100.5"), ReverseDnsOutcome::NotAsked, {}}));
    QTRY_COMPARE_WITH_TIMEOUT(answers.list.size(), 5, 10000);
    QCOMPARE(server.queryCount(), 3);
    QVERIFY(!cache.entries.contains(QStringLiteral("198.51.100.4"))); // to be asked next time
    QVERIFY(!cache.entries.contains(QStringLiteral("198.51.100.5")));
    QCOMPARE(cache.entries.size(), 3);
}

void TestReverseDns::cachedAnswerSendsNothing()
{
    DnsServer server;
    server.answer(QStringLiteral("7.2.0.192.in-addr.arpa"), QStringLiteral("mail.example.net"));
    MemoryCache cache;
    const ReverseDnsAnswer remembered{QStringLiteral("192.0.2.8"), ReverseDnsOutcome::Name,
                                      QStringLiteral("cached.example.com")};
    cache.remember(remembered, QDateTime::currentDateTimeUtc().addDays(1));
    const auto resolver = resolverFor(settingsFor(server), cache);
    QVERIFY(resolver);
    Answers answers(*resolver);

    resolver->ask(QStringLiteral("192.0.2.8"));
    QTRY_COMPARE(answers.list.size(), 1);
    QCOMPARE(answers.list.at(0), remembered);

    // Asked, answered, then asked again: the second answer is the cache's.
    resolver->ask(QStringLiteral("192.0.2.7"));
    QTRY_COMPARE(answers.list.size(), 2);
    resolver->ask(QStringLiteral("192.0.2.7"));
    QTRY_COMPARE(answers.list.size(), 3);
    QCOMPARE(answers.list.at(2), answers.list.at(1));
    QCOMPARE(answers.list.at(2).name, QStringLiteral("mail.example.net"));
    QCOMPARE(server.queryCount(), 1);
}

void TestReverseDns::expiredAnswerIsAskedAgain()
{
    DnsServer server;
    server.answer(QStringLiteral("7.2.0.192.in-addr.arpa"), QStringLiteral("new.example.net"));
    MemoryCache cache;
    cache.remember(
        {QStringLiteral("192.0.2.7"), ReverseDnsOutcome::Name, QStringLiteral("old.example.net")},
        QDateTime::currentDateTimeUtc().addSecs(-1));
    const auto resolver = resolverFor(settingsFor(server), cache);
    QVERIFY(resolver);
    Answers answers(*resolver);

    resolver->ask(QStringLiteral("192.0.2.7"));
    QTRY_COMPARE(answers.list.size(), 1);
    QCOMPARE(answers.list.at(0).name, QStringLiteral("new.example.net"));
    QCOMPARE(server.queryCount(), 1);
    QCOMPARE(cache.entries.value(QStringLiteral("192.0.2.7")).answer.name,
             QStringLiteral("new.example.net"));
}

void TestReverseDns::sameAddressWhileWaitingIsAskedOnce()
{
    DnsServer server;
    server.answer(QStringLiteral("7.2.0.192.in-addr.arpa"), QStringLiteral("mail.example.net"));
    MemoryCache cache;
    ReverseDnsSettings settings = settingsFor(server);
    settings.maxInFlight = 1;
    const auto resolver = resolverFor(settings, cache);
    QVERIFY(resolver);
    Answers answers(*resolver);

    resolver->ask(QStringLiteral("192.0.2.7")); // sent
    resolver->ask(QStringLiteral("192.0.2.6")); // queued
    resolver->ask(QStringLiteral("192.0.2.7"));
    resolver->ask(QStringLiteral("192.0.2.6"));
    QTRY_COMPARE(answers.list.size(), 2);
    QCOMPARE(answers.list.at(0).name, QStringLiteral("mail.example.net"));
    QCOMPARE(answers.list.at(1).outcome, ReverseDnsOutcome::NoName);
    QCOMPARE(server.queryCount(), 2);
    QCOMPARE(server.queryCount(QStringLiteral("7.2.0.192.in-addr.arpa")), 1);
    QCOMPARE(server.queryCount(QStringLiteral("6.2.0.192.in-addr.arpa")), 1);
}

void TestReverseDns::notAnAddressIsNotAsked()
{
    DnsServer server;
    MemoryCache cache;
    const auto resolver = resolverFor(settingsFor(server), cache);
    QVERIFY(resolver);
    Answers answers(*resolver);

    resolver->ask(QString());
    resolver->ask(QStringLiteral("mail.example.net"));
    resolver->ask(QStringLiteral("fe80::1%eth0"));
    QTRY_COMPARE(answers.list.size(), 3);
    for (const ReverseDnsAnswer &answer : answers.list)
        QCOMPARE(answer.outcome, ReverseDnsOutcome::NotAsked);
    QCOMPARE(server.queryCount(), 0);
    QVERIFY(cache.entries.isEmpty());
}

// Queries in flight and waiting when the resolver goes: nothing is answered or kept, and
// nothing is left behind (what a sanitizer or valgrind run of this test shows).
void TestReverseDns::destroyedWhileWaiting()
{
    DnsServer server;
    const QStringList ips = silentAddresses(server, 3);
    MemoryCache cache;
    ReverseDnsSettings settings = settingsFor(server);
    settings.maxInFlight = 2;
    auto resolver = resolverFor(settings, cache);
    QVERIFY(resolver);
    int answers = 0;
    connect(resolver.get(), &ReverseDnsResolver::answered, this, [&answers] { ++answers; });

    for (const QString &ip : ips)
        resolver->ask(ip);
    QTRY_COMPARE(server.queryCount(), 2);
    resolver.reset();
    QCOMPARE(answers, 0);
    QVERIFY(cache.entries.isEmpty());
}

void TestReverseDns::offSendsNothing()
{
    DnsServer server;
    MemoryCache cache;
    ReverseDnsSettings settings = settingsFor(server);
    settings.enabled = false;
    const Result<std::unique_ptr<ReverseDnsResolver>> resolver =
        ReverseDnsResolver::create(settings, cache);
    QVERIFY(resolver);
    QVERIFY(!resolver.value()); // no resolver, so nothing that could open a socket
    QCOMPARE(server.queryCount(), 0);
}

void TestReverseDns::badServerAddress()
{
    MemoryCache cache;
    ReverseDnsSettings settings;
    settings.server = QStringLiteral("dns.example.net");
    const Result<std::unique_ptr<ReverseDnsResolver>> resolver =
        ReverseDnsResolver::create(settings, cache);
    QVERIFY(!resolver);
    QCOMPARE(resolver.error().code, QStringLiteral("dns_server"));
    QVERIFY(resolver.error().message.contains(QStringLiteral("\"dns.example.net\"")));
}

// The test's DNS server reads queries as RFC 1035 writes them, compression pointers included,
// and refuses what is not one.
void TestReverseDns::testServerReadsQueries_data()
{
    QTest::addColumn<QByteArray>("message");
    QTest::addColumn<QString>("name"); // empty: not a query
    const QByteArray header = QByteArray::fromHex("123401000001000000000000");
    const QByteArray ptrIn = QByteArray::fromHex("000c0001");
    const QByteArray exampleCom = QByteArray::fromHex("076578616d706c6503636f6d00");
    const QByteArray labelA = QByteArray::fromHex("0161"); // "a"
    QTest::newRow("plain") << header + labelA + exampleCom + ptrIn << "a.example.com";
    // "a", then a pointer to offset 20, where example.com follows the question.
    QTest::newRow("pointer") << header + labelA + QByteArray::fromHex("c014") + ptrIn + exampleCom
                             << "a.example.com";
    QTest::newRow("pointer loop") << header + QByteArray::fromHex("c00c") + ptrIn << "";
    QTest::newRow("truncated name") << header + QByteArray::fromHex("076578616d") << "";
    QTest::newRow("no type") << header + labelA + exampleCom << "";
    QTest::newRow("two questions")
        << QByteArray::fromHex("123401000002000000000000") + exampleCom + ptrIn + exampleCom + ptrIn
        << "";
    QTest::newRow("short header") << QByteArray::fromHex("1234") << "";
}

void TestReverseDns::testServerReadsQueries()
{
    QFETCH(QByteArray, message);
    QFETCH(QString, name);
    const std::optional<Test::DnsQuery> query = Test::parseDnsQuery(message);
    QCOMPARE(query.has_value(), !name.isEmpty());
    if (query) {
        QCOMPARE(query->id, quint16(0x1234));
        QCOMPARE(query->name, name);
        QCOMPARE(query->type, quint16(12));
        QCOMPARE(query->qclass, quint16(1));
    }
}

void TestReverseDns::testServerRefusesMalformedQuery()
{
    DnsServer server;
    QUdpSocket client;
    QSignalSpy replied(&client, &QUdpSocket::readyRead);
    QVERIFY(client.bind(QHostAddress::LocalHost, 0));
    client.writeDatagram(QByteArray::fromHex("abcd01000001000000000000c00c"),
                         QHostAddress::LocalHost, server.port());
    QVERIFY(replied.wait());
    const QByteArray reply = client.receiveDatagram().data();
    QCOMPARE(reply.left(2), QByteArray::fromHex("abcd")); // the query's id
    QVERIFY(quint8(reply.at(2)) & 0x80);                  // a response
    QCOMPARE(quint8(reply.at(3)) & 0x0f, 1);              // FORMERR
    QCOMPARE(server.queryCount(), 1);
}

QTEST_GUILESS_MAIN(TestReverseDns)
#include "tst_reversedns.moc"
