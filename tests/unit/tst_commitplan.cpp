// The counting rules of a commit (docs/counting.md sections 4 and 5, history and log as in
// section 3.4), decided by planCommit() without a database.
#include "commitfixtures.h"
#include "store/commitplan.h"
#include "store/commitwriter.h"

#include <QDateTime>
#include <QTest>
#include <QTimeZone>

using namespace Dmarc;
using namespace Dmarc::Test;

namespace {

const QString kOrg = QStringLiteral("google.com");

StoreOptions options()
{
    StoreOptions options;
    options.dedupMaxSeconds = 7 * kDay;
    options.decidedRetentionSeconds = 90 * kDay;
    options.reportsLogLimit = 50;
    return options;
}

PayloadFailure failure(const QString &part)
{
    return PayloadFailure{part, Error{QStringLiteral("malformed"), QStringLiteral("line 3")}};
}

CommitState dedupState(const QString &id, qint64 firstSeen, const QString &org = kOrg)
{
    CommitState state;
    state.dedupFirstSeen.insert(DedupKey{org, id}, firstSeen);
    return state;
}

CommitState decidedState(const EmailIdentity &email, EmailVerdict verdict, qint64 decidedAt)
{
    CommitState state;
    state.decided.insert(email, DecidedEmail{email, verdict, decidedAt});
    return state;
}

PayloadFailure tlsFailure(const QString &part)
{
    PayloadFailure failed = failure(part);
    failed.kind = ReportKind::Tls;
    return failed;
}

QList<QList<ReportOutcome>> tlsOutcomesOf(const CommitPlan &plan)
{
    QList<QList<ReportOutcome>> outcomes;
    for (const EmailCommitResult &result : plan.results)
        outcomes << result.tlsReports;
    return outcomes;
}

CommitPlan plan(const QList<EmailCommit> &batch, const CommitState &state = {})
{
    return planCommit(batch, state, kNow, options());
}

quint64 countedTotal(const CommitPlan &plan)
{
    quint64 total = 0;
    for (const LabelCounts &delta : plan.counters)
        total += delta.counters.total;
    return total;
}

QString describe(const LabelCounts &delta)
{
    return QStringList{delta.labels.reporter, delta.labels.fromDomain, delta.labels.dkimDomain,
                       delta.labels.spfDomain}
               .join(QLatin1Char('/')) %
           QStringLiteral(" total=") % QString::number(delta.counters.total);
}

QString describe(const InvalidCount &delta)
{
    return delta.fromEmail % QLatin1Char('=') % QString::number(delta.count);
}

QString describe(const HistoryRow &row)
{
    return row.day.toString(Qt::ISODate) % QStringLiteral(" total=") %
           QString::number(row.counters.total) % QStringLiteral(" reports=") %
           QString::number(row.reports);
}

QString describe(const ReportLogEntry &row)
{
    QString text = QString(outcomeName(row.outcome)) % QLatin1Char(' ') % row.orgName %
                   QLatin1Char('/') % row.reportId % QStringLiteral(" from ") % row.fromEmail;
    if (!row.reason.isEmpty())
        text += QStringLiteral(": ") % row.reason;
    return text;
}

QString describe(const DedupEntry &entry)
{
    return (entry.key.kind == ReportKind::Tls ? QStringLiteral("tls:") : QString()) %
           entry.key.orgName % QLatin1Char('/') % entry.key.reportId % QLatin1Char('@') %
           QString::number(entry.firstSeen - kNow);
}

QString describe(const CountRow &row)
{
    QStringList values;
    for (const quint64 value : row.values)
        values << QString::number(value);
    return row.labels.join(QLatin1Char('/')) % QLatin1Char('=') % values.join(QLatin1Char(','));
}

QString describe(const SourceDay &row)
{
    const Counters &c = row.counters;
    return QStringList{row.day.toString(Qt::ISODate), row.fromDomain, row.source.ip,
                       row.source.name, row.source.type}
               .join(QLatin1Char(' ')) %
           QLatin1Char('=') %
           QStringList{QString::number(c.total),       QString::number(c.compliant),
                       QString::number(c.dkimAligned), QString::number(c.spfAligned),
                       QString::number(c.quarantine),  QString::number(c.reject)}
               .join(QLatin1Char(','));
}

// A planned source day, then what reported and passed its messages: "reporter|dkim|spf=messages".
QString describe(const PlannedSourceDay &planned)
{
    QStringList auth;
    for (const SourceDayAuth &a : planned.auth)
        auth << a.reporter % QLatin1Char('|') % a.dkimDomain % QLatin1Char('|') % a.spfDomain %
                    QLatin1Char('=') % QString::number(a.messages);
    return describe(planned.row) % QStringLiteral(" by ") % auth.join(QLatin1Char(' '));
}

QString describe(const SourceCounter &row)
{
    return row.pair.fromDomain % QLatin1Char('/') % row.pair.source % QLatin1Char('=') %
           QString::number(row.total) % QLatin1Char(',') % QString::number(row.compliant);
}

template<typename Row>
QStringList describeAll(const QList<Row> &rows)
{
    QStringList all;
    for (const Row &row : rows)
        all << describe(row);
    return all;
}

using Outcomes = QList<QList<ReportOutcome>>;

Outcomes outcomesOf(const CommitPlan &plan)
{
    Outcomes outcomes;
    for (const EmailCommitResult &result : plan.results)
        outcomes << result.reports;
    return outcomes;
}

QStringList countsOf(const CommitPlan &plan, CountTable table)
{
    return describeAll(plan.counts[size_t(table)]);
}

// A report of `count` label sets of its own, from d<first>.example on, of one message each.
ReportCounts reportOfLabelSets(const QString &id, int first, int count,
                               const QString &policyDomain = QStringLiteral("example.com"))
{
    ReportCounts report = reportCounts(kOrg, id);
    report.policyDomain = policyDomain;
    report.counts.clear();
    for (int i = first; i < first + count; ++i) {
        const QString domain = QStringLiteral("d%1.example").arg(i);
        report.counts << LabelCounts{LabelSet{kOrg, domain, domain, domain}, counters(1, 1)};
    }
    return report;
}

// The store holds `count` label sets, those of reportOfLabelSets(first = 0) among them.
CommitState holdingLabelSets(qsizetype count)
{
    CommitState state;
    state.labelSets = count;
    for (const LabelCounts &counts : reportOfLabelSets(QString(), 0, int(count)).counts)
        state.storedLabelSets.insert(counts.labels);
    return state;
}

qint64 utc(int year, int month, int day, int hour, int minute, int second)
{
    return QDateTime(QDate(year, month, day), QTime(hour, minute, second), QTimeZone::utc())
        .toSecsSinceEpoch();
}

} // namespace

Q_DECLARE_METATYPE(Dmarc::CommitState)
Q_DECLARE_METATYPE(Dmarc::EmailCommit)
Q_DECLARE_METATYPE(Dmarc::EmailVerdict)
Q_DECLARE_METATYPE(Dmarc::ReportOutcome)
Q_DECLARE_METATYPE(Dmarc::Refusal)

class TestCommitPlan : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // docs/counting.md section 4.
    void deduplicates_data()
    {
        QTest::addColumn<QList<EmailCommit>>("batch");
        QTest::addColumn<CommitState>("state");
        QTest::addColumn<Outcomes>("outcomes");
        QTest::addColumn<QStringList>("dedup"); // entries written, first_seen relative to now
        QTest::addColumn<quint64>("counted");

        const auto counted = ReportOutcome::Counted;
        const auto duplicate = ReportOutcome::Duplicate;
        const qint64 window = options().dedupMaxSeconds;
        QTest::newRow("a new report is counted once")
            << QList<EmailCommit>{emailCommit(1, {reportCounts(kOrg, QStringLiteral("a"), 3)})}
            << CommitState() << Outcomes{{counted}} << QStringList{QStringLiteral("google.com/a@0")}
            << quint64(3);
        QTest::newRow("counted before, inside the window: a duplicate")
            << QList<EmailCommit>{emailCommit(1, {reportCounts(kOrg, QStringLiteral("a"), 3)})}
            << dedupState(QStringLiteral("a"), kNow - window + 1) << Outcomes{{duplicate}}
            << QStringList() << quint64(0);
        QTest::newRow("counted exactly the window ago: counted again")
            << QList<EmailCommit>{emailCommit(1, {reportCounts(kOrg, QStringLiteral("a"), 3)})}
            << dedupState(QStringLiteral("a"), kNow - window) << Outcomes{{counted}}
            << QStringList{QStringLiteral("google.com/a@0")} << quint64(3);
        QTest::newRow("same report_id from another org_name: another report")
            << QList<EmailCommit>{emailCommit(1, {reportCounts(kOrg, QStringLiteral("a"))})}
            << dedupState(QStringLiteral("a"), kNow - 10, QStringLiteral("yahoo.com"))
            << Outcomes{{counted}} << QStringList{QStringLiteral("google.com/a@0")} << quint64(1);
        QTest::newRow("empty org_name is part of the identity")
            << QList<EmailCommit>{emailCommit(1, {reportCounts(QString(), QStringLiteral("a"), 1)}),
                                  emailCommit(2, {reportCounts(QString(), QStringLiteral("a"), 1)})}
            << CommitState() << Outcomes{{counted}, {duplicate}}
            << QStringList{QStringLiteral("/a@0")} << quint64(1);
        QTest::newRow("empty report_id is never deduplicated")
            << QList<EmailCommit>{emailCommit(1, {reportCounts(kOrg, QString()),
                                                  reportCounts(kOrg, QString())}),
                                  emailCommit(2, {reportCounts(kOrg, QString())})}
            << dedupState(QString(), kNow - 10) << Outcomes{{counted, counted}, {counted}}
            << QStringList() << quint64(3);
        QTest::newRow("the same report twice in one email: the first counts")
            << QList<EmailCommit>{emailCommit(1, {reportCounts(kOrg, QStringLiteral("a"), 1),
                                                  reportCounts(kOrg, QStringLiteral("a"), 5)})}
            << CommitState() << Outcomes{{counted, duplicate}}
            << QStringList{QStringLiteral("google.com/a@0")} << quint64(1);
        QTest::newRow("the same report in two emails of one batch")
            << QList<EmailCommit>{emailCommit(1, {reportCounts(kOrg, QStringLiteral("a"), 1)}),
                                  emailCommit(2, {reportCounts(kOrg, QStringLiteral("a"), 9)})}
            << CommitState() << Outcomes{{counted}, {duplicate}}
            << QStringList{QStringLiteral("google.com/a@0")} << quint64(1);
        QTest::newRow("a duplicate in an email with a failed payload")
            << QList<EmailCommit>{emailCommit(1, {reportCounts(kOrg, QStringLiteral("a"))},
                                              {failure(QStringLiteral("p2"))})}
            << dedupState(QStringLiteral("a"), kNow - 10) << Outcomes{{duplicate}} << QStringList()
            << quint64(0);
    }

    void deduplicates()
    {
        QFETCH(QList<EmailCommit>, batch);
        QFETCH(CommitState, state);
        QFETCH(Outcomes, outcomes);
        QFETCH(QStringList, dedup);
        QFETCH(quint64, counted);
        const CommitPlan planned = plan(batch, state);
        QCOMPARE(outcomesOf(planned), outcomes);
        QCOMPARE(describeAll(planned.dedup), dedup);
        QCOMPARE(countedTotal(planned), counted);
        QCOMPARE(planned.decided.size(), batch.size());
    }

    // docs/counting.md section 5.3: an email decided before counts nothing and keeps its verdict.
    void decidedEmails_data()
    {
        QTest::addColumn<QList<EmailCommit>>("batch");
        QTest::addColumn<CommitState>("state");
        QTest::addColumn<QList<EmailVerdict>>("verdicts");
        QTest::addColumn<QList<bool>>("alreadyDecided");
        QTest::addColumn<quint64>("counted");

        const auto done = EmailVerdict::Done;
        const auto error = EmailVerdict::Error;
        const EmailCommit valid = emailCommit(1, {reportCounts(kOrg, QString(), 2)});
        const EmailCommit invalid =
            emailCommit(2, {reportCounts(kOrg, QString(), 2)}, {failure(QStringLiteral("p"))});
        EmailCommit otherContent = valid;
        otherContent.identity.digest = "changed";
        QTest::newRow("a new email is decided now")
            << QList<EmailCommit>{valid} << CommitState() << QList<EmailVerdict>{done}
            << QList<bool>{false} << quint64(2);
        QTest::newRow("decided before with the same content: its verdict stays")
            << QList<EmailCommit>{valid} << decidedState(valid.identity, error, kNow - 60)
            << QList<EmailVerdict>{error} << QList<bool>{true} << quint64(0);
        QTest::newRow("decided before as an error: nothing counted again")
            << QList<EmailCommit>{invalid} << decidedState(invalid.identity, error, kNow - 60)
            << QList<EmailVerdict>{error} << QList<bool>{true} << quint64(0);
        QTest::newRow("same UID, other content: a new email")
            << QList<EmailCommit>{otherContent} << decidedState(valid.identity, error, kNow - 60)
            << QList<EmailVerdict>{done} << QList<bool>{false} << quint64(2);
        QTest::newRow("decided longer ago than remembered: a new email")
            << QList<EmailCommit>{valid}
            << decidedState(valid.identity, error, kNow - options().decidedRetentionSeconds)
            << QList<EmailVerdict>{done} << QList<bool>{false} << quint64(2);
        QTest::newRow("the same email twice in one batch: decided by the first")
            << QList<EmailCommit>{invalid, invalid} << CommitState()
            << QList<EmailVerdict>{error, error} << QList<bool>{false, true} << quint64(2);
        QTest::newRow("same UID with other content in one batch: two emails")
            << QList<EmailCommit>{valid, otherContent} << CommitState()
            << QList<EmailVerdict>{done, done} << QList<bool>{false, false} << quint64(4);
    }

    void decidedEmails()
    {
        QFETCH(QList<EmailCommit>, batch);
        QFETCH(CommitState, state);
        QFETCH(QList<EmailVerdict>, verdicts);
        QFETCH(QList<bool>, alreadyDecided);
        QFETCH(quint64, counted);
        const CommitPlan planned = plan(batch, state);
        QCOMPARE(planned.results.size(), batch.size());
        QList<EmailIdentity> decidedNow;
        for (qsizetype i = 0; i < batch.size(); ++i) {
            const EmailCommitResult &result = planned.results.at(i);
            QCOMPARE(result.verdict, verdicts.at(i));
            QCOMPARE(result.alreadyDecided, alreadyDecided.at(i));
            QCOMPARE(result.reports.size(),
                     result.alreadyDecided ? qsizetype(0) : batch.at(i).analysis.reports.size());
            if (!result.alreadyDecided)
                decidedNow << batch.at(i).identity;
        }
        QCOMPARE(countedTotal(planned), counted);
        QCOMPARE(planned.decided.size(), decidedNow.size());
        for (qsizetype i = 0; i < decidedNow.size(); ++i) {
            QCOMPARE(planned.decided.at(i).identity, decidedNow.at(i));
            QCOMPARE(planned.decided.at(i).decidedAt, kNow);
        }
        if (decidedNow.isEmpty()) {
            QVERIFY(planned.invalidCounts.isEmpty());
            QVERIFY(planned.history.isEmpty());
            QVERIFY(planned.reportsLog.isEmpty());
            QVERIFY(planned.dedup.isEmpty());
        }
    }

    // docs/counting.md section 5.1: the verdict, and the invalid count once per email by from
    // address.
    void invalidEmails_data()
    {
        QTest::addColumn<QList<EmailCommit>>("batch");
        QTest::addColumn<QList<EmailVerdict>>("verdicts");
        QTest::addColumn<QStringList>("invalid");
        QTest::addColumn<quint64>("counted");

        const auto done = EmailVerdict::Done;
        const auto error = EmailVerdict::Error;
        const PayloadFailure p1 = failure(QStringLiteral("part 1"));
        const PayloadFailure p2 = failure(QStringLiteral("part 2"));
        QTest::newRow("every payload read: done")
            << QList<EmailCommit>{emailCommit(1, {reportCounts(kOrg, QStringLiteral("a"), 2)})}
            << QList<EmailVerdict>{done} << QStringList() << quint64(2);
        QTest::newRow("all reports duplicates: still done")
            << QList<EmailCommit>{emailCommit(1, {reportCounts(kOrg, QStringLiteral("a"))}),
                                  emailCommit(2, {reportCounts(kOrg, QStringLiteral("a"))})}
            << QList<EmailVerdict>{done, done} << QStringList() << quint64(1);
        QTest::newRow("no candidate: invalid once")
            << QList<EmailCommit>{emailCommit(1, {})} << QList<EmailVerdict>{error}
            << QStringList{QStringLiteral("noreply@google.com=1")} << quint64(0);
        QTest::newRow("a failed candidate: invalid once")
            << QList<EmailCommit>{emailCommit(1, {}, {p1})} << QList<EmailVerdict>{error}
            << QStringList{QStringLiteral("noreply@google.com=1")} << quint64(0);
        QTest::newRow("several failed candidates: still once per email")
            << QList<EmailCommit>{emailCommit(1, {}, {p1, p2})} << QList<EmailVerdict>{error}
            << QStringList{QStringLiteral("noreply@google.com=1")} << quint64(0);
        QTest::newRow("valid and failed candidates: the valid report counts")
            << QList<EmailCommit>{emailCommit(1, {reportCounts(kOrg, QStringLiteral("a"), 4)},
                                              {p1})}
            << QList<EmailVerdict>{error} << QStringList{QStringLiteral("noreply@google.com=1")}
            << quint64(4);
        QTest::newRow("per from address, in first-seen order")
            << QList<EmailCommit>{emailCommit(1, {}, {p1}, QStringLiteral("b@example.org")),
                                  emailCommit(2, {}),
                                  emailCommit(3, {}, {p2}, QStringLiteral("b@example.org"))}
            << QList<EmailVerdict>{error, error, error}
            << QStringList{QStringLiteral("b@example.org=2"),
                           QStringLiteral("noreply@google.com=1")}
            << quint64(0);
        QTest::newRow("no from address: counted under \"\"")
            << QList<EmailCommit>{emailCommit(1, {}, {}, QString())} << QList<EmailVerdict>{error}
            << QStringList{QStringLiteral("=1")} << quint64(0);
    }

    void invalidEmails()
    {
        QFETCH(QList<EmailCommit>, batch);
        QFETCH(QList<EmailVerdict>, verdicts);
        QFETCH(QStringList, invalid);
        QFETCH(quint64, counted);
        const CommitPlan planned = plan(batch);
        QList<EmailVerdict> actual;
        for (const EmailCommitResult &result : planned.results)
            actual << result.verdict;
        QCOMPARE(actual, verdicts);
        QCOMPARE(describeAll(planned.invalidCounts), invalid);
        QCOMPARE(countedTotal(planned), counted);
        for (qsizetype i = 0; i < batch.size(); ++i)
            QCOMPARE(planned.decided.at(i).verdict, verdicts.at(i));
    }

    // docs/counting.md section 3.3: summed per label set, in first-counted order.
    void counterDeltas()
    {
        const LabelSet other{QStringLiteral("Yahoo"), QStringLiteral("b.example"), QString(),
                             QString()};
        const CommitPlan planned = plan(
            {emailCommit(1, {reportCounts(kOrg, QStringLiteral("1"), 2)}),
             emailCommit(2, {reportCounts(QStringLiteral("Yahoo"), QStringLiteral("2"), 4, other),
                             reportCounts(kOrg, QStringLiteral("1"), 100)}),
             emailCommit(3, {reportCounts(kOrg, QString(), 1)})});
        QCOMPARE(describeAll(planned.counters),
                 (QStringList{QStringLiteral("google.com/mydomain.de/mydomain.de/my-spf-domain.de "
                                             "total=3"),
                              QStringLiteral("Yahoo/b.example// total=4")}));
        QCOMPARE(planned.counters.at(0).counters.compliant, quint64(3));
    }

    // docs/counting.md section 3.4: per UTC day of date_range begin, a report once per from domain.
    void history_data()
    {
        QTest::addColumn<QList<EmailCommit>>("batch");
        QTest::addColumn<CommitState>("state");
        QTest::addColumn<QStringList>("rows");

        ReportCounts lastSecond = reportCounts(kOrg, QStringLiteral("a"), 2);
        lastSecond.dateBegin = utc(2023, 11, 12, 23, 59, 59);
        lastSecond.dateEnd = utc(2023, 11, 13, 23, 59, 59);
        ReportCounts midnight = reportCounts(kOrg, QStringLiteral("b"), 3);
        midnight.dateBegin = utc(2023, 11, 13, 0, 0, 0);
        ReportCounts twoLabelSets = reportCounts(kOrg, QStringLiteral("c"), 1);
        twoLabelSets.counts << LabelCounts{
            LabelSet{kOrg, kLabels.fromDomain, QStringLiteral("other.example"), QString()},
            counters(5)};
        const LabelSet otherDomain{kOrg, QStringLiteral("b.example"), QString(), QString()};
        ReportCounts secondDomain = reportCounts(kOrg, QStringLiteral("d"), 1);
        secondDomain.counts << LabelCounts{otherDomain, counters(7)};
        ReportCounts noDate = reportCounts(kOrg, QString(), 1);
        noDate.dateBegin = 0;
        ReportCounts noRecords = reportCounts(kOrg, QStringLiteral("e"), 0);
        noRecords.counts.clear();
        noRecords.records = 0;

        QTest::newRow("the UTC day of date_range begin, not of its end")
            << QList<EmailCommit>{emailCommit(1, {lastSecond})} << CommitState()
            << QStringList{QStringLiteral("2023-11-12 total=2 reports=1")};
        QTest::newRow("midnight UTC starts the day")
            << QList<EmailCommit>{emailCommit(1, {lastSecond, midnight})} << CommitState()
            << QStringList{QStringLiteral("2023-11-12 total=2 reports=1"),
                           QStringLiteral("2023-11-13 total=3 reports=1")};
        QTest::newRow("label sets of one report and from domain count one report")
            << QList<EmailCommit>{emailCommit(1, {twoLabelSets})} << CommitState()
            << QStringList{QStringLiteral("2023-11-13 total=6 reports=1")};
        QTest::newRow("reports of one day add up")
            << QList<EmailCommit>{emailCommit(1, {midnight}), emailCommit(2, {twoLabelSets})}
            << CommitState() << QStringList{QStringLiteral("2023-11-13 total=9 reports=2")};
        QTest::newRow("a report counts once per from domain")
            << QList<EmailCommit>{emailCommit(1, {secondDomain})} << CommitState()
            << QStringList{QStringLiteral("2023-11-13 total=8 reports=2")};
        QTest::newRow("a report without records adds no day")
            << QList<EmailCommit>{emailCommit(1, {noRecords})} << CommitState() << QStringList();
        QTest::newRow("a missing begin is the epoch's day")
            << QList<EmailCommit>{emailCommit(1, {noDate})} << CommitState()
            << QStringList{QStringLiteral("1970-01-01 total=1 reports=1")};
        QTest::newRow("a duplicate adds nothing")
            << QList<EmailCommit>{emailCommit(1, {midnight})}
            << dedupState(QStringLiteral("b"), kNow - 10) << QStringList();
    }

    void history()
    {
        QFETCH(QList<EmailCommit>, batch);
        QFETCH(CommitState, state);
        QFETCH(QStringList, rows);
        QCOMPARE(describeAll(plan(batch, state).history), rows);
    }

    // What a store learns from its commits (KnownRows) is bounded: a kind that is full forgets
    // all it holds before it takes a new row. A first day learnt is the earliest seen.
    void knownRowsStayBounded()
    {
        KnownRows known;
        CommitPlan plan;
        const QDate day(2023, 11, 13);
        for (qsizetype i = 0; i < KnownRows::kLimit - 2; ++i)
            plan.sourceFirstDays << std::pair(QStringLiteral("10.0.%1").arg(i), day);
        known.learn(CommitState(), plan);
        plan.sourceFirstDays = {std::pair(QStringLiteral("10.0.0"), day.addDays(-1)),
                                std::pair(QStringLiteral("10.0.1"), day.addDays(1))};
        known.learn(CommitState(), plan);
        QCOMPARE(known.firstDay(QStringLiteral("10.0.0")), day.addDays(-1));
        QCOMPARE(known.firstDay(QStringLiteral("10.0.1")), day);
        QCOMPARE(known.firstDay(QStringLiteral("10.0.5")), day);
        QVERIFY(!known.firstDay(QStringLiteral("192.0.2.1")).isValid());
        plan.sourceFirstDays = {std::pair(QStringLiteral("192.0.2.1"), day),
                                std::pair(QStringLiteral("192.0.2.2"), day),
                                std::pair(QStringLiteral("192.0.2.3"), day)};
        known.learn(CommitState(), plan);
        QVERIFY(!known.firstDay(QStringLiteral("10.0.5")).isValid());
        QCOMPARE(known.firstDay(QStringLiteral("192.0.2.3")), day);

        CommitState state;
        for (qsizetype i = 0; i < KnownRows::kLimit; ++i) {
            state.storedLabelSets.insert(LabelSet{QString::number(i), {}, {}, {}});
            state.storedSourcePairs.insert(SourcePair{QString::number(i), {}});
        }
        known.learn(state, CommitPlan());
        const LabelSet first{QStringLiteral("0"), {}, {}, {}};
        const SourcePair firstPair{QStringLiteral("0"), {}};
        QVERIFY(known.holds(first));
        QVERIFY(known.holds(firstPair));
        // Fields are told apart: the same text split otherwise is another key.
        QVERIFY(!known.holds(LabelSet{{}, QStringLiteral("0"), {}, {}}));
        QVERIFY(!known.holds(SourcePair{{}, QStringLiteral("0")}));
        CommitPlan more;
        more.counters << LabelCounts{kLabels, {}};
        const SourcePair pair{kLabels.fromDomain, QString()};
        more.sourceCounters << SourceCounter{pair, 0, 0};
        known.learn(CommitState(), more);
        QVERIFY(known.holds(kLabels));
        QVERIFY(known.holds(pair));
        QVERIFY(!known.holds(first));
        QVERIFY(!known.holds(firstPair));
    }

    // The counters per day and label set, and the same per week (its Monday) and label set.
    void dailyAndWeeklyCounters()
    {
        const auto on = [](const QString &id, qint64 begin, quint64 total) {
            ReportCounts report = reportCounts(kOrg, id, total);
            report.dateBegin = begin;
            return report;
        };
        const CommitPlan planned = plan(
            {emailCommit(1, {on(QStringLiteral("sunday"), utc(2023, 11, 12, 23, 59, 59), 1),
                             on(QStringLiteral("monday"), utc(2023, 11, 13, 0, 0, 0), 2)}),
             emailCommit(2, {on(QStringLiteral("tuesday"), utc(2023, 11, 14, 12, 0, 0), 4),
                             on(QStringLiteral("next sunday"), utc(2023, 11, 19, 8, 0, 0), 8),
                             on(QStringLiteral("next monday"), utc(2023, 11, 20, 8, 0, 0), 16)})});
        const auto described = [](const QList<DailyLabelCounts> &rows) {
            QStringList lines;
            for (const DailyLabelCounts &row : rows)
                lines << row.day.toString(Qt::ISODate) % QLatin1Char(' ') % describe(row.counts);
            return lines;
        };
        const QString labels =
            QStringLiteral(" google.com/mydomain.de/mydomain.de/my-spf-domain.de");
        QCOMPARE(
            described(planned.dailyCounters),
            (QStringList{QStringLiteral("2023-11-12") % labels % QStringLiteral(" total=1"),
                         QStringLiteral("2023-11-13") % labels % QStringLiteral(" total=2"),
                         QStringLiteral("2023-11-14") % labels % QStringLiteral(" total=4"),
                         QStringLiteral("2023-11-19") % labels % QStringLiteral(" total=8"),
                         QStringLiteral("2023-11-20") % labels % QStringLiteral(" total=16")}));
        // The weeks of those days, each once, to sum the counters per week again later.
        QCOMPARE(planned.pendingWeeks,
                 (QList<QDate>{QDate(2023, 11, 6), QDate(2023, 11, 13), QDate(2023, 11, 20)}));
    }

    // Every report and every failure gets a line in the reports log (docs/counting.md section
    // 3.4), in email order; an email decided before gets none.
    void reportsLog_data()
    {
        QTest::addColumn<QList<EmailCommit>>("batch");
        QTest::addColumn<CommitState>("state");
        QTest::addColumn<QStringList>("rows");

        const EmailCommit mixed = emailCommit(
            1, {reportCounts(kOrg, QStringLiteral("a")), reportCounts(kOrg, QStringLiteral("a"))},
            {failure(QStringLiteral("part 2 (b.xml)"))});
        QTest::newRow("counted, duplicate and failed")
            << QList<EmailCommit>{mixed} << CommitState()
            << QStringList{QStringLiteral("counted google.com/a from noreply@google.com"),
                           QStringLiteral("duplicate google.com/a from noreply@google.com"),
                           QStringLiteral("malformed / from noreply@google.com: part 2 (b.xml): "
                                          "line 3")};
        QTest::newRow("no candidate")
            << QList<EmailCommit>{emailCommit(1, {}, {}, QString())} << CommitState()
            << QStringList{QStringLiteral("malformed / from : no report found in the email")};
        QTest::newRow("decided before: no line")
            << QList<EmailCommit>{mixed} << decidedState(mixed.identity, EmailVerdict::Error, kNow)
            << QStringList();
    }

    void reportsLog()
    {
        QFETCH(QList<EmailCommit>, batch);
        QFETCH(CommitState, state);
        QFETCH(QStringList, rows);
        const CommitPlan planned = plan(batch, state);
        QCOMPARE(describeAll(planned.reportsLog), rows);
        for (const ReportLogEntry &row : planned.reportsLog)
            QCOMPARE(row.processedAt, kNow);
    }

    void reportLogCarriesTheReport()
    {
        const ReportCounts counted = reportCounts(kOrg, QStringLiteral("a"), 9);
        const ReportLogEntry row = plan({emailCommit(1, {counted})}).reportsLog.value(0);
        QCOMPARE(row.dateBegin, counted.dateBegin);
        QCOMPARE(row.dateEnd, counted.dateEnd);
        QCOMPARE(row.records, counted.records);
        QCOMPARE(row.messages, quint64(9));
        QVERIFY(row.reason.isEmpty());
    }

    // What the writer prunes follows from the options.
    void pruneBounds()
    {
        const CommitPlan planned = plan({});
        QVERIFY(planned.results.isEmpty());
        QCOMPARE(planned.dedupExpiredUpTo, kNow - options().dedupMaxSeconds);
        QCOMPARE(planned.decidedExpiredUpTo, kNow - options().decidedRetentionSeconds);
        QCOMPARE(planned.reportsLogKeep, options().reportsLogLimit);
    }

    // docs/counting.md section 8.6: TLS reports are deduplicated like aggregate reports, in a
    // namespace of their own.
    void tlsReportsAreDeduplicatedApart()
    {
        const QString id = QStringLiteral("a");
        const QList<EmailCommit> batch{
            emailCommit(1, {reportCounts(kOrg, id, 3)}),
            withReports(emailCommit(2, {}), {tlsReport(kOrg, id)}),
            withReports(emailCommit(3, {}), {tlsReport(kOrg, id), tlsReport(kOrg, QString())}),
            withReports(emailCommit(4, {}), {tlsReport(kOrg, QString())})};
        const auto counted = ReportOutcome::Counted;
        const auto duplicate = ReportOutcome::Duplicate;
        const CommitPlan planned = plan(batch);
        QCOMPARE(outcomesOf(planned), (Outcomes{{counted}, {}, {}, {}}));
        QCOMPARE(tlsOutcomesOf(planned),
                 (Outcomes{{}, {counted}, {duplicate, counted}, {counted}}));
        QCOMPARE(describeAll(planned.dedup), (QStringList{QStringLiteral("google.com/a@0"),
                                                          QStringLiteral("tls:google.com/a@0")}));
        QCOMPARE(countedTotal(planned), quint64(3));
        QCOMPARE(countsOf(planned, CountTable::TlsSessions),
                 QStringList{QStringLiteral("google.com/mydomain.de/sts=30,6")});

        // The stored window: a TLS entry blocks the TLS report only, and expires like the other.
        const qint64 window = options().dedupMaxSeconds;
        CommitState state;
        state.dedupFirstSeen.insert(DedupKey{kOrg, id, ReportKind::Tls}, kNow - window + 1);
        QCOMPARE(tlsOutcomesOf(plan({batch.at(1)}, state)), Outcomes{{duplicate}});
        QCOMPARE(outcomesOf(plan({batch.at(0)}, state)), Outcomes{{counted}});
        state.dedupFirstSeen.insert(DedupKey{kOrg, id, ReportKind::Tls}, kNow - window);
        QCOMPARE(tlsOutcomesOf(plan({batch.at(1)}, state)), Outcomes{{counted}});
        QCOMPARE(tlsOutcomesOf(plan({batch.at(1)}, dedupState(id, kNow - 10))),
                 Outcomes{{counted}});
    }

    // docs/counting.md section 8.6: sessions per policy, details per result type, and one report
    // per distinct policy domain.
    void tlsCounts()
    {
        TlsReport report = tlsReport(kOrg, QStringLiteral("a"), 5, 1);
        report.policies << TlsPolicyCounts{QStringLiteral("mydomain.de"),
                                           QStringLiteral("tlsa"),
                                           5,
                                           1,
                                           {TlsFailureCount{QStringLiteral("dane-required"), 1}}}
                        << TlsPolicyCounts{QStringLiteral("other.example"),
                                           QStringLiteral("no-policy-found"),
                                           0,
                                           0,
                                           {}};
        const CommitPlan planned =
            plan({withReports(emailCommit(1, {}), {report, tlsReport(kOrg, QStringLiteral("b"))})});
        QCOMPARE(countsOf(planned, CountTable::TlsSessions),
                 (QStringList{QStringLiteral("google.com/mydomain.de/sts=15,3"),
                              QStringLiteral("google.com/mydomain.de/tlsa=5,1"),
                              QStringLiteral("google.com/other.example/no-policy-found=0,0")}));
        QCOMPARE(countsOf(planned, CountTable::TlsFailureDetails),
                 (QStringList{QStringLiteral("google.com/mydomain.de/sts/certificate-expired=3"),
                              QStringLiteral("google.com/mydomain.de/tlsa/dane-required=1")}));
        QCOMPARE(countsOf(planned, CountTable::TlsReports),
                 (QStringList{QStringLiteral("google.com/mydomain.de=2"),
                              QStringLiteral("google.com/other.example=1")}));
        QVERIFY(planned.counters.isEmpty());
        QVERIFY(planned.invalidCounts.isEmpty());
        QCOMPARE(planned.results.value(0).verdict, EmailVerdict::Done);
    }

    // docs/counting.md section 8.6: +1 per failure report, never deduplicated beyond the email.
    void failureReportsCounted()
    {
        const QList<EmailCommit> batch{
            withReports(emailCommit(1, {}), {}, {failureReport(), failureReport()}),
            withReports(emailCommit(2, {}), {}, {failureReport(QStringLiteral("spf"))})};
        const CommitPlan planned = plan(batch);
        QCOMPARE(countsOf(planned, CountTable::FailureReports),
                 (QStringList{QStringLiteral("mydomain.de/dmarc/none/reject=2"),
                              QStringLiteral("mydomain.de/spf/none/reject=1")}));
        QVERIFY(planned.dedup.isEmpty());
        // Decided before: nothing again.
        const CommitPlan again =
            plan({batch.at(0)}, decidedState(batch.at(0).identity, EmailVerdict::Done, kNow - 10));
        QVERIFY(again.counts[size_t(CountTable::FailureReports)].isEmpty());
        QVERIFY(again.results.value(0).alreadyDecided);
    }

    // docs/counting.md section 8.4: each invalid family at most once per email; what parsed
    // beside a failed payload is counted.
    void invalidFamilies_data()
    {
        QTest::addColumn<EmailCommit>("email");
        QTest::addColumn<QStringList>("dmarcInvalid");
        QTest::addColumn<QStringList>("tlsInvalid");
        QTest::addColumn<quint64>("counted");

        const QString from = QStringLiteral("noreply@google.com=1");
        QTest::newRow("a failed TLS payload beside a good XML")
            << emailCommit(1, {reportCounts(kOrg, QStringLiteral("a"), 4)},
                           {tlsFailure(QStringLiteral("p2"))})
            << QStringList() << QStringList{QStringLiteral("noreply@google.com=1")} << quint64(4);
        QTest::newRow("two failed TLS payloads and a failed XML")
            << emailCommit(1, {},
                           {tlsFailure(QStringLiteral("p1")), tlsFailure(QStringLiteral("p2")),
                            failure(QStringLiteral("p3"))})
            << QStringList{from} << QStringList{QStringLiteral("noreply@google.com=1")}
            << quint64(0);
        QTest::newRow("no candidate at all")
            << emailCommit(1, {}) << QStringList{from} << QStringList() << quint64(0);
        QTest::newRow("a TLS report only")
            << withReports(emailCommit(1, {}), {tlsReport(kOrg, QStringLiteral("t"))})
            << QStringList() << QStringList() << quint64(0);
    }

    void invalidFamilies()
    {
        QFETCH(EmailCommit, email);
        QFETCH(QStringList, dmarcInvalid);
        QFETCH(QStringList, tlsInvalid);
        QFETCH(quint64, counted);
        const CommitPlan planned = plan({email});
        QCOMPARE(describeAll(planned.invalidCounts), dmarcInvalid);
        QCOMPARE(countsOf(planned, CountTable::TlsInvalidReports), tlsInvalid);
        QCOMPARE(countedTotal(planned), counted);
        QCOMPARE(planned.results.value(0).verdict, email.analysis.verdict());
    }

    // docs/counting.md section 9.1: a report whose new label sets would take the store past
    // limits.max_label_sets (here 4) is refused whole; known label sets are always counted.
    void labelSetLimit_data()
    {
        QTest::addColumn<CommitState>("state");
        QTest::addColumn<QList<EmailCommit>>("batch");
        QTest::addColumn<Outcomes>("outcomes");
        QTest::addColumn<QStringList>("invalid");
        QTest::addColumn<int>("labelSets"); // label sets the plan adds to
        QTest::addColumn<QStringList>("refusals");

        const QString past = QStringLiteral(
            "label_sets: the store holds 3 label sets and the report would add 2 more, past 4 "
            "(limits.max_label_sets)");
        const QString from = QStringLiteral("noreply@google.com=1");
        QTest::newRow("up to the limit")
            << holdingLabelSets(2)
            << QList<EmailCommit>{emailCommit(1, {reportOfLabelSets(QStringLiteral("a"), 1, 3)})}
            << Outcomes{{ReportOutcome::Counted}} << QStringList() << 3 << QStringList();
        QTest::newRow("past the limit")
            << holdingLabelSets(3)
            << QList<EmailCommit>{emailCommit(1, {reportOfLabelSets(QStringLiteral("a"), 2, 3)})}
            << Outcomes{{ReportOutcome::Malformed}} << QStringList{from} << 0 << QStringList{past};
        QTest::newRow("only known label sets, at the limit")
            << holdingLabelSets(4)
            << QList<EmailCommit>{emailCommit(1, {reportOfLabelSets(QStringLiteral("a"), 0, 4)})}
            << Outcomes{{ReportOutcome::Counted}} << QStringList() << 4 << QStringList();
        QTest::newRow("an earlier report of the batch fills it")
            << holdingLabelSets(1)
            << QList<EmailCommit>{emailCommit(1, {reportOfLabelSets(QStringLiteral("a"), 1, 2)}),
                                  emailCommit(2, {reportOfLabelSets(QStringLiteral("b"), 3, 2)}),
                                  emailCommit(3, {reportOfLabelSets(QStringLiteral("c"), 0, 3)})}
            << Outcomes{{ReportOutcome::Counted},
                        {ReportOutcome::Malformed},
                        {ReportOutcome::Counted}}
            << QStringList{from} << 3 << QStringList{past};
        QTest::newRow("one refused report of two: the other counts")
            << holdingLabelSets(3)
            << QList<EmailCommit>{emailCommit(1, {reportOfLabelSets(QStringLiteral("a"), 2, 3),
                                                  reportOfLabelSets(QStringLiteral("b"), 3, 1)})}
            << Outcomes{{ReportOutcome::Malformed, ReportOutcome::Counted}} << QStringList{from}
            << 1 << QStringList{past};
        CommitState duplicate = holdingLabelSets(4);
        duplicate.dedupFirstSeen.insert(DedupKey{kOrg, QStringLiteral("a")}, kNow - kDay);
        QTest::newRow("a duplicate is not refused")
            << duplicate
            << QList<EmailCommit>{emailCommit(1, {reportOfLabelSets(QStringLiteral("a"), 4, 2)})}
            << Outcomes{{ReportOutcome::Duplicate}} << QStringList() << 0 << QStringList();
    }

    void labelSetLimit()
    {
        QFETCH(CommitState, state);
        QFETCH(QList<EmailCommit>, batch);
        QFETCH(Outcomes, outcomes);
        QFETCH(QStringList, invalid);
        QFETCH(int, labelSets);
        QFETCH(QStringList, refusals);
        StoreOptions limited = options();
        limited.maxLabelSets = 4;
        const CommitPlan planned = planCommit(batch, state, kNow, limited);
        QCOMPARE(outcomesOf(planned), outcomes);
        QCOMPARE(describeAll(planned.invalidCounts), invalid);
        QCOMPARE(planned.counters.size(), labelSets);
        QStringList refused;
        for (const EmailCommitResult &result : planned.results) {
            for (const ReportRefusal &refusal : result.refusals)
                refused << QString(outcomeName(refusal.reason)) % QStringLiteral(": ") %
                               refusal.message;
            // A refused report sends its email to the error folder and counts it invalid.
            QCOMPARE(result.verdict,
                     result.refusals.isEmpty() ? EmailVerdict::Done : EmailVerdict::Error);
            QCOMPARE(result.invalidDmarc, !result.refusals.isEmpty());
        }
        QCOMPARE(refused, refusals);
        // A refused report is not remembered: sent again under a higher limit, it counts.
        for (const DedupEntry &entry : planned.dedup) {
            for (qsizetype e = 0; e < batch.size(); ++e) {
                for (qsizetype r = 0; r < batch.at(e).analysis.reports.size(); ++r) {
                    if (batch.at(e).analysis.reports.at(r).reportId == entry.key.reportId)
                        QCOMPARE(outcomes.at(e).at(r), ReportOutcome::Counted);
                }
            }
        }
        // The log names the limit for each refused report.
        for (const ReportLogEntry &row : planned.reportsLog) {
            if (row.outcome == ReportOutcome::Malformed)
                QVERIFY(row.reason.contains(QStringLiteral("limits.max_label_sets")));
        }
    }

    // docs/counting.md section 9.2: with `domains` set, only reports for them and their
    // subdomains are counted.
    void foreignDomains_data()
    {
        QTest::addColumn<QStringList>("domains");
        QTest::addColumn<QString>("policyDomain");
        QTest::addColumn<ReportOutcome>("outcome");

        const QStringList own{QStringLiteral("example.com"), QStringLiteral("Example.NET.")};
        QTest::newRow("no list: every domain")
            << QStringList() << QStringLiteral("example.org") << ReportOutcome::Counted;
        QTest::newRow("listed") << own << QStringLiteral("example.com") << ReportOutcome::Counted;
        QTest::newRow("subdomain")
            << own << QStringLiteral("mail.example.com") << ReportOutcome::Counted;
        QTest::newRow("case and trailing dot")
            << own << QStringLiteral(" Mail.Example.net. ") << ReportOutcome::Counted;
        QTest::newRow("same ending, other domain")
            << own << QStringLiteral("badexample.com") << ReportOutcome::Malformed;
        QTest::newRow("other domain")
            << own << QStringLiteral("example.org") << ReportOutcome::Malformed;
        QTest::newRow("parent of a listed one")
            << QStringList{QStringLiteral("mail.example.com")} << QStringLiteral("example.com")
            << ReportOutcome::Malformed;
        QTest::newRow("no policy domain") << own << QString() << ReportOutcome::Malformed;
    }

    void foreignDomains()
    {
        QFETCH(QStringList, domains);
        QFETCH(QString, policyDomain);
        QFETCH(ReportOutcome, outcome);
        StoreOptions limited = options();
        limited.domains = domains;
        const CommitPlan planned = planCommit(
            {emailCommit(1, {reportOfLabelSets(QStringLiteral("a"), 0, 1, policyDomain)})}, {},
            kNow, limited);
        QCOMPARE(outcomesOf(planned), Outcomes{{outcome}});
        const bool refused = outcome == ReportOutcome::Malformed;
        QCOMPARE(planned.counters.size(), refused ? 0 : 1);
        QCOMPARE(planned.history.size(), refused ? 0 : 1);
        QCOMPARE(planned.dedup.size(), refused ? 0 : 1);
        QCOMPARE(planned.results.at(0).verdict, refused ? EmailVerdict::Error : EmailVerdict::Done);
        QCOMPARE(describeAll(planned.invalidCounts),
                 refused ? QStringList{QStringLiteral("noreply@google.com=1")} : QStringList());
        QCOMPARE(planned.results.at(0).refusals.size(), refused ? 1 : 0);
        if (refused) {
            QCOMPARE(planned.results.at(0).refusals.at(0).reason, Refusal::ForeignDomain);
            QVERIFY(planned.reportsLog.at(0).reason.contains(QStringLiteral("configured domains")));
        }
    }

    // docs/counting.md section 10.7: the named sources of the counted reports, summed per day,
    // from domain and source IP (named as the last report that counted them named them), their
    // reporters and passing domains, and per from domain and source name; a duplicate and a
    // refused report add nothing.
    void sources()
    {
        const QString ip = QStringLiteral("192.0.2.1");
        const QString ipv6 = QStringLiteral("2001:db8::1");
        const QString yahoo = QStringLiteral("Yahoo");
        ReportCounts first = withSource(withSource(reportCounts(kOrg, QStringLiteral("a"), 10), ip,
                                                   6, 6, QStringLiteral("mydomain.de")),
                                        ipv6, 4);
        ReportCounts second = withSource(withSource(reportCounts(yahoo, QStringLiteral("b"), 8), ip,
                                                    5, 2, QStringLiteral("sendgrid.net")),
                                         ip, 3, 3, QString(), QStringLiteral("other.example"));
        const ReportCounts duplicate =
            withSource(reportCounts(kOrg, QStringLiteral("a"), 7), QString(), 7);
        ReportCounts refused = withSource(reportOfLabelSets(QStringLiteral("c"), 0, 1), ip, 9);
        const QHash<QString, QString> own{{ip, QStringLiteral("own domain")}};
        const QHash<QString, QString> sendgrid{{ip, QStringLiteral("SendGrid")}};
        const QList<EmailCommit> batch{withSourceNames(emailCommit(1, {first}), own),
                                       withSourceNames(emailCommit(2, {second}), sendgrid),
                                       withSourceNames(emailCommit(3, {duplicate})),
                                       withSourceNames(emailCommit(4, {refused}), own)};
        CommitState full;
        full.labelSets = options().maxLabelSets; // refuses the report of new label sets
        full.storedLabelSets.insert(kLabels);
        const CommitPlan planned = plan(batch, full);
        QCOMPARE(outcomesOf(planned), (Outcomes{{ReportOutcome::Counted},
                                                {ReportOutcome::Counted},
                                                {ReportOutcome::Duplicate},
                                                {ReportOutcome::Malformed}}));
        const QString day = QStringLiteral("2023-11-13 ");
        QCOMPARE(
            describeAll(planned.sourceDays),
            (QStringList{day + QStringLiteral("mydomain.de 192.0.2.1 SendGrid other=11,8,8,0,0,0 "
                                              "by google.com|mydomain.de|=6 "
                                              "Yahoo|sendgrid.net|=5"),
                         day + QStringLiteral("mydomain.de 2001:db8::1 unknown other=4,0,0,0,0,0 "
                                              "by google.com||=4"),
                         day + QStringLiteral("other.example 192.0.2.1 SendGrid other=3,3,3,0,0,0 "
                                              "by Yahoo||=3")}));
        QCOMPARE(describeAll(planned.sourceCounters),
                 (QStringList{QStringLiteral("mydomain.de/own domain=6,6"),
                              QStringLiteral("mydomain.de/unknown=4,0"),
                              QStringLiteral("mydomain.de/SendGrid=5,2"),
                              QStringLiteral("other.example/SendGrid=3,3")}));
    }

    // Reports are counted by day of their range's begin, so the same source on two days is two
    // rows; a report without names for its sources keeps none of them.
    void sourcesPerDayAndOnlyNamed()
    {
        const QString ip = QStringLiteral("192.0.2.1");
        ReportCounts later = withSource(reportCounts(kOrg, QStringLiteral("b"), 2), ip, 2);
        later.dateBegin += kDay;
        const CommitPlan planned =
            plan({withSourceNames(emailCommit(
                      1, {withSource(reportCounts(kOrg, QStringLiteral("a"), 1), ip, 1), later})),
                  emailCommit(2, {withSource(reportCounts(kOrg, QStringLiteral("c"), 5), ip, 5)})});
        QCOMPARE(describeAll(planned.sourceDays),
                 (QStringList{
                     QStringLiteral("2023-11-13 mydomain.de 192.0.2.1 unknown other=1,0,0,0,0,0 "
                                    "by google.com||=1"),
                     QStringLiteral("2023-11-14 mydomain.de 192.0.2.1 unknown other=2,0,0,0,0,0 "
                                    "by google.com||=2")}));
        QCOMPARE(describeAll(planned.sourceCounters),
                 QStringList{QStringLiteral("mydomain.de/unknown=3,0")});
        QCOMPARE(countedTotal(planned), quint64(8));
    }

    // A source day keeps each combination of reporter, passing DKIM and passing SPF domain once,
    // with the messages of every report that counted it there; a combination without any name
    // is not kept.
    void sourceCombinationsSummed()
    {
        const QString ip = QStringLiteral("192.0.2.1");
        const QString own = QStringLiteral("mydomain.de");
        ReportCounts first = withSource(
            withSource(reportCounts(kOrg, QStringLiteral("a"), 5), ip, 2, 2, own), ip, 1);
        first.sources[1].spfDomain = own;
        const ReportCounts second =
            withSource(reportCounts(kOrg, QStringLiteral("b"), 3), ip, 3, 3, own);
        ReportCounts anonymous = withSource(reportCounts(QString(), QStringLiteral("c"), 4), ip, 4);
        const CommitPlan planned = plan({withSourceNames(emailCommit(1, {first, second})),
                                         withSourceNames(emailCommit(2, {anonymous}))});
        QCOMPARE(describeAll(planned.sourceDays),
                 QStringList{QStringLiteral("2023-11-13 mydomain.de 192.0.2.1 unknown "
                                            "other=10,5,5,0,0,0 by google.com|mydomain.de|=5 "
                                            "google.com||mydomain.de=1")});
        QCOMPARE(describeAll(planned.sourceCounters),
                 QStringList{QStringLiteral("mydomain.de/unknown=10,5")});
    }

    // The weeks (their Mondays) of the batch's counted reports, each once, to be summed again
    // from the days later (the store's sumWeeks, where a week's name is pinned); and each
    // address's earliest day.
    void sourceWeeksAndFirstDays()
    {
        const QString ip = QStringLiteral("192.0.2.1");
        const QString ipv6 = QStringLiteral("2001:db8::1");
        const auto onDay = [](ReportCounts report, int days) {
            report.dateBegin += days * kDay;
            return report;
        };
        const auto named = [](const ReportCounts &report, const QString &name) {
            return withSourceNames(emailCommit(report.reportId.at(0).unicode(), {report}),
                                   {{QStringLiteral("192.0.2.1"), name}});
        };
        const CommitPlan planned = plan(
            {named(onDay(withSource(reportCounts(kOrg, QStringLiteral("a"), 2), ip, 2), 0),
                   QStringLiteral("first")),
             named(onDay(withSource(withSource(reportCounts(kOrg, QStringLiteral("b"), 4), ip, 3),
                                    ipv6, 1),
                         2),
                   QStringLiteral("latest")),
             named(onDay(withSource(reportCounts(kOrg, QStringLiteral("c"), 1), ip, 1), 1),
                   QStringLiteral("between")),
             named(onDay(withSource(reportCounts(kOrg, QStringLiteral("d"), 5), ip, 5), 7),
                   QStringLiteral("next week"))});
        QCOMPARE(planned.pendingWeeks, (QList<QDate>{QDate(2023, 11, 13), QDate(2023, 11, 20)}));
        QStringList firstDays;
        for (const auto &[address, day] : planned.sourceFirstDays)
            firstDays << address % QLatin1Char(' ') % day.toString(Qt::ISODate);
        QCOMPARE(firstDays, (QStringList{QStringLiteral("192.0.2.1 2023-11-13"),
                                         QStringLiteral("2001:db8::1 2023-11-15")}));
    }

    // An address whose stored first day the store knows to be at or before its day in the
    // batch needs no row; one it knows to be later, or does not know, gets one.
    void knownFirstDaysNeedNoRow_data()
    {
        QTest::addColumn<QDate>("known");
        QTest::addColumn<bool>("written");
        QTest::newRow("known earlier") << QDate(2023, 11, 12) << false;
        QTest::newRow("known the same day") << QDate(2023, 11, 13) << false;
        QTest::newRow("known later") << QDate(2023, 11, 14) << true;
        QTest::newRow("not known") << QDate() << true;
    }

    void knownFirstDaysNeedNoRow()
    {
        QFETCH(QDate, known);
        QFETCH(bool, written);
        const QString ip = QStringLiteral("192.0.2.1");
        CommitState state;
        if (known.isValid())
            state.knownFirstDays.insert(ip, known);
        const CommitPlan planned =
            plan({withSourceNames(emailCommit(
                     1, {withSource(reportCounts(kOrg, QStringLiteral("a"), 2), ip, 2)}))},
                 state);
        QCOMPARE(planned.sourceDays.size(), 1);
        QCOMPARE(planned.sourceFirstDays.size(), written ? 1 : 0);
    }

    // docs/counting.md section 10.7: the pairs of from domain and source name are bounded by
    // limits.max_label_sets (here 2) as the label sets are, counted apart: a report that would
    // add pairs past it is refused whole; known pairs are always counted.
    void sourcePairLimit()
    {
        const auto report = [](const QString &id, const QStringList &ips) {
            ReportCounts counts = reportCounts(kOrg, id, 1);
            for (const QString &ip : ips)
                counts = withSource(counts, ip, 1);
            return counts;
        };
        const QHash<QString, QString> names{{QStringLiteral("192.0.2.1"), QStringLiteral("A")},
                                            {QStringLiteral("192.0.2.2"), QStringLiteral("B")},
                                            {QStringLiteral("192.0.2.3"), QStringLiteral("C")}};
        CommitState state;
        state.labelSets = 1;
        state.storedLabelSets.insert(kLabels);
        state.sourcePairs = 1;
        state.storedSourcePairs.insert(
            SourcePair{QStringLiteral("mydomain.de"), QStringLiteral("A")});
        StoreOptions limited = options();
        limited.maxLabelSets = 2;
        const CommitPlan planned = planCommit(
            {withSourceNames(
                 emailCommit(1, {report(QStringLiteral("a"), {QStringLiteral("192.0.2.2"),
                                                              QStringLiteral("192.0.2.3")})}),
                 names),
             withSourceNames(
                 emailCommit(2, {report(QStringLiteral("b"), {QStringLiteral("192.0.2.1"),
                                                              QStringLiteral("192.0.2.2")})}),
                 names),
             withSourceNames(
                 emailCommit(3, {report(QStringLiteral("c"), {QStringLiteral("192.0.2.3")})}),
                 names),
             withSourceNames(
                 emailCommit(4, {report(QStringLiteral("d"), {QStringLiteral("192.0.2.1"),
                                                              QStringLiteral("192.0.2.2")})}),
                 names)},
            state, kNow, limited);
        QCOMPARE(outcomesOf(planned), (Outcomes{{ReportOutcome::Malformed},
                                                {ReportOutcome::Counted},
                                                {ReportOutcome::Malformed},
                                                {ReportOutcome::Counted}}));
        QCOMPARE(planned.results.at(0).refusals.at(0).reason, Refusal::LabelSets);
        QCOMPARE(planned.results.at(0).refusals.at(0).message,
                 QStringLiteral("the store holds 1 pairs of from_domain and source and the report "
                                "would add 2 more, past 2 (limits.max_label_sets)"));
        QCOMPARE(describeAll(planned.sourceCounters),
                 (QStringList{QStringLiteral("mydomain.de/A=2,0"),
                              QStringLiteral("mydomain.de/B=2,0")}));
    }
};

QTEST_GUILESS_MAIN(TestCommitPlan)
#include "tst_commitplan.moc"
