#include "queryanswer.h"
#include "service/dashboardqueries.h"
#include "store/store.h"
#include "storebackend.h"

#include <QDateTime>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace Dmarc;
using namespace Dmarc::Test;

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

TlsPolicyCounts policy(const QString &domain, const QString &type, quint64 successful,
                       quint64 failed, const QList<TlsFailureCount> &failures = {})
{
    return TlsPolicyCounts{domain, type, successful, failed, failures};
}

TlsReport tlsReport(const QString &org, const QString &id, QDate day,
                    const QList<TlsPolicyCounts> &policies)
{
    TlsReport r;
    r.organizationName = org;
    r.reportId = id;
    if (day.isValid()) {
        r.dateBegin = day.startOfDay(Qt::UTC).toSecsSinceEpoch();
        r.dateEnd = r.dateBegin + 86399;
    }
    r.policies = policies;
    return r;
}

EmailCommit tlsEmail(quint32 uid, const TlsReport &report)
{
    EmailCommit commit = email(uid, QStringLiteral("tlsrpt@") + report.organizationName, {});
    commit.analysis.candidates = 1;
    commit.analysis.tlsReports = {report};
    return commit;
}

EmailCommit failureEmail(quint32 uid, const QList<FailureReport> &reports)
{
    EmailCommit commit = email(uid, QStringLiteral("ruf@mx.example"), {});
    commit.analysis.candidates = int(reports.size());
    commit.analysis.failureReports = reports;
    return commit;
}

FailureReport failure(const QString &domain, const QString &auth, const QString &alignment,
                      const QString &delivery)
{
    return FailureReport{domain, auth, alignment, delivery, QStringLiteral("part 2")};
}

// "key/type: successful/failed [type sessions, ...]" per row.
QStringList described(const QList<TlsSessionTotals> &rows)
{
    QStringList lines;
    for (const TlsSessionTotals &row : rows) {
        QStringList types;
        for (const TlsFailureType &type : row.failureTypes)
            types << type.resultType + QLatin1Char(' ') + QString::number(type.sessions);
        lines << QStringLiteral("%1/%2: %3/%4 [%5]")
                     .arg(row.key, row.policyType)
                     .arg(row.successful)
                     .arg(row.failed)
                     .arg(types.join(QStringLiteral(", ")));
    }
    return lines;
}

QString described(const QList<LabelValueCount> &counts)
{
    QStringList parts;
    for (const LabelValueCount &count : counts)
        parts << count.value + QLatin1Char(' ') + QString::number(count.reports);
    return parts.join(QStringLiteral(", "));
}

// "key: reports | auth failures | alignments | delivery results" per row.
QStringList described(const QList<FailureReportTotals> &rows)
{
    QStringList lines;
    for (const FailureReportTotals &row : rows) {
        lines << QStringLiteral("%1: %2 | %3 | %4 | %5")
                     .arg(row.key)
                     .arg(row.reports)
                     .arg(described(row.authFailures), described(row.identityAlignments),
                          described(row.deliveryResults));
    }
    return lines;
}

} // namespace

// The dashboard's read API against a real store filled through Store::commit, on both backends
// (storebackend.h): every question's answer, pinned.
class TestDashboardQueries : public QObject
{
    Q_OBJECT

private:
    // The store every question reads, one per backend, filled by its first case.
    struct Filled
    {
        QTemporaryDir dir;
        std::unique_ptr<DashboardQueries> queries;
    };
    std::unique_ptr<Filled> m_filled[2];
    QString m_dir;                         // the folder of the current backend's store
    DashboardQueries *m_queries = nullptr; // its queries

    void fill(Store &store)
    {
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
            const auto committed = store.commit({commit}, kProcessedAt);
            if (!committed)
                QFAIL(qPrintable(committed.error().message));
        }
        // TLS reports: Google's counts the same sessions under sts and tlsa; its second email is
        // a duplicate; the report without a date counts on the day it arrived.
        const QString com = QStringLiteral("example.com");
        const QString sts = QStringLiteral("sts");
        const TlsReport googleTls = tlsReport(
            QStringLiteral("Google Inc."), QStringLiteral("tls-1"), kFirstDay,
            {policy(com, sts, 100, 4,
                    {{QStringLiteral("starttls-not-supported"), 1},
                     {QStringLiteral("certificate-expired"), 3}}),
             policy(com, QStringLiteral("tlsa"), 100, 4, {{QStringLiteral("dnssec-invalid"), 4}}),
             policy(QStringLiteral("example.org"), sts, 50, 0)});
        const QList<EmailCommit> tlsEmails{
            tlsEmail(5, googleTls),
            tlsEmail(6, tlsReport(QStringLiteral("Microsoft"), QStringLiteral("m-1"), kSecondDay,
                                  {policy(com, sts, 20, 2,
                                          {{QStringLiteral("certificate-expired"), 2}})})),
            tlsEmail(7, googleTls),
            tlsEmail(8, tlsReport(QStringLiteral("NoDate"), QStringLiteral("n-1"), QDate(),
                                  {policy(QStringLiteral("example.net"), sts, 5, 1,
                                          {{QStringLiteral("validation-failure"), 1}})})),
            failureEmail(9, {failure(com, QStringLiteral("dmarc"), QStringLiteral("none"),
                                     QStringLiteral("reject")),
                             failure(com, QStringLiteral("spf"), QStringLiteral("dkim"),
                                     QStringLiteral("delivered"))})};
        for (const EmailCommit &commit : tlsEmails) {
            const auto committed = store.commit({commit}, kProcessedAt);
            if (!committed)
                QFAIL(qPrintable(committed.error().message));
        }
        // A failure report that arrived on the second day.
        const auto earlier = store.commit(
            {failureEmail(10, {failure(QStringLiteral("example.org"), QStringLiteral("dkim"),
                                       QString(), QString())})},
            kSecondDay.startOfDay(Qt::UTC).toSecsSinceEpoch() + 3600);
        if (!earlier)
            QFAIL(qPrintable(earlier.error().message));
    }

private Q_SLOTS:
    void initTestCase_data() { addStoreBackendRows(); }

    void init()
    {
        const auto chosen = useStoreBackendOfRow();
        QVERIFY2(chosen, chosen ? "" : qPrintable(chosen.error().message));
        std::unique_ptr<Filled> &filled = m_filled[onPostgres() ? 1 : 0];
        if (!filled) {
            auto made = std::make_unique<Filled>();
            QVERIFY(made->dir.isValid());
            auto store = Store::open(locationOf(made->dir.path()));
            if (!store)
                QFAIL(qPrintable(store.error().message));
            fill(**store);
            if (QTest::currentTestFailed())
                return;
            // Read while the writer's connection is still open, as in the exporter.
            made->queries = std::make_unique<DashboardQueries>(locationOf(made->dir.path()));
            filled = std::move(made);
        }
        m_dir = filled->dir.path();
        m_queries = filled->queries.get();
    }

    void cleanupTestCase()
    {
        for (std::unique_ptr<Filled> &filled : m_filled)
            filled.reset();
        stopStoreBackends();
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

    void trendFillsTheGaps()
    {
        const auto trend = answerOf<Trend>([&](QObject *c, auto reply) {
            m_queries->trend({kFirstDay.addDays(-1), kLastDay}, c, reply);
        });
        QVERIFY(trend && *trend);
        QCOMPARE((*trend)->period, TrendPeriod::Day);
        const QList<TrendPoint> &days = (*trend)->points;
        QCOMPARE(days.size(), 5);
        const QList<quint64> messages{0, 14, 3, 0, 0};
        const QList<quint64> compliant{0, 11, 0, 0, 0};
        for (int i = 0; i < days.size(); ++i) {
            QCOMPARE(days.at(i).first, kFirstDay.addDays(i - 1));
            QCOMPARE(days.at(i).last, days.at(i).first);
            QCOMPARE(days.at(i).messages, messages.at(i));
            QCOMPARE(days.at(i).compliant, compliant.at(i));
        }
    }

    void trendWithoutAStartBeginsAtTheFirstReport()
    {
        const auto trend = answerOf<Trend>([&](QObject *c, auto reply) {
            m_queries->trend({QDate(), kLastDay}, c, reply);
        });
        QVERIFY(trend && *trend);
        QCOMPARE((*trend)->points.size(), 4);
        QCOMPARE((*trend)->points.first().first, kFirstDay);
        QCOMPARE((*trend)->points.last().first, kLastDay);
    }

    // Past 60 days the trend goes by weeks (Monday to Sunday), past a year by months; the
    // first and last period keep to the range.
    void trendOfLongRangesByWeekOrMonth_data()
    {
        QTest::addColumn<QDate>("from");
        QTest::addColumn<int>("period");
        QTest::addColumn<int>("points");
        QTest::addColumn<QDate>("firstEnds");
        // Saturday 2026-01-10 and Sunday the 11th are one week; Tuesday the 13th the next.
        QTest::newRow("61 days: weeks")
            << kLastDay.addDays(-60) << int(TrendPeriod::Week) << 10 << QDate(2025, 11, 16);
        QTest::newRow("367 days: months")
            << kLastDay.addDays(-366) << int(TrendPeriod::Month) << 13 << QDate(2025, 1, 31);
    }

    void trendOfLongRangesByWeekOrMonth()
    {
        QFETCH(QDate, from);
        QFETCH(int, period);
        QFETCH(int, points);
        QFETCH(QDate, firstEnds);
        const auto trend = answerOf<Trend>([&](QObject *c, auto reply) {
            m_queries->trend({from, kLastDay}, c, reply);
        });
        QVERIFY(trend && *trend);
        QCOMPARE(int((*trend)->period), period);
        const QList<TrendPoint> &all = (*trend)->points;
        QCOMPARE(all.size(), points);
        QCOMPARE(all.first().first, from);
        QCOMPARE(all.first().last, firstEnds);
        QCOMPARE(all.last().last, kLastDay);
        quint64 sum = 0;
        for (int i = 0; i < all.size(); ++i) {
            sum += all.at(i).messages;
            if (i > 0)
                QCOMPARE(all.at(i).first, all.at(i - 1).last.addDays(1));
        }
        QCOMPARE(sum, quint64(17));
        if (period == int(TrendPeriod::Week)) {
            QCOMPARE(all.at(all.size() - 2).messages, quint64(17)); // Mon 5th to Sun 11th
            QCOMPARE(all.last().first, QDate(2026, 1, 12));
            QCOMPARE(all.last().messages, quint64(0));
        } else {
            QCOMPARE(all.last().first, QDate(2026, 1, 1));
            QCOMPARE(all.last().messages, quint64(17));
        }
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
        const auto summary = answerOf<RangeSummary>(
            [&](QObject *c, auto reply) { m_queries->summary({}, c, reply); });
        QVERIFY(summary && *summary);
        QStringList gotKeys;
        QList<quint64> gotMessages;
        for (const GroupTotals &group : (*summary)->groupsBy(GroupBy(by))) {
            gotKeys << group.key;
            gotMessages << group.counters.total;
        }
        // Most messages first: the duplicate report added nothing.
        QCOMPARE(gotKeys, keys);
        QCOMPARE(gotMessages, messages);
    }

    // The tables of a range hold the reports of its days only, and add up to its cards.
    void summaryOfARange()
    {
        const auto summary = answerOf<RangeSummary>([&](QObject *c, auto reply) {
            m_queries->summary({kSecondDay, kLastDay}, c, reply);
        });
        QVERIFY(summary && *summary);
        QCOMPARE((*summary)->totals.counters, counted(3, 0, 3));
        QCOMPARE((*summary)->totals.reports, quint64(1));
        QCOMPARE((*summary)->totals.invalidReports, quint64(1));
        for (int by = 0; by < kGroupings; ++by) {
            const QList<GroupTotals> &groups = (*summary)->groupsBy(GroupBy(by));
            QCOMPARE(groups.size(), 1);
            QCOMPARE(groups.first().counters, counted(3, 0, 3));
        }
        QCOMPARE((*summary)->groupsBy(GroupBy::DkimDomain).first().key,
                 QStringLiteral("spoof.example"));
        const auto empty = answerOf<RangeSummary>([&](QObject *c, auto reply) {
            m_queries->summary({kLastDay, kLastDay}, c, reply);
        });
        QVERIFY(empty && *empty);
        QCOMPARE((*empty)->totals.counters.total, quint64(0));
        QVERIFY((*empty)->groupsBy(GroupBy::Reporter).isEmpty());
    }

    void labelSetsBehindOneGroup()
    {
        const auto behind = answerOf<QList<LabelCounts>>([&](QObject *c, auto reply) {
            m_queries->labelSetsBehind(GroupBy::FromDomain, QStringLiteral("example.com"), {}, c,
                                       reply);
        });
        QVERIFY(behind && *behind);
        QCOMPARE((*behind)->size(), 2);
        QCOMPARE((*behind)->at(0).labels, kGoogleCom);
        QCOMPARE((*behind)->at(0).counters, counted(10, 9, 0));
        QCOMPARE((*behind)->at(1).labels, kYahooSpoof);
        QCOMPARE((*behind)->at(1).counters, counted(3, 0, 3));

        const auto none = answerOf<QList<LabelCounts>>([&](QObject *c, auto reply) {
            m_queries->labelSetsBehind(GroupBy::Reporter, QStringLiteral("nobody"), {}, c, reply);
        });
        QVERIFY(none && *none);
        QVERIFY((*none)->isEmpty());

        // Over the second day only: Yahoo's spoofing source.
        const auto secondDay = answerOf<QList<LabelCounts>>([&](QObject *c, auto reply) {
            m_queries->labelSetsBehind(GroupBy::FromDomain, QStringLiteral("example.com"),
                                       {kSecondDay, kSecondDay}, c, reply);
        });
        QVERIFY(secondDay && *secondDay);
        QCOMPARE((*secondDay)->size(), 1);
        QCOMPARE((*secondDay)->at(0).labels, kYahooSpoof);
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

    void tlsSessionsOfARange_data()
    {
        QTest::addColumn<QDate>("from");
        QTest::addColumn<QDate>("to");
        QTest::addColumn<int>("by");
        QTest::addColumn<QString>("policyDomain"); // null: every domain
        QTest::addColumn<QStringList>("rows");
        QTest::newRow("all time, per policy domain")
            << QDate() << QDate() << int(TlsGroupBy::PolicyDomain) << QString()
            << QStringList{QStringLiteral("example.com/sts: 120/6 [certificate-expired 5, "
                                          "starttls-not-supported 1]"),
                           QStringLiteral("example.com/tlsa: 100/4 [dnssec-invalid 4]"),
                           QStringLiteral("example.net/sts: 5/1 [validation-failure 1]"),
                           QStringLiteral("example.org/sts: 50/0 []")};
        QTest::newRow("first day, per policy domain")
            << kFirstDay << kFirstDay << int(TlsGroupBy::PolicyDomain) << QString()
            << QStringList{QStringLiteral("example.com/sts: 100/4 [certificate-expired 3, "
                                          "starttls-not-supported 1]"),
                           QStringLiteral("example.com/tlsa: 100/4 [dnssec-invalid 4]"),
                           QStringLiteral("example.org/sts: 50/0 []")};
        QTest::newRow("second to last day, per reporter")
            << kSecondDay << kLastDay << int(TlsGroupBy::Reporter) << QString()
            << QStringList{QStringLiteral("Microsoft/sts: 20/2 [certificate-expired 2]"),
                           QStringLiteral("NoDate/sts: 5/1 [validation-failure 1]")};
        QTest::newRow("all time, per day")
            << QDate() << QDate() << int(TlsGroupBy::Day) << QString()
            << QStringList{QStringLiteral("2026-01-10/sts: 150/4 [certificate-expired 3, "
                                          "starttls-not-supported 1]"),
                           QStringLiteral("2026-01-10/tlsa: 100/4 [dnssec-invalid 4]"),
                           QStringLiteral("2026-01-11/sts: 20/2 [certificate-expired 2]"),
                           QStringLiteral("2026-01-13/sts: 5/1 [validation-failure 1]")};
        QTest::newRow("reporters of one policy domain")
            << QDate() << QDate() << int(TlsGroupBy::Reporter) << QStringLiteral("example.com")
            << QStringList{QStringLiteral("Google Inc./sts: 100/4 [certificate-expired 3, "
                                          "starttls-not-supported 1]"),
                           QStringLiteral("Google Inc./tlsa: 100/4 [dnssec-invalid 4]"),
                           QStringLiteral("Microsoft/sts: 20/2 [certificate-expired 2]")};
        QTest::newRow("a day without reports")
            << kLastDay.addDays(1) << kLastDay.addDays(1) << int(TlsGroupBy::PolicyDomain)
            << QString() << QStringList();
    }

    void tlsSessionsOfARange()
    {
        QFETCH(QDate, from);
        QFETCH(QDate, to);
        QFETCH(int, by);
        QFETCH(QString, policyDomain);
        const auto rows = answerOf<QList<TlsSessionTotals>>([&](QObject *c, auto reply) {
            m_queries->tlsSessions({from, to}, TlsGroupBy(by),
                                   policyDomain.isNull() ? std::nullopt
                                                         : std::optional<QString>(policyDomain),
                                   c, reply);
        });
        QVERIFY(rows);
        if (!*rows)
            QFAIL(qPrintable(rows->error().message));
        QTEST(described(**rows), "rows");
    }

    void failureReportsOfARange_data()
    {
        QTest::addColumn<QDate>("from");
        QTest::addColumn<QDate>("to");
        QTest::addColumn<int>("by");
        QTest::addColumn<QStringList>("rows");
        QTest::newRow("all time, per reported domain")
            << QDate() << QDate() << int(FailureReportGroupBy::ReportedDomain)
            << QStringList{QStringLiteral("example.com: 2 | dmarc 1, spf 1 | dkim 1, none 1 | "
                                          "delivered 1, reject 1"),
                           QStringLiteral("example.org: 1 | dkim 1 |  1 |  1")};
        QTest::newRow("last day, per reported domain")
            << kLastDay << kLastDay << int(FailureReportGroupBy::ReportedDomain)
            << QStringList{QStringLiteral("example.com: 2 | dmarc 1, spf 1 | dkim 1, none 1 | "
                                          "delivered 1, reject 1")};
        QTest::newRow("all time, per day")
            << QDate() << QDate() << int(FailureReportGroupBy::Day)
            << QStringList{QStringLiteral("2026-01-11: 1 | dkim 1 |  1 |  1"),
                           QStringLiteral("2026-01-13: 2 | dmarc 1, spf 1 | dkim 1, none 1 | "
                                          "delivered 1, reject 1")};
        QTest::newRow("first day")
            << kFirstDay << kFirstDay << int(FailureReportGroupBy::ReportedDomain) << QStringList();
    }

    void failureReportsOfARange()
    {
        QFETCH(QDate, from);
        QFETCH(QDate, to);
        QFETCH(int, by);
        const auto rows = answerOf<QList<FailureReportTotals>>([&](QObject *c, auto reply) {
            m_queries->failureReports({from, to}, FailureReportGroupBy(by), c, reply);
        });
        QVERIFY(rows);
        if (!*rows)
            QFAIL(qPrintable(rows->error().message));
        QTEST(described(**rows), "rows");
    }

    // A store of schema version 3 had no counts per day: it gains them, and what it counted
    // before stays out of the days (it has none) while what comes after is in.
    void aVersion3StoreGainsTheDays()
    {
        QTemporaryDir dir;
        {
            auto store = Store::open(locationOf(dir.path()));
            QVERIFY(store);
            QVERIFY((*store)->commit(
                {tlsEmail(1, tlsReport(QStringLiteral("Old"), QStringLiteral("o-1"), kFirstDay,
                                       {policy(QStringLiteral("old.example"), QStringLiteral("sts"),
                                               1, 1)}))},
                kProcessedAt));
        }
        const auto downgraded = downgradeStore(dir.filePath(Store::fileName()), 3);
        QVERIFY2(downgraded, downgraded ? "" : qPrintable(downgraded.error().message));
        {
            auto store = Store::open(locationOf(dir.path()));
            if (!store)
                QFAIL(qPrintable(store.error().message));
            QVERIFY((*store)->commit(
                {tlsEmail(2, tlsReport(QStringLiteral("New"), QStringLiteral("n-1"), kFirstDay,
                                       {policy(QStringLiteral("new.example"), QStringLiteral("sts"),
                                               3, 0)}))},
                kProcessedAt));
        }
        DashboardQueries queries(locationOf(dir.path()));
        const auto rows = answerOf<QList<TlsSessionTotals>>([&](QObject *c, auto reply) {
            queries.tlsSessions({}, TlsGroupBy::PolicyDomain, std::nullopt, c, reply);
        });
        QVERIFY(rows && *rows);
        QCOMPARE(described(**rows), QStringList{QStringLiteral("new.example/sts: 3/0 []")});
    }

    // Reports counted before the store kept counters per day and label set (schema version 5)
    // have none there: they are in all time, not in a range of days; what comes after is in
    // both.
    void reportsWithoutDailyCountersAreInAllTimeOnly()
    {
        QTemporaryDir dir;
        const LabelSet oldLabels{QStringLiteral("Old"), QStringLiteral("old.example"),
                                 QStringLiteral("old.example"), QStringLiteral("old.example")};
        const LabelSet newLabels{QStringLiteral("New"), QStringLiteral("new.example"),
                                 QStringLiteral("new.example"), QStringLiteral("new.example")};
        {
            auto store = Store::open(locationOf(dir.path()));
            QVERIFY(store);
            QVERIFY((*store)->commit({email(1, QStringLiteral("dmarc@old.example"),
                                            {report(QStringLiteral("o-1"), kFirstDay,
                                                    {LabelCounts{oldLabels, counted(5, 5, 0)}})})},
                                     kProcessedAt));
        }
        {
            QSqlDatabase db =
                rawDatabase(dir.filePath(Store::fileName()), QStringLiteral("before"));
            QVERIFY(db.open());
            QSqlQuery query(db);
            QVERIFY(query.exec(QStringLiteral("DELETE FROM weekly_counters")));
            QVERIFY(query.exec(QStringLiteral("DELETE FROM daily_counters")));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("before"));
        {
            auto store = Store::open(locationOf(dir.path()));
            if (!store)
                QFAIL(qPrintable(store.error().message));
            QVERIFY((*store)->commit({email(2, QStringLiteral("dmarc@new.example"),
                                            {report(QStringLiteral("n-1"), kFirstDay,
                                                    {LabelCounts{newLabels, counted(2, 1, 0)}})})},
                                     kProcessedAt));
        }
        DashboardQueries queries(locationOf(dir.path()));
        const auto days = answerOf<RangeSummary>([&](QObject *c, auto reply) {
            queries.summary({kFirstDay, kLastDay}, c, reply);
        });
        QVERIFY(days && *days);
        QCOMPARE((*days)->totals.counters, counted(2, 1, 0));
        QCOMPARE((*days)->groupsBy(GroupBy::Reporter).size(), 1);
        const auto allTime =
            answerOf<RangeSummary>([&](QObject *c, auto reply) { queries.summary({}, c, reply); });
        QVERIFY(allTime && *allTime);
        QCOMPARE((*allTime)->totals.counters.total, quint64(7));
        QCOMPARE((*allTime)->groupsBy(GroupBy::Reporter).size(), 2);
    }

    void answersComeInOrderOnTheAskingThread()
    {
        QList<int> order;
        QList<QThread *> threads;
        for (int i = 0; i < 3; ++i) {
            m_queries->summary({}, this, [&order, &threads, i](const Result<RangeSummary> &) {
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

    // A folder that is a file, or a database that refuses the password: the error names it.
    void anUnreadableStoreIsAnError()
    {
        QTemporaryDir dir;
        StoreLocation location{dir.filePath(QStringLiteral("file")), {}};
        QString where = location.directory;
        if (onPostgres()) {
            location = locationOf(dir.path());
            location.database.password = QStringLiteral("not the password");
            where = whereOf(dir.path());
        } else {
            QFile file(location.directory);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.close();
        }
        DashboardQueries queries(location);
        const auto totals =
            answerOf<RangeTotals>([&](QObject *c, auto reply) { queries.totals({}, c, reply); });
        QVERIFY(totals);
        QVERIFY(!*totals);
        QVERIFY2(totals->error().message.contains(where), qPrintable(totals->error().message));
    }

    void droppedWithQuestionsOutstanding()
    {
        bool answered = false;
        {
            DashboardQueries queries(locationOf(m_dir));
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
