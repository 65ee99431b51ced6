// Sending sources named by reverse DNS, end to end: reports through a real Dovecot, the
// exporter asking a DNS server of the test's own on loopback for the PTR names of their source
// IPs, the names in the store and on /metrics, the answers kept across a restart, and no DNS
// packet at all with reverse DNS off (docs/counting.md sections 10.2 and 10.6).

#include "dnsserver.h"
#include "dovecotserver.h"
#include "exporterharness.h"
#include "rdns/ptrname.h"
#include "reportfixtures.h"
#include "service/exporter.h"
#include "store/store.h"

#include <QDir>
#include <QHostAddress>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QTest>

using namespace Dmarc;
using namespace Dmarc::Test;

namespace {

// Four senders: one with a PTR name in sendgrid.net, one whose query goes unanswered, one the
// DNS server fails, one without a PTR name (NXDOMAIN). Without a PTR name, the first and third
// are named by their passing DKIM domain (mydomain.de, the own domain), the second by its DKIM
// domain amazonses.com, the fourth has no passing signature.
const QString kSendGrid = QStringLiteral("192.0.2.10");
const QString kSilent = QStringLiteral("192.0.2.11");
const QString kFailing = QStringLiteral("192.0.2.12");
const QString kNoName = QStringLiteral("2001:db8::12");

QByteArray sourceRecord(const QString &ip, int count, const QByteArray &dkimDomain,
                        const QByteArray &dkimResult, const QByteArray &policyDkim)
{
    QByteArray xml =
        record("<disposition>none</disposition><dkim>" + policyDkim + "</dkim><spf>fail</spf>",
               "<count>" + QByteArray::number(count) + "</count>",
               "<header_from>mydomain.de</header_from>",
               "<dkim><domain>" + dkimDomain + "</domain><result>" + dkimResult +
                   "</result></dkim><spf><domain>mydomain.de</domain><result>fail"
                   "</result></spf>");
    return xml.replace("192.0.2.1</source_ip>", QByteArray(ip.toLatin1() + "</source_ip>"));
}

// One aggregate report `id` from the four senders: 3, 2, 1 and 4 messages, the first two
// DMARC compliant.
QByteArray reportEmail(const QByteArray &id)
{
    const QByteArray records = sourceRecord(kSendGrid, 3, "mydomain.de", "pass", "pass") +
                               sourceRecord(kSilent, 2, "amazonses.com", "pass", "pass") +
                               sourceRecord(kFailing, 1, "mydomain.de", "pass", "fail") +
                               sourceRecord(kNoName, 4, "mydomain.de", "fail", "fail");
    return email({attachment("application/gzip", id + ".xml.gz", gzip(feedback(records, id)))});
}

QString queryName(const QString &ip)
{
    return ptrQueryName(QHostAddress(ip));
}

using Samples = QMap<QString, double>;

// The source families' samples, keyed by source name.
Samples sourceSamples(const ParsedExposition &metrics, const QString &family)
{
    Samples samples;
    const QString prefix = family + QStringLiteral("{from_domain=\"mydomain.de\",source=\"");
    const Samples all = metrics.samplesOf(family);
    for (auto it = all.cbegin(); it != all.cend(); ++it) {
        QString key = it.key();
        if (key.startsWith(prefix))
            key = key.mid(prefix.size()).chopped(2);
        samples.insert(key, it.value());
    }
    return samples;
}

Samples queryOutcomes(const ParsedExposition &metrics)
{
    return metrics.samplesOf(QStringLiteral("dmarc_metrics_exporter_reverse_dns_queries_total"));
}

Samples outcomes(double name, double noName, double timeout, double serverFailure)
{
    const QString family =
        QStringLiteral("dmarc_metrics_exporter_reverse_dns_queries_total{outcome=\"%1\"}");
    return {{family.arg(QStringLiteral("name")), name},
            {family.arg(QStringLiteral("no_name")), noName},
            {family.arg(QStringLiteral("timeout")), timeout},
            {family.arg(QStringLiteral("server_failure")), serverFailure},
            {family.arg(QStringLiteral("not_asked")), 0}};
}

// Rows of the store's file, read beside the running exporter: "a|b|c" per row.
QStringList rowsOf(const QString &directory, const QString &sql)
{
    QStringList rows;
    {
        QSqlDatabase db =
            QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("peek"));
        db.setDatabaseName(QDir(directory).filePath(Store::fileName()));
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
        if (db.open()) {
            QSqlQuery query(db);
            if (query.exec(sql)) {
                while (query.next()) {
                    QStringList values;
                    for (int i = 0; i < query.record().count(); ++i)
                        values << query.value(i).toString();
                    rows << values.join(QLatin1Char('|'));
                }
            }
        }
    }
    QSqlDatabase::removeDatabase(QStringLiteral("peek"));
    return rows;
}

QStringList sourceDays(const QString &directory)
{
    return rowsOf(directory, QStringLiteral("SELECT day, source_ip, source_name, source_type, "
                                            "messages, compliant FROM source_days ORDER BY "
                                            "source_ip"));
}

struct Harness
{
    DovecotServer imap;
    DnsServer dns;
    QTemporaryDir storage;
    std::unique_ptr<Exporter> exporter;

    Harness()
    {
        dns.answer(queryName(kSendGrid), QStringLiteral("o1.ptr.sendgrid.net"));
        dns.setBehaviour(queryName(kSilent), DnsServer::Behaviour::Silent);
        dns.setBehaviour(queryName(kFailing), DnsServer::Behaviour::ServerFailure);
    }

    bool startServer()
    {
        const auto started = imap.start();
        if (!started)
            qWarning("%s", qPrintable(started.error().message));
        return started.ok() && dns.isListening();
    }

    bool startExporter(bool reverseDns = true)
    {
        const QJsonObject sources{
            {QStringLiteral("reverse_dns"), reverseDns},
            {QStringLiteral("dns_server"),
             QString(dns.address() + QLatin1Char(':') + QString::number(dns.port()))}};
        auto config = parseConfig(
            exporterConfigWith(imap, storage.path(), {{QStringLiteral("sources"), sources}}),
            QString(), {});
        if (!config) {
            qWarning("%s", qPrintable(config.error().message));
            return false;
        }
        exporter = std::make_unique<Exporter>(*config);
        const auto started = exporter->start();
        if (!started)
            qWarning("%s", qPrintable(started.error().message));
        return started.ok();
    }

    void stopExporter()
    {
        QSignalSpy stopped(exporter.get(), &Exporter::stopped);
        exporter->stop();
        if (stopped.isEmpty())
            stopped.wait(10000);
        exporter.reset();
    }

    ParsedExposition scrapeNow() { return scrape(exporter->metricsUrl()); }
};

} // namespace

class TestSourcesReverseDns : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // The PTR name known at the commit names its source; a query unanswered past the commit's
    // wait, a failing server and an address without a name leave their sources to the other
    // rules. Every answer is kept, the timeout too once it comes, so a second exporter on the
    // same store asks for none of them again and names the sources alike.
    void namedByPtrAndKeptAcrossRestart()
    {
        Harness h;
        QVERIFY(h.startServer());
        QVERIFY(h.imap.deliver(QStringLiteral("INBOX"), reportEmail("r-1")).ok());
        QVERIFY(h.startExporter());
        QTRY_COMPARE_WITH_TIMEOUT(h.imap.messageCount(QStringLiteral("Archive")), 1, 30000);

        const QStringList named{QStringLiteral("2020-10-01|192.0.2.10|SendGrid|esp|3|3"),
                                QStringLiteral("2020-10-01|192.0.2.11|Amazon SES|esp|2|2"),
                                QStringLiteral("2020-10-01|192.0.2.12|own domain|own|1|0"),
                                QStringLiteral("2020-10-01|2001:db8::12|unknown|other|4|0")};
        QCOMPARE(sourceDays(h.storage.path()), named);
        ParsedExposition metrics = h.scrapeNow();
        QCOMPARE(sourceSamples(metrics, QStringLiteral("dmarc_source_total")),
                 (Samples{{QStringLiteral("Amazon SES"), 2},
                          {QStringLiteral("SendGrid"), 3},
                          {QStringLiteral("own domain"), 1},
                          {QStringLiteral("unknown"), 4}}));
        QCOMPARE(sourceSamples(metrics, QStringLiteral("dmarc_source_compliant_total")),
                 (Samples{{QStringLiteral("Amazon SES"), 2},
                          {QStringLiteral("SendGrid"), 3},
                          {QStringLiteral("own domain"), 0},
                          {QStringLiteral("unknown"), 0}}));
        QCOMPARE(h.dns.queryCount(), 4);
        for (const QString &ip : {kSendGrid, kSilent, kFailing, kNoName})
            QCOMPARE(h.dns.queryCount(queryName(ip)), 1);
        // The unanswered query times out after the commit (5 s after it was sent).
        QTRY_COMPARE_WITH_TIMEOUT(queryOutcomes(h.scrapeNow()), outcomes(1, 1, 1, 1), 15000);
        QTRY_COMPARE(rowsOf(h.storage.path(),
                            QStringLiteral("SELECT ip, outcome, name FROM ptr_cache ORDER BY ip")),
                     (QStringList{QStringLiteral("192.0.2.10|name|o1.ptr.sendgrid.net"),
                                  QStringLiteral("192.0.2.11|timeout|"),
                                  QStringLiteral("192.0.2.12|server_failure|"),
                                  QStringLiteral("2001:db8::12|no_name|")}));
        h.stopExporter();

        QVERIFY(h.imap.deliver(QStringLiteral("INBOX"), reportEmail("r-2")).ok());
        QVERIFY(h.startExporter());
        QTRY_COMPARE_WITH_TIMEOUT(h.imap.messageCount(QStringLiteral("Archive")), 2, 30000);
        QCOMPARE(h.dns.queryCount(), 4);
        QCOMPARE(sourceDays(h.storage.path()),
                 (QStringList{QStringLiteral("2020-10-01|192.0.2.10|SendGrid|esp|6|6"),
                              QStringLiteral("2020-10-01|192.0.2.11|Amazon SES|esp|4|4"),
                              QStringLiteral("2020-10-01|192.0.2.12|own domain|own|2|0"),
                              QStringLiteral("2020-10-01|2001:db8::12|unknown|other|8|0")}));
        metrics = h.scrapeNow();
        QCOMPARE(sourceSamples(metrics, QStringLiteral("dmarc_source_total")),
                 (Samples{{QStringLiteral("Amazon SES"), 4},
                          {QStringLiteral("SendGrid"), 6},
                          {QStringLiteral("own domain"), 2},
                          {QStringLiteral("unknown"), 8}}));
        QCOMPARE(queryOutcomes(metrics), outcomes(0, 0, 0, 0));
        h.stopExporter();
    }

    // Off, no resolver exists: not a packet reaches the DNS server, the sources are named by
    // their signatures, and the queries are not shown.
    void offSendsNoPacket()
    {
        Harness h;
        QVERIFY(h.startServer());
        QVERIFY(h.imap.deliver(QStringLiteral("INBOX"), reportEmail("r-1")).ok());
        QVERIFY(h.startExporter(false));
        QTRY_COMPARE_WITH_TIMEOUT(h.imap.messageCount(QStringLiteral("Archive")), 1, 30000);
        QCOMPARE(sourceDays(h.storage.path()),
                 (QStringList{QStringLiteral("2020-10-01|192.0.2.10|own domain|own|3|3"),
                              QStringLiteral("2020-10-01|192.0.2.11|Amazon SES|esp|2|2"),
                              QStringLiteral("2020-10-01|192.0.2.12|own domain|own|1|0"),
                              QStringLiteral("2020-10-01|2001:db8::12|unknown|other|4|0")}));
        const ParsedExposition metrics = h.scrapeNow();
        QCOMPARE(sourceSamples(metrics, QStringLiteral("dmarc_source_total")),
                 (Samples{{QStringLiteral("Amazon SES"), 2},
                          {QStringLiteral("own domain"), 4},
                          {QStringLiteral("unknown"), 4}}));
        QCOMPARE(queryOutcomes(metrics), Samples());
        QCOMPARE(rowsOf(h.storage.path(), QStringLiteral("SELECT ip FROM ptr_cache")),
                 QStringList());
        h.stopExporter();
        QCOMPARE(h.dns.queryCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestSourcesReverseDns)
#include "tst_sourcesreversedns.moc"
