#include "commitplan.h"

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
        for (const PayloadFailure &failure : analysis.failures)
            addFailure(failure.part % QStringLiteral(": ") % failure.error.message,
                       analysis.fromEmail);
        if (analysis.candidates == 0)
            addFailure(QStringLiteral("no report found in the email"), analysis.fromEmail);
        // Once per email, however many of its payloads failed (docs/counting.md section 5.1).
        if (analysis.invalid())
            ++rowFor(m_plan.invalidCounts, m_invalidIndex, analysis.fromEmail,
                     InvalidCount{analysis.fromEmail, 0})
                  .count;
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

    ReportOutcome addReport(const ReportCounts &report)
    {
        if (!report.reportId.isEmpty()) {
            const DedupKey key{report.orgName, report.reportId};
            if (isDuplicate(key))
                return ReportOutcome::Duplicate;
            m_countedInBatch.insert(key);
            m_plan.dedup << DedupEntry{key, m_now};
        }
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
