// A report's records summed per source while it is read (docs/counting.md section 10.1).

#include "report/reportcounter.h"

#include <QTest>

using namespace Dmarc;

namespace {

ReportRecord record(const char *ip, quint64 count, QList<DkimAuthResult> dkim,
                    QList<SpfAuthResult> spf, const char *from = "Example.COM")
{
    ReportRecord record;
    record.hasRow = true;
    record.hasPolicyEvaluated = true;
    record.sourceIp = QString::fromLatin1(ip);
    record.count = count;
    record.disposition = QStringLiteral("none");
    record.policyDkim = QStringLiteral("pass");
    record.policySpf = QStringLiteral("fail");
    record.headerFrom = QString::fromLatin1(from);
    record.dkim = std::move(dkim);
    record.spf = std::move(spf);
    return record;
}

DkimAuthResult dkim(const char *domain, const char *result)
{
    return {QString::fromLatin1(domain), QString(), QString::fromLatin1(result), QString()};
}

SpfAuthResult spf(const char *domain, const char *result)
{
    return {QString::fromLatin1(domain), QString(), QString::fromLatin1(result), QString()};
}

} // namespace

class TestReportSources : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void summedPerSource()
    {
        ReportCounter counter;
        // The same source twice: one entry.
        QVERIFY(counter.add(record("192.0.2.1", 2, {dkim("esp.example", "pass")}, {})));
        QVERIFY(counter.add(record("192.0.2.1", 3, {dkim("ESP.example.", "pass")}, {})));
        // The first passing DKIM domain, past a failing one; the first passing SPF domain.
        QVERIFY(counter.add(record("192.0.2.1", 1,
                                   {dkim("a.example", "fail"), dkim("b.example", "pass")},
                                   {spf("helo.example", "softfail"), spf("c.example", "Pass")})));
        // Another IP, as written: normalising it is the naming's work.
        QVERIFY(counter.add(record(" ::FFFF:192.0.2.1", 4, {}, {spf("c.example", "pass")})));
        // A record without <row> is not counted, so it is no source either.
        ReportRecord noRow = record("192.0.2.9", 5, {}, {});
        noRow.hasRow = false;
        QVERIFY(counter.add(noRow));

        const ReportCounts report = counter.result(ReportMetadata(), PolicyPublished());
        QCOMPARE(report.sources.size(), 3);
        const SourceCounts &first = report.sources.at(0);
        QCOMPARE(first.sourceIp, QStringLiteral("192.0.2.1"));
        QCOMPARE(first.fromDomain, QStringLiteral("example.com"));
        QCOMPARE(first.dkimDomain, QStringLiteral("esp.example"));
        QCOMPARE(first.spfDomain, QString());
        QCOMPARE(first.counters.total, 5u);
        QCOMPARE(first.counters.compliant, 5u);
        QCOMPARE(report.sources.at(1).dkimDomain, QStringLiteral("b.example"));
        QCOMPARE(report.sources.at(1).spfDomain, QStringLiteral("c.example"));
        QCOMPARE(report.sources.at(1).counters.total, 1u);
        QCOMPARE(report.sources.at(2).sourceIp, QStringLiteral(" ::FFFF:192.0.2.1"));
        QCOMPARE(report.sources.at(2).dkimDomain, QString());
        QCOMPARE(report.sources.at(2).spfDomain, QStringLiteral("c.example"));
        QCOMPARE(report.sourcesLeftOut, 0u);
    }

    // As many sources as label sets: the messages of further sources are counted, not listed.
    void boundedLikeLabelSets()
    {
        ReportCounter counter(2);
        QVERIFY(counter.add(record("192.0.2.1", 1, {}, {})));
        QVERIFY(counter.add(record("192.0.2.2", 1, {}, {})));
        QVERIFY(counter.add(record("192.0.2.3", 7, {}, {})));
        QVERIFY(counter.add(record("192.0.2.1", 2, {}, {})));
        const ReportCounts report = counter.result(ReportMetadata(), PolicyPublished());
        QCOMPARE(report.sources.size(), 2);
        QCOMPARE(report.sources.at(0).counters.total, 3u);
        QCOMPARE(report.sourcesLeftOut, 7u);
        QCOMPARE(report.messages, 11u);
    }
};

QTEST_GUILESS_MAIN(TestReportSources)
#include "tst_reportsources.moc"
