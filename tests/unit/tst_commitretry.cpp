#include "metrics/metricsregistry.h"
#include "service/commitretry.h"

#include <QSignalSpy>
#include <QTest>
#include <QTimer>

using namespace Dmarc;

namespace {

Error unreachable()
{
    return Error{QStringLiteral("store_unreachable"),
                 QStringLiteral("terminating connection due to administrator command")};
}

bool exposes(MetricsRegistry &metrics, const QByteArray &line)
{
    return metrics.exposition(false).body().contains(QByteArray("\n" + line + "\n"));
}

} // namespace

// The commits that wait for the store (docs/counting.md section 5.4), apart from the store:
// a commit is a function that succeeds or fails as the test says.
class TestCommitRetry : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void aCommitSubmittedDuringTheBackoffWaitsForTheRetry()
    {
        MetricsRegistry metrics;
        CommitRetry retry(&metrics);
        const QObject first;
        const QObject second;
        bool storeUp = false;
        int firstAttempts = 0;
        int secondAttempts = 0;
        retry.submit(&first, [&]() -> Result<void> {
            ++firstAttempts;
            if (!storeUp)
                return unreachable();
            return {};
        });
        QCOMPARE(firstAttempts, 1);
        QVERIFY(!retry.status().usable);
        QCOMPARE(retry.status().reason, QStringLiteral("the database server cannot be reached"));
        // Another watcher's batch does not hammer a store that just failed: it waits its turn.
        storeUp = true;
        retry.submit(&second, [&]() -> Result<void> {
            ++secondAttempts;
            return {};
        });
        QCOMPARE(secondAttempts, 0);
        QTRY_COMPARE_WITH_TIMEOUT(secondAttempts, 1, 5000);
        QCOMPARE(firstAttempts, 2);
        QVERIFY(retry.status().usable);
        QVERIFY(exposes(metrics, "dmarc_metrics_exporter_store_up 1"));
    }

    void aBatchSubmittedAfterTheFailedOnesWereDroppedIsCommittedAtOnce()
    {
        // A batch failed, then its watcher stopped (its account's lease went with the database)
        // and dropped it; the retry came and found nothing to try. When the watcher starts
        // again, its new batch must not wait for a retry that will never come.
        MetricsRegistry metrics;
        CommitRetry retry(&metrics);
        QSignalSpy changes(&retry, &CommitRetry::statusChanged);
        const QObject watcher;
        retry.submit(&watcher, [] { return Result<void>(unreachable()); });
        QVERIFY(!retry.status().usable);
        QVERIFY(exposes(metrics, "dmarc_metrics_exporter_store_up 0"));
        retry.drop(&watcher);
        auto *retryTimer = retry.findChild<QTimer *>();
        QVERIFY(retryTimer);
        QTRY_VERIFY_WITH_TIMEOUT(!retryTimer->isActive(), 5000);

        int attempts = 0;
        retry.submit(&watcher, [&]() -> Result<void> {
            ++attempts;
            return {};
        });
        QCOMPARE(attempts, 1);
        QVERIFY(retry.status().usable);
        QCOMPARE(retry.status().failedCommits, quint64(1));
        QVERIFY(exposes(metrics, "dmarc_metrics_exporter_store_up 1"));
        QCOMPARE(changes.size(), 2);

        // While the store is still down, the new batch fails and is retried as the first was.
        retry.submit(&watcher, [] { return Result<void>(unreachable()); });
        retry.drop(&watcher);
        QTRY_VERIFY_WITH_TIMEOUT(!retryTimer->isActive(), 5000);
        int failing = 0;
        retry.submit(&watcher, [&]() -> Result<void> {
            ++failing;
            return unreachable();
        });
        QCOMPARE(failing, 1);
        QVERIFY(retryTimer->isActive());
        QTRY_COMPARE_WITH_TIMEOUT(failing, 2, 10000);
        QCOMPARE(retry.status().failedCommits, quint64(4));
    }
};

QTEST_GUILESS_MAIN(TestCommitRetry)
#include "tst_commitretry.moc"
