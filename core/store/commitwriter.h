#pragma once

#include "commitplan.h"
#include "common/result.h"
#include "storesql.h"

#include <QHash>
#include <QList>

namespace Dmarc {

// The decided-email rows stored for `identities`, whatever their digest and age, a few hundred
// emails per query. The commit reads them inside its write transaction, which is what decides;
// Store::decidedVerdicts reads the same way earlier, so the pipeline can skip analysing emails
// decided before.
Result<QHash<EmailIdentity, DecidedEmail>>
readDecidedEmails(const StoreConnection &connection, const QList<EmailIdentity> &identities);

// What the store holds about `batch` that planCommit() needs; read inside the commit's
// transaction.
Result<CommitState> readCommitState(const StoreConnection &connection,
                                    const QList<EmailCommit> &batch);

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
    // Adds to a count table of the TLS and failure-report families, creating rows that are new.
    Result<void> addCounts(CountTable table, const QList<CountRow> &deltas) const;

private:
    Result<void> prune(const CommitPlan &plan) const;
    Result<void> addHistory(const QList<HistoryRow> &deltas) const;
    // The counters per day or week (`period`, the key column of `table`) and label set. After
    // addCounters(): the label sets are in the counters by then.
    Result<void> addPeriodCounters(const QString &table, const QString &period,
                                   const QList<DailyLabelCounts> &deltas) const;
    // With the entries' details and emails (storedetails.h).
    Result<void> appendReportsLog(const CommitPlan &plan) const;

    StoreConnection m_connection;
};

} // namespace Dmarc
