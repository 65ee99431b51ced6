#pragma once

#include "analysis/emailanalysis.h"
#include "report/counters.h"

#include <QByteArray>
#include <QDate>
#include <QHashFunctions>
#include <QList>
#include <QString>
#include <QStringList>

#include <array>
#include <optional>
#include <tuple>

namespace Dmarc {

struct StoreOptions
{
    // A counted report blocks the same (org_name, report_id) for this long (docs/counting.md
    // section 4).
    qint64 dedupMaxSeconds = qint64(7) * 24 * 3600;
    // Decided emails are remembered this long, so a failed IMAP move can be retried later.
    qint64 decidedRetentionSeconds = qint64(90) * 24 * 3600;
    // The reports log keeps only the most recent entries.
    int reportsLogLimit = 10000;
    // Label sets the store holds at most: a report whose new label sets would pass it is
    // refused (docs/counting.md section 9.1).
    qsizetype maxLabelSets = 10000;
    // Reports are counted only for these domains and their subdomains; all when empty (9.2).
    QStringList domains;
};

// Which email on which server: the key under which its verdict is remembered.
struct EmailIdentity
{
    QString account;
    QString mailbox;
    quint32 uidValidity = 0;
    quint32 uid = 0;
    QByteArray digest; // SHA-256 of the raw email; a different digest is a different email

    friend bool operator==(const EmailIdentity &a, const EmailIdentity &b)
    {
        return std::tie(a.account, a.mailbox, a.uidValidity, a.uid, a.digest) ==
               std::tie(b.account, b.mailbox, b.uidValidity, b.uid, b.digest);
    }
    friend size_t qHash(const EmailIdentity &identity, size_t seed = 0)
    {
        return qHashMulti(seed, identity.account, identity.mailbox, identity.uidValidity,
                          identity.uid, identity.digest);
    }
};

// A source of a report (ReportCounts::sources) as the service named it before the commit
// (docs/counting.md section 10.2): the store keeps names, it does not give them.
struct SourceLabel
{
    QString ip;   // row/source_ip normalised; "" when missing or not an address
    QString name; // the source name: "office", "SendGrid", "own domain", "unknown"
    QString type; // "own", "esp", "mailbox-provider", ...
};

struct EmailCommit
{
    EmailIdentity identity;
    EmailAnalysis analysis; // the verdict is analysis.verdict()
    // Per analysis.reports, per its sources in order: how each source was named. A counted
    // report keeps the sources named here (docs/counting.md section 10.7), none without them.
    QList<QList<SourceLabel>> sourceLabels;
};

struct EmailCommitResult
{
    EmailVerdict verdict = EmailVerdict::Done;
    // One entry per analysis.reports, in order; empty when alreadyDecided.
    QList<ReportOutcome> reports;
    // One entry per analysis.tlsReports, in order; empty when alreadyDecided.
    QList<ReportOutcome> tlsReports;
    // The email had been committed before (e.g. the move failed): nothing was counted now.
    bool alreadyDecided = false;
    // Why reports were refused (docs/counting.md section 9): one per entry of `reports` that is
    // Malformed, in order.
    QList<ReportRefusal> refusals;
    // The email adds one to dmarc_invalid_reports_total: no candidate, a failed aggregate
    // payload, or a refused report.
    bool invalidDmarc = false;
};

// The counter tables of the TLS and failure-report families (docs/counting.md section 8), each
// with its label columns and value columns (see countTableColumns()).
enum class CountTable
{
    TlsSessions,       // reporter, policy_domain, policy_type: successful, failed
    TlsFailureDetails, // reporter, policy_domain, policy_type, result_type: sessions
    TlsReports,        // reporter, policy_domain: reports
    TlsInvalidReports, // from_email: invalid_count
    FailureReports, // reported_domain, auth_failure, identity_alignment, delivery_result: reports
    // The same per day, for the dashboard (docs/counting.md section 8.7): the day comes first.
    TlsSessionsByDay,       // day, reporter, policy_domain, policy_type: successful, failed
    TlsFailureDetailsByDay, // day, reporter, policy_domain, policy_type, result_type: sessions
    FailureReportsByDay // day, reported_domain, auth_failure, identity_alignment, delivery_result
};
constexpr int kCountTables = 8;
// The tables before the first ...ByDay one: all time, what the metrics are restored from.
constexpr int kAllTimeCountTables = int(CountTable::TlsSessionsByDay);

// One row of a count table: label values and the values, both in column order.
struct CountRow
{
    QStringList labels;
    QList<quint64> values;

    friend bool operator==(const CountRow &a, const CountRow &b)
    {
        return a.labels == b.labels && a.values == b.values;
    }
};

// Rows of every count table, indexed by int(CountTable), label sets in first-seen order.
using CountRows = std::array<QList<CountRow>, kCountTables>;

// The labels of dmarc_source_total and dmarc_source_compliant_total (docs/counting.md section
// 10.7): a from_domain and a source name.
struct SourcePair
{
    QString fromDomain;
    QString source;

    friend bool operator==(const SourcePair &a, const SourcePair &b)
    {
        return a.fromDomain == b.fromDomain && a.source == b.source;
    }
    friend size_t qHash(const SourcePair &pair, size_t seed = 0)
    {
        return qHashMulti(seed, pair.fromDomain, pair.source);
    }
};

// The messages of one source pair, and how many of them were DMARC compliant.
struct SourceCounter
{
    SourcePair pair;
    quint64 total = 0;
    quint64 compliant = 0;

    friend bool operator==(const SourceCounter &a, const SourceCounter &b)
    {
        return a.pair == b.pair && a.total == b.total && a.compliant == b.compliant;
    }
};

// What one source IP sent as one from_domain on one day (the UTC day of the report's
// date_range begin), with its name as the last commit that touched it gave it.
struct SourceDay
{
    QDate day;
    QString fromDomain;
    SourceLabel source;
    Counters counters; // all but dkim_pass and spf_pass are kept
};

// The kinds of domain kept per source and day: the reporters, and the DKIM and SPF domains
// that passed.
enum class SourceDomainKind
{
    Reporter,
    Dkim,
    Spf
};

// A reporter, DKIM or SPF domain seen for a source IP on a day, with the messages it covered.
struct SourceDayDomain
{
    QDate day;
    QString fromDomain;
    QString ip;
    SourceDomainKind kind = SourceDomainKind::Reporter;
    QString domain;
    quint64 messages = 0;
};

// Everything the metrics need at start, label sets in first-seen order.
struct StoreSnapshot
{
    QList<LabelCounts> counters;
    QList<InvalidCount> invalidReports;
    CountRows counts; // the all-time tables; the ...ByDay ones are left empty
    QList<SourceCounter> sourceCounters; // in first-counted order
};

// One day of the daily history: the day of the reports' date_range begin (UTC), their counters
// and their number, a report counted once per from domain it holds.
struct HistoryRow
{
    QDate day;
    Counters counters;
    quint64 reports = 0;
};

// The counters of one label set on one day (the UTC day of the report's date_range begin), or
// in the week that begins on that day.
struct DailyLabelCounts
{
    QDate day;
    LabelCounts counts;
};

// The Monday of the ISO 8601 week of `day`: the store also keeps the counters per label set and
// week (weekly_counters), so that a range of weeks reads a row per week and label set.
inline QDate weekStart(QDate day)
{
    return day.addDays(1 - day.dayOfWeek());
}

// A range of days [from, to] (an invalid date: no bound there) as the weeks it holds whole,
// read from what is kept per week, and the days at its ends, read from what is kept per day.
struct WeeksAndDays
{
    bool weeks = false; // whether [firstWeek, lastWeek] holds a week
    QDate firstWeek;    // Mondays; an invalid one is no bound there
    QDate lastWeek;
    QList<std::pair<QDate, QDate>> days; // [first, last] of the days outside those weeks
};

inline WeeksAndDays weeksAndDays(QDate from, QDate to)
{
    WeeksAndDays split;
    split.firstWeek = from.isValid() ? weekStart(from.addDays(6)) : QDate();
    split.lastWeek = to.isValid() ? weekStart(to.addDays(1)).addDays(-7) : QDate();
    split.weeks = !split.firstWeek.isValid() || !split.lastWeek.isValid() ||
                  split.firstWeek <= split.lastWeek;
    if (!split.weeks)
        split.days << std::pair(from, to);
    if (split.weeks && from.isValid() && from < split.firstWeek)
        split.days << std::pair(from, split.firstWeek.addDays(-1));
    if (split.weeks && to.isValid() && split.lastWeek.addDays(6) < to)
        split.days << std::pair(split.lastWeek.addDays(7), to);
    return split;
}

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
    qint64 id = 0;          // the entry's key, as read
    // Written with the entry of a report that was read (since schema version 6); read by
    // Store::loggedReport() only.
    std::optional<ReportDetails> details;
};

// One entry of the reports log with all the store keeps of it.
struct LoggedReportRecord
{
    ReportLogEntry entry;                      // with its details, when kept
    std::optional<LoggedEmail> email;          // none for entries logged before schema version 6
    QList<ReportLogEntry> otherEntriesOfEmail; // the email's other reports and failures
};

// One line of the recent activity (docs/architecture.md section 2, step 12).
struct ActivityRecord
{
    qint64 id = 0; // set when appended
    qint64 at = 0; // seconds since the epoch
    QString account;
    QString host;
    QString event; // the service's name of what happened
    QString label; // "uid 17"
    QString fromEmail;
    quint64 counted = 0; // aggregate reports; before schema version 8 the reports of every kind
    quint64 duplicates = 0;
    QString folder; // where the email goes
    QString detail; // why it failed, when it did
    quint64 tlsCounted = 0;      // SMTP TLS reports (schema version 8)
    quint64 failuresCounted = 0; // DMARC failure reports (schema version 8)
};

// A reverse DNS answer kept for a source IP (docs/counting.md section 10.6).
struct PtrRecord
{
    QString ip;         // as normalizeSourceIp() writes it
    QString outcome;    // "name", "no_name", "timeout" or "server_failure"
    QString name;       // the PTR name when the outcome is "name"; "" otherwise
    qint64 expires = 0; // seconds since the epoch

    friend bool operator==(const PtrRecord &a, const PtrRecord &b)
    {
        return a.ip == b.ip && a.outcome == b.outcome && a.name == b.name && a.expires == b.expires;
    }
};

} // namespace Dmarc
