#pragma once

#include "storetypes.h"

#include <QHash>
#include <QList>
#include <QSet>
#include <QString>

namespace Dmarc {

// A report's identity for deduplication (docs/counting.md section 4); a report without
// report_id has none. Aggregate and TLS reports have a namespace each (section 8).
struct DedupKey
{
    QString orgName;
    QString reportId;
    ReportKind kind = ReportKind::Aggregate;

    friend bool operator==(const DedupKey &a, const DedupKey &b)
    {
        return a.orgName == b.orgName && a.reportId == b.reportId && a.kind == b.kind;
    }
    friend size_t qHash(const DedupKey &key, size_t seed = 0)
    {
        return qHashMulti(seed, key.orgName, key.reportId, int(key.kind));
    }
};

// A counted report's entry in the dedup window.
struct DedupEntry
{
    DedupKey key;
    qint64 firstSeen = 0;
};

// What the store remembers of a decided email (docs/counting.md section 5.3).
struct DecidedEmail
{
    EmailIdentity identity;
    EmailVerdict verdict = EmailVerdict::Done;
    qint64 decidedAt = 0;
};

// What a commit reads inside its transaction, for its batch only.
struct CommitState
{
    // The decided-email rows stored for the batch's emails, by identity. The digest is part of
    // the key: a row for the same UID with other content is not the same email.
    QHash<EmailIdentity, DecidedEmail> decided;
    // When each report identity of the batch found in a dedup table was counted.
    QHash<DedupKey, qint64> dedupFirstSeen;
    // How many label sets the store holds, and which of the batch's reports' label sets are
    // among them (limits.max_label_sets, docs/counting.md section 9.1).
    qsizetype labelSets = 0;
    QSet<LabelSet> storedLabelSets;
    // The same for the source pairs (docs/counting.md section 10.7), bounded by the same limit.
    qsizetype sourcePairs = 0;
    QSet<SourcePair> storedSourcePairs;
    // By address, a day at or before which the store holds its first day, for the batch's
    // addresses known so (KnownRows).
    QHash<QString, QDate> knownFirstDays;
};

// The reporter and the passing DKIM and SPF domains ("" when none passed) of some of a source
// day's messages (docs/counting.md section 10.7).
struct SourceDayAuth
{
    QString reporter;
    QString dkimDomain;
    QString spfDomain;
    quint64 messages = 0;
};

// A row of source_days to add to: its sums and name, and what reported and passed its messages,
// each combination once.
struct PlannedSourceDay
{
    SourceDay row;
    QList<SourceDayAuth> auth;
};

// An email with entries in the reports log: its rows are reportsLog[firstLogRow] and the
// logRows after it.
struct LoggedEmailRows
{
    LoggedEmail email;
    qsizetype firstLogRow = 0;
    qsizetype logRows = 0;
};

// Every decision of a commit; the writer only applies it. Lists of deltas are in the order
// their key was first met, so label sets keep their first-counted order (docs/counting.md
// section 6).
struct CommitPlan
{
    QList<EmailCommitResult> results;       // one per email of the batch, in order
    QList<LabelCounts> counters;            // to add, per label set
    QList<InvalidCount> invalidCounts;      // to add, per from address
    CountRows counts;                       // TLS and failure-report counts to add, per table
    QList<HistoryRow> history;              // to add, per day
    QList<DailyLabelCounts> dailyCounters;  // to add, per (day, label set)
    QList<QDate> pendingWeeks; // the weeks (Mondays) of the reports counted, each once: their
                               // sums per week are summed again from their days later
    QList<PlannedSourceDay> sourceDays;               // to add, per (day, from domain, source IP)
    QList<std::pair<QString, QDate>> sourceFirstDays; // each source IP's earliest day in the plan,
                                                      // unless known stored at or before it
    QList<SourceCounter> sourceCounters;              // to add, per (from domain, source name)
    QList<ReportLogEntry> reportsLog;                 // to append
    QList<LoggedEmailRows> loggedEmails;              // the emails of reportsLog's entries
    QList<DedupEntry> dedup;       // to insert, or to restart when the old entry expired
    QList<DecidedEmail> decided;   // to insert or replace, one per email decided now
    qint64 dedupExpiredUpTo = 0;   // dedup entries first seen then or earlier are out
    qint64 decidedExpiredUpTo = 0; // decided emails remembered since then or earlier are out
    int reportsLogKeep = 0;        // the log keeps its newest entries, this many
};

// Decides a batch (docs/counting.md sections 4 and 5, daily history and log as in section 3.4,
// sources as in section 10.7): which emails were decided before, which reports are duplicates
// (of the dedup table or of an earlier report in the batch), which are refused (section 9: a
// foreign domain, or new label sets or source pairs past the store's limit), and what each
// table gains. Pure: no SQL, no I/O.
CommitPlan planCommit(const QList<EmailCommit> &batch, const CommitState &state, qint64 nowSecs,
                      const StoreOptions &options);

} // namespace Dmarc
