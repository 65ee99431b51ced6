#include "metrics/processstats.h"

#include <QDateTime>
#include <QFile>
#include <QTest>

#include <sys/resource.h>

using Dmarc::ProcessStats;
using Dmarc::Result;
using Dmarc::SystemConstants;

namespace {

const SystemConstants kSystem{100, 4096, 1700000000};

// /proc/<pid>/stat as Linux 6 writes it, with `name` as the command name: utime 150, stime 50,
// starttime 4200 ticks, vsize 53350400, rss 2702 pages.
QByteArray statLine(const QByteArray &name)
{
    return "29991 (" + name +
           ") S 29989 29989 18125 0 -1 4194304 102 0 0 0 150 50 0 0 20 0 3 0 4200 53350400 2702 "
           "18446744073709551615 94665065136128 94665065156009 140733772026320 0 0 0 0 0 0 0 0 0 "
           "17 1 0 0 0 0 0 94665065172016 94665065173632 94665830170624 140733772032648 "
           "140733772032668 140733772032668 140733772034027 0\n";
}

} // namespace

class TestProcessStats : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parsesStat_data()
    {
        QTest::addColumn<QByteArray>("name");
        QTest::newRow("plain") << QByteArray("dmarc-metrics-e");
        QTest::newRow("spaces") << QByteArray("a b c");
        QTest::newRow("parentheses") << QByteArray("x) S 1 (y");
        QTest::newRow("empty") << QByteArray();
    }

    void parsesStat()
    {
        QFETCH(QByteArray, name);
        const Result<ProcessStats> stats = Dmarc::parseProcessStat(statLine(name), kSystem);
        QVERIFY(stats.ok());
        QCOMPARE(stats->cpuSeconds, 2.0);
        QCOMPARE(stats->startTime, 1700000042.0);
        QCOMPARE(stats->virtualBytes, 53350400.0);
        QCOMPARE(stats->residentBytes, 2702.0 * 4096);
        QCOMPARE(stats->openFds, 0.0);
        QCOMPARE(stats->maxFds, 0.0);
    }

    void refusesBrokenStat_data()
    {
        QTest::addColumn<QByteArray>("stat");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("no command name") << QByteArray("29991 cat S 1 2 3");
        QTest::newRow("cut short") << statLine("cat").left(60);
        QTest::newRow("not a number") << statLine("cat").replace(" 4200 ", " 42x0 ");
    }

    void refusesBrokenStat()
    {
        QFETCH(QByteArray, stat);
        const Result<ProcessStats> stats = Dmarc::parseProcessStat(stat, kSystem);
        QVERIFY(!stats.ok());
        QCOMPARE(stats.error().code, QStringLiteral("malformed"));
    }

    void parsesBootTime()
    {
        const QByteArray systemStat = "cpu  189527 0 30725 38140 14217 0 341 2238 0 0\n"
                                      "cpu0 94045 0 14488 23320 4597 0 36 1144 0 0\n"
                                      "intr 1 2 3\n"
                                      "ctxt 1618880\n"
                                      "btime 1796197712\n"
                                      "processes 29994\n";
        const Result<double> bootTime = Dmarc::parseBootTime(systemStat);
        QVERIFY(bootTime.ok());
        QCOMPARE(bootTime.value(), 1796197712.0);
        QVERIFY(!Dmarc::parseBootTime("cpu 1 2 3\nctxt 5\n").ok());
        QVERIFY(!Dmarc::parseBootTime("btime soon\n").ok());
    }

    void readsThisProcess()
    {
        const ProcessStats stats = Dmarc::readProcessStats();
        QVERIFY(stats.cpuSeconds >= 0);
        QVERIFY(stats.residentBytes > 1e6);
        QVERIFY(stats.virtualBytes > stats.residentBytes);
        rlimit limit{};
        QCOMPARE(getrlimit(RLIMIT_NOFILE, &limit), 0);
        QCOMPARE(stats.maxFds, double(limit.rlim_cur));
        const double now = double(QDateTime::currentSecsSinceEpoch());
        QVERIFY2(stats.startTime > now - 3600 && stats.startTime <= now + 1,
                 qPrintable(QString::number(stats.startTime, 'f')));

        // The reader's own handle on /proc/self/fd is not counted; a file we open is.
        QVERIFY(stats.openFds >= 3);
        QFile opened(QFINDTESTDATA("tst_processstats.cpp"));
        QVERIFY(opened.open(QIODevice::ReadOnly));
        QCOMPARE(Dmarc::readProcessStats().openFds, stats.openFds + 1);
    }
};

QTEST_GUILESS_MAIN(TestProcessStats)
#include "tst_processstats.moc"
