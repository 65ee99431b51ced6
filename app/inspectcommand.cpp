#include "inspectcommand.h"

#include "analysis/emailanalyzer.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

namespace Dmarc::App {

namespace {

QString date(qint64 secs)
{
    return secs > 0 ? QDateTime::fromSecsSinceEpoch(secs, Qt::UTC).toString(Qt::ISODate)
                    : QStringLiteral("-");
}

QJsonObject countersJson(const Counters &c)
{
    return QJsonObject{{QStringLiteral("total"), double(c.total)},
                       {QStringLiteral("compliant"), double(c.compliant)},
                       {QStringLiteral("quarantine"), double(c.quarantine)},
                       {QStringLiteral("reject"), double(c.reject)},
                       {QStringLiteral("spf_aligned"), double(c.spfAligned)},
                       {QStringLiteral("spf_pass"), double(c.spfPass)},
                       {QStringLiteral("dkim_aligned"), double(c.dkimAligned)},
                       {QStringLiteral("dkim_pass"), double(c.dkimPass)}};
}

QJsonObject tlsReportJson(const TlsReport &report)
{
    QJsonArray policies;
    for (const TlsPolicyCounts &policy : report.policies) {
        QJsonObject failures;
        for (const TlsFailureCount &failure : policy.failures)
            failures.insert(failure.resultType, double(failure.sessions));
        policies.append(
            QJsonObject{{QStringLiteral("policy_domain"), policy.policyDomain},
                        {QStringLiteral("policy_type"), policy.policyType},
                        {QStringLiteral("successful_sessions"), double(policy.successfulSessions)},
                        {QStringLiteral("failed_sessions"), double(policy.failedSessions)},
                        {QStringLiteral("failure_details"), failures}});
    }
    return QJsonObject{{QStringLiteral("source"), report.source},
                       {QStringLiteral("organization_name"), report.organizationName},
                       {QStringLiteral("report_id"), report.reportId},
                       {QStringLiteral("begin"), date(report.dateBegin)},
                       {QStringLiteral("end"), date(report.dateEnd)},
                       {QStringLiteral("policies"), policies},
                       {QStringLiteral("notes"), QJsonArray::fromStringList(report.notes)}};
}

QJsonObject failureReportJson(const FailureReport &report)
{
    return QJsonObject{{QStringLiteral("source"), report.source},
                       {QStringLiteral("reported_domain"), report.reportedDomain},
                       {QStringLiteral("auth_failure"), report.authFailure},
                       {QStringLiteral("identity_alignment"), report.identityAlignment},
                       {QStringLiteral("delivery_result"), report.deliveryResult}};
}

// The invalid-report counters the email adds one to (docs/counting.md section 8.4).
QStringList invalidFamilies(const EmailAnalysis &analysis)
{
    QStringList families;
    if (analysis.invalidDmarc())
        families << QStringLiteral("dmarc_invalid_reports_total");
    if (analysis.invalidTls())
        families << QStringLiteral("tlsrpt_invalid_reports_total");
    return families;
}

QJsonObject analysisJson(const QString &file, const EmailAnalysis &analysis)
{
    QJsonArray reports;
    for (const ReportCounts &report : analysis.reports) {
        QJsonArray labelSets;
        for (const LabelCounts &counts : report.counts) {
            labelSets.append(
                QJsonObject{{QStringLiteral("reporter"), counts.labels.reporter},
                            {QStringLiteral("from_domain"), counts.labels.fromDomain},
                            {QStringLiteral("dkim_domain"), counts.labels.dkimDomain},
                            {QStringLiteral("spf_domain"), counts.labels.spfDomain},
                            {QStringLiteral("counters"), countersJson(counts.counters)}});
        }
        reports.append(
            QJsonObject{{QStringLiteral("source"), report.source},
                        {QStringLiteral("org_name"), report.orgName},
                        {QStringLiteral("report_id"), report.reportId},
                        {QStringLiteral("begin"), date(report.dateBegin)},
                        {QStringLiteral("end"), date(report.dateEnd)},
                        {QStringLiteral("policy_domain"), report.policyDomain},
                        {QStringLiteral("policy"), report.policy},
                        {QStringLiteral("records"), double(report.records)},
                        {QStringLiteral("messages"), double(report.messages)},
                        {QStringLiteral("label_sets"), labelSets},
                        {QStringLiteral("notes"), QJsonArray::fromStringList(report.notes)}});
    }
    QJsonArray tlsReports;
    for (const TlsReport &report : analysis.tlsReports)
        tlsReports.append(tlsReportJson(report));
    QJsonArray failureReports;
    for (const FailureReport &report : analysis.failureReports)
        failureReports.append(failureReportJson(report));
    QJsonArray failures;
    for (const PayloadFailure &failure : analysis.failures) {
        failures.append(QJsonObject{{QStringLiteral("part"), failure.part},
                                    {QStringLiteral("kind"), outcomeName(failure.kind)},
                                    {QStringLiteral("code"), failure.error.code},
                                    {QStringLiteral("reason"), failure.error.message}});
    }
    return QJsonObject{
        {QStringLiteral("file"), file},
        {QStringLiteral("from"), analysis.fromEmail},
        {QStringLiteral("verdict"), analysis.verdict() == EmailVerdict::Done
                                        ? QStringLiteral("done")
                                        : QStringLiteral("error")},
        {QStringLiteral("invalid"), analysis.invalid()},
        {QStringLiteral("candidates"), analysis.candidates},
        {QStringLiteral("invalid_counters"), QJsonArray::fromStringList(invalidFamilies(analysis))},
        {QStringLiteral("reports"), reports},
        {QStringLiteral("tls_reports"), tlsReports},
        {QStringLiteral("failure_reports"), failureReports},
        {QStringLiteral("failures"), failures}};
}

void printNotes(QTextStream &out, const QStringList &notes)
{
    for (const QString &note : notes)
        out << "    recovered: " << note << '\n';
}

void printTlsReport(QTextStream &out, const TlsReport &report)
{
    out << "  TLS report "
        << (report.reportId.isEmpty() ? QStringLiteral("(no id)") : report.reportId) << " from "
        << (report.organizationName.isEmpty() ? QStringLiteral("(no organization-name)")
                                              : report.organizationName)
        << " (" << report.source << ")\n"
        << "    dates " << date(report.dateBegin) << " .. " << date(report.dateEnd) << '\n';
    printNotes(out, report.notes);
    for (const TlsPolicyCounts &policy : report.policies) {
        out << "    reporter=\"" << report.organizationName << "\" policy_domain=\""
            << policy.policyDomain << "\" policy_type=\"" << policy.policyType << "\"\n"
            << "      successful=" << policy.successfulSessions
            << " failed=" << policy.failedSessions << '\n';
        for (const TlsFailureCount &failure : policy.failures)
            out << "      result_type=\"" << failure.resultType << "\" " << failure.sessions
                << '\n';
    }
}

void printText(QTextStream &out, const QString &file, const EmailAnalysis &analysis)
{
    out << file << ": "
        << (analysis.verdict() == EmailVerdict::Done ? "done" : "error (counted as invalid)")
        << '\n';
    if (!analysis.fromEmail.isEmpty())
        out << "  from: " << analysis.fromEmail << '\n';
    if (analysis.candidates == 0 && analysis.failures.isEmpty())
        out << "  no report attachment found\n";
    else if (analysis.invalid())
        out << "  counted as invalid on: " << invalidFamilies(analysis).join(QStringLiteral(", "))
            << '\n';
    for (const ReportCounts &report : analysis.reports) {
        out << "  report "
            << (report.reportId.isEmpty() ? QStringLiteral("(no id)") : report.reportId) << " from "
            << (report.orgName.isEmpty() ? QStringLiteral("(no org_name)") : report.orgName) << " ("
            << report.source << ")\n"
            << "    dates " << date(report.dateBegin) << " .. " << date(report.dateEnd)
            << ", policy " << report.policyDomain << " p=" << report.policy << ", "
            << report.records << " records, " << report.messages << " messages\n";
        printNotes(out, report.notes);
        for (const LabelCounts &counts : report.counts) {
            const Counters &c = counts.counters;
            out << "    reporter=\"" << counts.labels.reporter << "\" from_domain=\""
                << counts.labels.fromDomain << "\" dkim_domain=\"" << counts.labels.dkimDomain
                << "\" spf_domain=\"" << counts.labels.spfDomain << "\"\n"
                << "      total=" << c.total << " compliant=" << c.compliant
                << " quarantine=" << c.quarantine << " reject=" << c.reject
                << " spf_aligned=" << c.spfAligned << " spf_pass=" << c.spfPass
                << " dkim_aligned=" << c.dkimAligned << " dkim_pass=" << c.dkimPass << '\n';
        }
    }
    for (const TlsReport &report : analysis.tlsReports)
        printTlsReport(out, report);
    for (const FailureReport &report : analysis.failureReports) {
        out << "  failure report (" << report.source << ")\n"
            << "    reported_domain=\"" << report.reportedDomain << "\" auth_failure=\""
            << report.authFailure << "\" identity_alignment=\"" << report.identityAlignment
            << "\" delivery_result=\"" << report.deliveryResult << "\"\n";
    }
    for (const PayloadFailure &failure : analysis.failures)
        out << "  FAILED " << failure.part << ": [" << failure.error.code << "] "
            << (failure.kind == ReportKind::Tls ? "TLS report: " : "") << failure.error.message
            << '\n';
}

} // namespace

int runInspect(const QStringList &files, bool json)
{
    QTextStream out(stdout);
    QJsonArray results;
    bool allParsed = true;
    for (const QString &file : files) {
        QFile input(file);
        if (!input.open(QIODevice::ReadOnly)) {
            QTextStream(stderr) << "inspect: cannot read " << file << ": " << input.errorString()
                                << '\n';
            allParsed = false;
            continue;
        }
        const EmailAnalysis analysis = analyzeFile(input.readAll(), file, PayloadLimits());
        allParsed = allParsed && !analysis.invalid();
        if (json)
            results.append(analysisJson(file, analysis));
        else
            printText(out, file, analysis);
    }
    if (json)
        out << QJsonDocument(results).toJson(QJsonDocument::Indented);
    return allParsed ? 0 : 1;
}

} // namespace Dmarc::App
