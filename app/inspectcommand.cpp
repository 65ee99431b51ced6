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
        reports.append(QJsonObject{{QStringLiteral("source"), report.source},
                                   {QStringLiteral("org_name"), report.orgName},
                                   {QStringLiteral("report_id"), report.reportId},
                                   {QStringLiteral("begin"), date(report.dateBegin)},
                                   {QStringLiteral("end"), date(report.dateEnd)},
                                   {QStringLiteral("policy_domain"), report.policyDomain},
                                   {QStringLiteral("policy"), report.policy},
                                   {QStringLiteral("records"), double(report.records)},
                                   {QStringLiteral("messages"), double(report.messages)},
                                   {QStringLiteral("label_sets"), labelSets}});
    }
    QJsonArray failures;
    for (const PayloadFailure &failure : analysis.failures) {
        failures.append(QJsonObject{{QStringLiteral("part"), failure.part},
                                    {QStringLiteral("code"), failure.error.code},
                                    {QStringLiteral("reason"), failure.error.message}});
    }
    return QJsonObject{{QStringLiteral("file"), file},
                       {QStringLiteral("from"), analysis.fromEmail},
                       {QStringLiteral("verdict"), analysis.verdict() == EmailVerdict::Done
                                                       ? QStringLiteral("done")
                                                       : QStringLiteral("error")},
                       {QStringLiteral("invalid"), analysis.invalid()},
                       {QStringLiteral("candidates"), analysis.candidates},
                       {QStringLiteral("reports"), reports},
                       {QStringLiteral("failures"), failures}};
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
    for (const ReportCounts &report : analysis.reports) {
        out << "  report "
            << (report.reportId.isEmpty() ? QStringLiteral("(no id)") : report.reportId) << " from "
            << (report.orgName.isEmpty() ? QStringLiteral("(no org_name)") : report.orgName) << " ("
            << report.source << ")\n"
            << "    dates " << date(report.dateBegin) << " .. " << date(report.dateEnd)
            << ", policy " << report.policyDomain << " p=" << report.policy << ", "
            << report.records << " records, " << report.messages << " messages\n";
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
    for (const PayloadFailure &failure : analysis.failures)
        out << "  FAILED " << failure.part << ": [" << failure.error.code << "] "
            << failure.error.message << '\n';
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
