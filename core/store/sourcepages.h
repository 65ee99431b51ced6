#pragma once

#include "common/result.h"
#include "report/counters.h"
#include "storetypes.h"

#include <QDate>
#include <QList>
#include <QString>
#include <QStringList>
#include <QVariantList>

namespace Dmarc {

class StatementBatch;
class StoreDialect;
struct CommitPlan;
struct StoreConnection;

// The Sources view's pages (docs/counting.md section 10.8): one page of rows at a time, sorted,
// filtered and limited by the engine, over the sums per week and source (source_weeks) for the
// weeks a range holds whole and those per day (source_days) at its ends, with each address's
// first day kept beside it (source_ips).

// The column a page is sorted by. Name and type sort an address by the largest name it had in
// the range, from domains by the first of them, the registrable domain by the PTR name.
enum class SourcePageOrder
{
    Key, // the address, or the number of addresses of a name
    PtrName,
    Name,
    Type,
    Messages,
    Compliance,
    DkimAligned,
    SpfAligned,
    Quarantined,
    Rejected,
    FirstSeen,
    LastSeen,
    FromDomains
};

// What one page holds: the rows of [from, to] (an invalid date: no bound there) as the filters
// ask, sorted by `order`, `limit` rows from `offset` on.
struct SourcePageQuery
{
    QDate from;
    QDate to;
    bool failingOnly = false; // addresses with messages that failed DMARC in the range
    bool newOnly = false;     // addresses whose first day lies in the range
    bool byName = false;      // a row per source name instead of per address
    QString text;             // when not empty: addresses whose IP, a name or a from domain in
                              // the range holds it, whatever the case
    SourcePageOrder order = SourcePageOrder::Messages;
    bool descending = true;
    qsizetype offset = 0;
    qsizetype limit = 100;
};

// A row of a page: an address, or with byName every address of one source name.
struct SourcePageRow
{
    QString ip;      // "" for a row of a source name
    QString ptrName; // the PTR name the store has for the address, if any
    QString name;    // an address's name and type of its last day in the range
    QString type;
    Counters counters; // all but dkimPass and spfPass
    QDate firstSeen;   // the first day the store has of it
    QDate lastSeen;    // its last day in the range
    QStringList fromDomains; // sorted
    qsizetype addresses = 1;
};

struct SourcePageRows
{
    QList<SourcePageRow> rows;
    qsizetype total = 0; // the rows of every page; 0 when this one is past the last
};

// The schema version that adds source_weeks and source_ips, filled from source_days.
QStringList sourcePagesMigration(const StoreDialect &dialect);

// The schema version (14) that keeps the rows of source_days, source_weeks and source_ips in the
// order of their keys where the engine can (StoreDialect::keyOrderedTable), so that the rows of a range of
// days or weeks are read in one pass instead of one lookup each.
QStringList keyOrderedSourcesMigration(const StoreDialect &dialect);

// The schema version (15) that has commits mark the weeks they add source days to
// (source_weeks_pending), summed again from their days later, instead of adding to source_weeks.
QStringList pendingSourceWeeksMigration();

// Adds the writes of the plan's first days of addresses (source_ips) to `batch`.
void addSourceFirstDays(StatementBatch &batch, const CommitPlan &plan);

// The weeks of [from, to]'s whole weeks whose sums per week (source_weeks, weekly_counters) are
// to be summed again from their days (pending_weeks): a commit adds to the days alone.
Result<QList<QDate>> pendingWeeks(const StoreConnection &connection, QDate from, QDate to);
// How a range split into weeks and days (`split`) reads its rows when the weeks of `pending`
// (pendingWeeks) are read from their days: the conditions on a table per week's `week` column,
// their values appended to `weekValues` (none when the range holds no whole week), and the
// [first, last] of the days read from a table per day, those at the range's ends and the pending
// weeks'.
struct RangeReads
{
    QStringList weekConditions;
    QList<std::pair<QDate, QDate>> days;
};
RangeReads rangeReads(const WeeksAndDays &split, const QList<QDate> &pending,
                      QVariantList &weekValues);
// Adds the statements that sum the sources of `week` (a Monday) again from its days.
void addSourceWeekSum(StatementBatch &batch, QDate week);

} // namespace Dmarc
