#pragma once

#include "commitplan.h"
#include "common/result.h"
#include "storedetails.h"
#include "storesql.h"

#include <QDate>
#include <QHash>
#include <QList>
#include <QSet>
#include <QStringView>

#include <initializer_list>

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
// ever moves earlier. A database restored or failed over to a copy that lost rows breaks that,
// so the store forgets it all when it connects again (a restore in place needs a restart). Each
// kind holds at most kLimit rows, and forgets all it holds when full.
//
// A row is known by a hash of its key (size_t: 64 bits on a 64-bit machine), each field hashed
// under a seed of the process's own: a few bytes a row, kept apart from the batches' strings
// (which would keep their pages resident), and a report cannot practically choose a key that
// collides with another. A key taken for another by chance (about once in 10^15 lookups on a
// 64-bit machine with the sets full) would take a label set or source pair new to the store as
// stored (not counted against the limit), or leave out an address's first day (so its row, and
// the address on the Sources view's pages).
class KnownRows
{
public:
    static constexpr qsizetype kLimit = 20000;

    KnownRows();

    bool holds(const LabelSet &labels) const { return m_labelSets.contains(keyOf(labels)); }
    bool holds(const SourcePair &pair) const { return m_sourcePairs.contains(keyOf(pair)); }
    // A day the address's stored first day is at or before; invalid when not known.
    QDate firstDay(const QString &address) const { return m_firstDays.value(keyOf(address)); }

    // What `plan`, planned from `state`, holds once it is committed.
    void learn(const CommitState &state, const CommitPlan &plan);
    void forget();

private:
    size_t keyOfFields(std::initializer_list<QStringView> fields) const;
    size_t keyOf(const LabelSet &labels) const
    {
        return keyOfFields(
            {labels.reporter, labels.fromDomain, labels.dkimDomain, labels.spfDomain});
    }
    size_t keyOf(const SourcePair &pair) const
    {
        return keyOfFields({pair.fromDomain, pair.source});
    }
    size_t keyOf(const QString &address) const { return keyOfFields({address}); }

    size_t m_seed;
    QSet<size_t> m_labelSets;
    QSet<size_t> m_sourcePairs;
    QHash<size_t, QDate> m_firstDays;
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
