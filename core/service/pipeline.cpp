#include "pipeline.h"

#include "analysis/emailanalyzer.h"
#include "common/log.h"
#include "common/logging.h"
#include "metrics/metricsregistry.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QSet>

namespace Dmarc {

namespace {

// What a counted TLS report adds (docs/counting.md section 8.6): both session counters of each
// policy, zeros included, its failure details, and one report per distinct policy domain.
void recordTlsReport(MetricsRegistry &metrics, const TlsReport &report)
{
    QSet<QString> domains;
    for (const TlsPolicyCounts &policy : report.policies) {
        const QStringList labels{report.organizationName, policy.policyDomain, policy.policyType};
        metrics.addToFamily(ReportFamily::TlsSuccessfulSessions, labels, policy.successfulSessions);
        metrics.addToFamily(ReportFamily::TlsFailedSessions, labels, policy.failedSessions);
        for (const TlsFailureCount &failure : policy.failures) {
            metrics.addToFamily(ReportFamily::TlsFailureDetailSessions,
                                labels + QStringList{failure.resultType}, failure.sessions);
        }
        if (!domains.contains(policy.policyDomain)) {
            domains.insert(policy.policyDomain);
            metrics.addToFamily(ReportFamily::TlsReports,
                                {report.organizationName, policy.policyDomain});
        }
    }
}

} // namespace

void recordCommitted(MetricsRegistry &metrics, const EmailCommit &commit,
                     const EmailCommitResult &result)
{
    if (result.alreadyDecided)
        return;
    const EmailAnalysis &analysis = commit.analysis;
    metrics.countEmails(result.verdict);
    for (qsizetype r = 0; r < result.reports.size() && r < analysis.reports.size(); ++r) {
        metrics.countReports(result.reports.at(r));
        if (result.reports.at(r) != ReportOutcome::Counted)
            continue;
        const ReportCounts &report = analysis.reports.at(r);
        for (const LabelCounts &counts : report.counts)
            metrics.addCounts(counts.labels, counts.counters);
        // docs/counting.md section 10.7: both families for every pair, zeros included.
        const QList<SourceLabel> labels = commit.sourceLabels.value(r);
        for (qsizetype i = 0; i < report.sources.size() && i < labels.size(); ++i) {
            const SourceCounts &source = report.sources.at(i);
            const QStringList pair{source.fromDomain, labels.at(i).name};
            metrics.addToFamily(ReportFamily::SourceMessages, pair, source.counters.total);
            metrics.addToFamily(ReportFamily::SourceCompliant, pair, source.counters.compliant);
        }
    }
    for (qsizetype r = 0; r < result.tlsReports.size() && r < analysis.tlsReports.size(); ++r) {
        metrics.countReports(result.tlsReports.at(r));
        if (result.tlsReports.at(r) == ReportOutcome::Counted)
            recordTlsReport(metrics, analysis.tlsReports.at(r));
    }
    for (const FailureReport &report : analysis.failureReports) {
        metrics.addToFamily(ReportFamily::FailureReports,
                            {report.reportedDomain, report.authFailure, report.identityAlignment,
                             report.deliveryResult});
    }
    if (!analysis.failures.isEmpty())
        metrics.countReports(ReportOutcome::Malformed, quint64(analysis.failures.size()));
    // Refused by the analysis (a report's own limit) or by the commit (docs/counting.md 9).
    for (const PayloadFailure &failure : analysis.failures) {
        if (const std::optional<Refusal> reason = refusalFromName(failure.error.code))
            metrics.countRefused(*reason);
    }
    for (const ReportRefusal &refusal : result.refusals)
        metrics.countRefused(refusal.reason);
    // Once per family per email (docs/counting.md section 8.4), as the store counts them.
    if (result.invalidDmarc)
        metrics.addInvalidReport(analysis.fromEmail);
    if (analysis.invalidTls())
        metrics.addToFamily(ReportFamily::TlsInvalidReports, {analysis.fromEmail});
}

Pipeline::Pipeline(Store *store, MetricsRegistry *metrics, const PayloadLimits &limits,
                   SourceNaming naming)
    : m_store(store)
    , m_metrics(metrics)
    , m_limits(limits)
    , m_naming(std::move(naming))
{}

EmailAnalysis Pipeline::analyze(const IncomingEmail &email) const
{
    if (email.oversized) {
        EmailAnalysis analysis;
        analysis.failures.append(
            PayloadFailure{QStringLiteral("email"),
                           Error{QStringLiteral("too_large"),
                                 QStringLiteral("the email is larger than the download limit")}});
        return analysis;
    }
    if (email.kind == IncomingEmail::Kind::ReportFile)
        return analyzeFile(email.raw, email.label, m_limits);
    return analyzeEmail(email.raw, m_limits);
}

Result<QList<ProcessedEmail>> Pipeline::process(QList<IncomingEmail> emails, qint64 nowSecs)
{
    const auto analysed = analyse(std::move(emails));
    if (!analysed)
        return analysed.error();
    return commit(*analysed, nowSecs);
}

Result<AnalysedBatch> Pipeline::analyse(QList<IncomingEmail> emails)
{
    QElapsedTimer clock;
    clock.start();
    QList<EmailIdentity> identities;
    identities.reserve(emails.size());
    for (IncomingEmail &email : emails) {
        if (email.identity.digest.isEmpty())
            email.identity.digest = QCryptographicHash::hash(email.raw, QCryptographicHash::Sha256);
        identities.append(email.identity);
    }
    // An email decided before (the program stopped before moving it) is not analysed again.
    // Only a shortcut: the commit asks again with the same lookup inside its transaction, and
    // that answer decides whether anything is counted (docs/counting.md section 5.3).
    const auto decided = m_store->decidedVerdicts(identities);
    if (!decided)
        return decided.error();
    QList<ProcessedEmail> processed;
    QList<qsizetype> toAnalyse; // position in `emails` and `processed` of each email to analyse
    processed.reserve(emails.size());
    for (qsizetype i = 0; i < emails.size(); ++i) {
        ProcessedEmail result;
        result.identity = identities.at(i);
        result.label = emails.at(i).label;
        result.kind = emails.at(i).kind;
        if (decided->at(i).has_value()) {
            result.alreadyDecided = true;
            result.verdict = *decided->at(i);
        } else {
            toAnalyse.append(i);
        }
        processed.append(result);
    }

    // Analysis is pure code, one email independent of the next: it runs on every core.
    // Each email is touched by one thread only; the lists themselves are not resized meanwhile.
    IncomingEmail *const in = emails.data();
    ProcessedEmail *const out = processed.data();
    m_parallel.forEach(toAnalyse.size(), [&](qsizetype i) {
        const qsizetype at = toAnalyse.at(i);
        out[at].analysis = analyze(in[at]); // the verdict comes with the commit
        in[at].raw = QByteArray();          // no longer needed; keeps the batch's memory down
    });

    return AnalysedBatch{std::move(processed), std::move(toAnalyse), clock.elapsed()};
}

Result<QList<ProcessedEmail>> Pipeline::commit(const AnalysedBatch &batch, qint64 nowSecs)
{
    QElapsedTimer clock;
    clock.start();
    QList<ProcessedEmail> processed = batch.emails;
    const QList<qsizetype> &toAnalyse = batch.toCommit;
    QList<EmailCommit> commits;
    commits.reserve(toAnalyse.size());
    SourceNaming::Memo named;
    for (const qsizetype at : toAnalyse) {
        EmailCommit email;
        email.identity = processed.at(at).identity;
        email.analysis = processed.at(at).analysis;
        email.sourceLabels = m_naming.name(email.analysis, m_knownPtr, named);
        commits.append(email);
    }
    if (!commits.isEmpty()) {
        const auto committed = m_store->commit(commits, nowSecs);
        if (!committed)
            return committed.error();
        for (qsizetype i = 0; i < committed->size(); ++i) {
            ProcessedEmail &email = processed[toAnalyse.at(i)];
            const EmailCommitResult &result = committed->at(i);
            email.verdict = result.verdict;
            email.alreadyDecided = result.alreadyDecided;
            email.reports = result.reports;
            email.tlsReports = result.tlsReports;
            email.refusals = result.refusals;
            recordCommitted(*m_metrics, commits.at(i), result);
        }
    }
    const qint64 committedMs = clock.elapsed();
    for (const ProcessedEmail &email : std::as_const(processed))
        log(email);
    qCDebug(lcApp) << "batch of" << processed.size() << "emails: analysed in" << batch.analysedMs
                   << "ms, committed in" << committedMs << "ms, logged in"
                   << clock.elapsed() - committedMs << "ms";
    return processed;
}

void Pipeline::log(const ProcessedEmail &email) const
{
    const QString outcome =
        email.verdict == EmailVerdict::Done ? QStringLiteral("done") : QStringLiteral("error");
    Log::Fields fields{{QStringLiteral("account"), email.identity.account},
                       {QStringLiteral("mailbox"), email.identity.mailbox},
                       {QStringLiteral("email"), email.label}};
    if (email.alreadyDecided) {
        fields.append({QStringLiteral("outcome"), outcome});
        // A mailbox's email is still to be moved; a file stays where it is.
        Log::info(lcApp(),
                  email.kind == IncomingEmail::Kind::ReportFile
                      ? QStringLiteral("File was imported before; already counted")
                      : QStringLiteral("Email was decided before; only moving it"),
                  fields);
        return;
    }
    const EmailAnalysis &analysis = email.analysis;
    fields.append({QStringLiteral("from"), analysis.fromEmail});
    qsizetype refused = 0;
    for (qsizetype i = 0; i < analysis.reports.size(); ++i) {
        const ReportCounts &report = analysis.reports.at(i);
        const ReportOutcome outcome =
            i < email.reports.size() ? email.reports.at(i) : ReportOutcome::Counted;
        const Log::Fields reportFields =
            fields + Log::Fields{{QStringLiteral("org_name"), report.orgName},
                                 {QStringLiteral("report_id"), report.reportId},
                                 {QStringLiteral("records"), QString::number(report.records)},
                                 {QStringLiteral("messages"), QString::number(report.messages)}};
        if (outcome == ReportOutcome::Malformed && refused < email.refusals.size()) {
            const ReportRefusal &refusal = email.refusals.at(refused++);
            Log::warning(lcReport(), QStringLiteral("Refusing report"),
                         reportFields + Log::Fields{{QStringLiteral("limit"),
                                                     QString(outcomeName(refusal.reason))},
                                                    {QStringLiteral("reason"), refusal.message}});
            continue;
        }
        Log::info(lcReport(),
                  outcome == ReportOutcome::Duplicate ? QStringLiteral("Skipping duplicate report")
                                                      : QStringLiteral("Processing report"),
                  reportFields);
    }
    const int counted = int(email.reports.count(ReportOutcome::Counted));
    fields.append({QStringLiteral("outcome"), outcome});
    fields.append({QStringLiteral("reports_counted"), QString::number(counted)});
    fields.append({QStringLiteral("reports_duplicate"),
                   QString::number(email.reports.count(ReportOutcome::Duplicate))});
    if (analysis.candidates == 0 && analysis.failures.isEmpty()) {
        Log::Fields found = fields + Log::Fields{{QStringLiteral("subject"), analysis.subject}};
        if (const QString reason = analysis.noReportReason(); !reason.isEmpty())
            found.append({QStringLiteral("reason"), reason});
        Log::warning(lcApp(), QStringLiteral("No report found in email"), found);
        return;
    }
    if (!analysis.failures.isEmpty()) {
        // One line however many parts failed (docs/counting.md section 1.5).
        const QString reasons = analysis.failureSummary(Log::kMaxValueLength / 2);
        Log::warning(lcApp(), QStringLiteral("Email has reports that could not be read"),
                     fields + Log::Fields{{QStringLiteral("reason"), reasons}});
        return;
    }
    Log::info(lcApp(), QStringLiteral("Email processed"), fields);
}

} // namespace Dmarc
