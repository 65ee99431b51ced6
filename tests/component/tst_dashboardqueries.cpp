#include "queryanswer.h"
#include "service/dashboardqueries.h"
#include "store/store.h"

#include <QDateTime>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace Dmarc;
using Dmarc::Test::answerOf;

namespace {

// Three days with reports and gaps around them; everything is processed on kLastDay.
const QDate kFirstDay(2026, 1, 10);
const QDate kSecondDay(2026, 1, 11);
const QDate kLastDay(2026, 1, 13);
const qint64 kProcessedAt = kLastDay.startOfDay(Qt::UTC).toSecsSinceEpoch() + 12 * 3600;

const LabelSet kGoogleCom{QStringLiteral("google.com"), QStringLiteral("example.com"),
                          QStringLiteral("example.com"), QStringLiteral("example.com")};
const LabelSet kGoogleOrg{QStringLiteral("google.com"), QStringLiteral("example.org"),
                          QStringLiteral("example.org"), QStringLiteral("mail.example.org")};
const LabelSet kYahooSpoof{QStringLiteral("Yahoo"), QStringLiteral("example.com"),
                           QStringLiteral("spoof.example"), QStringLiteral("spoof.example")};

Counters counted(quint64 total, quint64 compliant, quint64 reject)
{
    Counters c;
    c.total = total;
    c.compliant = compliant;
    c.dkimAligned = compliant;
    c.spfAligned = compliant / 2;
    c.reject = reject;
    c.quarantine = total - compliant - reject;
    return c;
}

ReportCounts report(const QString &id, QDate day, const QList<LabelCounts> &counts)
{
    ReportCounts r;
    r.orgName = counts.first().labels.reporter;
    r.reportId = id;
    r.dateBegin = day.startOfDay(Qt::UTC).toSecsSinceEpoch();
    r.dateEnd = r.dateBegin + 86399;
    r.counts = counts;
    for (const LabelCounts &entry : counts) {
        r.records += 1;
        r.messages += entry.counters.total;
    }
    return r;
}

EmailCommit email(quint32 uid, const QString &from, QList<ReportCounts> reports,
                  QList<PayloadFailure> failures = {})
{
    EmailCommit commit;
    commit.identity = EmailIdentity{QStringLiteral("main"), QStringLiteral("INBOX"), 1, uid,
                                    QByteArray::number(uid)};
    commit.analysis.fromEmail = from;
    commit.analysis.candidates = int(reports.size() + failures.size());
    commit.analysis.reports = std::move(reports);
    commit.analysis.failures = std::move(failures);
    return commit;
}

} // namespace

// The dashboard's read API against a real store filled through Store::commit: every question's
// answer, pinned.
class TestDashboardQueries : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<DashboardQueries> m_queries;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        auto store = Store::open(m_dir.path());
        if (!store)
            QFAIL(qPrintable(store.error().message));
        const ReportCounts google = report(QStringLiteral("g-1"), kFirstDay,
                                           {LabelCounts{kGoogleCom, counted(10, 9, 0)},
                                            LabelCounts{kGoogleOrg, counted(4, 2, 1)}});
        const ReportCounts yahoo =
            report(QStringLiteral("y-1"), kSecondDay, {LabelCounts{kYahooSpoof, counted(3, 0, 3)}});
        // One commit per email, so that the reports log's order is the order below.
        const QList<EmailCommit> emails{
            email(1, QStringLiteral("dmarc@google.com"), {google}),
            email(2, QStringLiteral("dmarc@yahoo.com"), {yahoo}),
            email(3, QStringLiteral("dmarc@google.com"), {google}), // the same report again
            email(4, QStringLiteral("broken@example.net"), {},
                  {PayloadFailure{QStringLiteral("part 2"),
                                  Error{QStringLiteral("malformed"), QStringLiteral("bad XML")}}})};
        for (const EmailCommit &commit : emails) {
            const auto committed = (*store)->commit({commit}, kProcessedAt);
            if (!committed)
                QFAIL(qPrintable(committed.error().message));
        }
        // Read while the writer's connection is still open, as in the exporter.
        m_queries = std::make_unique<DashboardQueries>(m_dir.path());
    }

    void totalsOfARange_data()
    {
        QTest::addColumn<QDate>("from");
        QTest::addColumn<QDate>("to");
        QTest::addColumn<quint64>("messages");
        QTest::addColumn<quint64>("compliant");
        QTest::addColumn<quint64>("rejected");
        QTest::addColumn<quint64>("reports");
        QTest::addColumn<quint64>("invalid");
        // Google's report covers two sending domains: the history counts it for each.
        QTest::newRow("first day") << kFirstDay << kFirstDay << quint64(14) << quint64(11)
                                   << quint64(1) << quint64(2) << quint64(0);
        QTest::newRow("second day") << kSecondDay << kSecondDay << quint64(3) << quint64(0)
                                    << quint64(3) << quint64(1) << quint64(0);
        // The invalid report was processed on the last day; its date range is unknown.
        QTest::newRow("last day") << kLastDay << kLastDay << quint64(0) << quint64(0) << quint64(0)
                                  << quint64(0) << quint64(1);
        QTest::newRow("all time") << QDate() << QDate() << quint64(17) << quint64(11) << quint64(4)
                                  << quint64(3) << quint64(1);
        QTest::newRow("up to the second day") << QDate() << kSecondDay << quint64(17) << quint64(11)
                                              << quint64(4) << quint64(3) << quint64(0);
    }

    void totalsOfARange()
    {
        QFETCH(QDate, from);
        QFETCH(QDate, to);
        const auto totals = answerOf<RangeTotals>([&](QObject *c, auto reply) {
            m_queries->totals({from, to}, c, reply);
        });
        QVERIFY(totals);
        if (!*totals)
            QFAIL(qPrintable(totals->error().message));
        QTEST((*totals)->counters.total, "messages");
        QTEST((*totals)->counters.compliant, "compliant");
        QTEST((*totals)->counters.reject, "rejected");
        QTEST((*totals)->reports, "reports");
        QTEST((*totals)->invalidReports, "invalid");
    }

    void dailyHistoryFillsTheGaps()
    {
        const auto series = answerOf<QList<DailyPoint>>([&](QObject *c, auto reply) {
            m_queries->dailyHistory({kFirstDay.addDays(-1), kLastDay}, c, reply);
        });
        QVERIFY(series && *series);
        const QList<DailyPoint> &days = **series;
        QCOMPARE(days.size(), 5);
        const QList<quint64> messages{0, 14, 3, 0, 0};
        const QList<quint64> compliant{0, 11, 0, 0, 0};
        for (int i = 0; i < days.size(); ++i) {
            QCOMPARE(days.at(i).day, kFirstDay.addDays(i - 1));
            QCOMPARE(days.at(i).messages, messages.at(i));
            QCOMPARE(days.at(i).compliant, compliant.at(i));
        }
    }

    void dailyHistoryWithoutAStartBeginsAtTheFirstReport()
    {
        const auto series = answerOf<QList<DailyPoint>>([&](QObject *c, auto reply) {
            m_queries->dailyHistory({QDate(), kLastDay}, c, reply);
        });
        QVERIFY(series && *series);
        QCOMPARE((*series)->size(), 4);
        QCOMPARE((*series)->first().day, kFirstDay);
        QCOMPARE((*series)->last().day, kLastDay);
    }

    void groupsByEachLabel_data()
    {
        QTest::addColumn<int>("by");
        QTest::addColumn<QStringList>("keys");
        QTest::addColumn<QList<quint64>>("messages");
        QTest::newRow("reporter") << int(GroupBy::Reporter)
                                  << QStringList{QStringLiteral("google.com"),
                                                 QStringLiteral("Yahoo")}
                                  << QList<quint64>{14, 3};
        QTest::newRow("sending domain")
            << int(GroupBy::FromDomain)
            << QStringList{QStringLiteral("example.com"), QStringLiteral("example.org")}
            << QList<quint64>{13, 4};
        QTest::newRow("dkim domain")
            << int(GroupBy::DkimDomain)
            << QStringList{QStringLiteral("example.com"), QStringLiteral("example.org"),
                           QStringLiteral("spoof.example")}
            << QList<quint64>{10, 4, 3};
        QTest::newRow("spf domain")
            << int(GroupBy::SpfDomain)
            << QStringList{QStringLiteral("example.com"), QStringLiteral("mail.example.org"),
                           QStringLiteral("spoof.example")}
            << QList<quint64>{10, 4, 3};
    }

    void groupsByEachLabel()
    {
        QFETCH(int, by);
        QFETCH(QStringList, keys);
        QFETCH(QList<quint64>, messages);
        const auto groups = answerOf<QList<GroupTotals>>(
            [&](QObject *c, auto reply) { m_queries->groups(GroupBy(by), c, reply); });
        QVERIFY(groups && *groups);
        QStringList gotKeys;
        QList<quint64> gotMessages;
        for (const GroupTotals &group : **groups) {
            gotKeys << group.key;
            gotMessages << group.counters.total;
        }
        // Most messages first: the duplicate report added nothing.
        QCOMPARE(gotKeys, keys);
        QCOMPARE(gotMessages, messages);
    }

    void labelSetsBehindOneGroup()
    {
        const auto behind = answerOf<QList<LabelCounts>>([&](QObject *c, auto reply) {
            m_queries->labelSetsBehind(GroupBy::FromDomain, QStringLiteral("example.com"), c,
                                       reply);
        });
        QVERIFY(behind && *behind);
        QCOMPARE((*behind)->size(), 2);
        QCOMPARE((*behind)->at(0).labels, kGoogleCom);
        QCOMPARE((*behind)->at(0).counters, counted(10, 9, 0));
        QCOMPARE((*behind)->at(1).labels, kYahooSpoof);
        QCOMPARE((*behind)->at(1).counters, counted(3, 0, 3));

        const auto none = answerOf<QList<LabelCounts>>([&](QObject *c, auto reply) {
            m_queries->labelSetsBehind(GroupBy::Reporter, QStringLiteral("nobody"), c, reply);
        });
        QVERIFY(none && *none);
        QVERIFY((*none)->isEmpty());
    }

    void everyLabelSetInTheOrderFirstCounted()
    {
        const auto all = answerOf<QList<LabelCounts>>(
            [&](QObject *c, auto reply) { m_queries->labelSets(c, reply); });
        QVERIFY(all && *all);
        QCOMPARE((*all)->size(), 3);
        QCOMPARE((*all)->at(0).labels, kGoogleCom);
        QCOMPARE((*all)->at(1).labels, kGoogleOrg);
        QCOMPARE((*all)->at(1).counters, counted(4, 2, 1));
        QCOMPARE((*all)->at(2).labels, kYahooSpoof);
    }

    void reportsLogNewestFirst()
    {
        const auto log = answerOf<QList<LoggedReport>>(
            [&](QObject *c, auto reply) { m_queries->recentReports(10, c, reply); });
        QVERIFY(log && *log);
        const QList<LoggedReport> &entries = **log;
        QCOMPARE(entries.size(), 4);
        const LoggedReport &invalid = entries.at(0);
        QCOMPARE(invalid.outcome, ReportOutcome::Malformed);
        QCOMPARE(invalid.reason, QStringLiteral("part 2: bad XML"));
        QCOMPARE(invalid.fromEmail, QStringLiteral("broken@example.net"));
        QCOMPARE(invalid.processedAt, kProcessedAt);
        QCOMPARE(entries.at(1).outcome, ReportOutcome::Duplicate);
        QCOMPARE(entries.at(1).reportId, QStringLiteral("g-1"));
        const LoggedReport &yahoo = entries.at(2);
        QCOMPARE(yahoo.orgName, QStringLiteral("Yahoo"));
        QCOMPARE(yahoo.reportId, QStringLiteral("y-1"));
        QCOMPARE(yahoo.dateBegin, kSecondDay.startOfDay(Qt::UTC).toSecsSinceEpoch());
        QCOMPARE(yahoo.dateEnd, yahoo.dateBegin + 86399);
        QCOMPARE(yahoo.records, quint64(1));
        QCOMPARE(yahoo.messages, quint64(3));
        QCOMPARE(yahoo.outcome, ReportOutcome::Counted);
        QVERIFY(yahoo.reason.isEmpty());
        QCOMPARE(yahoo.fromEmail, QStringLiteral("dmarc@yahoo.com"));
        QCOMPARE(entries.at(3).outcome, ReportOutcome::Counted);
        QCOMPARE(entries.at(3).messages, quint64(14));

        const auto newest = answerOf<QList<LoggedReport>>(
            [&](QObject *c, auto reply) { m_queries->recentReports(2, c, reply); });
        QVERIFY(newest && *newest);
        QCOMPARE((*newest)->size(), 2);
        QCOMPARE((*newest)->at(1).outcome, ReportOutcome::Duplicate);
    }

    void answersComeInOrderOnTheAskingThread()
    {
        QList<int> order;
        QList<QThread *> threads;
        for (int i = 0; i < 3; ++i) {
            m_queries->groups(GroupBy::Reporter, this,
                              [&order, &threads, i](const Result<QList<GroupTotals>> &) {
                                  order << i;
                                  threads << QThread::currentThread();
                              });
        }
        QTRY_COMPARE(order, (QList<int>{0, 1, 2}));
        for (QThread *thread : std::as_const(threads))
            QCOMPARE(thread, QThread::currentThread());
    }

    void noAnswerForAContextThatIsGone()
    {
        bool answered = false;
        auto *context = new QObject;
        m_queries->totals({}, context,
                          [&answered](const Result<RangeTotals> &) { answered = true; });
        delete context;
        // Answered in order: once the next one is in, the first would have been too.
        const auto next =
            answerOf<RangeTotals>([&](QObject *c, auto reply) { m_queries->totals({}, c, reply); });
        QVERIFY(next && *next);
        QVERIFY(!answered);
    }

    void anUnreadableStoreIsAnError()
    {
        QTemporaryDir dir;
        const QString notADirectory = dir.filePath(QStringLiteral("file"));
        QFile file(notADirectory);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();
        DashboardQueries queries(notADirectory);
        const auto totals =
            answerOf<RangeTotals>([&](QObject *c, auto reply) { queries.totals({}, c, reply); });
        QVERIFY(totals);
        QVERIFY(!*totals);
        QVERIFY2(totals->error().message.contains(notADirectory),
                 qPrintable(totals->error().message));
    }

    void droppedWithQuestionsOutstanding()
    {
        bool answered = false;
        {
            DashboardQueries queries(m_dir.path());
            for (int i = 0; i < 20; ++i) {
                queries.recentReports(100, this, [&answered](const Result<QList<LoggedReport>> &) {
                    answered = true;
                });
            }
        }
        // The answers were to be handed over by the queries object, which is gone.
        QCoreApplication::processEvents();
        QVERIFY(!answered);
    }
};

QTEST_GUILESS_MAIN(TestDashboardQueries)
#include "tst_dashboardqueries.moc"
