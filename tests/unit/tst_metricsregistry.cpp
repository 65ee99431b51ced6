#include "common/version.h"
#include "exporterharness.h"
#include "exposition.h"
#include "gunzip.h"
#include "metrics/metricsregistry.h"
#include "service/pipeline.h"

#include <QFile>
#include <QTest>

using namespace Dmarc;
using Dmarc::Test::ParsedExposition;
using Dmarc::Test::parseExposition;

namespace {

const LabelSet kSampleLabels = Test::sampleLabelSet();
using Test::sampleCounters;

EmailCommit reportEmail(const QString &reportId)
{
    ReportCounts report;
    report.orgName = QStringLiteral("google.com");
    report.reportId = reportId;
    report.counts << LabelCounts{kSampleLabels, sampleCounters()};
    EmailCommit commit;
    commit.analysis.fromEmail = QStringLiteral("noreply-dmarc-support@google.com");
    commit.analysis.candidates = 1;
    commit.analysis.reports << report;
    return commit;
}

EmailCommitResult counted()
{
    EmailCommitResult result;
    result.reports << ReportOutcome::Counted;
    return result;
}

// What the pipeline does with a committed batch.
void apply(MetricsRegistry &registry, const QList<EmailCommit> &batch,
           const QList<EmailCommitResult> &results)
{
    for (qsizetype i = 0; i < batch.size(); ++i)
        recordCommitted(registry, batch.at(i), results.at(i));
}

QByteArray golden(const QString &name)
{
    QFile file(QStringLiteral(DMARC_TEST_DATA_DIR "/upstream/") + name);
    if (!file.open(QIODevice::ReadOnly))
        return QByteArray();
    // Upstream's version label stands for "this program's version".
    const QByteArray ours = QByteArray("version=\"") + kVersion + '"';
    return file.readAll().replace(QByteArray("version=\"1.3.0\""), ours);
}

// Same families, types, label sets and values as the golden file; anything else we export must
// be our own self or process metrics.
void compareWithGolden(const QByteArray &ours, const QString &goldenName)
{
    const ParsedExposition expected = parseExposition(golden(goldenName));
    const ParsedExposition actual = parseExposition(ours);
    QVERIFY2(!expected.types.isEmpty(), qPrintable(goldenName));
    QCOMPARE(expected.errors, QStringList());
    QCOMPARE(actual.errors, QStringList());
    for (auto it = expected.types.cbegin(); it != expected.types.cend(); ++it) {
        QCOMPARE(actual.types.value(it.key()), it.value());
        QCOMPARE(actual.samplesOf(it.key()), expected.samplesOf(it.key()));
    }
    for (auto it = actual.types.cbegin(); it != actual.types.cend(); ++it) {
        if (expected.types.contains(it.key()))
            continue;
        QVERIFY2(it.key().startsWith(QLatin1String("dmarc_metrics_exporter_")) ||
                     it.key().startsWith(QLatin1String("process_")),
                 qPrintable(it.key()));
    }
}

} // namespace

class TestMetricsRegistry : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void empty()
    {
        MetricsRegistry registry;
        compareWithGolden(registry.exposition(false).body(),
                          QStringLiteral("expected-metrics-empty.txt"));
    }

    void afterSampleReport()
    {
        MetricsRegistry registry;
        apply(registry, {reportEmail(QStringLiteral("12598866915817748661"))}, {counted()});
        compareWithGolden(registry.exposition(false).body(),
                          QStringLiteral("expected-metrics-after-sample-report.txt"));
    }

    void afterTwoE2eReports()
    {
        MetricsRegistry registry;
        apply(registry, {reportEmail(QStringLiteral("1"))}, {counted()});
        apply(registry, {reportEmail(QStringLiteral("2"))}, {counted()});
        compareWithGolden(registry.exposition(false).body(),
                          QStringLiteral("expected-metrics-after-e2e-two-reports.txt"));
    }

    void duplicateAndAlreadyDecidedCountNothing()
    {
        MetricsRegistry registry;
        EmailCommitResult duplicate;
        duplicate.reports << ReportOutcome::Duplicate;
        EmailCommitResult decided;
        decided.alreadyDecided = true;
        apply(registry, {reportEmail(QStringLiteral("1")), reportEmail(QStringLiteral("2"))},
              {duplicate, decided});
        QCOMPARE(registry.labelSetCount(), 0);
        compareWithGolden(registry.exposition(false).body(),
                          QStringLiteral("expected-metrics-empty.txt"));
        const ParsedExposition parsed = parseExposition(registry.exposition(false).body());
        QCOMPARE(parsed.samples.value(QStringLiteral(
                     "dmarc_metrics_exporter_reports_processed_total{outcome=\"duplicate\"}")),
                 1.0);
        QCOMPARE(parsed.samples.value(QStringLiteral(
                     "dmarc_metrics_exporter_emails_processed_total{outcome=\"done\"}")),
                 1.0);
    }

    void afterMinimalEmail()
    {
        MetricsRegistry registry;
        EmailCommit email;
        email.analysis.fromEmail = QStringLiteral("noreply-dmarc-support@google.com");
        EmailCommitResult result;
        result.verdict = EmailVerdict::Error;
        result.invalidDmarc = true; // the commit plan's word for an email without a candidate
        apply(registry, {email}, {result});
        compareWithGolden(registry.exposition(false).body(),
                          QStringLiteral("expected-metrics-after-minimal-email.txt"));
        const ParsedExposition parsed = parseExposition(registry.exposition(false).body());
        QCOMPARE(parsed.samples.value(QStringLiteral(
                     "dmarc_metrics_exporter_emails_processed_total{outcome=\"error\"}")),
                 1.0);
    }

    // docs/counting.md section 9: refusals of the analysis (by their error code) and of the
    // commit are counted by reason, every reason shown from the start.
    void refusedReportsByReason()
    {
        MetricsRegistry registry;
        const auto refused = [&registry](const char *reason) {
            return parseExposition(registry.exposition(false).body())
                .samples.value(
                    QStringLiteral("dmarc_metrics_exporter_reports_refused_total{reason=\"") +
                        QLatin1String(reason) + QStringLiteral("\"}"),
                    -1);
        };
        QCOMPARE(refused("label_sets_per_report"), 0.0);
        QCOMPARE(refused("foreign_domain"), 0.0);
        EmailCommit email = reportEmail(QStringLiteral("r-1"));
        email.analysis.failures << PayloadFailure{
            QStringLiteral("part 2"),
            Error{QStringLiteral("label_sets_per_report"), QStringLiteral("too many")}};
        EmailCommitResult result;
        result.verdict = EmailVerdict::Error;
        result.reports << ReportOutcome::Malformed;
        result.refusals << ReportRefusal{Refusal::ForeignDomain, QStringLiteral("elsewhere")};
        result.invalidDmarc = true;
        apply(registry, {email}, {result});
        QCOMPARE(refused("label_sets_per_report"), 1.0);
        QCOMPARE(refused("label_sets"), 0.0);
        QCOMPARE(refused("foreign_domain"), 1.0);
        QCOMPARE(registry.refused(Refusal::ForeignDomain), quint64(1));
        // Nothing of the refused report is exposed; the email counts as invalid.
        QCOMPARE(registry.labelSetCount(), 0);
        QCOMPARE(registry.invalidReports(email.analysis.fromEmail), quint64(1));
    }

    void exporterUnitTestCollection()
    {
        // upstream test_prometheus_exporter, restored the way the store hands it over.
        QList<LabelCounts> counters;
        Counters google;
        google.total = 42;
        google.compliant = 39;
        google.quarantine = 3;
        google.spfAligned = 42;
        google.spfPass = 42;
        google.dkimAligned = 39;
        google.dkimPass = 39;
        Counters yahoo;
        yahoo.total = yahoo.compliant = yahoo.spfAligned = yahoo.spfPass = yahoo.dkimAligned =
            yahoo.dkimPass = 1;
        const QString sub = QStringLiteral("sub.mydomain.de");
        const QString domain = QStringLiteral("mydomain.de");
        counters << LabelCounts{LabelSet{QStringLiteral("google.com"), domain, sub, domain}, google}
                 << LabelCounts{LabelSet{QStringLiteral("yahoo.com"), domain, sub, domain}, yahoo};
        const QList<InvalidCount> invalid{{QStringLiteral("someone@example.org"), 42}};
        MetricsRegistry registry;
        for (const LabelCounts &entry : std::as_const(counters))
            registry.raiseCounts(entry.labels, entry.counters);
        for (const InvalidCount &entry : invalid)
            registry.raiseInvalidReport(entry.fromEmail, entry.count);
        compareWithGolden(registry.exposition(false).body(),
                          QStringLiteral("expected-metrics-exporter-unit-test.txt"));
    }

    void everyLabelSetHasAllEightCountersAndEscapes()
    {
        MetricsRegistry registry;
        Counters onlyTotal;
        onlyTotal.total = 7;
        const LabelSet odd{QStringLiteral("Org \"quoted\"\\ \n line"), QStringLiteral("ä.example"),
                           QString(), QString()};
        registry.addCounts(odd, onlyTotal);
        const QByteArray body = registry.exposition(false).body();
        QVERIFY(body.contains("reporter=\"Org \\\"quoted\\\"\\\\ \\n line\""));
        const ParsedExposition parsed = parseExposition(body);
        QCOMPARE(parsed.errors, QStringList());
        const QString labels = QStringLiteral(
            "{dkim_domain=\"\",from_domain=\"ä.example\",reporter=\"Org \"quoted\"\\ \n line\","
            "spf_domain=\"\"}");
        for (const char *family :
             {"dmarc_total", "dmarc_compliant_total", "dmarc_quarantine_total",
              "dmarc_reject_total", "dmarc_spf_aligned_total", "dmarc_spf_pass_total",
              "dmarc_dkim_aligned_total", "dmarc_dkim_pass_total"}) {
            const QString key = QLatin1String(family) + labels;
            QVERIFY2(parsed.samples.contains(key), qPrintable(key));
            QCOMPARE(parsed.samples.value(key), family == QByteArray("dmarc_total") ? 7.0 : 0.0);
        }
    }

    void serialisesOncePerChange()
    {
        MetricsRegistry registry;
        registry.addCounts(kSampleLabels, sampleCounters());
        for (int i = 0; i < 5; ++i) {
            (void)registry.exposition(false);
            (void)registry.exposition(true);
        }
        QCOMPARE(registry.serializations(), quint64(1));
        // Self metrics are written per scrape and do not invalidate the cache.
        registry.setAccountUp(QStringLiteral("main"), true);
        registry.countEmails(EmailVerdict::Done);
        (void)registry.exposition(false);
        QCOMPARE(registry.serializations(), quint64(1));
        registry.addInvalidReport(QStringLiteral("a@b.example"));
        (void)registry.exposition(true);
        QCOMPARE(registry.serializations(), quint64(2));
    }

    void gzipDecodesToThePlainText()
    {
        MetricsRegistry registry;
        for (int i = 0; i < 500; ++i) {
            registry.addCounts(LabelSet{QStringLiteral("org %1").arg(i),
                                        QStringLiteral("d.example"), QString(), QString()},
                               sampleCounters());
        }
        for (int round = 0; round < 2; ++round) { // fresh, then from the cached deflate stream
            const Exposition gzipped = registry.exposition(true);
            QVERIFY(gzipped.gzip);
            const QByteArray plain = Dmarc::Test::gunzip(gzipped.body());
            QVERIFY(!plain.isNull());
            QVERIFY(plain.startsWith(registry.exposition(false).cached));
            QVERIFY(plain.contains("process_cpu_seconds_total"));
            QVERIFY(gzipped.size() < plain.size() / 5);
        }
    }

    void selfAndProcessMetrics()
    {
        MetricsRegistry registry;
        registry.setAccountUp(QStringLiteral("main"), true);
        registry.setAccountUp(QStringLiteral("backup"), false);
        registry.setLastSuccessfulPoll(QStringLiteral("main"), 1700000000);
        registry.countPollError(QStringLiteral("backup"));
        registry.countPollError(QStringLiteral("backup"));
        registry.countReports(ReportOutcome::Malformed, 3);
        const ParsedExposition parsed = parseExposition(registry.exposition(false).body());
        QCOMPARE(parsed.errors, QStringList());
        QCOMPARE(parsed.samples.value(
                     QStringLiteral("dmarc_metrics_exporter_imap_up{account=\"main\"}")),
                 1.0);
        QCOMPARE(parsed.samples.value(
                     QStringLiteral("dmarc_metrics_exporter_imap_up{account=\"backup\"}"), -1),
                 0.0);
        QCOMPARE(
            parsed.samples.value(QStringLiteral(
                "dmarc_metrics_exporter_imap_last_success_timestamp_seconds{account=\"main\"}")),
            1700000000.0);
        QCOMPARE(parsed.samples.value(QStringLiteral(
                     "dmarc_metrics_exporter_imap_poll_errors_total{account=\"backup\"}")),
                 2.0);
        QCOMPARE(parsed.samples.value(QStringLiteral(
                     "dmarc_metrics_exporter_reports_processed_total{outcome=\"malformed\"}")),
                 3.0);
        QCOMPARE(parsed.types.value(QStringLiteral("process_cpu_seconds_total")),
                 QStringLiteral("counter"));
        QVERIFY(parsed.samples.value(QStringLiteral("process_resident_memory_bytes")) > 1e6);
        QVERIFY(parsed.samples.value(QStringLiteral("process_virtual_memory_bytes")) > 1e6);
        QVERIFY(parsed.samples.value(QStringLiteral("process_open_fds")) >= 3);
        QVERIFY(parsed.samples.value(QStringLiteral("process_max_fds")) >= 64);
        const double start = parsed.samples.value(QStringLiteral("process_start_time_seconds"));
        const double now = double(QDateTime::currentSecsSinceEpoch());
        QVERIFY2(start > now - 3600 && start <= now + 1, qPrintable(QString::number(start, 'f')));
    }

    // docs/counting.md section 8: the TLS and failure-report families, as the pipeline records
    // a committed email; every TLS label set shows both session counters, zeros included.
    void tlsAndFailureFamilies()
    {
        MetricsRegistry registry;
        const QByteArray before = registry.exposition(false).cached;
        TlsReport report;
        report.organizationName = QStringLiteral("google.com");
        report.reportId = QStringLiteral("t1");
        report.policies
            << TlsPolicyCounts{QStringLiteral("mydomain.de"), QStringLiteral("sts"), 9, 0, {}}
            << TlsPolicyCounts{QStringLiteral("mydomain.de"),
                               QStringLiteral("tlsa"),
                               3,
                               2,
                               {TlsFailureCount{QStringLiteral("dane-required"), 2}}};
        EmailAnalysis analysis;
        analysis.fromEmail = QStringLiteral("tls@google.com");
        analysis.candidates = 4;
        analysis.tlsReports = {report, report};
        analysis.failureReports << FailureReport{QStringLiteral("mydomain.de"),
                                                 QStringLiteral("dkim"), QStringLiteral("spf"),
                                                 QStringLiteral("reject"), QString()};
        analysis.failures << PayloadFailure{QStringLiteral("part 4"),
                                            Error{QStringLiteral("malformed"), QString()},
                                            ReportKind::Tls};
        EmailCommitResult result;
        result.verdict = EmailVerdict::Error;
        result.tlsReports = {ReportOutcome::Counted, ReportOutcome::Duplicate};
        recordCommitted(registry, EmailCommit{{}, analysis, {}}, result);

        const QByteArray body = registry.exposition(false).body();
        const ParsedExposition parsed = parseExposition(body);
        QCOMPARE(parsed.errors, QStringList());
        const QMap<QString, double> expected{
            {QStringLiteral("tlsrpt_successful_sessions_total{policy_domain=\"mydomain.de\","
                            "policy_type=\"sts\",reporter=\"google.com\"}"),
             9},
            {QStringLiteral("tlsrpt_failed_sessions_total{policy_domain=\"mydomain.de\","
                            "policy_type=\"sts\",reporter=\"google.com\"}"),
             0},
            {QStringLiteral("tlsrpt_successful_sessions_total{policy_domain=\"mydomain.de\","
                            "policy_type=\"tlsa\",reporter=\"google.com\"}"),
             3},
            {QStringLiteral("tlsrpt_failed_sessions_total{policy_domain=\"mydomain.de\","
                            "policy_type=\"tlsa\",reporter=\"google.com\"}"),
             2},
            {QStringLiteral("tlsrpt_failure_detail_sessions_total{policy_domain=\"mydomain.de\","
                            "policy_type=\"tlsa\",reporter=\"google.com\","
                            "result_type=\"dane-required\"}"),
             2},
            {QStringLiteral(
                 "tlsrpt_reports_total{policy_domain=\"mydomain.de\",reporter=\"google.com\"}"),
             1},
            {QStringLiteral("tlsrpt_invalid_reports_total{from_email=\"tls@google.com\"}"), 1},
            {QStringLiteral("dmarc_failure_reports_total{auth_failure=\"dkim\","
                            "delivery_result=\"reject\",identity_alignment=\"spf\","
                            "reported_domain=\"mydomain.de\"}"),
             1},
        };
        for (auto it = expected.cbegin(); it != expected.cend(); ++it) {
            QVERIFY2(parsed.samples.contains(it.key()), qPrintable(it.key()));
            QCOMPARE(parsed.samples.value(it.key()), it.value());
        }
        for (const char *family :
             {"tlsrpt_successful_sessions_total", "tlsrpt_failed_sessions_total",
              "tlsrpt_failure_detail_sessions_total", "tlsrpt_reports_total",
              "tlsrpt_invalid_reports_total", "dmarc_failure_reports_total"}) {
            QCOMPARE(parsed.types.value(QLatin1String(family)), QStringLiteral("counter"));
            QVERIFY2(!before.contains(family), family);
        }
        // A TLS failure is not a DMARC invalid report; the dmarc families stay as they were.
        QVERIFY(parsed.samplesOf(QStringLiteral("dmarc_invalid_reports_total")).isEmpty());
        QVERIFY(body.startsWith(before));
        QCOMPARE(parsed.samples.value(QStringLiteral(
                     "dmarc_metrics_exporter_reports_processed_total{outcome=\"duplicate\"}")),
                 1.0);
    }

    // Read back from a store that several instances share: each served value rises to what
    // the store holds and never goes down, and an unchanged read leaves the exposition alone.
    void raisedToTheStoreNeverDown()
    {
        MetricsRegistry registry;
        int published = 0;
        registry.setChangeHandler([&published] { ++published; });
        Counters counted;
        counted.total = 10;
        counted.compliant = 8;
        registry.addCounts(kSampleLabels, counted); // this instance's commit
        (void)registry.snapshot();
        const quint64 serialised = registry.serializations();

        Counters held = counted; // the store: the same, and others' counts on some counters
        held.total = 15;
        held.compliant = 5; // below what is served (a store restored from an older backup)
        held.reject = 2;
        registry.raiseCounts(kSampleLabels, held);
        Counters served = counted;
        served.total = 15;
        served.reject = 2;
        QCOMPARE(registry.counters(kSampleLabels), served);
        const LabelSet other{QStringLiteral("yahoo.com"), QStringLiteral("other.example"),
                             QString(), QString()};
        registry.raiseCounts(other, Counters()); // counted elsewhere: a new series, zeros too
        QCOMPARE(registry.labelSetCount(), 2);
        registry.raiseInvalidReport(QStringLiteral("a@b.example"), 3);
        registry.raiseInvalidReport(QStringLiteral("a@b.example"), 1);
        QCOMPARE(registry.invalidReports(QStringLiteral("a@b.example")), quint64(3));
        const QStringList pair{QStringLiteral("mydomain.de"), QStringLiteral("Google")};
        registry.raiseInFamily(ReportFamily::SourceMessages, pair, 7);
        registry.raiseInFamily(ReportFamily::SourceMessages, pair, 6);
        QCOMPARE(registry.familyValue(ReportFamily::SourceMessages, pair),
                 std::optional<quint64>(7));
        QCOMPARE(published, 2);
        const QByteArray body = registry.exposition(false).body();
        QCOMPARE(registry.serializations(), serialised + 1);
        const ParsedExposition parsed = parseExposition(body);
        QCOMPARE(
            parsed.samples.value(QStringLiteral("dmarc_total") % Test::labelKey(kSampleLabels)),
            15.0);
        QCOMPARE(parsed.samples.value(QStringLiteral("dmarc_compliant_total") %
                                      Test::labelKey(kSampleLabels)),
                 8.0);

        // The same read again, or one below what is served: nothing to publish or serialise.
        registry.raiseCounts(kSampleLabels, held);
        registry.raiseCounts(other, Counters());
        registry.raiseInvalidReport(QStringLiteral("a@b.example"), 2);
        registry.raiseInFamily(ReportFamily::SourceMessages, pair, 7);
        (void)registry.exposition(false);
        QCOMPARE(published, 2);
        QCOMPARE(registry.serializations(), serialised + 1);
    }
};

QTEST_GUILESS_MAIN(TestMetricsRegistry)
#include "tst_metricsregistry.moc"
