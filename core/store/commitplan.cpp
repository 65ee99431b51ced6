#include "commitplan.h"

#include "storesql.h"

#include <QDateTime>
#include <QSet>
#include <QTimeZone>

namespace Dmarc {

namespace {

struct HistoryKey
{
    QDate day;
    QString reporter;
    QString fromDomain;

    friend bool operator==(const HistoryKey &a, const HistoryKey &b)
    {
        return a.day == b.day && a.reporter == b.reporter && a.fromDomain == b.fromDomain;
    }
    friend size_t qHash(const HistoryKey &key, size_t seed = 0)
    {
        return qHashMulti(seed, key.day, key.reporter, key.fromDomain);
    }
};

// The row of `rows` kept for `key`, appended as `fresh` the first time the key is met.
template<typename Key, typename Row>
Row &rowFor(QList<Row> &rows, QHash<Key, qsizetype> &index, const Key &key, Row fresh)
{
    auto it = index.constFind(key);
    if (it == index.cend()) {
        it = index.insert(key, rows.size());
        rows.append(std::move(fresh));
    }
    return rows[*it];
}

class Planner
{
public:
    Planner(const CommitState &state, qint64 nowSecs, const StoreOptions &options)
        : m_state(state)
        , m_now(nowSecs)
    {
        m_plan.dedupExpiredUpTo = nowSecs - options.dedupMaxSeconds;
        m_plan.decidedExpiredUpTo = nowSecs - options.decidedRetentionSeconds;
        m_plan.reportsLogKeep = options.reportsLogLimit;
    }

    void add(const EmailCommit &email)
    {
        EmailCommitResult result;
        if (const auto earlier = decidedBefore(email.identity)) {
            result.verdict = *earlier;
            result.alreadyDecided = true;
            m_plan.results << result;
            return;
        }
        const EmailAnalysis &analysis = email.analysis;
        result.verdict = analysis.verdict();
        m_decidedInBatch.insert(email.identity, result.verdict);
        m_plan.decided << DecidedEmail{email.identity, result.verdict, m_now};

        for (const ReportCounts &report : analysis.reports) {
            const ReportOutcome outcome = addReport(report);
            m_plan.reportsLog << logRow(report, outcome, analysis.fromEmail);
            result.reports << outcome;
        }
        for (const TlsReport &report : analysis.tlsReports)
            result.tlsReports << addTlsReport(report);
        for (const FailureReport &report : analysis.failureReports)
            ++countRow(CountTable::FailureReports,
                       {report.reportedDomain, report.authFailure, report.identityAlignment,
                        report.deliveryResult})[0];
        for (const PayloadFailure &failure : analysis.failures)
            addFailure(failure.part % QStringLiteral(": ") % failure.error.message,
                       analysis.fromEmail);
        if (analysis.candidates == 0)
            addFailure(QStringLiteral("no report found in the email"), analysis.fromEmail);
        // Once per family per email, however many of its payloads failed (docs/counting.md
        // sections 5.1 and 8.4).
        if (analysis.invalidDmarc())
            ++rowFor(m_plan.invalidCounts, m_invalidIndex, analysis.fromEmail,
                     InvalidCount{analysis.fromEmail, 0})
                  .count;
        if (analysis.invalidTls())
            ++countRow(CountTable::TlsInvalidReports, {analysis.fromEmail})[0];
        m_plan.results << result;
    }

    CommitPlan take() { return std::move(m_plan); }

private:
    // The verdict of an email committed earlier with the same content, in the store (while it
    // is remembered) or earlier in this batch.
    std::optional<EmailVerdict> decidedBefore(const EmailIdentity &identity) const
    {
        if (const auto stored = m_state.decided.constFind(identity);
            stored != m_state.decided.cend() && stored->decidedAt > m_plan.decidedExpiredUpTo)
            return stored->verdict;
        if (const auto earlier = m_decidedInBatch.constFind(identity);
            earlier != m_decidedInBatch.cend())
            return *earlier;
        return std::nullopt;
    }

    // docs/counting.md section 4: the first report counted inside the window wins.
    bool isDuplicate(const DedupKey &key) const
    {
        if (m_countedInBatch.contains(key))
            return true;
        const auto stored = m_state.dedupFirstSeen.constFind(key);
        return stored != m_state.dedupFirstSeen.cend() && *stored > m_plan.dedupExpiredUpTo;
    }

    // Whether the report is counted now: not a duplicate, and then remembered as counted.
    bool claim(const DedupKey &key)
    {
        if (key.reportId.isEmpty())
            return true;
        if (isDuplicate(key))
            return false;
        m_countedInBatch.insert(key);
        m_plan.dedup << DedupEntry{key, m_now};
        return true;
    }

    // The values of a count-table row, created with zeros the first time its labels are met.
    QList<quint64> &countRow(CountTable table, const QStringList &labels)
    {
        const int t = int(table);
        return rowFor(m_plan.counts[size_t(t)], m_countIndex[t], labels,
                      CountRow{labels, QList<quint64>(countTables().at(t).valueColumns.size())})
            .values;
    }

    // docs/counting.md section 8.6: dedup as for aggregate reports, in a namespace of its own.
    ReportOutcome addTlsReport(const TlsReport &report)
    {
        if (!claim(DedupKey{report.organizationName, report.reportId, ReportKind::Tls}))
            return ReportOutcome::Duplicate;
        QSet<QString> domains;
        for (const TlsPolicyCounts &policy : report.policies) {
            const QStringList labels{report.organizationName, policy.policyDomain,
                                     policy.policyType};
            QList<quint64> &sessions = countRow(CountTable::TlsSessions, labels);
            sessions[0] += policy.successfulSessions;
            sessions[1] += policy.failedSessions;
            for (const TlsFailureCount &failure : policy.failures)
                countRow(CountTable::TlsFailureDetails,
                         labels + QStringList{failure.resultType})[0] += failure.sessions;
            // One report per policy domain, however many policy types it lists there.
            if (!domains.contains(policy.policyDomain)) {
                domains.insert(policy.policyDomain);
                ++countRow(CountTable::TlsReports,
                           {report.organizationName, policy.policyDomain})[0];
            }
        }
        return ReportOutcome::Counted;
    }

    ReportOutcome addReport(const ReportCounts &report)
    {
        if (!claim(DedupKey{report.orgName, report.reportId}))
            return ReportOutcome::Duplicate;
        const QDate day = QDateTime::fromSecsSinceEpoch(report.dateBegin, QTimeZone::utc()).date();
        QSet<HistoryKey> historyOfReport;
        for (const LabelCounts &counts : report.counts) {
            rowFor(m_plan.counters, m_counterIndex, counts.labels, LabelCounts{counts.labels, {}})
                .counters += counts.counters;
            const HistoryKey key{day, counts.labels.reporter, counts.labels.fromDomain};
            HistoryRow &history =
                rowFor(m_plan.history, m_historyIndex, key,
                       HistoryRow{key.day, key.reporter, key.fromDomain, Counters(), 0});
            history.counters += counts.counters;
            // A report counts once per history row, however many label sets it adds there.
            if (!historyOfReport.contains(key)) {
                historyOfReport.insert(key);
                ++history.reports;
            }
        }
        return ReportOutcome::Counted;
    }

    ReportLogEntry logRow(const ReportCounts &report, ReportOutcome outcome,
                          const QString &fromEmail) const
    {
        ReportLogEntry row;
        row.orgName = report.orgName;
        row.reportId = report.reportId;
        row.dateBegin = report.dateBegin;
        row.dateEnd = report.dateEnd;
        row.records = report.records;
        row.messages = report.messages;
        row.outcome = outcome;
        row.fromEmail = fromEmail;
        row.processedAt = m_now;
        return row;
    }

    void addFailure(const QString &reason, const QString &fromEmail)
    {
        ReportLogEntry row;
        row.outcome = ReportOutcome::Malformed;
        row.reason = reason;
        row.fromEmail = fromEmail;
        row.processedAt = m_now;
        m_plan.reportsLog << row;
    }

    const CommitState &m_state;
    const qint64 m_now;
    CommitPlan m_plan;
    QHash<EmailIdentity, EmailVerdict> m_decidedInBatch;
    QSet<DedupKey> m_countedInBatch;
    QHash<LabelSet, qsizetype> m_counterIndex;
    QHash<QString, qsizetype> m_invalidIndex;
    QHash<HistoryKey, qsizetype> m_historyIndex;
    std::array<QHash<QStringList, qsizetype>, kCountTables> m_countIndex;
};

} // namespace

CommitPlan planCommit(const QList<EmailCommit> &batch, const CommitState &state, qint64 nowSecs,
                      const StoreOptions &options)
{
    Planner planner(state, nowSecs, options);
    for (const EmailCommit &email : batch)
        planner.add(email);
    return planner.take();
}

} // namespace Dmarc
