// The reverse DNS answers kept in the store (ptr_cache), the resolver's cache over it, and the
// lookups that a batch's commit waits for (docs/counting.md section 10.6), against a real store
// on both backends (storebackend.h) and a DNS server of the test's own on loopback.

#include "dnsserver.h"
#include "metrics/metricsregistry.h"
#include "rdns/ptrname.h"
#include "service/ptrlookups.h"
#include "service/storeptrcache.h"
#include "store/store.h"
#include "storebackend.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QHostAddress>
#include <QTemporaryDir>
#include <QTest>

using namespace Dmarc;
using namespace Dmarc::Test;

namespace {

const QString kNamed = QStringLiteral("192.0.2.7");
const QString kSilent = QStringLiteral("192.0.2.8");
const QString kNoName = QStringLiteral("2001:db8::9");

QString queryName(const QString &ip)
{
    return ptrQueryName(QHostAddress(ip));
}

std::unique_ptr<Store> openStore(const QString &directory)
{
    auto store = Store::open(locationOf(directory));
    if (!store) {
        qWarning("%s", qPrintable(store.error().message));
        return nullptr;
    }
    return std::move(store).value();
}

QStringList rowsOf(Store &store, const QStringList &ips)
{
    const auto records = store.ptrRecords(ips);
    if (!records)
        return {records.error().message};
    QStringList rows;
    for (const PtrRecord &record : *records)
        rows << QStringList{record.ip, record.outcome, record.name, QString::number(record.expires)}
                    .join(QLatin1Char('|'));
    return rows;
}

QDateTime at(qint64 secs)
{
    return QDateTime::fromSecsSinceEpoch(secs, Qt::UTC);
}

// What the cache finds for ip at `secs`; NotAsked when nothing.
ReverseDnsAnswer found(StorePtrCache &cache, const QString &ip, qint64 secs)
{
    return cache.find(ip, at(secs)).value_or(ReverseDnsAnswer{});
}

// The value of one sample of the reverse DNS family; -1 when the family does not show it.
double queries(MetricsRegistry &metrics, const char *outcome)
{
    const QByteArray line =
        QByteArray("dmarc_metrics_exporter_reverse_dns_queries_total{outcome=\"") + outcome +
        "\"} ";
    const QByteArray body = metrics.exposition(false).body();
    const qsizetype start = body.indexOf(line);
    if (start < 0)
        return -1;
    const qsizetype end = body.indexOf('\n', start);
    return body.mid(start + line.size(), end - start - line.size()).toDouble();
}

// The exporter's lookups on a store, the queries counted on its metrics.
struct Lookups
{
    std::unique_ptr<Store> store;
    MetricsRegistry metrics;
    std::unique_ptr<PtrLookups> lookups; // ends before the store

    bool start(const QString &directory, const ReverseDnsSettings &settings)
    {
        store = openStore(directory);
        if (!store)
            return false;
        lookups = std::make_unique<PtrLookups>(store.get(), &metrics);
        return lookups->apply(settings).ok();
    }
};

// A DNS server that names kNamed, says kNoName has no name and never answers for kSilent.
struct Dns
{
    Dns()
    {
        server.answer(queryName(kNamed), QStringLiteral("o1.ptr123.sendgrid.net"));
        server.setBehaviour(queryName(kNoName), DnsServer::Behaviour::NxDomain);
        server.setBehaviour(queryName(kSilent), DnsServer::Behaviour::Silent);
    }

    ReverseDnsSettings settings(int commitWaitMs = 5000, int timeoutMs = 5000) const
    {
        ReverseDnsSettings settings;
        settings.server = server.address();
        settings.port = server.port();
        settings.commitWait = std::chrono::milliseconds(commitWaitMs);
        settings.timeout = std::chrono::milliseconds(timeoutMs);
        return settings;
    }

    DnsServer server;
};

} // namespace

class TestPtrCache : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase_data() { addStoreBackendRows(); }

    void init()
    {
        const auto chosen = useStoreBackendOfRow();
        QVERIFY2(chosen, chosen ? "" : qPrintable(chosen.error().message));
    }

    void cleanupTestCase() { stopStoreBackends(); }

    void keptAcrossReopen()
    {
        QTemporaryDir dir;
        const QList<PtrRecord> records{
            {kNamed, QStringLiteral("name"), QStringLiteral("o1.ptr123.sendgrid.net"), 1000},
            {kNoName, QStringLiteral("no_name"), QString(), 2000},
            {kSilent, QStringLiteral("timeout"), QString(), 3000},
            {QStringLiteral("198.51.100.1"), QStringLiteral("server_failure"), QString(), 4000}};
        {
            auto store = openStore(dir.path());
            QVERIFY(store);
            QVERIFY(store->keepPtrRecords(records).ok());
        }
        auto store = openStore(dir.path());
        QVERIFY(store);
        // In the order asked for; an address never asked about has no row.
        const auto kept =
            store->ptrRecords({QStringLiteral("198.51.100.1"), QStringLiteral("192.0.2.99"), kNamed,
                               kNoName, kSilent});
        QVERIFY(kept.ok());
        QCOMPARE(*kept,
                 (QList<PtrRecord>{records.at(3), records.at(0), records.at(1), records.at(2)}));
    }

    // One row per address: a later answer replaces the earlier one, whatever it says.
    void laterAnswerReplaces()
    {
        QTemporaryDir dir;
        auto store = openStore(dir.path());
        QVERIFY(store);
        QVERIFY(store
                    ->keepPtrRecords({{kNamed, QStringLiteral("name"),
                                       QStringLiteral("mail.example.net"), 1000}})
                    .ok());
        QVERIFY(store->keepPtrRecords({{kNamed, QStringLiteral("timeout"), QString(), 2000}}).ok());
        QCOMPARE(rowsOf(*store, {kNamed}), QStringList{QStringLiteral("192.0.2.7|timeout||2000")});
    }

    // The resolver's cache: an answer is found until it expires, before and after it is written,
    // and by a cache on the store reopened.
    void cacheFindsUntilExpiry()
    {
        QTemporaryDir dir;
        {
            auto store = openStore(dir.path());
            QVERIFY(store);
            StorePtrCache cache(store.get());
            const ReverseDnsAnswer named{kNamed, ReverseDnsOutcome::Name,
                                         QStringLiteral("o1.ptr123.sendgrid.net")};
            cache.remember(named, at(5000));
            cache.remember({kSilent, ReverseDnsOutcome::ServerFailure, {}}, at(3000));
            QCOMPARE(found(cache, kNamed, 4999), named);
            QVERIFY(!cache.find(kNamed, at(5000)));
            QVERIFY(!cache.find(kNoName, at(1)));
            cache.write();
            QCOMPARE(rowsOf(*store, {kNamed, kSilent}),
                     (QStringList{QStringLiteral("192.0.2.7|name|o1.ptr123.sendgrid.net|5000"),
                                  QStringLiteral("192.0.2.8|server_failure||3000")}));
        }
        auto store = openStore(dir.path());
        QVERIFY(store);
        StorePtrCache cache(store.get());
        QCOMPARE(found(cache, kNamed, 4999),
                 (ReverseDnsAnswer{kNamed, ReverseDnsOutcome::Name,
                                   QStringLiteral("o1.ptr123.sendgrid.net")}));
        QCOMPARE(found(cache, kSilent, 2999),
                 (ReverseDnsAnswer{kSilent, ReverseDnsOutcome::ServerFailure, {}}));
        QVERIFY(!cache.find(kSilent, at(3000)));
    }

    // Answers that come in together are written in one go a moment later, or when the cache
    // goes away.
    void answersWrittenTogether()
    {
        QTemporaryDir dir;
        auto store = openStore(dir.path());
        QVERIFY(store);
        {
            StorePtrCache cache(store.get());
            cache.remember({kNamed, ReverseDnsOutcome::Name, QStringLiteral("a.example")},
                           at(1000));
            cache.remember({kNoName, ReverseDnsOutcome::NoName, {}}, at(2000));
            QCOMPARE(rowsOf(*store, {kNamed, kNoName}), QStringList());
            QTRY_COMPARE(rowsOf(*store, {kNamed, kNoName}).size(), 2);
            cache.remember({kSilent, ReverseDnsOutcome::Timeout, {}}, at(3000));
        }
        QCOMPARE(rowsOf(*store, {kNamed, kNoName, kSilent}),
                 (QStringList{QStringLiteral("192.0.2.7|name|a.example|1000"),
                              QStringLiteral("2001:db8::9|no_name||2000"),
                              QStringLiteral("192.0.2.8|timeout||3000")}));
    }

    // The commit goes on once every address is answered, the names known to the naming and
    // kept in the store; the queries counted by what they came to.
    void waitsForTheAnswers()
    {
        QTemporaryDir dir;
        Dns dns;
        Lookups exporter;
        QVERIFY(exporter.start(dir.path(), dns.settings()));
        auto &[store, metrics, ptrs] = exporter;
        PtrLookups &lookups = *ptrs;
        QCOMPARE(queries(metrics, "name"), 0.0);
        QCOMPARE(queries(metrics, "timeout"), 0.0);

        int ready = 0;
        lookups.lookUp(this, {kNamed, kNoName}, [&ready] { ++ready; });
        QCOMPARE(ready, 0);
        QTRY_COMPARE(ready, 1);
        QCOMPARE(lookups.knownPtr(kNamed), QStringLiteral("o1.ptr123.sendgrid.net"));
        QCOMPARE(lookups.knownPtr(kNoName), QString());
        QCOMPARE(queries(metrics, "name"), 1.0);
        QCOMPARE(queries(metrics, "no_name"), 1.0);
        QCOMPARE(queries(metrics, "server_failure"), 0.0);
        QCOMPARE(dns.server.queryCount(), 2);

        // Known now: nothing is asked, nothing waits.
        lookups.lookUp(this, {kNamed, kNoName}, [&ready] { ++ready; });
        QCOMPARE(ready, 2);
        QCOMPARE(dns.server.queryCount(), 2);
        QTRY_COMPARE(rowsOf(*store, {kNamed, kNoName}).size(), 2);
    }

    // A server that does not answer holds the commit for commitWait, not for the query's
    // timeout; the timeout, when it comes, is kept like any answer.
    void waitIsBounded()
    {
        QTemporaryDir dir;
        Dns dns;
        Lookups exporter;
        QVERIFY(exporter.start(dir.path(), dns.settings(300, 1500)));
        auto &[store, metrics, ptrs] = exporter;
        PtrLookups &lookups = *ptrs;
        bool ready = false;
        QElapsedTimer clock;
        clock.start();
        lookups.lookUp(this, {kSilent, kNamed}, [&ready] { ready = true; });
        QTRY_VERIFY_WITH_TIMEOUT(ready, 1400);
        QVERIFY2(clock.elapsed() >= 290, qPrintable(QString::number(clock.elapsed())));
        QTRY_COMPARE(lookups.knownPtr(kNamed), QStringLiteral("o1.ptr123.sendgrid.net"));
        QTRY_COMPARE(queries(metrics, "timeout"), 1.0);
        QCOMPARE(lookups.knownPtr(kSilent), QString());
        QTRY_COMPARE(rowsOf(*store, {kSilent}).value(0).section(QLatin1Char('|'), 0, 1),
                     QStringLiteral("192.0.2.8|timeout"));
    }

    // A restart asks for nothing it learnt before.
    void keptAnswersAreNotAskedAgain()
    {
        QTemporaryDir dir;
        Dns dns;
        {
            Lookups exporter;
            QVERIFY(exporter.start(dir.path(), dns.settings()));
            auto &[store, metrics, ptrs] = exporter;
            PtrLookups &lookups = *ptrs;
            bool ready = false;
            lookups.lookUp(this, {kNamed, kNoName}, [&ready] { ready = true; });
            QTRY_VERIFY(ready);
        }
        QCOMPARE(dns.server.queryCount(), 2);
        Lookups exporter;
        QVERIFY(exporter.start(dir.path(), dns.settings()));
        auto &[store, metrics, ptrs] = exporter;
        PtrLookups &lookups = *ptrs;
        bool ready = false;
        lookups.lookUp(this, {kNamed, kNoName}, [&ready] { ready = true; });
        QVERIFY(ready);
        QCOMPARE(lookups.knownPtr(kNamed), QStringLiteral("o1.ptr123.sendgrid.net"));
        QCOMPARE(dns.server.queryCount(), 2);
        QCOMPARE(queries(metrics, "name"), 0.0);
    }

    // An owner's later batch replaces its waiting one, which is never committed; a cancelled
    // one neither.
    void laterBatchReplacesWaitingOne()
    {
        QTemporaryDir dir;
        Dns dns;
        Lookups exporter;
        QVERIFY(exporter.start(dir.path(), dns.settings(400)));
        auto &[store, metrics, ptrs] = exporter;
        PtrLookups &lookups = *ptrs;
        QObject other;
        QStringList calls;
        lookups.lookUp(this, {kSilent}, [&calls] { calls << QStringLiteral("first"); });
        lookups.lookUp(&other, {kSilent}, [&calls] { calls << QStringLiteral("cancelled"); });
        lookups.lookUp(this, {kNamed}, [&calls] { calls << QStringLiteral("second"); });
        lookups.cancel(&other);
        QTRY_COMPARE(calls, QStringList{QStringLiteral("second")});
        // Past the first one's deadline, nothing more comes.
        bool later = false;
        lookups.lookUp(&other, {kSilent}, [&later] { later = true; });
        QTRY_VERIFY(later);
        QCOMPARE(calls, QStringList{QStringLiteral("second")});
    }

    // New settings let the waiting batches go on at once; off, nothing is asked, nothing waits
    // and no name is known, kept ones included.
    void offAsksNothing()
    {
        QTemporaryDir dir;
        Dns dns;
        auto store = openStore(dir.path());
        QVERIFY(store);
        QVERIFY(store
                    ->keepPtrRecords({{kNamed, QStringLiteral("name"), QStringLiteral("a.example"),
                                       QDateTime::currentSecsSinceEpoch() + 3600}})
                    .ok());
        MetricsRegistry metrics;
        PtrLookups lookups(store.get(), &metrics);
        QVERIFY(lookups.apply(dns.settings()).ok());
        QVERIFY(lookups.isOn());
        QCOMPARE(lookups.knownPtr(kNamed), QStringLiteral("a.example"));
        bool waiting = true;
        lookups.lookUp(this, {kSilent}, [&waiting] { waiting = false; });
        QVERIFY(waiting);
        ReverseDnsSettings off = dns.settings();
        off.enabled = false;
        QVERIFY(lookups.apply(off).ok());
        QVERIFY(!waiting);
        QVERIFY(!lookups.isOn());
        QCOMPARE(lookups.knownPtr(kNamed), QString());
        bool ready = false;
        lookups.lookUp(this, {kNoName, kSilent}, [&ready] { ready = true; });
        QVERIFY(ready);
        QTRY_COMPARE(dns.server.queryCount(), 1); // kSilent's, while it was on
        QCOMPARE(dns.server.queryCount(queryName(kNoName)), 0);
    }
};

QTEST_GUILESS_MAIN(TestPtrCache)
#include "tst_ptrcache.moc"
