// The answers DashboardQueries keeps: the same as read afresh, and read again once anything is
// committed to the store, by another connection of this process as by the exporter, on SQLite
// and on PostgreSQL.
#include "postgresserver.h"
#include "queryanswer.h"
#include "service/dashboardqueries.h"
#include "store/store.h"

#include <QDateTime>
#include <QTemporaryDir>
#include <QTest>

#include <iterator>

using namespace Dmarc;
using namespace Dmarc::Test;

namespace {

const QDate kToday = QDateTime::currentDateTimeUtc().date();

LabelSet labels(const QString &reporter, const QString &domain)
{
    return LabelSet{reporter, domain, domain, domain};
}

EmailCommit reportEmail(quint32 uid, const QString &reporter, const QString &domain, QDate day,
                        quint64 messages)
{
    ReportCounts report;
    report.orgName = reporter;
    report.reportId = QStringLiteral("report-%1").arg(uid);
    report.dateBegin = day.startOfDay(Qt::UTC).toSecsSinceEpoch();
    report.dateEnd = report.dateBegin + 86399;
    Counters counters;
    counters.total = messages;
    counters.compliant = messages / 2;
    counters.reject = messages - messages / 2;
    report.counts = {LabelCounts{labels(reporter, domain), counters}};
    report.records = 1;
    report.messages = messages;
    EmailCommit email;
    email.identity = EmailIdentity{QStringLiteral("main"), QStringLiteral("INBOX"), 1, uid,
                                   QByteArray::number(uid)};
    email.analysis.fromEmail = QStringLiteral("dmarc@") + reporter;
    email.analysis.candidates = 1;
    email.analysis.reports = {report};
    return email;
}

// An email with a TLS report only: nothing of it goes to the reports log.
EmailCommit tlsEmail(quint32 uid, QDate day, quint64 failed)
{
    TlsReport report;
    report.organizationName = QStringLiteral("Google Inc.");
    report.reportId = QStringLiteral("tls-%1").arg(uid);
    report.dateBegin = day.startOfDay(Qt::UTC).toSecsSinceEpoch();
    report.dateEnd = report.dateBegin + 86399;
    report.policies = {TlsPolicyCounts{QStringLiteral("example.com"),
                                       QStringLiteral("sts"),
                                       100,
                                       failed,
                                       {{QStringLiteral("certificate-expired"), failed}}}};
    EmailCommit email;
    email.identity = EmailIdentity{QStringLiteral("main"), QStringLiteral("INBOX"), 1, uid,
                                   QByteArray::number(uid)};
    email.analysis.fromEmail = QStringLiteral("tlsrpt@google.com");
    email.analysis.candidates = 1;
    email.analysis.tlsReports = {report};
    return email;
}

EmailCommit failureEmail(quint32 uid, const QString &domain)
{
    EmailCommit email;
    email.identity = EmailIdentity{QStringLiteral("main"), QStringLiteral("INBOX"), 1, uid,
                                   QByteArray::number(uid)};
    email.analysis.fromEmail = QStringLiteral("ruf@mx.example");
    email.analysis.candidates = 1;
    email.analysis.failureReports = {FailureReport{domain, QStringLiteral("dmarc"),
                                                   QStringLiteral("none"), QStringLiteral("reject"),
                                                   QStringLiteral("2")}};
    return email;
}

QString described(const Counters &c)
{
    return QStringLiteral("%1/%2/%3/%4")
        .arg(c.total)
        .arg(c.compliant)
        .arg(c.quarantine)
        .arg(c.reject);
}

QString described(const RangeTotals &totals)
{
    return described(totals.counters) +
           QStringLiteral(" reports %1 invalid %2").arg(totals.reports).arg(totals.invalidReports);
}

QString described(const RangeSummary &summary)
{
    QStringList lines{described(summary.totals)};
    for (const QList<GroupTotals> &groups : summary.groups) {
        for (const GroupTotals &group : groups)
            lines << group.key + QLatin1Char(' ') + described(group.counters);
        lines << QStringLiteral("--");
    }
    return lines.join(QLatin1Char('\n'));
}

QString described(const Trend &trend)
{
    QStringList lines{QString::number(int(trend.period))};
    for (const TrendPoint &point : trend.points)
        lines << QStringLiteral("%1 %2 %3 %4")
                     .arg(point.first.toString(Qt::ISODate), point.last.toString(Qt::ISODate))
                     .arg(point.messages)
                     .arg(point.compliant);
    return lines.join(QLatin1Char('\n'));
}

QString described(const QList<LoggedReport> &reports)
{
    QStringList lines;
    for (const LoggedReport &r : reports)
        lines << QStringLiteral("%1 %2 %3 %4").arg(r.id).arg(r.orgName, r.reportId).arg(r.messages);
    return lines.join(QLatin1Char('\n'));
}

QString described(const QList<TlsSessionTotals> &rows)
{
    QStringList lines;
    for (const TlsSessionTotals &row : rows)
        lines << QStringLiteral("%1 %2 %3 %4")
                     .arg(row.key, row.policyType)
                     .arg(row.successful)
                     .arg(row.failed);
    return lines.join(QLatin1Char('\n'));
}

QString described(const QList<FailureReportTotals> &rows)
{
    QStringList lines;
    for (const FailureReportTotals &row : rows)
        lines << QStringLiteral("%1 %2").arg(row.key).arg(row.reports);
    return lines.join(QLatin1Char('\n'));
}

QString described(const QList<LabelCounts> &labelSets)
{
    QStringList lines;
    for (const LabelCounts &entry : labelSets)
        lines << entry.labels.reporter + QLatin1Char(' ') + entry.labels.fromDomain +
                     QLatin1Char(' ') + described(entry.counters);
    return lines.join(QLatin1Char('\n'));
}

// One answer of `queries`, described; "no answer" or the error when there is none.
template<typename T>
QString answered(const std::function<void(QObject *, DashboardQueries::Reply<T>)> &ask)
{
    const auto answer = answerOf<T>(ask);
    if (!answer)
        return QStringLiteral("no answer");
    if (!*answer)
        return QStringLiteral("error: ") + answer->error().message;
    return described(**answer);
}

// Every question the dashboard asks of a range that is kept, described, one after another.
QString everythingOf(DashboardQueries &queries, DayRange range)
{
    return QStringList{
        answered<RangeSummary>([&](QObject *c, auto reply) { queries.summary(range, c, reply); }),
        answered<RangeTotals>([&](QObject *c, auto reply) { queries.totals(range, c, reply); }),
        answered<Trend>([&](QObject *c, auto reply) { queries.trend(range, c, reply); }),
        answered<QList<LabelCounts>>([&](QObject *c, auto reply) {
            queries.labelSetsBehind(GroupBy::Reporter, QStringLiteral("google.com"), range, c,
                                    reply);
        }),
        answered<QList<TlsSessionTotals>>([&](QObject *c, auto reply) {
            queries.tlsSessions(range, TlsGroupBy::PolicyDomain, std::nullopt, c, reply);
        }),
        answered<QList<TlsSessionTotals>>([&](QObject *c, auto reply) {
            queries.tlsSessions(range, TlsGroupBy::Reporter, QStringLiteral("example.com"), c,
                                reply);
        }),
        answered<QList<FailureReportTotals>>([&](QObject *c, auto reply) {
            queries.failureReports(range, FailureReportGroupBy::ReportedDomain, c, reply);
        }),
        answered<QList<LoggedReport>>(
            [&](QObject *c, auto reply) { queries.recentReports(100, c, reply); })}
        .join(QStringLiteral("\n==\n"));
}

const DayRange kRanges[] = {{kToday.addDays(-1), kToday.addDays(-1)},
                            {kToday.addDays(-7), kToday},
                            {kToday.addDays(-30), kToday},
                            {}};

} // namespace

class TestKeptAnswers : public QObject
{
    Q_OBJECT

    PostgresServer m_postgres;
    int m_databases = 0;
    std::unique_ptr<QTemporaryDir> m_dir;
    StoreLocation m_location;
    std::unique_ptr<Store> m_writer; // commits as the exporter does, over a connection of its own

    Result<void> commit(const EmailCommit &email)
    {
        const auto committed = m_writer->commit({email}, QDateTime::currentSecsSinceEpoch());
        if (!committed)
            return committed.error();
        return {};
    }

private Q_SLOTS:
    void initTestCase_data()
    {
        QTest::addColumn<bool>("postgres");
        QTest::newRow("SQLite") << false;
        QTest::newRow("PostgreSQL") << true;
    }

    // A store of its own for each case, with reports of two reporters over the last days, a TLS
    // report and a failure report.
    void init()
    {
        QFETCH_GLOBAL(bool, postgres);
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        m_location = StoreLocation{m_dir->path(), {}};
        if (postgres) {
            if (!m_postgres.isRunning()) {
                const auto started = m_postgres.start();
                QVERIFY2(started, started ? "" : qPrintable(started.error().message));
            }
            const QString database = QStringLiteral("kept%1").arg(++m_databases);
            const auto created = m_postgres.createDatabase(database);
            QVERIFY2(created, created ? "" : qPrintable(created.error().message));
            const auto settings = DatabaseSettings::fromUrl(m_postgres.urlWithPassword(database));
            QVERIFY2(settings, settings ? "" : qPrintable(settings.error().message));
            m_location.database = *settings;
        }
        auto opened = Store::open(m_location);
        QVERIFY2(opened, opened ? "" : qPrintable(opened.error().message));
        m_writer = std::move(opened).value();
        quint32 uid = 0;
        for (int back = 0; back <= 9; ++back) {
            const QDate day = kToday.addDays(-back);
            QVERIFY(commit(reportEmail(++uid, QStringLiteral("google.com"),
                                       QStringLiteral("example.com"), day, 10 + back)));
            QVERIFY(commit(reportEmail(++uid, QStringLiteral("Yahoo"),
                                       QStringLiteral("example.org"), day, 3)));
        }
        QVERIFY(commit(tlsEmail(++uid, kToday.addDays(-1), 4)));
        QVERIFY(commit(failureEmail(++uid, QStringLiteral("example.com"))));
    }

    void cleanup()
    {
        m_writer.reset();
        m_dir.reset();
    }

    // Asked twice, after being read ahead, or of a queries object that has kept nothing: the
    // same answers.
    void keptAnswersAreTheAnswersReadAfresh()
    {
        DashboardQueries queries(m_location);
        for (const DayRange &range : kRanges) {
            queries.prefetch(range);
            const QString first = everythingOf(queries, range);
            QVERIFY2(!first.contains(QStringLiteral("no answer")) &&
                         !first.contains(QStringLiteral("error: ")),
                     qPrintable(first));
            QCOMPARE(everythingOf(queries, range), first);
            DashboardQueries afresh(m_location);
            QCOMPARE(everythingOf(afresh, range), first);
        }
    }

    // Read ahead, then a commit: the answers are those of the store after the commit.
    void aCommitIsSeenByTheNextQuestion()
    {
        DashboardQueries queries(m_location);
        QStringList before;
        for (const DayRange &range : kRanges) {
            queries.prefetch(range);
            before << everythingOf(queries, range);
        }
        quint32 uid = 1000;
        // A report of yesterday, which every range holds, and a line of the reports log.
        QVERIFY(commit(reportEmail(++uid, QStringLiteral("google.com"),
                                   QStringLiteral("example.com"), kToday.addDays(-1), 500)));
        for (size_t i = 0; i < std::size(kRanges); ++i) {
            const QString after = everythingOf(queries, kRanges[i]);
            QVERIFY2(after != before.at(qsizetype(i)), qPrintable(after));
            DashboardQueries afresh(m_location);
            QCOMPARE(after, everythingOf(afresh, kRanges[i]));
        }
    }

    // Commits that leave the reports log as it is change the answers too.
    void tlsAndFailureReportsAreSeen()
    {
        DashboardQueries queries(m_location);
        const DayRange week = kRanges[1];
        const auto tls = [&] {
            return answered<QList<TlsSessionTotals>>([&](QObject *c, auto reply) {
                queries.tlsSessions(week, TlsGroupBy::PolicyDomain, std::nullopt, c, reply);
            });
        };
        const auto failures = [&] {
            return answered<QList<FailureReportTotals>>([&](QObject *c, auto reply) {
                queries.failureReports(week, FailureReportGroupBy::ReportedDomain, c, reply);
            });
        };
        QCOMPARE(tls(), QStringLiteral("example.com sts 100 4"));
        QCOMPARE(failures(), QStringLiteral("example.com 1"));
        QVERIFY(commit(tlsEmail(2000, kToday.addDays(-2), 6)));
        QCOMPARE(tls(), QStringLiteral("example.com sts 200 10"));
        QVERIFY(commit(failureEmail(2001, QStringLiteral("example.com"))));
        QCOMPARE(failures(), QStringLiteral("example.com 2"));
    }

    // Read ahead, the store changes before the question comes: the question reads it again.
    void aCommitAfterReadingAheadIsSeen()
    {
        DashboardQueries queries(m_location);
        const DayRange week = kRanges[1];
        const auto messages = [&]() -> quint64 {
            const auto summary = answerOf<RangeSummary>(
                [&](QObject *c, auto reply) { queries.summary(week, c, reply); });
            return summary && *summary ? (*summary)->totals.counters.total : 0;
        };
        queries.prefetch(week);
        const quint64 before = messages();
        QVERIFY(before > 0);
        QVERIFY(commit(
            reportEmail(3000, QStringLiteral("Yahoo"), QStringLiteral("example.org"), kToday, 7)));
        queries.prefetch(week);
        QCOMPARE(messages(), before + 7);
    }
};

QTEST_GUILESS_MAIN(TestKeptAnswers)
#include "tst_keptanswers.moc"
