#pragma once

#include "analysis/emailanalysis.h"
#include "common/result.h"
#include "report/counters.h"

#include <QByteArray>
#include <QDate>
#include <QList>
#include <QString>

#include <memory>
#include <optional>

namespace Dmarc {

class StoreDialect;

struct StoreOptions
{
    // A counted report blocks the same (org_name, report_id) for this long (docs/counting.md section 4).
    qint64 dedupMaxSeconds = qint64(7) * 24 * 3600;
    // Decided emails are remembered this long, so a failed IMAP move can be retried later.
    qint64 decidedRetentionSeconds = qint64(90) * 24 * 3600;
    // The reports log keeps only the most recent entries.
    int reportsLogLimit = 10000;
};

// Which email on which server: the key under which its verdict is remembered.
struct EmailIdentity
{
    QString account;
    QString mailbox;
    quint32 uidValidity = 0;
    quint32 uid = 0;
    QByteArray digest; // SHA-256 of the raw email; a different digest is a different email
};

struct EmailCommit
{
    EmailIdentity identity;
    EmailAnalysis analysis; // the verdict is analysis.verdict()
};

struct EmailCommitResult
{
    EmailVerdict verdict = EmailVerdict::Done;
    // One entry per analysis.reports, in order; empty when alreadyDecided.
    QList<ReportOutcome> reports;
    // The email had been committed before (e.g. the move failed): nothing was counted now.
    bool alreadyDecided = false;
};

// Everything the metrics need at start, label sets in first-seen order.
struct StoreSnapshot
{
    QList<LabelCounts> counters;
    QList<InvalidCount> invalidReports;
};

// One row of the daily history: the day of the report's date_range begin (UTC).
struct HistoryRow
{
    QDate day;
    QString reporter;
    QString fromDomain;
    Counters counters;
    quint64 reports = 0;
};

// Restricts a history query; empty strings match everything.
struct HistoryFilter
{
    QDate from; // inclusive; invalid: no lower bound
    QDate to;   // inclusive; invalid: no upper bound
    QString reporter;
    QString fromDomain;
};

// A label dimension for grouped totals.
enum class LabelDimension
{
    Reporter,
    FromDomain,
    DkimDomain,
    SpfDomain
};

struct GroupedCounts
{
    QString key;
    Counters counters;
};

struct ReportLogEntry
{
    QString orgName;
    QString reportId;
    qint64 dateBegin = 0;
    qint64 dateEnd = 0;
    quint64 records = 0;
    quint64 messages = 0;
    ReportOutcome outcome = ReportOutcome::Counted;
    QString reason; // why it failed (Malformed), empty otherwise
    QString fromEmail;
    qint64 processedAt = 0; // seconds since the epoch
};

// The exporter's durable state in one SQLite database: counters, invalid counts, the dedup
// window, decided emails, the reports log and a daily history. Every commit is one transaction.
// Not thread-safe: use it from one thread.
class Store
{
public:
    static constexpr int kSchemaVersion = 1;
    static QString fileName() { return QStringLiteral("dmarc-metrics-exporter.sqlite"); }

    // Opens (or creates) the store in `directory`. Imports the Python original's metrics.db
    // once, when the store is new. Errors name the file.
    static Result<std::unique_ptr<Store>> open(const QString &directory,
                                               const StoreOptions &options = {});
    ~Store();
    Store(const Store &) = delete;
    Store &operator=(const Store &) = delete;

    QString filePath() const { return m_filePath; }

    // The verdicts committed earlier for these emails (same identity and digest), if any, in
    // the same order.
    Result<QList<std::optional<EmailVerdict>>>
    decidedVerdicts(const QList<EmailIdentity> &identities) const;

    // Commits a batch of emails in one transaction: dedup (docs/counting.md section 4), counters, invalid
    // counts, daily history, reports log and the decided emails. All or nothing.
    Result<QList<EmailCommitResult>> commit(const QList<EmailCommit> &batch, qint64 nowSecs);

    Result<StoreSnapshot> snapshot() const;

    // Gives back the memory the database engine caches; for when the exporter goes idle.
    Result<void> releaseMemory() const;

    // Dashboard queries.
    Result<QList<HistoryRow>> history(const HistoryFilter &filter) const;
    Result<QList<GroupedCounts>> totalsBy(LabelDimension dimension) const;
    Result<QList<ReportLogEntry>> recentReports(int limit) const;

    // Counts of stored rows, for logs and tests.
    Result<qint64> dedupEntryCount() const;

private:
    Store(QString connectionName, QString filePath, const StoreOptions &options);

    Result<void> initialise(const QString &directory);
    Result<void> migrate(int fromVersion, const QString &directory);
    Result<void> importLegacy(const QString &directory);
    Result<void> exec(const QString &sql) const;
    Error sqlError(const QString &what, const QString &detail) const;

    QString m_connectionName;
    QString m_filePath;
    StoreOptions m_options;
    std::unique_ptr<StoreDialect> m_dialect;
};

} // namespace Dmarc
