#include "diskfull.h"
#include "exporterharness.h"
#include "metrics/metricsregistry.h"
#include "reportfixtures.h"
#include "service/commitretry.h"
#include "service/pipeline.h"
#include "store/store.h"
#include "storebackend.h"

#include <QDir>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Dmarc;
using namespace Dmarc::Test;

namespace {

IncomingEmail incoming(const QByteArray &raw, quint32 uid)
{
    IncomingEmail email;
    email.identity = EmailIdentity{QStringLiteral("main"), QStringLiteral("INBOX"), 7, uid, {}};
    email.raw = raw;
    email.label = QStringLiteral("uid %1").arg(uid);
    return email;
}

const LabelSet kSample = sampleLabelSet();

bool exposes(MetricsRegistry &metrics, const QByteArray &line)
{
    return metrics.exposition(false).body().contains(QByteArray("\n" + line + "\n"));
}

} // namespace

// The pipeline on a real store, on both backends (storebackend.h): what one batch commits, and
// what a second sight of an already decided email does (the program died between the commit
// and the IMAP move).
class TestPipeline : public QObject
{
    Q_OBJECT
    std::unique_ptr<QTemporaryDir> m_dir; // a fresh store for each case
    std::unique_ptr<Store> m_store;
    std::unique_ptr<MetricsRegistry> m_metrics;
    std::unique_ptr<Pipeline> m_pipeline;

private Q_SLOTS:
    void initTestCase_data() { addStoreBackendRows(); }

    void init()
    {
        const auto chosen = useStoreBackendOfRow();
        QVERIFY2(chosen, chosen ? "" : qPrintable(chosen.error().message));
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        auto store = Store::open(locationOf(m_dir->path()));
        QVERIFY2(store.ok(), store.ok() ? "" : qPrintable(store.error().message));
        m_store = std::move(*store);
        m_metrics = std::make_unique<MetricsRegistry>();
        m_pipeline = std::make_unique<Pipeline>(m_store.get(), m_metrics.get(), PayloadLimits(),
                                                SourceNaming::fromSettings({}).value());
    }

    void cleanup()
    {
        m_pipeline.reset();
        m_metrics.reset();
        m_store.reset();
        m_dir.reset();
    }

    void cleanupTestCase() { stopStoreBackends(); }

    void decidedEmailIsOnlyMovedAgain()
    {
        const QByteArray report = readTestData(QStringLiteral("upstream/email-report-0.1-xml.eml"));
        const QByteArray noReport =
            readTestData(QStringLiteral("upstream/email-minimal-no-report.eml"));
        auto first = m_pipeline->process({incoming(report, 1), incoming(noReport, 2)}, 1000);
        QVERIFY(first.ok());
        QCOMPARE(first->size(), 2);
        QCOMPARE(first->at(0).verdict, EmailVerdict::Done);
        QVERIFY(!first->at(0).alreadyDecided);
        QCOMPARE(first->at(0).reports, QList<ReportOutcome>{ReportOutcome::Counted});
        QCOMPARE(first->at(1).verdict, EmailVerdict::Error);
        QCOMPARE(m_metrics->counters(kSample).total, quint64(1));
        QCOMPARE(m_metrics->invalidReports(QStringLiteral("noreply-dmarc-support@google.com")),
                 quint64(1));

        // The moves failed; the same emails come again (same mailbox, UIDVALIDITY, UID, bytes).
        auto second = m_pipeline->process({incoming(report, 1), incoming(noReport, 2)}, 2000);
        QVERIFY(second.ok());
        QVERIFY(second->at(0).alreadyDecided);
        QCOMPARE(second->at(0).verdict, EmailVerdict::Done);
        QVERIFY(second->at(1).alreadyDecided);
        QCOMPARE(second->at(1).verdict, EmailVerdict::Error);
        QCOMPARE(m_metrics->counters(kSample).total, quint64(1));
        QCOMPARE(m_metrics->invalidReports(QStringLiteral("noreply-dmarc-support@google.com")),
                 quint64(1));
        const auto snapshot = m_store->snapshot();
        QCOMPARE(snapshot->counters.constFirst().counters.total, quint64(1));
        QCOMPARE(snapshot->invalidReports.constFirst().count, quint64(1));
    }

    void sameUidWithOtherContentIsANewEmail()
    {
        const QByteArray id1 =
            readTestData(QStringLiteral("upstream/email-e2e-report-0.1-zip-id1.eml"));
        const QByteArray id2 =
            readTestData(QStringLiteral("upstream/email-e2e-report-0.1-zip-id2.eml"));
        QVERIFY(m_pipeline->process({incoming(id1, 5)}, 1000).ok());
        const auto other = m_pipeline->process({incoming(id2, 5)}, 1000);
        QVERIFY(other.ok());
        QVERIFY(!other->constFirst().alreadyDecided);
        QCOMPARE(m_metrics->counters(kSample).total, quint64(2));
    }

    void oversizedEmailIsAnErrorWithoutContent()
    {
        IncomingEmail email = incoming(QByteArray(), 9);
        email.oversized = true;
        const auto processed = m_pipeline->process({email}, 1000);
        QVERIFY(processed.ok());
        QCOMPARE(processed->constFirst().verdict, EmailVerdict::Error);
        QCOMPARE(processed->constFirst().analysis.failures.constFirst().error.code,
                 QStringLiteral("too_large"));
        QCOMPARE(m_metrics->invalidReports(QString()), quint64(1));
    }

    // The analysis of a batch runs on several threads: the result must not depend on it. A
    // batch of every sample email, several times over (duplicates, errors, no report), gives
    // per email and in total what one email per batch gives.
    void batchEqualsOneByOne()
    {
        const QStringList names = QDir(QStringLiteral(DMARC_TEST_DATA_DIR "/upstream"))
                                      .entryList({QStringLiteral("email-*.eml")}, QDir::Files);
        QVERIFY(names.size() >= 10);
        QList<IncomingEmail> batch;
        for (int round = 0; round < 8; ++round) {
            for (const QString &name : names)
                batch << incoming(readTestData(QStringLiteral("upstream/") + name),
                                  quint32(batch.size() + 1));
        }
        const auto together = m_pipeline->process(batch, 1000);
        QVERIFY(together.ok());

        QTemporaryDir otherDir;
        auto otherStore = Store::open(locationOf(otherDir.path()));
        QVERIFY(otherStore.ok());
        MetricsRegistry otherMetrics;
        Pipeline oneByOne(otherStore->get(), &otherMetrics, PayloadLimits(),
                          SourceNaming::fromSettings({}).value());
        for (qsizetype i = 0; i < batch.size(); ++i) {
            const auto single = oneByOne.process({batch.at(i)}, 1000);
            QVERIFY(single.ok());
            const ProcessedEmail &a = together->at(i);
            const ProcessedEmail &b = single->constFirst();
            QCOMPARE(a.identity.uid, b.identity.uid);
            QCOMPARE(a.verdict, b.verdict);
            QCOMPARE(a.reports, b.reports);
            QCOMPARE(a.analysis.fromEmail, b.analysis.fromEmail);
            QCOMPARE(a.analysis.reports.size(), b.analysis.reports.size());
            QCOMPARE(a.analysis.failures.size(), b.analysis.failures.size());
        }
        const StoreSnapshot a = *m_store->snapshot();
        const StoreSnapshot b = *otherStore.value()->snapshot();
        QCOMPARE(a.counters.size(), b.counters.size());
        for (const LabelCounts &entry : a.counters)
            QCOMPARE(otherMetrics.counters(entry.labels), entry.counters);
        QCOMPARE(a.invalidReports.size(), b.invalidReports.size());
        for (const InvalidCount &entry : a.invalidReports)
            QCOMPARE(otherMetrics.invalidReports(entry.fromEmail), entry.count);
        QVERIFY(m_metrics->counters(kSample).total > 0);
    }

    // docs/counting.md section 5.4: a commit the full disk refuses is tried again after 1 s,
    // then 2 s, with store_up 0 and each refusal counted; once there is room the same batch is
    // committed whole, once.
    void refusedCommitIsRetriedWithBackoff()
    {
        if (onPostgres())
            QSKIP("A full disk is made on SQLite's own connection");
        QList<IncomingEmail> batch;
        for (quint32 uid = 1; uid <= 40; ++uid) {
            const QByteArray reportId = "fill-" + QByteArray::number(uid) + QByteArray(300, 'x');
            batch << incoming(
                email({attachment("text/xml", "report.xml", feedback(record(), reportId))}), uid);
        }
        CommitRetry retry(m_metrics.get());
        QSignalSpy changes(&retry, &CommitRetry::statusChanged);
        int attempts = 0;
        QList<ProcessedEmail> committed;
        QVERIFY(setDiskFull(true));
        QDateTime before = QDateTime::currentDateTimeUtc();
        retry.submit(this, [&]() -> Result<void> {
            ++attempts;
            auto processed = m_pipeline->process(batch, 1000);
            if (!processed)
                return processed.error();
            committed = *processed;
            return {};
        });
        QCOMPARE(attempts, 1);
        QVERIFY(!retry.status().usable);
        QCOMPARE(retry.status().reason, QStringLiteral("the disk holding the store is full"));
        QVERIFY(retry.status().nextRetry >= before.addMSecs(CommitRetry::kFirstDelayMs));
        QVERIFY(exposes(*m_metrics, "dmarc_metrics_exporter_store_up 0"));
        QVERIFY(exposes(*m_metrics, "dmarc_metrics_exporter_store_commit_errors_total 1"));
        QCOMPARE(changes.size(), 1);

        before = QDateTime::currentDateTimeUtc();
        QTRY_COMPARE_WITH_TIMEOUT(attempts, 2, 5000); // by itself
        QVERIFY(retry.status().nextRetry >= before.addMSecs(2 * CommitRetry::kFirstDelayMs));
        QCOMPARE(retry.status().failedCommits, quint64(2));
        QVERIFY(exposes(*m_metrics, "dmarc_metrics_exporter_store_commit_errors_total 2"));
        QCOMPARE(m_metrics->counters(kSample).total, quint64(0));

        QVERIFY(setDiskFull(false));
        retry.retryNow();
        QCOMPARE(attempts, 3);
        QVERIFY(retry.status().usable);
        QVERIFY(!retry.status().nextRetry.isValid());
        QCOMPARE(committed.size(), 40);
        QCOMPARE(m_metrics->counters(kSample).total, quint64(40));
        QCOMPARE(m_store->snapshot()->counters.constFirst().counters.total, quint64(40));
        QVERIFY(exposes(*m_metrics, "dmarc_metrics_exporter_store_up 1"));
        QCOMPARE(changes.size(), 3);
    }

    void reportFilesAreReadByContent()
    {
        IncomingEmail file;
        file.kind = IncomingEmail::Kind::ReportFile;
        file.raw = readTestData(QStringLiteral("upstream/report-2.0.xml"));
        file.label = QStringLiteral("/archive/report-2.0.xml");
        file.identity = EmailIdentity{QStringLiteral("import"), file.label, 0, 0, {}};
        const auto processed = m_pipeline->process({file}, 1000);
        QVERIFY(processed.ok());
        QCOMPARE(processed->constFirst().verdict, EmailVerdict::Done);
        QCOMPARE(m_metrics->counters(kSample).total, quint64(1));
    }
};

QTEST_GUILESS_MAIN(TestPipeline)
#include "tst_pipeline.moc"
