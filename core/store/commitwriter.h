#pragma once

#include "commitplan.h"
#include "common/result.h"
#include "storedetails.h"
#include "storesql.h"

#include <QDate>
#include <QHash>
#include <QList>
#include <QSet>

namespace Dmarc {

// The decided-email rows stored for `identities`, whatever their digest and age, a few hundred
// emails per query. The commit reads them inside its write transaction, which is what decides;
// Store::decidedVerdicts reads the same way earlier, so the pipeline can skip analysing emails
// decided before.
Result<QHash<EmailIdentity, DecidedEmail>>
readDecidedEmails(const StoreConnection &connection, const QList<EmailIdentity> &identities);

// What a store is known to hold, learnt from its commits, so that a commit looks up only the
// rest. It stays true whatever other exporters sharing the database commit since: the rows of
// counters and source_counters are never deleted, and an address's first day in source_ips only
// ever moves earlier. Each kind forgets all it knows before it would hold more than kLimit.
struct KnownRows
{
    static constexpr qsizetype kLimit = 20000;

    QSet<LabelSet> labelSets;
    QSet<SourcePair> sourcePairs;
    QHash<QString, QDate> firstDays; // by address, a day its stored first day is at or before

    // What `plan`, planned from `state`, holds once it is committed.
    void learn(const CommitState &state, const CommitPlan &plan);
};

// What the store holds about `batch` that planCommit() needs, `known` included; read inside the
// commit's transaction.
Result<CommitState> readCommitState(const StoreConnection &connection,
                                    const QList<EmailCommit> &batch, const KnownRows &known);

// Writes to the store's tables inside a transaction the caller opened. Errors name the file.
class CommitWriter
{
public:
    explicit CommitWriter(StoreConnection connection)
        : m_connection(std::move(connection))
    {}

    // Everything the plan says, in the open transaction.
    Result<void> apply(const CommitPlan &plan) const;

    // Adds to the counters, creating label sets (in list order) that are new.
    Result<void> addCounters(const QList<LabelCounts> &deltas) const;
    // Adds to the invalid counts, creating senders (in list order) that are new.
    Result<void> addInvalidCounts(const QList<InvalidCount> &deltas) const;

private:
    static void addPrune(StatementBatch &batch, const CommitPlan &plan);
    static void addCounters(StatementBatch &batch, const QList<LabelCounts> &deltas);
    static void addInvalidCounts(StatementBatch &batch, const QList<InvalidCount> &deltas);
    // Adds to a count table of the TLS and failure-report families, creating rows that are new.
    static void addCounts(StatementBatch &batch, CountTable table, const QList<CountRow> &deltas);
    // Adds to the history per day, creating days that are new.
    static void addHistory(StatementBatch &batch, const QList<HistoryRow> &days);
    // The counters per day and label set. After addCounters(): the label sets are in the
    // counters by then.
    static void addDailyCounters(StatementBatch &batch, const QList<DailyLabelCounts> &deltas);
    // With the entries' details and emails (storedetails.h), the entries' keys from
    // keys.firstEntry on and their emails' from keys.firstEmail on; drops what the log no longer
    // keeps.
    static void appendReportsLog(StatementBatch &batch, const CommitPlan &plan,
                                 const ReportsLogKeys &keys);

    StoreConnection m_connection;
};

} // namespace Dmarc
