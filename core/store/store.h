#pragma once

#include "common/result.h"
#include "databasesettings.h"
#include "sourcepages.h"
#include "sourcereads.h"
#include "storemigrationreport.h"
#include "storetypes.h"

#include <QHash>
#include <QList>
#include <QString>

#include <memory>
#include <optional>

class QSqlDatabase;

namespace Dmarc {

class StoreDialect;
class StoreLock;
class KnownRows;
struct StoreConnection;

// Where the store is: an SQLite file in `directory`, or, when `database` is set, a PostgreSQL
// database that several exporters may share (the folder then only offers the Python original's
// metrics.db to import into a new store).
struct StoreLocation
{
    QString directory;
    DatabaseSettings database;
};

// The exporter's durable state in one SQLite or PostgreSQL database: counters, invalid counts,
// the dedup window, decided emails, the reports log and a daily history. Every commit is one
// transaction. Not thread-safe: use it from one thread.
class Store
{
public:
    static constexpr int kSchemaVersion = 19;
    // The SQLite application_id that marks a database as this program's store ("DMRC").
    static constexpr quint32 kApplicationId = 0x444D5243;
    static QString fileName() { return QStringLiteral("dmarc-metrics-exporter.sqlite"); }

    // Opens (or creates) the store in `directory`. Imports the Python original's metrics.db
    // once, when the store is new. Errors name the file.
    //
    // The folder's lock (StoreLock) is taken first: another process using the folder is an
    // error naming its PID; this process may open it more than once. The folder is made 0700
    // and the database files 0600, whatever the umask. A database that is not ours (another
    // application_id, or tables but not our schema) is refused without a change to it; a store
    // of an earlier release (our schema, no application_id) is marked as ours.
    static Result<std::unique_ptr<Store>> open(const QString &directory,
                                               const StoreOptions &options = {});
    // The same in a folder, or in a PostgreSQL database: there no folder lock (several
    // processes share the database); the schema is created or migrated by the first process
    // under the store's write lock, and a database whose tables are not ours, or whose
    // store_meta names another program, is refused unchanged. A connection the server drops
    // fails the statement that meets it (the transaction rolled back, nothing of it kept) and
    // is opened again for the next one.
    static Result<std::unique_ptr<Store>> open(const StoreLocation &location,
                                               const StoreOptions &options = {});
    ~Store();
    Store(const Store &) = delete;
    Store &operator=(const Store &) = delete;

    // The SQLite file; empty on PostgreSQL.
    QString filePath() const { return m_filePath; }
    // The file or the database, for people: "storage file <path>", "database <URL>" (without
    // the password).
    QString location() const { return m_location; }

    // The verdicts committed earlier for these emails (same identity and digest), if any, in
    // the same order. Only a shortcut for the caller: commit() looks again, inside its
    // transaction, and its answer is the one that counts.
    Result<QList<std::optional<EmailVerdict>>>
    decidedVerdicts(const QList<EmailIdentity> &identities) const;

    // Commits a batch of emails in one transaction (docs/architecture.md, steps 9 and 10): reads
    // what the store holds about the batch, plans it (planCommit: dedup as in docs/counting.md
    // section 4, counters, invalid counts, daily history, reports log, decided emails) and
    // writes the plan. All or nothing.
    Result<QList<EmailCommitResult>> commit(const QList<EmailCommit> &batch, qint64 nowSecs);

    Result<StoreSnapshot> snapshot() const;

    // Gives back the memory the database engine caches; for when the exporter goes idle.
    Result<void> releaseMemory() const;
    // A value that is the same as long as no other connection has committed a change to the
    // store (it may also change without one): what this store read after it, it would read
    // again while the value stays the same.
    Result<QString> changeMark() const;

    // Dashboard queries.
    // The counters per label set of the reports whose day (docs/counting.md 3.4) lies in
    // [from, to] (an invalid date: no bound there), label sets in first-counted order. Reports
    // counted before schema version 5 have no day here.
    Result<QList<LabelCounts>> countersPerLabelSet(QDate from, QDate to) const;
    // How many reports log entries of `outcome` were processed from `fromSecs` up to, not
    // including, `endSecs` (seconds since the epoch).
    Result<quint64> loggedOutcomes(ReportOutcome outcome, qint64 fromSecs, qint64 endSecs) const;
    // The daily history, a row a day, by day.
    Result<QList<HistoryRow>> dailyTotals(QDate from, QDate to) const;
    Result<QList<ReportLogEntry>> recentReports(int limit) const;
    // The reports log entry `id` with its details and its email, as kept; none when the log no
    // longer holds it.
    Result<std::optional<LoggedReportRecord>> loggedReport(qint64 id) const;
    // Appends lines to the recent activity (setting their ids), keeping the newest `keep`.
    Result<void> appendActivity(QList<ActivityRecord> &records, int keep);
    // The newest `limit` lines of the recent activity, oldest first.
    Result<QList<ActivityRecord>> recentActivity(int limit) const;
    // The rows of a ...ByDay count table (storetypes.h) whose day lies in [from, to] (an invalid
    // date: no bound there), day first among the labels, by day and then in first-seen order.
    Result<QList<CountRow>> countsByDay(CountTable table, QDate from, QDate to) const;
    // The sending sources of the days in [from, to] (an invalid date: no bound there; see
    // sourcereads.h): per source IP and from domain, in no particular order.
    Result<QList<SourceRangeRow>> sourcesIn(QDate from, QDate to) const;
    // The days of one source IP in [from, to], by day and from domain.
    Result<QList<SourceDay>> sourceDaysOf(const QString &ip, QDate from, QDate to) const;
    // The reporters and DKIM and SPF domains of one source IP's days in [from, to].
    Result<QList<SourceDayDomain>> sourceDomainsOf(const QString &ip, QDate from, QDate to) const;
    // One page of the Sources view (sourcepages.h), and how many rows all its pages hold.
    Result<SourcePageRows> sourcePage(const SourcePageQuery &page) const;
    // The source names of the days in [from, to], sorted.
    Result<QStringList> sourceNamesIn(QDate from, QDate to) const;
    // Sums again, from their days, the counters and the sources per week of the weeks that
    // commits added to and that ended before `today` (a commit adds to the days alone; until then
    // the dashboard and the Sources view read such a week from its days). A transaction a week;
    // how many weeks it summed.
    Result<int> sumWeeks(QDate today);

    // The reverse DNS answers kept for these source IPs (docs/counting.md section 10.6),
    // expired ones too, in the order of `ips`; an IP never asked about is left out.
    Result<QList<PtrRecord>> ptrRecords(const QStringList &ips) const;
    // Keeps reverse DNS answers, each replacing the one kept for its IP; one transaction.
    Result<void> keepPtrRecords(const QList<PtrRecord> &records);

    // Counts of stored rows, for logs and tests.
    Result<qint64> dedupEntryCount() const;

    // Copies every table of this store but its schema bookkeeping into `target` (copyStore() of
    // storemigration.h): one transaction of `target`, verified by counts and sums.
    Result<StoreMigration> copyInto(Store &target) const;

private:
    Store(QString connectionName, QString filePath, QString location, const StoreOptions &options,
          std::unique_ptr<StoreDialect> dialect, std::unique_ptr<StoreLock> lock);

    static Result<std::unique_ptr<Store>> openDatabase(const StoreLocation &location,
                                                       const StoreOptions &options);
    Result<void> initialise(const QString &directory);
    Result<void> openConnection() const;
    Result<void> checkOwnerReadOnly() const;
    Result<void> checkOwner(const QSqlDatabase &db) const;
    void makePrivate() const;
    Result<int> schemaVersion() const;
    Result<void> migrate(const QString &directory);
    Result<void> importLegacy(const QString &directory);
    Result<void> exec(const QString &sql) const;
    StoreConnection connection() const;

    QString m_connectionName;
    QString m_filePath;
    QString m_location;
    StoreOptions m_options;
    std::unique_ptr<StoreDialect> m_dialect;
    std::unique_ptr<StoreLock> m_lock; // released after the connection is closed
    // What its commits learnt the store holds, so that the next ones look up only the rest.
    std::unique_ptr<KnownRows> m_known;
    // The labels of each label set by id, as far as read (countersPerLabelSet()).
    mutable QHash<qint64, LabelSet> m_labelSetNames;
    bool m_opened = false;             // from then on, a closed connection is opened again
};

} // namespace Dmarc
