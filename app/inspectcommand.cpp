#include "inspectcommand.h"

#include "analysis/emailanalyzer.h"
#include "commands.h"
#include "config/config.h"
#include "jsonwriter.h"
#include "service/ptrlookups.h"
#include "sources/sourceip.h"
#include "sources/sourcenamer.h"

#include <QDateTime>
#include <QEventLoop>
#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QTextStream>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <utility>

namespace Dmarc::App {

namespace {

QString date(qint64 secs)
{
    return secs > 0 ? QDateTime::fromSecsSinceEpoch(secs, Qt::UTC).toString(Qt::ISODate)
                    : QStringLiteral("-");
}

// What deduplication would make of each report, as far as this run can know: a report whose
// reporter and id came earlier among the files inspected would be a duplicate (docs/counting.md
// section 4; TLS reports in a namespace of their own). One without an id always counts.
class SeenReports
{
public:
    // The file that held the same report before, or an empty string when it would count.
    QString earlierFile(ReportKind kind, const QString &reporter, const QString &reportId,
                        const QString &file)
    {
        if (reportId.isEmpty())
            return QString();
        const QString key = QString::number(int(kind)) + QLatin1Char('\n') + reporter +
                            QLatin1Char('\n') + reportId;
        const auto found = m_firstFile.constFind(key);
        if (found != m_firstFile.cend())
            return *found;
        m_firstFile.insert(key, file);
        return QString();
    }

private:
    QHash<QString, QString> m_firstFile;
};

// One file: what the analysis found, and for each report the earlier file that would make it a
// duplicate (empty when it would count).
struct Inspection
{
    QString file;
    EmailAnalysis analysis;
    QStringList duplicateOf;    // per analysis.reports
    QStringList tlsDuplicateOf; // per analysis.tlsReports

    Inspection(QString name, EmailAnalysis result, SeenReports &seen)
        : file(std::move(name))
        , analysis(std::move(result))
    {
        for (const ReportCounts &report : analysis.reports)
            duplicateOf << seen.earlierFile(ReportKind::Aggregate, report.orgName, report.reportId,
                                            file);
        for (const TlsReport &report : analysis.tlsReports)
            tlsDuplicateOf << seen.earlierFile(ReportKind::Tls, report.organizationName,
                                               report.reportId, file);
    }

    qsizetype duplicates() const
    {
        const auto isDuplicate = [](const QString &earlier) { return !earlier.isEmpty(); };
        return std::count_if(duplicateOf.cbegin(), duplicateOf.cend(), isDuplicate) +
               std::count_if(tlsDuplicateOf.cbegin(), tlsDuplicateOf.cend(), isDuplicate);
    }
    qsizetype wouldCount() const
    {
        return analysis.reports.size() + analysis.tlsReports.size() +
               analysis.failureReports.size() - duplicates();
    }
};

// The invalid-report counters the email would add one to (docs/counting.md section 8.4).
QStringList invalidFamilies(const EmailAnalysis &analysis)
{
    QStringList families;
    if (analysis.invalidDmarc())
        families << QStringLiteral("dmarc_invalid_reports_total");
    if (analysis.invalidTls())
        families << QStringLiteral("tlsrpt_invalid_reports_total");
    return families;
}

QString reportOutcome(const QString &duplicateOf)
{
    return duplicateOf.isEmpty() ? QStringLiteral("would count")
                                 : QStringLiteral("would be a duplicate");
}

// The file's fate in one phrase: what importing it (or receiving it by email) would do.
QString fileOutcome(const Inspection &inspection)
{
    const EmailAnalysis &analysis = inspection.analysis;
    if (analysis.candidates == 0 && analysis.failures.isEmpty()) {
        const QString reason = analysis.noReportReason();
        return QStringLiteral("would be invalid: no report attachment found") +
               (reason.isEmpty() ? QString() : QStringLiteral(" (") + reason + QLatin1Char(')'));
    }
    if (!analysis.failures.isEmpty())
        return QStringLiteral("would be invalid: ") + analysis.failures.constFirst().error.message;
    const qsizetype counted = inspection.wouldCount();
    const qsizetype duplicates = inspection.duplicates();
    if (counted == 0)
        return QStringLiteral("would be a duplicate");
    QString outcome = QStringLiteral("would count %1 report%2")
                          .arg(counted)
                          .arg(counted == 1 ? QString() : QStringLiteral("s"));
    if (duplicates > 0)
        outcome += QStringLiteral("; %1 would be a duplicate").arg(duplicates);
    return outcome;
}

// How inspect names a rule of docs/counting.md section 10.2.
QString ruleName(SourceRule rule)
{
    switch (rule) {
    case SourceRule::OwnClass:
        return QStringLiteral("class");
    case SourceRule::ReverseDns:
        return QStringLiteral("reverse_dns");
    case SourceRule::Signature:
        return QStringLiteral("signature");
    case SourceRule::Unknown:
        break;
    }
    return QStringLiteral("unknown");
}

// How inspect names sources: the rules of docs/counting.md section 10.2, with the PTR names the
// lookups learnt when reverse DNS is on.
struct Naming
{
    const SourceNamer &namer;
    const PtrLookups *ptrs; // null when reverse DNS is off
};

// One source of a report as inspect shows it: the IP normalised, its PTR name, and its name.
struct NamedSource
{
    QString ip;
    QString ptr;
    SourceName name;

    NamedSource(const SourceCounts &source, const Naming &naming)
        : ip(normalizeSourceIp(source.sourceIp))
        , ptr(naming.ptrs && !ip.isEmpty() ? naming.ptrs->knownPtr(ip) : QString())
        , name(naming.namer.name({ip, source.fromDomain, source.dkimDomain, source.spfDomain, ptr}))
    {}
};

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

// Opens a report's object with what every kind of report has: where it was, who sent it, its
// id and dates, what it would become, what was recovered.
template<typename Report>
void beginReport(JsonWriter &json, const Report &report, const QString &reporterKey,
                 const QString &reporter, const QString &duplicateOf)
{
    json.beginObject();
    json.value(QStringLiteral("source"), report.source);
    json.value(reporterKey, reporter);
    json.value(QStringLiteral("report_id"), report.reportId);
    json.value(QStringLiteral("begin"), date(report.dateBegin));
    json.value(QStringLiteral("end"), date(report.dateEnd));
    json.value(QStringLiteral("outcome"), reportOutcome(duplicateOf));
    if (!duplicateOf.isEmpty())
        json.value(QStringLiteral("duplicate_of"), duplicateOf);
    json.value(QStringLiteral("notes"), QJsonArray::fromStringList(report.notes));
}

void writeSources(JsonWriter &json, const ReportCounts &report, const Naming &naming)
{
    json.beginArray(QStringLiteral("sources"));
    for (const SourceCounts &source : report.sources) {
        const NamedSource named(source, naming);
        QJsonObject object{{QStringLiteral("source_ip"), named.ip},
                           {QStringLiteral("source_ip_as_written"), source.sourceIp},
                           {QStringLiteral("from_domain"), source.fromDomain},
                           {QStringLiteral("dkim_pass_domain"), source.dkimDomain},
                           {QStringLiteral("spf_pass_domain"), source.spfDomain},
                           {QStringLiteral("source"), named.name.name},
                           {QStringLiteral("type"), sourceTypeName(named.name.type)},
                           {QStringLiteral("named_by"), ruleName(named.name.rule)},
                           {QStringLiteral("domain"), named.name.domain},
                           {QStringLiteral("messages"), double(source.counters.total)},
                           {QStringLiteral("compliant"), double(source.counters.compliant)}};
        if (naming.ptrs)
            object.insert(QStringLiteral("ptr"), named.ptr);
        json.value(object);
    }
    json.end();
    json.value(QStringLiteral("sources_left_out_messages"), double(report.sourcesLeftOut));
}

void writeReport(JsonWriter &json, const ReportCounts &report, const QString &duplicateOf,
                 const Naming &naming)
{
    beginReport(json, report, QStringLiteral("org_name"), report.orgName, duplicateOf);
    json.value(QStringLiteral("policy_domain"), report.policyDomain);
    json.value(QStringLiteral("policy"), report.policy);
    json.value(QStringLiteral("records"), double(report.records));
    json.value(QStringLiteral("messages"), double(report.messages));
    // The long part, one label set at a time.
    json.beginArray(QStringLiteral("label_sets"));
    for (const LabelCounts &counts : report.counts) {
        json.value(QJsonObject{{QStringLiteral("reporter"), counts.labels.reporter},
                               {QStringLiteral("from_domain"), counts.labels.fromDomain},
                               {QStringLiteral("dkim_domain"), counts.labels.dkimDomain},
                               {QStringLiteral("spf_domain"), counts.labels.spfDomain},
                               {QStringLiteral("counters"), countersJson(counts.counters)}});
    }
    json.end();
    writeSources(json, report, naming);
    json.end();
}

void writeTlsReport(JsonWriter &json, const TlsReport &report, const QString &duplicateOf)
{
    beginReport(json, report, QStringLiteral("organization_name"), report.organizationName,
                duplicateOf);
    json.beginArray(QStringLiteral("policies"));
    for (const TlsPolicyCounts &policy : report.policies) {
        QJsonObject failures;
        for (const TlsFailureCount &failure : policy.failures)
            failures.insert(failure.resultType, double(failure.sessions));
        json.value(
            QJsonObject{{QStringLiteral("policy_domain"), policy.policyDomain},
                        {QStringLiteral("policy_type"), policy.policyType},
                        {QStringLiteral("successful_sessions"), double(policy.successfulSessions)},
                        {QStringLiteral("failed_sessions"), double(policy.failedSessions)},
                        {QStringLiteral("failure_details"), failures}});
    }
    json.end();
    json.end();
}

void writeJson(JsonWriter &json, const Inspection &inspection, const Naming &naming)
{
    const EmailAnalysis &analysis = inspection.analysis;
    json.beginObject();
    json.value(QStringLiteral("file"), inspection.file);
    json.value(QStringLiteral("from"), analysis.fromEmail);
    json.value(QStringLiteral("verdict"), analysis.verdict() == EmailVerdict::Done
                                              ? QStringLiteral("done")
                                              : QStringLiteral("error"));
    json.value(QStringLiteral("outcome"), fileOutcome(inspection));
    json.value(QStringLiteral("invalid"), analysis.invalid());
    json.value(QStringLiteral("candidates"), analysis.candidates);
    json.value(QStringLiteral("invalid_counters"),
               QJsonArray::fromStringList(invalidFamilies(analysis)));
    json.beginArray(QStringLiteral("failures"));
    for (const PayloadFailure &failure : analysis.failures) {
        json.value(QJsonObject{{QStringLiteral("part"), failure.part},
                               {QStringLiteral("kind"), outcomeName(failure.kind)},
                               {QStringLiteral("code"), failure.error.code},
                               {QStringLiteral("reason"), failure.error.message}});
    }
    json.end();
    json.beginArray(QStringLiteral("failure_reports"));
    for (const FailureReport &report : analysis.failureReports) {
        json.value(QJsonObject{{QStringLiteral("source"), report.source},
                               {QStringLiteral("reported_domain"), report.reportedDomain},
                               {QStringLiteral("auth_failure"), report.authFailure},
                               {QStringLiteral("identity_alignment"), report.identityAlignment},
                               {QStringLiteral("delivery_result"), report.deliveryResult}});
    }
    json.end();
    json.beginArray(QStringLiteral("tls_reports"));
    for (qsizetype i = 0; i < analysis.tlsReports.size(); ++i)
        writeTlsReport(json, analysis.tlsReports.at(i), inspection.tlsDuplicateOf.at(i));
    json.end();
    json.beginArray(QStringLiteral("reports"));
    for (qsizetype i = 0; i < analysis.reports.size(); ++i)
        writeReport(json, analysis.reports.at(i), inspection.duplicateOf.at(i), naming);
    json.end();
    json.end();
}

void printNotes(QTextStream &out, const QStringList &notes)
{
    for (const QString &note : notes)
        out << "    recovered: " << note << '\n';
}

QString duplicateText(const QString &duplicateOf)
{
    return duplicateOf.isEmpty()
               ? reportOutcome(duplicateOf)
               : reportOutcome(duplicateOf) + QStringLiteral(" of the one in ") + duplicateOf;
}

void printTlsReport(QTextStream &out, const TlsReport &report, const QString &duplicateOf)
{
    out << "  TLS report "
        << (report.reportId.isEmpty() ? QStringLiteral("(no id)") : report.reportId) << " from "
        << (report.organizationName.isEmpty() ? QStringLiteral("(no organization-name)")
                                              : report.organizationName)
        << " (" << report.source << "): " << duplicateText(duplicateOf) << '\n'
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

void printSources(QTextStream &out, const ReportCounts &report, const Naming &naming)
{
    for (const SourceCounts &source : report.sources) {
        const NamedSource named(source, naming);
        out << "    source_ip=\"" << named.ip << '"';
        if (named.ip != source.sourceIp)
            out << " (written \"" << source.sourceIp << "\")";
        if (naming.ptrs)
            out << " ptr=\"" << named.ptr << '"';
        out << " from_domain=\"" << source.fromDomain << "\" dkim_pass_domain=\""
            << source.dkimDomain << "\" spf_pass_domain=\"" << source.spfDomain << "\"\n"
            << "      source=\"" << named.name.name << "\" type=" << sourceTypeName(named.name.type)
            << " named_by=" << ruleName(named.name.rule);
        if (!named.name.domain.isEmpty())
            out << " domain=" << named.name.domain;
        out << " messages=" << source.counters.total << " compliant=" << source.counters.compliant
            << '\n';
    }
    if (report.sourcesLeftOut > 0)
        out << "    further sources not listed: " << report.sourcesLeftOut << " messages\n";
}

void printText(QTextStream &out, const Inspection &inspection, const Naming &naming)
{
    const EmailAnalysis &analysis = inspection.analysis;
    out << inspection.file << ": " << fileOutcome(inspection) << '\n';
    if (!analysis.fromEmail.isEmpty())
        out << "  from: " << analysis.fromEmail << '\n';
    if (analysis.invalid())
        out << "  would add 1 to: " << invalidFamilies(analysis).join(QStringLiteral(", ")) << '\n';
    for (qsizetype i = 0; i < analysis.reports.size(); ++i) {
        const ReportCounts &report = analysis.reports.at(i);
        out << "  report "
            << (report.reportId.isEmpty() ? QStringLiteral("(no id)") : report.reportId) << " from "
            << (report.orgName.isEmpty() ? QStringLiteral("(no org_name)") : report.orgName) << " ("
            << report.source << "): " << duplicateText(inspection.duplicateOf.at(i)) << '\n'
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
        printSources(out, report, naming);
    }
    for (qsizetype i = 0; i < analysis.tlsReports.size(); ++i)
        printTlsReport(out, analysis.tlsReports.at(i), inspection.tlsDuplicateOf.at(i));
    for (const FailureReport &report : analysis.failureReports) {
        out << "  failure report (" << report.source << "): would count\n"
            << "    reported_domain=\"" << report.reportedDomain << "\" auth_failure=\""
            << report.authFailure << "\" identity_alignment=\"" << report.identityAlignment
            << "\" delivery_result=\"" << report.deliveryResult << "\"\n";
    }
    for (const PayloadFailure &failure : analysis.failures)
        out << "  FAILED " << failure.part << ": [" << failure.error.code << "] "
            << (failure.kind == ReportKind::Tls ? "TLS report: " : "") << failure.error.message
            << '\n';
}

// Asks for the PTR names of the analysis' sources and waits for every answer.
void lookUpPtrs(PtrLookups &ptrs, const EmailAnalysis &analysis)
{
    QEventLoop loop;
    bool answered = false;
    ptrs.lookUp(&loop, sourceIps({analysis}), [&] {
        answered = true;
        loop.quit();
    });
    if (!answered)
        loop.exec();
}

} // namespace

int runInspect(const QStringList &paths, bool json, const QString &configurationPath)
{
    SourceSettings sources;
    // Without a configuration inspect asks no DNS; with one, as the exporter would.
    ReverseDnsSettings reverseDns;
    reverseDns.enabled = false;
    if (!configurationPath.isEmpty()) {
        const auto config = loadConfig(configurationPath, systemEnvironment());
        if (!config) {
            QTextStream(stderr) << "inspect: " << config.error().message << '\n';
            return 2;
        }
        sources = config->sources;
        reverseDns = config->reverseDns;
    }
    const auto namer = SourceNamer::fromSettings(sources);
    if (!namer) {
        QTextStream(stderr) << "inspect: cannot name sources: " << namer.error().message << '\n';
        return 2;
    }
    // Every answer is waited for: the queue drains maxInFlight at a time, each within the timeout.
    reverseDns.commitWait =
        reverseDns.timeout * (reverseDns.maxQueued / reverseDns.maxInFlight + 1);
    PtrLookups ptrs;
    if (const auto started = ptrs.apply(reverseDns); !started) {
        QTextStream(stderr) << "inspect: " << started.error().message << '\n';
        return 2;
    }
    const Naming naming{*namer, ptrs.isOn() ? &ptrs : nullptr};
    bool allFine = true;
    const QStringList files = collectReportFiles("inspect", paths, &allFine);
    allFine = allFine && !files.isEmpty();
    QTextStream out(stdout);
    std::optional<JsonWriter> writer;
    if (json) { // a list, even an empty one
        writer.emplace(stdout);
        writer->beginArray();
    }
    SeenReports seen;
    for (const QString &file : files) {
        QFile input(file);
        if (!input.open(QIODevice::ReadOnly)) {
            QTextStream(stderr) << "inspect: cannot read " << file << ": " << input.errorString()
                                << '\n';
            allFine = false;
            continue;
        }
        const Inspection inspection(file, analyzeFile(input.readAll(), file, PayloadLimits()),
                                    seen);
        allFine = allFine && !inspection.analysis.invalid();
        if (ptrs.isOn())
            lookUpPtrs(ptrs, inspection.analysis);
        if (writer)
            writeJson(*writer, inspection, naming);
        else
            printText(out, inspection, naming);
    }
    if (writer)
        writer->end();
    return allFine ? 0 : 1;
}

} // namespace Dmarc::App
