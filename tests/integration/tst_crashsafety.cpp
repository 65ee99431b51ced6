#include "dovecotserver.h"
#include "exporterharness.h"
#include "keptsources.h"
#include "metrics/metricsregistry.h"
#include "reportfixtures.h"
#include "service/pipeline.h"
#include "sourcefixtures.h"
#include "store/store.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QProcess>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace Dmarc;
using namespace Dmarc::Test;

namespace {

constexpr int kEmails = 300;

// An SMTP TLS report of one of two reporters, with its own report id.
QByteArray tlsJson(int i)
{
    const QByteArray reporter = (i / 34) % 2 ? "Company-X" : "google.com";
    return QByteArray(R"({"organization-name": ")") + reporter + R"(", "report-id": "tls-)" +
           QByteArray::number(i) +
           R"(", "policies": [{"policy": {"policy-type": "sts", "policy-domain": "example.org"},
           "summary": {"total-successful-session-count": )" +
           QByteArray::number(i) + R"(, "total-failure-session-count": 2},
           "failure-details": [{"result-type": "certificate-expired", "failed-session-count": 2}]}]})";
}

// 300 report emails: several reporters, domains and sources over ten days, some duplicates
// (identical copies), some without a report, some with one good and one corrupt attachment.
QList<QByteArray> generateEmails()
{
    QRandomGenerator random(20261126);
    const QList<QByteArray> reporters{"google.com", "Mail.Ru", "Enterprise Outlook", "yahoo.com"};
    const QList<QByteArray> domains{"example.org", "example.net", "shop.example.com"};
    const QList<QByteArray> dispositions{"none", "quarantine", "reject", "pass"};
    QList<QByteArray> emails;
    for (int i = 0; i < kEmails; ++i) {
        if (i % 25 == 7) {
            emails << email({}, "noreply-" + QByteArray::number(i % 3) + "@reporter.example");
            continue;
        }
        if (i % 17 == 5) { // an SMTP TLS report, and now and then a DMARC failure report
            emails << (i % 34 == 5 ? readTestData(QStringLiteral("arf/auth-failure.eml"))
                                   : email({attachment("application/tlsrpt+gzip", "t.json.gz",
                                                       gzip(tlsJson(i)))},
                                           "tlsrpt@reporter.example"));
            continue;
        }
        if (i % 30 == 11) {
            emails << emails.at(i - 1); // a duplicate of the previous report
            continue;
        }
        const QByteArray reporter = reporters.at(int(random.bounded(reporters.size())));
        const QByteArray domain = domains.at(int(random.bounded(domains.size())));
        QByteArray records;
        for (int r = 0, n = 1 + int(random.bounded(4)); r < n; ++r) {
            const auto &sender = testSenders().at(int(random.bounded(testSenders().size())));
            records +=
                senderRecord(sender, domain,
                             "<disposition>" + dispositions.at(int(random.bounded(4))) +
                                 "</disposition><dkim>" + (random.bounded(2) ? "pass" : "fail") +
                                 "</dkim><spf>" + (random.bounded(2) ? "pass" : "fail") + "</spf>",
                             random.bounded(50));
        }
        // Over ten days, two weeks with a Sunday between them.
        const QByteArray xml = reportOnDay(
            feedback(records, "crash-" + QByteArray::number(i), QByteArray(), reporter), i % 10);
        QList<Part> parts{attachment("application/gzip", "r.xml.gz", gzip(xml))};
        if (i % 20 == 13)
            parts << attachment("application/zip", "broken.zip",
                                zip({{QStringLiteral("x.xml"), xml}}).left(50));
        emails << email(parts);
    }
    return emails;
}

struct Expected
{
    StoreSnapshot snapshot;
    KeptSources sources;
};

// What an uninterrupted run counts and keeps: the same emails through the pipeline into a fresh
// store, their sources named by the same settings.
Expected expectedStore(const QList<QByteArray> &emails)
{
    QTemporaryDir dir;
    auto store = Store::open(dir.path());
    MetricsRegistry metrics;
    SourceSettings sources;
    sources.classes = sourceClasses();
    Pipeline pipeline(store->get(), &metrics, PayloadLimits(),
                      SourceNaming::fromSettings(sources).value());
    QList<IncomingEmail> batch;
    for (int i = 0; i < emails.size(); ++i) {
        IncomingEmail email;
        email.identity = EmailIdentity{QStringLiteral("x"), QStringLiteral("INBOX"), 1,
                                       quint32(i + 1), QByteArray()};
        email.raw = emails.at(i);
        batch << email;
    }
    const auto processed = pipeline.process(batch, 1000);
    Q_ASSERT(processed.ok());
    return Expected{*(*store)->snapshot(), *keptSources(**store)};
}

} // namespace

// Kill -9 at random moments, restart: nothing lost, nothing counted twice, every email in the
// right folder. And SIGTERM stops cleanly.
class TestCrashSafety : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        // The reference run in this process would log every email.
        QLoggingCategory::setFilterRules(
            QStringLiteral("dmarc.*.info=false\ndmarc.*.warning=false"));
    }

    void killedAtRandomPointsCountsExactlyOnce()
    {
        const QList<QByteArray> emails = generateEmails();
        const Expected reference = expectedStore(emails);
        const StoreSnapshot &expected = reference.snapshot;
        QVERIFY(expected.sourceCounters.size() >= 10); // every kind of name, for three domains
        int invalidEmails = 0;
        for (const InvalidCount &invalid : expected.invalidReports)
            invalidEmails += int(invalid.count);
        QVERIFY(invalidEmails > 10);

        DovecotServer server;
        QVERIFY(server.start().ok());
        QVERIFY(server.deliverToInbox(emails).ok());
        QCOMPARE(server.messageCount(QStringLiteral("INBOX")), kEmails);

        QTemporaryDir dir;
        ExporterChild exporter;
        exporter.configPath = dir.filePath(QStringLiteral("config.json"));
        const quint16 port = freeLocalPort();
        exporter.metrics = QUrl(QStringLiteral("http://127.0.0.1:%1/metrics").arg(port));
        QFile config(exporter.configPath);
        QVERIFY(config.open(QIODevice::WriteOnly));
        // Small batches (about ten emails), so that the kills land between many commits and
        // moves.
        QJsonObject account = dovecotAccount(server, QStringLiteral("main"));
        QJsonObject imap = account.value(QStringLiteral("imap")).toObject();
        imap.insert(QStringLiteral("max_batch_bytes"), 20000);
        account.insert(QStringLiteral("imap"), imap);
        QJsonObject settings =
            QJsonDocument::fromJson(
                exporterConfig({account}, dir.filePath(QStringLiteral("state")), port, 0.05))
                .object();
        settings.insert(QStringLiteral("sources"),
                        QJsonObject{{QStringLiteral("reverse_dns"), false},
                                    {QStringLiteral("classes"), sourceClassesJson()}});
        config.write(QJsonDocument(settings).toJson());
        config.close();

        QRandomGenerator random = QRandomGenerator::securelySeeded();
        for (int kill = 0; kill < 6; ++kill) {
            QVERIFY(exporter.start());
            // A random moment: during start-up, fetch, analysis, commit or the moves.
            const int delayMs = int(random.bounded(100, 900));
            QTimer::singleShot(delayMs, &exporter.process,
                               [&exporter] { exporter.process.kill(); });
            QVERIFY(exporter.waitForExit(30000));
            qInfo("killed after %d ms; inbox %d, done %d, error %d", delayMs,
                  server.messageCount(QStringLiteral("INBOX")),
                  server.messageCount(QStringLiteral("Archive")),
                  server.messageCount(QStringLiteral("Invalid")));
        }
        QVERIFY(exporter.start());
        QTRY_COMPARE_WITH_TIMEOUT(server.messageCount(QStringLiteral("INBOX")), 0, 60000);

        QCOMPARE(server.messageCount(QStringLiteral("Invalid")), invalidEmails);
        QCOMPARE(server.messageCount(QStringLiteral("Archive")), kEmails - invalidEmails);

        const ParsedExposition metrics = scrape(exporter.metrics);
        QCOMPARE(metrics.samplesOf(QStringLiteral("dmarc_total")).size(),
                 qsizetype(expected.counters.size()));
        for (const LabelCounts &counts : expected.counters) {
            QString why;
            QVERIFY2(scrapeShows(metrics, labelKey(counts.labels), counts.counters, &why),
                     qPrintable(why));
        }
        for (const InvalidCount &invalid : expected.invalidReports) {
            QCOMPARE(metrics.samples.value(
                         QStringLiteral("dmarc_invalid_reports_total{from_email=\"%1\"}")
                             .arg(invalid.fromEmail)),
                     double(invalid.count));
        }

        // docs/counting.md section 8: the TLS and failure-report counters, exactly once too.
        const auto &sessions = expected.counts[size_t(CountTable::TlsSessions)];
        QVERIFY(sessions.size() == 2);
        for (const CountRow &row : sessions) {
            const QString labels =
                QStringLiteral("{policy_domain=\"%1\",policy_type=\"%2\",reporter=\"%3\"}")
                    .arg(row.labels.at(1), row.labels.at(2), row.labels.at(0));
            QCOMPARE(
                metrics.samples.value(QStringLiteral("tlsrpt_successful_sessions_total") + labels),
                double(row.values.at(0)));
            QCOMPARE(metrics.samples.value(QStringLiteral("tlsrpt_failed_sessions_total") + labels),
                     double(row.values.at(1)));
        }
        const auto &failureReports = expected.counts[size_t(CountTable::FailureReports)];
        QCOMPARE(failureReports.size(), qsizetype(1));
        QCOMPARE(metrics.samplesOf(QStringLiteral("dmarc_failure_reports_total")).first(),
                 double(failureReports.first().values.at(0)));

        // docs/counting.md section 10.7: both source families, every pair exactly once.
        for (const char *family : {"dmarc_source_total", "dmarc_source_compliant_total"}) {
            QCOMPARE(metrics.samplesOf(QString::fromLatin1(family)).size(),
                     qsizetype(expected.sourceCounters.size()));
        }
        for (const SourceCounter &counter : expected.sourceCounters) {
            const QString labels = QStringLiteral("{from_domain=\"%1\",source=\"%2\"}")
                                       .arg(counter.pair.fromDomain, counter.pair.source);
            QCOMPARE(metrics.samples.value(QStringLiteral("dmarc_source_total") + labels, -1),
                     double(counter.total));
            QCOMPARE(
                metrics.samples.value(QStringLiteral("dmarc_source_compliant_total") + labels, -1),
                double(counter.compliant));
        }

        // SIGTERM: a clean stop with exit code 0 well within 10 s.
        exporter.process.terminate();
        QVERIFY(exporter.waitForExit(10000));
        QCOMPARE(exporter.process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(exporter.process.exitCode(), 0);

        // The per-source sums the store keeps, row by row as the uninterrupted run's.
        auto store = Store::open(dir.filePath(QStringLiteral("state")));
        QVERIFY2(store.ok(), store.ok() ? "" : qPrintable(store.error().message));
        // Its weeks summed again from its days, as the exporter does five minutes after a check;
        // the uninterrupted run's read from their days.
        const auto summed = (*store)->sumWeeks(QDate(2100, 1, 1));
        QVERIFY2(summed.ok(), summed.ok() ? "" : qPrintable(summed.error().message));
        QVERIFY(*summed > 0);
        const auto kept = keptSources(**store);
        QVERIFY2(kept.ok(), kept.ok() ? "" : qPrintable(kept.error().message));
        QCOMPARE(kept->days, reference.sources.days);
        QCOMPARE(kept->domains, reference.sources.domains);
        QCOMPARE(kept->counters, reference.sources.counters);
        QVERIFY(!kept->weeks.isEmpty());
        QCOMPARE(kept->weeks, reference.sources.weeks);
    }
};

QTEST_GUILESS_MAIN(TestCrashSafety)
#include "tst_crashsafety.moc"
