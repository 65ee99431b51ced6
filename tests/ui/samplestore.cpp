#include "samplestore.h"

#include "analysis/emailanalyzer.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QTest>

namespace Dmarc::Test {

namespace {

LabelCounts labelCounts(const QString &reporter, const QString &fromDomain,
                        const QString &dkimDomain, const QString &spfDomain, quint64 total,
                        quint64 compliant, quint64 dkimAligned, quint64 spfAligned,
                        quint64 quarantine, quint64 reject)
{
    Counters c;
    c.total = total;
    c.compliant = compliant;
    c.dkimAligned = dkimAligned;
    c.dkimPass = dkimAligned;
    c.spfAligned = spfAligned;
    c.spfPass = spfAligned;
    c.quarantine = quarantine;
    c.reject = reject;
    return LabelCounts{{reporter, fromDomain, dkimDomain, spfDomain}, c};
}

SourceLabel sampleSource(const QString &fromDomain, bool spoof)
{
    if (spoof)
        return {QStringLiteral("192.0.2.66"), QStringLiteral("unknown"), QStringLiteral("other")};
    if (fromDomain == QStringLiteral("example.com"))
        return {QStringLiteral("203.0.113.5"), QStringLiteral("office"), QStringLiteral("own")};
    if (fromDomain == QStringLiteral("example.org"))
        return {QStringLiteral("198.51.100.20"), QStringLiteral("SendGrid"), QStringLiteral("esp")};
    return {QStringLiteral("2001:db8::25"), QStringLiteral("unknown"), QStringLiteral("other")};
}

EmailCommit commitFor(const EmailAnalysis &analysis, quint32 uid)
{
    EmailCommit commit;
    commit.identity.account = QStringLiteral("sample");
    commit.identity.mailbox = QStringLiteral("INBOX");
    commit.identity.uidValidity = 1;
    commit.identity.uid = uid;
    commit.identity.digest =
        QCryptographicHash::hash(QByteArray::number(uid), QCryptographicHash::Sha256);
    commit.analysis = analysis;
    // The generated reports' sources, named as the service would; the upstream samples' are
    // not kept.
    for (const ReportCounts &report : analysis.reports) {
        QList<SourceLabel> labels;
        for (const SourceCounts &source : report.sources) {
            if (report.source == QStringLiteral("generated"))
                labels << sampleSource(source.fromDomain,
                                       source.sourceIp == QStringLiteral("192.0.2.66"));
        }
        commit.sourceLabels << labels;
    }
    return commit;
}

// One generated report for `day`: every domain, with a share failing that changes by day.
EmailAnalysis generatedReport(const QString &reporter, QDate day, QDate today, int seed)
{
    const qint64 begin = day.startOfDay(Qt::UTC).toSecsSinceEpoch();
    const quint64 base = quint64(20 + (seed * 37 + day.day() * 13) % 60);
    ReportCounts report;
    report.orgName = reporter;
    report.reportId = QStringLiteral("%1-%2").arg(reporter, day.toString(Qt::ISODate));
    report.policyDomain = QStringLiteral("example.com");
    report.policy = QStringLiteral("quarantine");
    report.source = QStringLiteral("generated");
    report.dateBegin = begin;
    report.dateEnd = begin + 86399;
    report.counts = {
        labelCounts(reporter, QStringLiteral("example.com"), QStringLiteral("example.com"),
                    QStringLiteral("example.com"), base * 3, base * 3, base * 3, base * 3 - 2, 0,
                    0),
        labelCounts(reporter, QStringLiteral("example.org"), QStringLiteral("example.org"),
                    QStringLiteral("mail.example.org"), base, base - 2, base - 2, base - 5, 2, 0),
        labelCounts(reporter, QStringLiteral("shop.example.net"),
                    QStringLiteral("shop.example.net"), QStringLiteral("esp.example"), base / 2,
                    base / 3, base / 3, 0, 0, base / 2 - base / 3),
    };
    // A spoofing source shows up in the last week.
    if (day >= today.addDays(-6) && seed % 2 == 0)
        report.counts.append(labelCounts(
            reporter, QStringLiteral("example.com"), QStringLiteral("spoof.example"),
            QStringLiteral("spoof.example"), base / 4 + 1, 0, 0, 0, base / 8, base / 8 + 1));
    for (const LabelCounts &counts : std::as_const(report.counts)) {
        report.records += 1;
        report.messages += counts.counters.total;
        // Each label set from a source of its own (sampleSource()).
        const LabelSet &labels = counts.labels;
        const bool spoof = labels.dkimDomain == QStringLiteral("spoof.example");
        report.sources << SourceCounts{sampleSource(labels.fromDomain, spoof).ip, labels.fromDomain,
                                       spoof ? QString() : labels.dkimDomain,
                                       spoof || counts.counters.spfAligned == 0 ? QString()
                                                                                : labels.spfDomain,
                                       counts.counters};
    }
    EmailAnalysis analysis;
    analysis.fromEmail = QStringLiteral("noreply-dmarc@%1").arg(reporter.toLower());
    analysis.candidates = 1;
    analysis.reports = {report};
    return analysis;
}

// One generated SMTP TLS report for `day`, and with it, on some days, a failure report: sts
// sessions for example.com (failures in the last week) and example.org, and Microsoft's habit
// of counting the same sessions under tlsa too.
EmailAnalysis generatedTlsReport(const QString &reporter, QDate day, QDate today, int seed)
{
    TlsReport report;
    report.organizationName = reporter;
    report.reportId = QStringLiteral("tls-%1-%2").arg(reporter, day.toString(Qt::ISODate));
    report.dateBegin = day.startOfDay(Qt::UTC).toSecsSinceEpoch();
    report.dateEnd = report.dateBegin + 86399;
    const quint64 failed = day >= today.addDays(-6) ? quint64(3 + (seed * 7) % 11) : 0;
    TlsPolicyCounts com{QStringLiteral("example.com"),
                        QStringLiteral("sts"),
                        quint64(600 + (seed * 53) % 300),
                        failed,
                        {}};
    if (failed > 0)
        com.failures = {{QStringLiteral("certificate-expired"), failed - failed / 3},
                        {QStringLiteral("starttls-not-supported"), failed / 3}};
    report.policies = {com, TlsPolicyCounts{QStringLiteral("example.org"),
                                            QStringLiteral("sts"),
                                            quint64(200 + (seed * 31) % 100),
                                            0,
                                            {}}};
    if (reporter == QStringLiteral("Microsoft")) {
        com.policyType = QStringLiteral("tlsa");
        report.policies.append(com);
    }
    EmailAnalysis analysis;
    analysis.fromEmail = QStringLiteral("tlsrpt@%1").arg(reporter.toLower());
    analysis.candidates = 1;
    analysis.tlsReports = {report};
    if (seed % 4 == 0) {
        analysis.failureReports = {FailureReport{
            QStringLiteral("example.com"), QStringLiteral("dmarc"), QStringLiteral("none"),
            QStringLiteral("reject"), QStringLiteral("part 2")}};
        analysis.candidates += 1;
    }
    return analysis;
}

} // namespace

std::unique_ptr<Store> openSampleStore(const QString &directory, QDate today)
{
    auto opened = Store::open(directory);
    if (!opened) {
        QTest::qFail(qPrintable(opened.error().message), __FILE__, __LINE__);
        return nullptr;
    }
    std::unique_ptr<Store> store = std::move(opened).value();

    QList<EmailCommit> batch;
    quint32 uid = 1;
    const QDir upstream(QStringLiteral(DMARC_TEST_DATA_DIR "/upstream"));
    for (const QString &name :
         upstream.entryList({QStringLiteral("*.eml")}, QDir::Files, QDir::Name)) {
        QFile file(upstream.filePath(name));
        if (!file.open(QIODevice::ReadOnly))
            continue;
        batch.append(commitFor(analyzeEmail(file.readAll(), PayloadLimits{}), uid++));
    }
    const QStringList reporters{QStringLiteral("google.com"), QStringLiteral("Yahoo"),
                                QStringLiteral("Outlook.com"), QStringLiteral("Mail.Ru")};
    for (int back = 29; back >= 0; --back) {
        const QDate day = today.addDays(-back);
        for (int r = 0; r < reporters.size(); ++r) {
            if ((back + r) % 3 != 2) // not every reporter reports every day
                batch.append(
                    commitFor(generatedReport(reporters.at(r), day, today, back + r), uid++));
        }
        for (const QString &tlsReporter :
             {QStringLiteral("Google Inc."), QStringLiteral("Microsoft")})
            batch.append(commitFor(generatedTlsReport(tlsReporter, day, today, back), uid++));
    }
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    if (auto committed = store->commit(batch, now); !committed) {
        QTest::qFail(qPrintable(committed.error().message), __FILE__, __LINE__);
        return nullptr;
    }
    // What reverse DNS found for SendGrid's address.
    const PtrRecord ptr{QStringLiteral("198.51.100.20"), QStringLiteral("name"),
                        QStringLiteral("o1.ptr1234.sendgrid.net"), now + 7 * 24 * 3600};
    if (auto kept = store->keepPtrRecords({ptr}); !kept) {
        QTest::qFail(qPrintable(kept.error().message), __FILE__, __LINE__);
        return nullptr;
    }
    return store;
}

} // namespace Dmarc::Test
