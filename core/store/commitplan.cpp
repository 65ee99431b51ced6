#include "commitplan.h"

#include "report/reportcounter.h"
#include "storesql.h"

#include <QDateTime>
#include <QSet>
#include <QTimeZone>

namespace Dmarc {

namespace {

// A row of source_days.
struct SourceDayKey
{
    QDate day;
    QString fromDomain;
    QString ip;

    friend bool operator==(const SourceDayKey &a, const SourceDayKey &b)
    {
        return a.day == b.day && a.ip == b.ip && a.fromDomain == b.fromDomain;
    }
    friend size_t qHash(const SourceDayKey &key, size_t seed = 0)
    {
        return qHashMulti(seed, key.day, key.fromDomain, key.ip);
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
        , m_options(options)
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
        const qsizetype firstLogRow = m_plan.reportsLog.size();
        for (qsizetype r = 0; r < analysis.reports.size(); ++r) {
            const ReportCounts &report = analysis.reports.at(r);
            const ReportOutcome outcome =
                addReport(report, email.sourceLabels.value(r), result.refusals);
            ReportLogEntry row = logRow(report, outcome, analysis.fromEmail);
            if (outcome == ReportOutcome::Malformed)
                row.reason = result.refusals.constLast().message;
            m_plan.reportsLog << row;
            result.reports << outcome;
        }
        // A refused report makes the email invalid, as a failed one does (section 9).
        result.invalidDmarc = analysis.invalidDmarc() || !result.refusals.isEmpty();
        result.verdict = result.refusals.isEmpty() ? analysis.verdict() : EmailVerdict::Error;
        m_decidedInBatch.insert(email.identity, result.verdict);
        m_plan.decided << DecidedEmail{email.identity, result.verdict, m_now};

        for (const TlsReport &report : analysis.tlsReports)
            result.tlsReports << addTlsReport(report);
        for (const FailureReport &report : analysis.failureReports) {
            const QStringList labels{report.reportedDomain, report.authFailure,
                                     report.identityAlignment, report.deliveryResult};
            ++countRow(CountTable::FailureReports, labels)[0];
            // A failure report has no date of its own: it counts on the day it arrived.
            ++countRow(CountTable::FailureReportsByDay, dayOf(m_now) + labels)[0];
        }
        for (const PayloadFailure &failure : analysis.failures)
            addFailure(failure.part % QStringLiteral(": ") % failure.error.message,
                       analysis.fromEmail);
        if (analysis.candidates == 0)
            addFailure(QStringLiteral("no report found in the email"), analysis.fromEmail);
        // Once per family per email, however many of its payloads failed (docs/counting.md
        // sections 5.1 and 8.4).
        if (result.invalidDmarc)
            ++rowFor(m_plan.invalidCounts, m_invalidIndex, analysis.fromEmail,
                     InvalidCount{analysis.fromEmail, 0})
                  .count;
        if (analysis.invalidTls())
            ++countRow(CountTable::TlsInvalidReports, {analysis.fromEmail})[0];
        if (const qsizetype logRows = m_plan.reportsLog.size() - firstLogRow; logRows > 0) {
            const EmailIdentity &id = email.identity;
            m_plan.loggedEmails << LoggedEmailRows{
                LoggedEmail{id.account, id.mailbox, id.uid, analysis.fromEmail, analysis.subject,
                            analysis.size, analysis.parts, analysis.partCount},
                firstLogRow, logRows};
        }
        m_plan.results << result;
    }

    CommitPlan take()
    {
        // An address the store holds with that first day or an earlier one needs no row.
        m_plan.sourceFirstDays.removeIf([this](const std::pair<QString, QDate> &row) {
            const QDate known = m_state.knownFirstDays.value(row.first);
            return known.isValid() && known <= row.second;
        });
        return std::move(m_plan);
    }

    // Room for the rows of `sources` records of sources, at most: rows, and their keys, are
    // added without the lists and tables growing (and copying) again and again.
    void reserveSources(qsizetype sources)
    {
        m_plan.sourceDays.reserve(sources);
        m_plan.sourceFirstDays.reserve(sources);
        m_sourceDayIndex.reserve(sources);
        m_firstDayIndex.reserve(sources);
    }

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
        if (!key.reportId.isEmpty() && isDuplicate(key))
            return false;
        remember(key);
        return true;
    }

    // A counted report enters the dedup window; one without report_id does not.
    void remember(const DedupKey &key)
    {
        if (key.reportId.isEmpty())
            return;
        m_countedInBatch.insert(key);
        m_plan.dedup << DedupEntry{key, m_now};
    }

    // A label set neither the store nor this plan holds yet.
    bool isNew(const LabelSet &labels) const
    {
        return !m_state.storedLabelSets.contains(labels) && !m_counterIndex.contains(labels);
    }

    // A source pair neither the store nor this plan holds yet.
    bool isNew(const SourcePair &pair) const
    {
        return !m_state.storedSourcePairs.contains(pair) && !m_sourceCounterIndex.contains(pair);
    }

    // The source pairs of a report's sources as named, each once.
    static QSet<SourcePair> pairsOf(const ReportCounts &report, const QList<SourceLabel> &labels)
    {
        QSet<SourcePair> pairs;
        for (qsizetype i = 0; i < report.sources.size() && i < labels.size(); ++i)
            pairs.insert(SourcePair{report.sources.at(i).fromDomain, labels.at(i).name});
        return pairs;
    }

    // docs/counting.md section 9: why a report that is not a duplicate is not counted, if it is
    // not. Label sets and source pairs the store or this plan holds already are never refused.
    std::optional<ReportRefusal> refusalOf(const ReportCounts &report,
                                           const QList<SourceLabel> &labels) const
    {
        if (!isOwnDomain(report.policyDomain, m_options.domains)) {
            return ReportRefusal{
                Refusal::ForeignDomain,
                QStringLiteral("the report's policy domain \"%1\" is not one of the configured "
                               "domains (%2)")
                    .arg(report.policyDomain, m_options.domains.join(QStringLiteral(", ")))};
        }
        qsizetype fresh = 0;
        for (const LabelCounts &counts : report.counts)
            fresh += isNew(counts.labels) ? 1 : 0;
        const qsizetype held = m_state.labelSets + m_newLabelSets;
        if (fresh > 0 && held + fresh > m_options.maxLabelSets) {
            return ReportRefusal{Refusal::LabelSets,
                                 QStringLiteral("the store holds %1 label sets and the report "
                                                "would add %2 more, past %3 "
                                                "(limits.max_label_sets)")
                                     .arg(held)
                                     .arg(fresh)
                                     .arg(m_options.maxLabelSets)};
        }
        // Section 10.7: the source pairs are bounded by the same number, counted apart.
        qsizetype freshPairs = 0;
        for (const SourcePair &pair : pairsOf(report, labels))
            freshPairs += isNew(pair) ? 1 : 0;
        const qsizetype heldPairs = m_state.sourcePairs + m_newSourcePairs;
        if (freshPairs == 0 || heldPairs + freshPairs <= m_options.maxLabelSets)
            return std::nullopt;
        return ReportRefusal{Refusal::LabelSets,
                             QStringLiteral("the store holds %1 pairs of from_domain and source "
                                            "and the report would add %2 more, past %3 "
                                            "(limits.max_label_sets)")
                                 .arg(heldPairs)
                                 .arg(freshPairs)
                                 .arg(m_options.maxLabelSets)};
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
        // The day the report's range begins; without a date, the day it arrived.
        const QStringList day = dayOf(report.dateBegin != 0 ? report.dateBegin : m_now);
        for (const TlsPolicyCounts &policy : report.policies) {
            const QStringList labels{report.organizationName, policy.policyDomain,
                                     policy.policyType};
            for (QList<quint64> *sessions :
                 {&countRow(CountTable::TlsSessions, labels),
                  &countRow(CountTable::TlsSessionsByDay, day + labels)}) {
                (*sessions)[0] += policy.successfulSessions;
                (*sessions)[1] += policy.failedSessions;
            }
            for (const TlsFailureCount &failure : policy.failures) {
                const QStringList detail = labels + QStringList{failure.resultType};
                countRow(CountTable::TlsFailureDetails, detail)[0] += failure.sessions;
                countRow(CountTable::TlsFailureDetailsByDay, day + detail)[0] += failure.sessions;
            }
            // One report per policy domain, however many policy types it lists there.
            if (!domains.contains(policy.policyDomain)) {
                domains.insert(policy.policyDomain);
                ++countRow(CountTable::TlsReports,
                           {report.organizationName, policy.policyDomain})[0];
            }
        }
        return ReportOutcome::Counted;
    }

    // The label of a ...ByDay count table for the UTC day of `secs`.
    static QStringList dayOf(qint64 secs)
    {
        return {dayText(QDateTime::fromSecsSinceEpoch(secs, QTimeZone::utc()).date())};
    }

    // A refused report is Malformed, and why is appended to `refusals`. `labels` names the
    // report's sources.
    ReportOutcome addReport(const ReportCounts &report, const QList<SourceLabel> &labels,
                            QList<ReportRefusal> &refusals)
    {
        const DedupKey key{report.orgName, report.reportId};
        if (!key.reportId.isEmpty() && isDuplicate(key))
            return ReportOutcome::Duplicate;
        if (std::optional<ReportRefusal> refusal = refusalOf(report, labels)) {
            refusals << std::move(*refusal);
            return ReportOutcome::Malformed;
        }
        remember(key);
        const QDate day = QDateTime::fromSecsSinceEpoch(report.dateBegin, QTimeZone::utc()).date();
        const QDate week = weekStart(day);
        Counters ofReport;
        QSet<QString> domainsOfReport;
        for (const LabelCounts &counts : report.counts) {
            m_newLabelSets += isNew(counts.labels) ? 1 : 0;
            rowFor(m_plan.counters, m_counterIndex, counts.labels, LabelCounts{counts.labels, {}})
                .counters += counts.counters;
            ofReport += counts.counters;
            rowFor(m_plan.dailyCounters, m_dailyIndex, std::pair(day, counts.labels),
                   DailyLabelCounts{day, LabelCounts{counts.labels, {}}})
                .counts.counters += counts.counters;
            domainsOfReport.insert(counts.labels.fromDomain);
        }
        // The day's history: a report counts once per from domain it holds, however many label
        // sets it adds there.
        if (!domainsOfReport.isEmpty()) {
            HistoryRow &history =
                rowFor(m_plan.history, m_historyIndex, day, HistoryRow{day, {}, 0});
            history.counters += ofReport;
            history.reports += quint64(domainsOfReport.size());
        }
        // The week's sums per week are summed again from its days later (Store::sumWeeks).
        if (!m_weekSeen.contains(week)) {
            m_weekSeen.insert(week);
            m_plan.pendingWeeks << week;
        }
        addSources(report, day, labels);
        return ReportOutcome::Counted;
    }

    // docs/counting.md section 10.7: what a counted report's named sources add.
    void addSources(const ReportCounts &report, QDate day, const QList<SourceLabel> &labels)
    {
        for (qsizetype i = 0; i < report.sources.size() && i < labels.size(); ++i) {
            const SourceCounts &source = report.sources.at(i);
            const SourceLabel &label = labels.at(i);
            const SourceDayKey key{day, source.fromDomain, label.ip};
            PlannedSourceDay &planned =
                rowFor(m_plan.sourceDays, m_sourceDayIndex, key,
                       PlannedSourceDay{SourceDay{day, source.fromDomain, label, {}}, {}});
            planned.row.source = label; // named as the last report that counted it named it
            planned.row.counters += source.counters;
            addAuth(planned.auth, report.orgName, source);
            std::pair<QString, QDate> &firstDay =
                rowFor(m_plan.sourceFirstDays, m_firstDayIndex, label.ip, std::pair(label.ip, day));
            firstDay.second = std::min(firstDay.second, day);
            const SourcePair pair{source.fromDomain, label.name};
            m_newSourcePairs += isNew(pair) ? 1 : 0;
            SourceCounter &counter = rowFor(m_plan.sourceCounters, m_sourceCounterIndex, pair,
                                            SourceCounter{pair, 0, 0});
            counter.total += source.counters.total;
            counter.compliant += source.counters.compliant;
        }
    }

    // What `reporter` said of `source` added to a source day's combinations: a source day has
    // few of them (mostly one), so a look along the list finds it.
    static void addAuth(QList<SourceDayAuth> &auth, const QString &reporter,
                        const SourceCounts &source)
    {
        if (reporter.isEmpty() && source.dkimDomain.isEmpty() && source.spfDomain.isEmpty())
            return;
        for (SourceDayAuth &known : auth) {
            if (known.reporter == reporter && known.dkimDomain == source.dkimDomain &&
                known.spfDomain == source.spfDomain) {
                known.messages += source.counters.total;
                return;
            }
        }
        auth << SourceDayAuth{reporter, source.dkimDomain, source.spfDomain, source.counters.total};
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
        row.details = report.details;
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
    const StoreOptions &m_options;
    CommitPlan m_plan;
    qsizetype m_newLabelSets = 0;   // label sets this plan adds that the store does not hold
    qsizetype m_newSourcePairs = 0; // the same for source pairs
    QHash<EmailIdentity, EmailVerdict> m_decidedInBatch;
    QSet<DedupKey> m_countedInBatch;
    QHash<LabelSet, qsizetype> m_counterIndex;
    QHash<QString, qsizetype> m_invalidIndex;
    QHash<QDate, qsizetype> m_historyIndex;
    QHash<std::pair<QDate, LabelSet>, qsizetype> m_dailyIndex;
    QHash<SourceDayKey, qsizetype> m_sourceDayIndex;
    QSet<QDate> m_weekSeen;
    QHash<QString, qsizetype> m_firstDayIndex;
    QHash<SourcePair, qsizetype> m_sourceCounterIndex;
    std::array<QHash<QStringList, qsizetype>, kCountTables> m_countIndex;
};

} // namespace

CommitPlan planCommit(const QList<EmailCommit> &batch, const CommitState &state, qint64 nowSecs,
                      const StoreOptions &options)
{
    Planner planner(state, nowSecs, options);
    qsizetype sources = 0;
    for (const EmailCommit &email : batch) {
        for (const ReportCounts &report : email.analysis.reports)
            sources += report.sources.size();
    }
    planner.reserveSources(sources);
    for (const EmailCommit &email : batch)
        planner.add(email);
    return planner.take();
}

} // namespace Dmarc
