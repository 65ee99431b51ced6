#include "keptsources.h"
#include "store/store.h"
#include "storecrashbatch.h"

#include <QProcess>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <csignal>
#include <sys/resource.h>

using namespace Dmarc;
using namespace Dmarc::Test;

// SIGKILL in the middle of a loop of commits, then a restart: the store holds exactly the
// commits that completed, each one whole: the counters, and the sending sources with them
// (docs/counting.md section 10.7).
class TestStoreCrash : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void killDuringCommits()
    {
        QTemporaryDir dir;
        qint64 committed = 0; // batches the store holds, checked after every kill
        // The same batches committed here without a kill, as many as the killed store holds.
        QTemporaryDir referenceDir;
        auto reference = Store::open(referenceDir.path());
        QVERIFY2(reference.ok(), reference.ok() ? "" : qPrintable(reference.error().message));
        qint64 referenced = 0;
        QRandomGenerator random(20261126);
        for (int round = 0; round < 8; ++round) {
            QProcess child;
            child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
            child.start(QStringLiteral(DMARC_STORE_CRASH_CHILD),
                        {dir.path(), QString::number(committed)});
            QVERIFY(child.waitForStarted(10000));

            // Let it acknowledge a random number of commits, then kill it up to two milliseconds
            // later, which usually lands inside a commit.
            const int wanted = 3 + int(random.bounded(20));
            qint64 acknowledged = 0;
            QByteArray pending;
            while (acknowledged < wanted) {
                QVERIFY2(child.waitForReadyRead(20000), "the child stopped committing");
                pending += child.readAllStandardOutput();
                acknowledged = pending.count('\n');
            }
            QSignalSpy finished(&child, &QProcess::finished);
            QTimer::singleShot(int(random.bounded(3)), &child, &QProcess::kill);
            QVERIFY(finished.wait(10000));
            pending += child.readAllStandardOutput();
            acknowledged = pending.count('\n');

            auto store = Store::open(dir.path());
            QVERIFY2(store.ok(), store.ok() ? "" : qPrintable(store.error().message));
            const qint64 dedup = *store.value()->dedupEntryCount();
            QCOMPARE(dedup % 5, qint64(0)); // never part of a batch
            const qint64 batches = dedup / 5;
            // Every acknowledged commit is there; at most the one in flight came on top.
            QVERIFY2(batches == committed + acknowledged || batches == committed + acknowledged + 1,
                     qPrintable(QStringLiteral("%1 batches, %2 + %3 acknowledged")
                                    .arg(batches)
                                    .arg(committed)
                                    .arg(acknowledged)));
            committed = batches;

            const StoreSnapshot snapshot = *store.value()->snapshot();
            quint64 all = 0;
            quint64 rotating = 0;
            for (const LabelCounts &entry : snapshot.counters) {
                if (entry.labels.fromDomain == QLatin1String("a.example")) {
                    all = entry.counters.total;
                    QCOMPARE(entry.counters.compliant, all);
                } else {
                    rotating += entry.counters.total;
                }
            }
            quint64 expectedRotating = 0;
            for (qint64 b = 0; b < committed; ++b)
                expectedRotating += 5 * quint64(b % 7);
            QCOMPARE(all, quint64(5 * committed));
            QCOMPARE(rotating, expectedRotating);
            QCOMPARE(snapshot.invalidReports.size(), committed > 0 ? 1 : 0);
            if (committed > 0)
                QCOMPARE(snapshot.invalidReports.at(0).count, quint64(committed));

            // The per-source sums: the class "office" took 1 compliant message a report, the
            // rotating sources what the rotating label set took, none of it compliant.
            quint64 office = 0;
            quint64 others = 0;
            for (const SourceCounter &counter : snapshot.sourceCounters) {
                if (counter.pair.source == QLatin1String("office")) {
                    office = counter.total;
                    QCOMPARE(counter.compliant, office);
                } else {
                    others += counter.total;
                    QCOMPARE(counter.compliant, quint64(0));
                }
            }
            QCOMPARE(office, quint64(5 * committed));
            QCOMPARE(others, expectedRotating);
            // Every row of the three source tables as a store that took exactly those commits.
            for (; referenced < committed; ++referenced) {
                const auto done =
                    reference.value()->commit(crashBatch(referenced), 1700000000 + referenced);
                QVERIFY2(done.ok(), done.ok() ? "" : qPrintable(done.error().message));
            }
            // The crashed store's weeks summed again from its days; the reference's read from
            // their days.
            const auto summed = store.value()->sumWeeks(QDate(2100, 1, 1));
            QVERIFY2(summed.ok(), summed.ok() ? "" : qPrintable(summed.error().message));
            const auto kept = keptSources(*store.value());
            const auto expected = keptSources(*reference.value());
            QVERIFY2(kept.ok(), kept.ok() ? "" : qPrintable(kept.error().message));
            QVERIFY2(expected.ok(), expected.ok() ? "" : qPrintable(expected.error().message));
            QCOMPARE(kept->days, expected->days);
            QCOMPARE(kept->domains, expected->domains);
            QCOMPARE(kept->counters, expected->counters);
            QCOMPARE(kept->weeks, expected->weeks);
        }
        QVERIFY(committed >= 8 * 3);
    }

    // One process per store: while the child commits, this process is refused with an error
    // that names the child's PID, and the store is not touched; once the child is killed, its
    // lock (left behind in the folder) is taken over.
    void secondProcessIsRefused()
    {
        QTemporaryDir dir;
        QProcess child;
        child.start(QStringLiteral(DMARC_STORE_CRASH_CHILD), {dir.path(), QStringLiteral("0")});
        QVERIFY(child.waitForStarted(10000));
        QVERIFY2(child.waitForReadyRead(20000), "the child did not commit");

        const auto refused = Store::open(dir.path());
        QVERIFY(!refused.ok());
        const QString message = refused.error().message;
        QVERIFY2(message.contains(
                     QStringLiteral("in use by another process (PID %1)").arg(child.processId())),
                 qPrintable(message));
        QVERIFY2(message.contains(dir.path()), qPrintable(message));

        QSignalSpy finished(&child, &QProcess::finished);
        child.kill();
        QVERIFY(finished.wait(10000));
        const qint64 acknowledged = child.readAllStandardOutput().count('\n');
        auto store = Store::open(dir.path());
        QVERIFY2(store.ok(), store.ok() ? "" : qPrintable(store.error().message));
        QVERIFY(*store.value()->dedupEntryCount() >= 5 * acknowledged);
    }

    // A disk that refuses writes stops the commits with an error naming the file; the failed
    // commit leaves nothing behind, and once there is room again the store opens and goes on.
    // A file size limit stands in for a full disk: writes past it fail (EFBIG, which SQLite
    // reports as an I/O error; ENOSPC would read "database or disk is full") through the same
    // path, without a filesystem of its own.
    void fullDiskFailsCleanly()
    {
        QTemporaryDir dir;
        QVERIFY(Store::open(dir.path()).ok()); // the empty store, before the limit
        QProcess child;
        child.setChildProcessModifier([] {
            std::signal(SIGXFSZ, SIG_IGN); // a write past the limit then fails with EFBIG
            const rlimit limit{512 * 1024, 512 * 1024};
            setrlimit(RLIMIT_FSIZE, &limit);
        });
        child.start(QStringLiteral(DMARC_STORE_CRASH_CHILD), {dir.path(), QStringLiteral("0")});
        QVERIFY(child.waitForFinished(60000));
        QCOMPARE(child.exitStatus(), QProcess::NormalExit);
        QCOMPARE(child.exitCode(), 1);
        const QString error = QString::fromLocal8Bit(child.readAllStandardError());
        QVERIFY2(error.contains(dir.filePath(Store::fileName())), qPrintable(error));
        QVERIFY2(error.contains(QLatin1String("disk I/O error")), qPrintable(error));
        const qint64 acknowledged = child.readAllStandardOutput().count('\n');
        QVERIFY2(acknowledged > 0, "the limit left no room for a single commit");

        auto store = Store::open(dir.path());
        QVERIFY2(store.ok(), store.ok() ? "" : qPrintable(store.error().message));
        QCOMPARE(*store.value()->dedupEntryCount(), 5 * acknowledged);
        QCOMPARE(store.value()->snapshot()->invalidReports.at(0).count, quint64(acknowledged));
    }
};

QTEST_GUILESS_MAIN(TestStoreCrash)
#include "tst_storecrash.moc"
