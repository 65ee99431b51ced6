#include "diskfull.h"
#include "dovecotserver.h"
#include "exporterharness.h"
#include "metrics/metricsregistry.h"
#include "reportfixtures.h"
#include "service/exporter.h"

#include <QFile>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Dmarc;
using namespace Dmarc::Test;

namespace {

// The exporter in this process, on a private Dovecot: the pipeline end to end (fetch, analyse,
// commit, move, /metrics).
struct Harness
{
    DovecotServer server;
    QTemporaryDir storage;
    std::unique_ptr<Exporter> exporter;

    bool startServer()
    {
        const auto started = server.start();
        if (!started)
            qWarning("%s", qPrintable(started.error().message));
        return started.ok();
    }

    bool startExporter(const QList<QJsonObject> &accounts)
    {
        auto config = parseConfig(exporterConfig(accounts, storage.path()), QString(), {});
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

    bool startExporter() { return startExporter({dovecotAccount(server, QStringLiteral("main"))}); }

    void stopExporter()
    {
        QSignalSpy stopped(exporter.get(), &Exporter::stopped);
        exporter->stop();
        if (stopped.isEmpty())
            stopped.wait(10000);
        exporter.reset();
    }

    double value(const QString &family, const QString &labels = sampleLabels())
    {
        return scrape(exporter->metricsUrl()).samples.value(family + labels, -1);
    }
};

using Samples = QMap<QString, double>;

QByteArray upstream(const char *name)
{
    return readTestData(QStringLiteral("upstream/") + QString::fromLatin1(name));
}

} // namespace

class TestExporter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // Upstream's e2e test: report id 1, then id 2 of the same report: every counter doubles.
    void upstreamEndToEnd_data()
    {
        QTest::addColumn<QByteArray>("first");
        QTest::addColumn<QByteArray>("second");
        QTest::newRow("zip 0.1") << upstream("email-e2e-report-0.1-zip-id1.eml")
                                 << upstream("email-e2e-report-0.1-zip-id2.eml");
        QTest::newRow("zip 2.0") << upstream("email-e2e-report-2.0-zip-id1.eml")
                                 << upstream("email-e2e-report-2.0-zip-id2.eml");
    }

    void upstreamEndToEnd()
    {
        QFETCH(QByteArray, first);
        QFETCH(QByteArray, second);
        Harness h;
        QVERIFY(h.startServer());
        QVERIFY(h.server.deliver(QStringLiteral("INBOX"), first).ok());
        QVERIFY(h.startExporter());

        // The sample's one record, once and then twice.
        Counters sample = sampleCounters();
        QString why;
        QTRY_VERIFY2_WITH_TIMEOUT(
            scrapeShows(scrape(h.exporter->metricsUrl()), sampleLabels(), sample, &why),
            qPrintable(why), 20000);

        // Arrives while the exporter waits (IDLE): handed over within seconds.
        QVERIFY(h.server.deliver(QStringLiteral("INBOX"), second).ok());
        sample += sample;
        QTRY_VERIFY2_WITH_TIMEOUT(
            scrapeShows(scrape(h.exporter->metricsUrl()), sampleLabels(), sample, &why),
            qPrintable(why), 20000);
        QTRY_COMPARE(h.server.messageCount(QStringLiteral("Archive")), 2);
        QCOMPARE(h.server.messageCount(QStringLiteral("INBOX")), 0);
        QCOMPARE(h.server.messageCount(QStringLiteral("Invalid")), 0);
    }

    // docs/counting.md section 10.7 over a real scrape: both source families for every pair of
    // from domain and source name, zeros included, exact over several reports, a duplicate
    // adding nothing, and the same after a restart (restored from the store).
    void sourceFamilies()
    {
        const auto at = [](const QByteArray &ip, const QByteArray &record) {
            return QByteArray(record).replace("192.0.2.1", ip);
        };
        const QByteArray records =
            at("192.0.2.7",
               record("<disposition>quarantine</disposition><dkim>fail</dkim><spf>fail</spf>",
                      "<count>5</count>", "<header_from>mydomain.de</header_from>",
                      "<dkim><domain>mail.sendgrid.net</domain><result>pass</result></dkim>")) +
            at("not-an-ip", record("<disposition>none</disposition><dkim>pass</dkim>"
                                   "<spf>fail</spf>",
                                   "<count>3</count>")) +
            at("192.0.2.7", record("<disposition>none</disposition><dkim>fail</dkim>"
                                   "<spf>fail</spf>",
                                   "<count>2</count>", "<header_from>other.example</header_from>",
                                   QByteArray()));
        const QByteArray xml = feedback(records, "s-1");
        const QByteArray report = email({attachment("application/gzip", "s-1.xml.gz", gzip(xml))});
        Harness h;
        QVERIFY(h.startServer());
        for (const QByteArray &message :
             {upstream("email-e2e-report-2.0-zip-id1.eml"),
              upstream("email-e2e-report-2.0-zip-id2.eml"), report, report})
            QVERIFY(h.server.deliver(QStringLiteral("INBOX"), message).ok());
        QVERIFY(h.startExporter());
        QTRY_COMPARE_WITH_TIMEOUT(h.server.messageCount(QStringLiteral("Archive")), 4, 20000);

        // The upstream sample (dead:beef:1:abc::, DKIM of mydomain.de) twice, and the records
        // above: a DKIM pass of SendGrid, an IP that is none, another from domain.
        const Samples expected{
            {QStringLiteral("dmarc_source_total{from_domain=\"mydomain.de\",source=\"own domain\"}"),
             5},
            {QStringLiteral("dmarc_source_total{from_domain=\"mydomain.de\",source=\"SendGrid\"}"), 5},
            {QStringLiteral("dmarc_source_total{from_domain=\"other.example\",source=\"unknown\"}"),
             2},
        };
        const Samples compliant{
            {QStringLiteral("dmarc_source_compliant_total{from_domain=\"mydomain.de\","
                            "source=\"own domain\"}"),
             5},
            {QStringLiteral("dmarc_source_compliant_total{from_domain=\"mydomain.de\","
                            "source=\"SendGrid\"}"),
             0},
            {QStringLiteral("dmarc_source_compliant_total{from_domain=\"other.example\","
                            "source=\"unknown\"}"),
             0},
        };
        for (int run = 0; run < 2; ++run) {
            const ParsedExposition scraped = scrape(h.exporter->metricsUrl());
            QCOMPARE(scraped.samplesOf(QStringLiteral("dmarc_source_total")), expected);
            QCOMPARE(scraped.samplesOf(QStringLiteral("dmarc_source_compliant_total")), compliant);
            QCOMPARE(scraped.types.value(QStringLiteral("dmarc_source_total")),
                     QStringLiteral("counter"));
            h.stopExporter();
            QVERIFY(h.startExporter());
        }
    }

    // docs/counting.md section 5, row by row: the folder, the counts and the invalid counter.
    void emailFate_data()
    {
        QTest::addColumn<QList<QByteArray>>("emails");
        QTest::addColumn<int>("done");
        QTest::addColumn<int>("error");
        QTest::addColumn<double>("total");
        QTest::addColumn<double>("invalid");

        const QByteArray good = upstream("email-report-0.1-zip.eml");
        QTest::newRow("every candidate parsed") << QList<QByteArray>{good} << 1 << 0 << 1.0 << -1.0;
        QTest::newRow("only duplicates")
            << QList<QByteArray>{good, upstream("email-report-0.1-gzip.eml")} << 2 << 0 << 1.0
            << -1.0;
        QTest::newRow("no candidate")
            << QList<QByteArray>{upstream("email-minimal-no-report.eml")} << 0 << 1 << -1.0 << 1.0;
        const QByteArray oneBroken =
            email({attachment("application/gzip", "good.xml.gz", gzip(feedback(record(), "ok-1"))),
                   attachment("application/zip", "broken.zip",
                              zip({{QStringLiteral("r.xml"), feedback()}}).left(60))});
        QTest::newRow("one good, one corrupt")
            << QList<QByteArray>{oneBroken} << 0 << 1 << 1.0 << 1.0;
    }

    void emailFate()
    {
        QFETCH(QList<QByteArray>, emails);
        QFETCH(int, done);
        QFETCH(int, error);
        QFETCH(double, total);
        QFETCH(double, invalid);
        Harness h;
        QVERIFY(h.startServer());
        for (const QByteArray &message : emails)
            QVERIFY(h.server.deliver(QStringLiteral("INBOX"), message).ok());
        QVERIFY(h.startExporter());
        QTRY_COMPARE_WITH_TIMEOUT(h.server.messageCount(QStringLiteral("INBOX")), 0, 20000);
        QCOMPARE(h.server.messageCount(QStringLiteral("Archive")), done);
        QCOMPARE(h.server.messageCount(QStringLiteral("Invalid")), error);
        const ParsedExposition metrics = scrape(h.exporter->metricsUrl());
        QCOMPARE(metrics.samples.value(QStringLiteral("dmarc_total") + sampleLabels(), -1), total);
        QCOMPARE(
            metrics.samples.value(
                QStringLiteral(
                    "dmarc_invalid_reports_total{from_email=\"noreply-dmarc-support@google.com\"}"),
                -1),
            invalid);
    }

    // The email fates of TLS and failure reports (docs/counting.md section 8.4): the folder,
    // and samples at /metrics (-1: absent).
    void reportKindFate_data()
    {
        QTest::addColumn<QByteArray>("message");
        QTest::addColumn<int>("done");
        QTest::addColumn<int>("error");
        QTest::addColumn<Samples>("samples");

        const Part tls =
            attachment("application/tlsrpt+gzip", "report.json.gz",
                       gzip(readTestData(QStringLiteral("tlsrpt/rfc8460-example.json"))));
        const Part xml =
            attachment("application/gzip", "good.xml.gz", gzip(feedback(record(), "ok-1")));
        const QString sts = QStringLiteral(
            "{policy_domain=\"company-y.example\",policy_type=\"sts\",reporter=\"Company-X\"}");
        const QString total = QStringLiteral("dmarc_total") + sampleLabels();
        const QString successful = QStringLiteral("tlsrpt_successful_sessions_total") + sts;
        const QString reports = QStringLiteral(
            "tlsrpt_reports_total{policy_domain=\"company-y.example\",reporter=\"Company-X\"}");
        const QString tlsInvalid = QStringLiteral(
            "tlsrpt_invalid_reports_total{from_email=\"noreply-dmarc-support@google.com\"}");
        const QString dmarcInvalid = QStringLiteral(
            "dmarc_invalid_reports_total{from_email=\"noreply-dmarc-support@google.com\"}");
        const QString arfInvalid = QStringLiteral(
            "dmarc_invalid_reports_total{from_email=\"dmarc-failures@receiver.example\"}");
        const QString failureReports = QStringLiteral(
            "dmarc_failure_reports_total{auth_failure=\"dmarc\",delivery_result=\"reject\","
            "identity_alignment=\"dkim,spf\",reported_domain=\"mydomain.de\"}");

        QTest::newRow("TLS report only")
            << email({tls}) << 1 << 0
            << Samples{{successful, 5326}, {reports, 1}, {total, -1}, {dmarcInvalid, -1}};
        QTest::newRow("aggregate and TLS report")
            << email({xml, tls}) << 1 << 0
            << Samples{{successful, 5326}, {reports, 1}, {total, 1}, {dmarcInvalid, -1}};
        QTest::newRow("a failed TLS payload beside a good XML")
            << email(
                   {xml, attachment("application/tlsrpt+json", "report.json", "{\"policies\": 3")})
            << 0 << 1 << Samples{{total, 1}, {tlsInvalid, 1}, {dmarcInvalid, -1}};
        QTest::newRow("failure report") << readTestData(QStringLiteral("arf/auth-failure.eml")) << 1
                                        << 0 << Samples{{failureReports, 1}, {arfInvalid, -1}};
        QTest::newRow("abuse report only: no candidate")
            << readTestData(QStringLiteral("arf/abuse-report.eml")) << 0 << 1
            << Samples{{failureReports, -1}, {arfInvalid, 1}};
    }

    void reportKindFate()
    {
        QFETCH(QByteArray, message);
        QFETCH(int, done);
        QFETCH(int, error);
        QFETCH(Samples, samples);
        Harness h;
        QVERIFY(h.startServer());
        QVERIFY(h.server.deliver(QStringLiteral("INBOX"), message).ok());
        QVERIFY(h.startExporter());
        QTRY_COMPARE_WITH_TIMEOUT(h.server.messageCount(QStringLiteral("INBOX")), 0, 20000);
        QCOMPARE(h.server.messageCount(QStringLiteral("Archive")), done);
        QCOMPARE(h.server.messageCount(QStringLiteral("Invalid")), error);
        const auto check = [&](const ParsedExposition &metrics) {
            for (auto it = samples.cbegin(); it != samples.cend(); ++it)
                QCOMPARE(metrics.samples.value(it.key(), -1), it.value());
        };
        check(scrape(h.exporter->metricsUrl()));
        // Restored from the store after a restart.
        h.stopExporter();
        QVERIFY(h.startExporter());
        check(scrape(h.exporter->metricsUrl()));
    }

    void restartKeepsEveryCounter()
    {
        Harness h;
        QVERIFY(h.startServer());
        QVERIFY(
            h.server.deliver(QStringLiteral("INBOX"), upstream("email-report-0.1-xml.eml")).ok());
        QVERIFY(h.server.deliver(QStringLiteral("INBOX"), upstream("email-minimal-no-report.eml"))
                    .ok());
        QVERIFY(h.startExporter());
        QTRY_COMPARE_WITH_TIMEOUT(h.server.messageCount(QStringLiteral("INBOX")), 0, 20000);
        const ParsedExposition before = scrape(h.exporter->metricsUrl());
        h.stopExporter();

        QVERIFY(h.startExporter());
        const ParsedExposition after = scrape(h.exporter->metricsUrl());
        QList<QString> families{QStringLiteral("dmarc_invalid_reports_total")};
        for (const CounterFamily &family : counterFamilies())
            families << family.name;
        for (const QString &family : families) {
            QVERIFY2(!before.samplesOf(family).isEmpty(), qPrintable(family));
            QCOMPARE(after.samplesOf(family), before.samplesOf(family));
        }
    }

    void twoAccountsAreSummed()
    {
        Harness h;
        QVERIFY(h.startServer());
        for (const char *folder : {"ReportsA", "ReportsB"})
            QVERIFY(h.server.createMailbox(QString::fromLatin1(folder)).ok());
        QVERIFY(
            h.server
                .deliver(QStringLiteral("ReportsA"), upstream("email-e2e-report-0.1-zip-id1.eml"))
                .ok());
        QVERIFY(
            h.server
                .deliver(QStringLiteral("ReportsB"), upstream("email-e2e-report-2.0-zip-id2.eml"))
                .ok());
        QVERIFY(
            h.server.deliver(QStringLiteral("ReportsB"), upstream("email-minimal-no-report.eml"))
                .ok());
        QVERIFY(h.startExporter(
            {dovecotAccount(h.server, QStringLiteral("a"), QStringLiteral("ReportsA"),
                            QStringLiteral("ReportsA/Done"), QStringLiteral("ReportsA/Error")),
             dovecotAccount(h.server, QStringLiteral("b"), QStringLiteral("ReportsB"),
                            QStringLiteral("ReportsB/Done"), QStringLiteral("ReportsB/Error"))}));
        QTRY_COMPARE_WITH_TIMEOUT(h.value(QStringLiteral("dmarc_total")), 2.0, 20000);
        QTRY_COMPARE(h.server.messageCount(QStringLiteral("ReportsB/Error")), 1);
        QCOMPARE(h.server.messageCount(QStringLiteral("ReportsA/Done")), 1);
        QCOMPARE(h.server.messageCount(QStringLiteral("ReportsB/Done")), 1);
        QCOMPARE(h.server.messageCount(QStringLiteral("ReportsA/Error")), 0);
        const QString up = QStringLiteral("dmarc_metrics_exporter_imap_up");
        QTRY_COMPARE(h.value(up, QStringLiteral("{account=\"a\"}")), 1.0);
        QTRY_COMPARE(h.value(up, QStringLiteral("{account=\"b\"}")), 1.0);
    }

    void dovecotRestartMidRun()
    {
        Harness h;
        QVERIFY(h.startServer());
        QVERIFY(
            h.server.deliver(QStringLiteral("INBOX"), upstream("email-e2e-report-0.1-zip-id1.eml"))
                .ok());
        QVERIFY(h.startExporter());
        QTRY_COMPARE_WITH_TIMEOUT(h.value(QStringLiteral("dmarc_total")), 1.0, 20000);
        const QString up = QStringLiteral("dmarc_metrics_exporter_imap_up");
        const QString account = QStringLiteral("{account=\"main\"}");
        QTRY_COMPARE(h.value(up, account), 1.0);

        h.server.stop();
        QTRY_COMPARE_WITH_TIMEOUT(h.value(up, account), 0.0, 20000);
        QVERIFY(h.value(QStringLiteral("dmarc_metrics_exporter_imap_poll_errors_total"), account) >=
                1);

        QVERIFY(h.server.restart().ok());
        QVERIFY(
            h.server.deliver(QStringLiteral("INBOX"), upstream("email-e2e-report-0.1-zip-id2.eml"))
                .ok());
        // Reconnects (with backoff) and finishes the work.
        QTRY_COMPARE_WITH_TIMEOUT(h.value(QStringLiteral("dmarc_total")), 2.0, 30000);
        QTRY_COMPARE(h.value(up, account), 1.0);
        QTRY_COMPARE(h.server.messageCount(QStringLiteral("Archive")), 2);
    }

    // A full disk: every commit fails, nothing moves, the store shows as down and the failed
    // commits are counted; the batch is tried again on its own, and once there is room it is
    // committed and moved without any new mail. SQLite's own limit on the file's pages stands
    // in for the full disk (diskfull.h).
    void fullDiskIsRetriedWithoutNewMail()
    {
        Harness h;
        QVERIFY(h.startServer());
        // Each with a report of its own and a long report_id: more rows than the file's last
        // pages take.
        const int emails = 40;
        for (int i = 0; i < emails; ++i) {
            const QByteArray reportId = "fill-" + QByteArray::number(i) + QByteArray(300, 'x');
            QVERIFY(h.server
                        .deliver(QStringLiteral("INBOX"),
                                 email({attachment("text/xml", "report.xml",
                                                   feedback(record(), reportId))}))
                        .ok());
        }
        QVERIFY(h.startExporter());
        // The disk fills up before the first check, which runs from the event loop.
        QVERIFY(setDiskFull(true));

        QSignalSpy statusChanges(h.exporter.get(), &Exporter::storeStatusChanged);
        const QString storeUp = QStringLiteral("dmarc_metrics_exporter_store_up");
        const QString errors = QStringLiteral("dmarc_metrics_exporter_store_commit_errors_total");
        QTRY_COMPARE_WITH_TIMEOUT(h.value(storeUp, QString()), 0.0, 20000);
        const StoreStatus down = h.exporter->storeStatus();
        QVERIFY(!down.usable);
        QCOMPARE(down.reason, QStringLiteral("the disk holding the store is full"));
        QVERIFY2(down.error.contains(QLatin1String("full")), qPrintable(down.error));
        QVERIFY(down.nextRetry > QDateTime::currentDateTimeUtc().addSecs(-1));
        QVERIFY(!statusChanges.isEmpty());
        // Retried by itself, with no new mail: the count of failed commits goes on rising.
        QTRY_VERIFY_WITH_TIMEOUT(h.value(errors, QString()) >= 2.0, 20000);
        QCOMPARE(h.server.messageCount(QStringLiteral("INBOX")), emails);
        QCOMPARE(h.value(QStringLiteral("dmarc_total")), -1.0); // nothing counted

        QVERIFY(setDiskFull(false));
        QTRY_COMPARE_WITH_TIMEOUT(h.server.messageCount(QStringLiteral("INBOX")), 0, 30000);
        QCOMPARE(h.server.messageCount(QStringLiteral("Archive")), emails);
        QCOMPARE(h.value(storeUp, QString()), 1.0);
        QCOMPARE(h.value(QStringLiteral("dmarc_total")), double(emails));
        QVERIFY(h.exporter->storeStatus().usable);
        QCOMPARE(h.exporter->storeStatus().failedCommits, quint64(h.value(errors, QString())));
    }

    // A reload that removes an account takes its series off /metrics; the account kept
    // keeps its own, its counter of failed polls going on from where it was.
    void reloadDropsTheSeriesOfARemovedAccount()
    {
        Harness h;
        QVERIFY(h.startServer());
        QJsonObject unreachable = dovecotAccount(h.server, QStringLiteral("kept"));
        QJsonObject imap = unreachable.value(QStringLiteral("imap")).toObject();
        imap.insert(QStringLiteral("port"), freeLocalPort()); // nobody listens: every poll fails
        unreachable.insert(QStringLiteral("imap"), imap);
        const QJsonObject removed = dovecotAccount(h.server, QStringLiteral("removed"));
        const QString path = h.storage.filePath(QStringLiteral("config.json"));
        const auto writeConfig = [&](const QList<QJsonObject> &accounts) {
            QFile file(path);
            return file.open(QIODevice::WriteOnly | QIODevice::Truncate) &&
                   file.write(exporterConfig(accounts, h.storage.path())) > 0;
        };
        QVERIFY(writeConfig({unreachable, removed}));
        auto config = loadConfig(path, {});
        QVERIFY2(config, qPrintable(config ? QString() : config.error().message));
        h.exporter = std::make_unique<Exporter>(*config);
        QVERIFY(h.exporter->start().ok());

        const QString kept = QStringLiteral("{account=\"kept\"}");
        const QString gone = QStringLiteral("{account=\"removed\"}");
        const QString up = QStringLiteral("dmarc_metrics_exporter_imap_up");
        const QString errors = QStringLiteral("dmarc_metrics_exporter_imap_poll_errors_total");
        QTRY_COMPARE_WITH_TIMEOUT(h.value(up, gone), 1.0, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(h.value(errors, kept) >= 1.0, 20000);
        const double errorsBefore = h.value(errors, kept);

        QVERIFY(writeConfig({unreachable}));
        const auto reloaded = h.exporter->reload();
        QVERIFY2(reloaded, qPrintable(reloaded ? QString() : reloaded.error().message));
        // The endpoint serves the registry's next snapshot, published from the event loop.
        QTRY_VERIFY(!scrape(h.exporter->metricsUrl()).samples.contains(up + gone));
        const ParsedExposition after = scrape(h.exporter->metricsUrl());
        for (const char *family : {"dmarc_metrics_exporter_imap_up",
                                   "dmarc_metrics_exporter_imap_last_success_timestamp_seconds",
                                   "dmarc_metrics_exporter_imap_poll_errors_total"}) {
            const QString name = QString::fromLatin1(family);
            QVERIFY2(!after.samples.contains(name + gone), family);
            QVERIFY2(after.samples.contains(name + kept), family);
        }
        QVERIFY(after.samples.value(errors + kept) >= errorsBefore);
        h.stopExporter();
    }
};

QTEST_GUILESS_MAIN(TestExporter)
#include "tst_exporter.moc"
