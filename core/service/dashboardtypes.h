#pragma once

#include "report/counters.h"
#include "report/outcome.h"

#include <QDate>
#include <QList>
#include <QString>

#include <array>

namespace Dmarc {

// Whole UTC days, both ends included: the resolution of the daily history. An invalid `from`
// reaches back to the first report, an invalid `to` up to the last; both invalid is all time.
struct DayRange
{
    QDate from;
    QDate to;
};

// What the summary cards show for a range of days.
struct RangeTotals
{
    // Of the reports whose date range begins in the range: the sum of the label sets of
    // RangeSummary, so of every grouped table's rows.
    Counters counters;
    // Reports counted (duplicates are not: docs/counting.md 4), from the daily history, which
    // keeps them per sending domain (docs/counting.md 3.4): a report covering two counts twice.
    quint64 reports = 0;
    quint64 invalidReports = 0; // reports log entries that failed, processed in the range
};

// How long one point of the trend is.
enum class TrendPeriod
{
    Day,
    Week, // Monday to Sunday
    Month
};

// One period of the trend: the days of the range it covers, both included.
struct TrendPoint
{
    QDate first;
    QDate last;
    quint64 messages = 0;
    quint64 compliant = 0;
};

// Messages and compliant messages per period over a range of days, every period of the range
// listed, those without reports as zeros.
struct Trend
{
    TrendPeriod period = TrendPeriod::Day;
    QList<TrendPoint> points;
};

// The label that a grouped table is keyed by (docs/counting.md 3.1).
enum class GroupBy
{
    Reporter,
    FromDomain,
    DkimDomain,
    SpfDomain
};
constexpr int kGroupings = 4;

// The counters of every label set sharing one value of a label over a range of days.
struct GroupTotals
{
    QString key;
    Counters counters;
};

// One range of days as the dashboard shows it: the cards and the grouped tables, all added up
// from the same counters per label set, so that every table's rows add up to the cards.
struct RangeSummary
{
    RangeTotals totals;
    // Indexed by int(GroupBy); most messages first, equal ones by key.
    std::array<QList<GroupTotals>, kGroupings> groups;

    const QList<GroupTotals> &groupsBy(GroupBy by) const { return groups.at(size_t(by)); }
};

// One entry of the reports log, newest first in its answers.
struct LoggedReport
{
    QString orgName;
    QString reportId;
    qint64 dateBegin = 0; // seconds since the epoch; 0 when the report gave none
    qint64 dateEnd = 0;
    quint64 records = 0;
    quint64 messages = 0;
    ReportOutcome outcome = ReportOutcome::Counted;
    QString reason; // why it failed (Malformed), empty otherwise
    QString fromEmail;
    qint64 processedAt = 0; // seconds since the epoch
    qint64 id = 0;          // the entry's key, for DashboardQueries::reportDetails()
};

// What a row of the TLS tables is keyed by (docs/counting.md section 8.7).
enum class TlsGroupBy
{
    PolicyDomain,
    Reporter,
    Day
};

// Failed sessions of one result type (docs/counting.md section 8.2).
struct TlsFailureType
{
    QString resultType;
    quint64 sessions = 0;
};

// The TLS sessions of one key and policy type over a range of days. Never added up across
// policy types: one report may count the same sessions under sts and under tlsa.
struct TlsSessionTotals
{
    QString key;        // the policy domain, the reporter, or the day (YYYY-MM-DD)
    QString policyType; // sts, tlsa, no-policy-found, other
    quint64 successful = 0;
    quint64 failed = 0;
    // Most sessions first. Reporters list overlapping details: they need not add up to `failed`.
    QList<TlsFailureType> failureTypes;
};

// What a row of the failure-report table is keyed by.
enum class FailureReportGroupBy
{
    ReportedDomain,
    Day
};

// How many failure reports had one value of a label.
struct LabelValueCount
{
    QString value;
    quint64 reports = 0;
};

// The failure reports of one key over a range of days, with the breakdowns the store keeps
// (docs/counting.md section 8.3), each most reports first.
struct FailureReportTotals
{
    QString key; // the reported domain, or the day (YYYY-MM-DD) the reports arrived
    quint64 reports = 0;
    QList<LabelValueCount> authFailures;
    QList<LabelValueCount> identityAlignments;
    QList<LabelValueCount> deliveryResults;
};

} // namespace Dmarc
