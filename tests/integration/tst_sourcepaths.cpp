// The sending sources by every path into the store (docs/counting.md section 10.7): the
// mailbox and the import of an archive keep the same rows with the same names and serve the
// same dmarc_source_* values; a reload's classes and map file name what is committed after it,
// and what was committed before keeps its names.

#include "dovecotserver.h"
#include "exporterharness.h"
#include "keptsources.h"
#include "reportfixtures.h"
#include "sourcefixtures.h"
#include "store/store.h"
#include "testfiles.h"

#include <QDateTime>
#include <QDir>
#include <QJsonDocument>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <csignal>
#include <functional>

using namespace Dmarc;
using namespace Dmarc::Test;

namespace {

constexpr int kReports = 24;

// A report on one of three days (Thursday 1, Sunday 4 and Wednesday 7 October 2020: two weeks),
// from one of three reporters, with up to five records of the test senders for three from
// domains.
QList<QByteArray> generateReports()
{
    QRandomGenerator random(20261203);
    const QList<QByteArray> domains{"example.org", "example.net", "shop.example.com"};
    const QList<QByteArray> reporters{"google.com", "Mail.Ru", "Enterprise Outlook"};
    QList<QByteArray> reports;
    for (int i = 0; i < kReports; ++i) {
        QByteArray records;
        for (int r = 0, n = 1 + int(random.bounded(5)); r < n; ++r) {
            const auto &sender = testSenders().at(int(random.bounded(testSenders().size())));
            const QByteArray &domain = domains.at(int(random.bounded(domains.size())));
            const QByteArray policy =
                random.bounded(2)
                    ? "<disposition>none</disposition><dkim>pass</dkim><spf>fail</spf>"
                    : "<disposition>quarantine</disposition><dkim>fail</dkim>"
                      "<spf>fail</spf>";
            records += senderRecord(sender, domain, policy, 1 + random.bounded(40));
        }
        reports << reportOnDay(feedback(records, "paths-" + QByteArray::number(i), QByteArray(),
                                        reporters.at(i % reporters.size())),
                               i % 3 * 3);
    }
    return reports;
}

// Report `i` as an email: gzip, zip or plain XML attached.
QByteArray reportEmail(int i, const QByteArray &xml)
{
    const QByteArray name = "r-" + QByteArray::number(i);
    switch (i % 3) {
    case 0:
        return email({attachment("application/gzip", name + ".xml.gz", gzip(xml))});
    case 1:
        return email({attachment("application/zip", name + ".zip",
                                 zip({{QString::fromLatin1(name + ".xml"), xml}}))});
    default:
        return email({attachment("text/xml", name + ".xml", xml)});
    }
}

// The known-senders map of the tests: bulk.example is a sender of its own.
QByteArray senderMap(const QByteArray &bulkName)
{
    return "base_reverse_dns,name,type\nbulk.example," + bulkName + ",marketing\n";
}

// The configuration of exporterConfigWith() with metrics on `port` and the sources named by
// `classes` and the map file `mapFile`, without reverse DNS.
QByteArray configWithSources(const DovecotServer &server, const QString &storagePath, quint16 port,
                             const QList<SourceClassSettings> &classes, const QString &mapFile)
{
    return exporterConfigWith(
        server, storagePath,
        QJsonObject{{QStringLiteral("port"), port},
                    {QStringLiteral("sources"),
                     QJsonObject{{QStringLiteral("reverse_dns"), false},
                                 {QStringLiteral("classes"), sourceClassesJson(classes)},
                                 {QStringLiteral("map_file"), mapFile}}}});
}

// The exporter binary on `config` written to `dir`, metrics on a free port.
bool startChild(ExporterChild &exporter, const QTemporaryDir &dir, const QString &name,
                const std::function<QByteArray(quint16)> &config)
{
    const quint16 port = freeLocalPort();
    exporter.configPath = writeTestFile(dir, name, config(port));
    exporter.metrics = QUrl(QStringLiteral("http://127.0.0.1:%1/metrics").arg(port));
    return exporter.start();
}

// Both source families of a scrape.
QMap<QString, double> sourceSamples(const QUrl &metrics)
{
    const ParsedExposition scraped = scrape(metrics);
    QMap<QString, double> samples = scraped.samplesOf(QStringLiteral("dmarc_source_total"));
    samples.insert(scraped.samplesOf(QStringLiteral("dmarc_source_compliant_total")));
    return samples;
}

// Whether a scrape shows these values of dmarc_source_total for example.org, by source name
// (those not named here may have any value).
bool showsTotals(const QUrl &metrics, const QMap<QString, double> &totals)
{
    const ParsedExposition scraped = scrape(metrics);
    return std::all_of(totals.keyValueBegin(), totals.keyValueEnd(), [&](const auto &total) {
        return scraped.samples.value(
                   QStringLiteral("dmarc_source_total{from_domain=\"example.org\",source=\"%1\"}")
                       .arg(total.first),
                   0) == total.second;
    });
}

bool stopChild(ExporterChild &exporter)
{
    exporter.process.terminate();
    return exporter.waitForExit(10000) && exporter.process.exitCode() == 0;
}

Result<KeptSources> keptSourcesIn(const QString &storagePath)
{
    auto store = Store::open(storagePath);
    if (!store)
        return store.error();
    return keptSources(**store);
}

// The Sources view's rows of all time of the store in `storagePath`, one line each, and how many
// weeks of the store's sources were left to sum (Store::sumWeeks, which sums them).
Result<std::pair<QStringList, int>> allSourcesIn(const QString &storagePath)
{
    auto store = Store::open(storagePath);
    if (!store)
        return store.error();
    SourcePageQuery query;
    query.limit = 1000;
    const auto page = (*store)->sourcePage(query);
    if (!page)
        return page.error();
    QStringList rows;
    for (const SourcePageRow &row : page->rows) {
        rows << QStringList{row.ip,
                            row.name,
                            QString::number(row.counters.total),
                            QString::number(row.counters.compliant),
                            row.firstSeen.toString(Qt::ISODate),
                            row.lastSeen.toString(Qt::ISODate),
                            row.fromDomains.join(QLatin1Char(','))}
                    .join(QLatin1Char('|'));
    }
    const auto summed = (*store)->sumWeeks(QDateTime::currentDateTimeUtc().date());
    if (!summed)
        return summed.error();
    return std::pair(rows, *summed);
}

} // namespace

class TestSourcePaths : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // The same reports through the mailbox (emails with gzip, zip or XML attached, one of them
    // twice) and through `import` of a folder (bare .xml, .xml.gz and .zip files, emails as
    // .eml files in a subfolder, a copy of a report): the same rows of source_days with the
    // same reporters and passing domains, the same names and types, the same source counters,
    // and the same samples of both families on /metrics.
    void importFillsTheSourcesAsTheMailbox()
    {
        const QList<QByteArray> reports = generateReports();
        QTemporaryDir dir;
        const QString mapFile =
            writeTestFile(dir, QStringLiteral("senders.csv"), senderMap("Bulk Mailer"));
        DovecotServer server;
        QVERIFY(server.start().ok());
        QList<QByteArray> emails;
        for (int i = 0; i < kReports; ++i)
            emails << reportEmail(i, reports.at(i));
        emails << emails.first();
        QVERIFY(server.deliverToInbox(emails).ok());

        const QString mailboxStore = dir.filePath(QStringLiteral("mailbox"));
        ExporterChild fromMailbox;
        QVERIFY(startChild(fromMailbox, dir, QStringLiteral("mailbox.json"), [&](quint16 port) {
            return configWithSources(server, mailboxStore, port, sourceClasses(), mapFile);
        }));
        QTRY_COMPARE_WITH_TIMEOUT(server.messageCount(QStringLiteral("Archive")), kReports + 1,
                                  30000);
        QMap<QString, double> mailboxSamples;
        QTRY_VERIFY_WITH_TIMEOUT((mailboxSamples = sourceSamples(fromMailbox.metrics)).size() >= 20,
                                 10000);
        // Every kind of name is there: a class, the own domain, the built-in map, the map file.
        for (const char *name : {"office", "own domain", "SendGrid", "Amazon SES", "Bulk Mailer"}) {
            QVERIFY2(std::any_of(mailboxSamples.keyBegin(), mailboxSamples.keyEnd(),
                                 [name](const QString &key) {
                                     return key.contains(
                                         QStringLiteral("source=\"%1\"").arg(QLatin1String(name)));
                                 }),
                     name);
        }
        QVERIFY2(stopChild(fromMailbox), qPrintable(fromMailbox.log()));
        const auto mailboxKept = keptSourcesIn(mailboxStore);
        QVERIFY2(mailboxKept.ok(), mailboxKept.ok() ? "" : qPrintable(mailboxKept.error().message));

        // The archive: the same reports as files of every kind import reads.
        const QString archive = dir.filePath(QStringLiteral("archive"));
        QVERIFY(QDir().mkpath(archive + QStringLiteral("/mail")));
        QVERIFY(QDir().mkpath(archive + QStringLiteral("/copies")));
        for (int i = 0; i < kReports; ++i) {
            const QString name = QStringLiteral("archive/r-%1").arg(i, 2, 10, QLatin1Char('0'));
            switch (i % 4) {
            case 0:
                writeTestFile(dir, name + QStringLiteral(".xml"), reports.at(i));
                break;
            case 1:
                writeTestFile(dir, name + QStringLiteral(".xml.gz"), gzip(reports.at(i)));
                break;
            case 2:
                writeTestFile(dir, name + QStringLiteral(".zip"),
                              zip({{QStringLiteral("report.xml"), reports.at(i)}}));
                break;
            default:
                writeTestFile(
                    dir, QStringLiteral("archive/mail/r-%1.eml").arg(i, 2, 10, QLatin1Char('0')),
                    emails.at(i));
            }
        }
        writeTestFile(dir, QStringLiteral("archive/copies/r-00.xml"), reports.first());

        const QString importStore = dir.filePath(QStringLiteral("import"));
        const QString importConfig =
            writeTestFile(dir, QStringLiteral("import.json"),
                          configWithSources(server, importStore, 0, sourceClasses(), mapFile));
        QProcess importer;
        importer.start(
            QStringLiteral(DMARC_EXPORTER_BINARY),
            {QStringLiteral("import"), QStringLiteral("--configuration"), importConfig, archive});
        QVERIFY(importer.waitForFinished(60000));
        const QString importErrors = QString::fromUtf8(importer.readAllStandardError());
        QVERIFY2(importer.exitStatus() == QProcess::NormalExit && importer.exitCode() == 0,
                 qPrintable(importErrors));
        QVERIFY2(importErrors.contains(
                     QStringLiteral("%1 reports counted, 1 duplicates skipped").arg(kReports)),
                 qPrintable(importErrors));

        const auto importKept = keptSourcesIn(importStore);
        QVERIFY2(importKept.ok(), importKept.ok() ? "" : qPrintable(importKept.error().message));
        QCOMPARE(importKept->days, mailboxKept->days);
        QCOMPARE(importKept->domains, mailboxKept->domains);
        QCOMPARE(importKept->counters, mailboxKept->counters);
        QCOMPARE(importKept->weeks, mailboxKept->weeks);
        // The import sums the weeks it added to (of 2020, long ended) before it ends; the
        // exporter sums them five minutes after a check, and until then the Sources view reads
        // them from their days: the same rows either way.
        const auto importRows = allSourcesIn(importStore);
        QVERIFY2(importRows.ok(), importRows.ok() ? "" : qPrintable(importRows.error().message));
        const auto mailboxRows = allSourcesIn(mailboxStore);
        QVERIFY2(mailboxRows.ok(), mailboxRows.ok() ? "" : qPrintable(mailboxRows.error().message));
        QCOMPARE(importRows->second, 0);
        QVERIFY(mailboxRows->second > 0);
        QVERIFY(!importRows->first.isEmpty());
        QCOMPARE(importRows->first, mailboxRows->first);

        // The exporter started on the imported store serves the same samples.
        ExporterChild fromImport;
        QVERIFY(startChild(fromImport, dir, QStringLiteral("served.json"), [&](quint16 port) {
            return configWithSources(server, importStore, port, sourceClasses(), mapFile);
        }));
        QTRY_COMPARE_WITH_TIMEOUT(sourceSamples(fromImport.metrics), mailboxSamples, 10000);
        // Stopped once it runs: its first check of the (empty) inbox has ended.
        QTRY_VERIFY_WITH_TIMEOUT(scrape(fromImport.metrics)
                                     .samplesOf(QStringLiteral("dmarc_metrics_exporter_imap_up"))
                                     .values()
                                     .contains(1.0),
                                 20000);
        QVERIFY2(stopChild(fromImport), qPrintable(fromImport.log()));
    }

    // SIGHUP applies new classes and a new map file to what is committed from then on: a bad
    // map file is refused with its line and the running naming kept; a map file changed under
    // the same name is read again. The counts committed before keep their names, on /metrics
    // and in the store's days.
    void reloadNamesWhatComesAfter()
    {
        QTemporaryDir dir;
        const QString firstMap =
            writeTestFile(dir, QStringLiteral("first.csv"), senderMap("Bulk Mailer"));
        const QString secondMap = dir.filePath(QStringLiteral("second.csv"));
        const QString storage = dir.filePath(QStringLiteral("state"));
        DovecotServer server;
        QVERIFY(server.start().ok());

        // Three sources of example.org: the class "office", bulk.example by the map file, and
        // 192.0.2.50 that no rule names until the class "datacenter" comes.
        const auto reportOn = [](int n, int day) {
            const QByteArray pass =
                "<disposition>none</disposition><dkim>pass</dkim><spf>fail</spf>";
            const QByteArray records =
                senderRecord({"203.0.113.9", "bulk.example"}, "example.org", pass, 1) +
                senderRecord({"198.51.100.99", "bulk.example"}, "example.org", pass, 10) +
                senderRecord({"192.0.2.50", "other.example"}, "example.org", pass, 100);
            return email({attachment(
                "text/xml", "r.xml",
                reportOnDay(feedback(records, "reload-" + QByteArray::number(n)), day))});
        };
        const QList<SourceClassSettings> datacenter{
            {QStringLiteral("datacenter"), {QStringLiteral("192.0.2.0/24")}}};
        quint16 port = 0;
        const auto writeConfig = [&](const QList<SourceClassSettings> &classes,
                                     const QString &mapFile) {
            return configWithSources(server, storage, port, classes, mapFile);
        };
        ExporterChild exporter;
        QVERIFY(startChild(exporter, dir, QStringLiteral("config.json"), [&](quint16 free) {
            port = free;
            return writeConfig(sourceClasses(), firstMap);
        }));
        const auto reloaded = [&exporter](int times, const char *line) {
            return exporter.log().count(QString::fromLatin1(line)) == times;
        };
        const auto sighup = [&exporter] { ::kill(pid_t(exporter.process.processId()), SIGHUP); };
        const QUrl &metrics = exporter.metrics;

        QVERIFY(server.deliver(QStringLiteral("INBOX"), reportOn(1, 0)).ok());
        QTRY_VERIFY_WITH_TIMEOUT(showsTotals(metrics, {{QStringLiteral("office"), 1},
                                                       {QStringLiteral("Bulk Mailer"), 10},
                                                       {QStringLiteral("unknown"), 100}}),
                                 20000);

        // A bad line in the new map file: nothing of the file applies.
        writeTestFile(dir, QStringLiteral("second.csv"),
                      senderMap("Bulk Sender") + "other.example,Other,no-such-type\n");
        writeTestFile(dir, QStringLiteral("config.json"), writeConfig(datacenter, secondMap));
        sighup();
        QTRY_VERIFY_WITH_TIMEOUT(reloaded(1, "Configuration not reloaded"), 10000);
        QVERIFY2(exporter.log().contains(secondMap + QStringLiteral(":3: ")),
                 qPrintable(exporter.log()));
        QVERIFY(server.deliver(QStringLiteral("INBOX"), reportOn(2, 0)).ok());
        QTRY_VERIFY_WITH_TIMEOUT(showsTotals(metrics, {{QStringLiteral("office"), 2},
                                                       {QStringLiteral("Bulk Mailer"), 20},
                                                       {QStringLiteral("unknown"), 200}}),
                                 20000);

        // The map mended: the new class and the new map name the next day's report;
        // 203.0.113.9, in no class now, is named by its signature.
        writeTestFile(dir, QStringLiteral("second.csv"),
                      senderMap("Bulk Sender") + "other.example,Other,crm\n");
        sighup();
        QTRY_VERIFY_WITH_TIMEOUT(reloaded(1, "Configuration reloaded"), 10000);
        QVERIFY2(
            exporter.log().contains(QStringLiteral("applied=sources.classes,sources.map_file")),
            qPrintable(exporter.log()));
        QVERIFY(server.deliver(QStringLiteral("INBOX"), reportOn(3, 1)).ok());
        QTRY_VERIFY_WITH_TIMEOUT(showsTotals(metrics, {{QStringLiteral("office"), 2},
                                                       {QStringLiteral("Bulk Mailer"), 20},
                                                       {QStringLiteral("unknown"), 200},
                                                       {QStringLiteral("datacenter"), 100},
                                                       {QStringLiteral("Bulk Sender"), 11}}),
                                 20000);

        // The same map file changed in place: read again on SIGHUP.
        writeTestFile(dir, QStringLiteral("second.csv"), senderMap("Bulk Co"));
        sighup();
        QTRY_VERIFY_WITH_TIMEOUT(reloaded(2, "Configuration reloaded"), 10000);
        QVERIFY2(exporter.log().contains(QStringLiteral("applied=sources.map_file")),
                 qPrintable(exporter.log()));
        QVERIFY(server.deliver(QStringLiteral("INBOX"), reportOn(4, 2)).ok());
        QTRY_VERIFY_WITH_TIMEOUT(showsTotals(metrics, {{QStringLiteral("office"), 2},
                                                       {QStringLiteral("Bulk Mailer"), 20},
                                                       {QStringLiteral("unknown"), 200},
                                                       {QStringLiteral("datacenter"), 200},
                                                       {QStringLiteral("Bulk Sender"), 11},
                                                       {QStringLiteral("Bulk Co"), 11}}),
                                 20000);
        QVERIFY2(stopChild(exporter), qPrintable(exporter.log()));

        // The store's days keep the names they were committed with.
        const auto kept = keptSourcesIn(storage);
        QVERIFY2(kept.ok(), kept.ok() ? "" : qPrintable(kept.error().message));
        // Messages, compliant, DKIM aligned, SPF aligned, quarantined, rejected.
        const QStringList days{
            QStringLiteral("192.0.2.50 2020-10-01 example.org unknown (other): 200 200 200 0 0 0"),
            QStringLiteral("192.0.2.50 2020-10-02 example.org datacenter (own): 100 100 100 0 0 0"),
            QStringLiteral("192.0.2.50 2020-10-03 example.org datacenter (own): 100 100 100 0 0 0"),
            QStringLiteral(
                "198.51.100.99 2020-10-01 example.org Bulk Mailer (marketing): 20 20 20 0 0 0"),
            QStringLiteral(
                "198.51.100.99 2020-10-02 example.org Bulk Sender (marketing): 10 10 10 0 0 0"),
            QStringLiteral(
                "198.51.100.99 2020-10-03 example.org Bulk Co (marketing): 10 10 10 0 0 0"),
            QStringLiteral("203.0.113.9 2020-10-01 example.org office (own): 2 2 2 0 0 0"),
            QStringLiteral(
                "203.0.113.9 2020-10-02 example.org Bulk Sender (marketing): 1 1 1 0 0 0"),
            QStringLiteral("203.0.113.9 2020-10-03 example.org Bulk Co (marketing): 1 1 1 0 0 0"),
        };
        QCOMPARE(kept->days, days);
    }
};

QTEST_GUILESS_MAIN(TestSourcePaths)
#include "tst_sourcepaths.moc"
