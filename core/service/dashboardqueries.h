#pragma once

#include "common/result.h"
#include "report/counters.h"
#include "service/activity.h"
#include "service/dashboardtypes.h"
#include "service/reportdetails.h"
#include "service/sourcetypes.h"

#include <QList>
#include <QObject>
#include <QString>

#include <functional>
#include <optional>

class QThread;

namespace Dmarc {

class Store;
struct StoreLocation;

// What the dashboard and the tray read: totals, the daily trend, grouped tables and their
// label sets, the reports log. Every question is answered on a thread of its own, over a
// connection of its own to the store, so that a year of history never stalls the desktop;
// questions are answered in the order they were asked. The answer is handed to `reply` on this
// object's thread, where `context` lives too, and dropped when `context` is gone by then.
//
// The answers of totals(), summary(), trend(), labelSetsBehind(), recentReports(),
// tlsSessions(), failureReports() and sources() are kept, and the same question is answered with
// the kept answer for as long as nothing has been committed to the store since it was read
// (Store::changeMark(): a commit of this exporter, of another process or of another exporter
// sharing the database); the first question after a commit reads the store again.
class DashboardQueries : public QObject
{
    Q_OBJECT
public:
    template<typename T>
    using Reply = std::function<void(const Result<T> &)>;

    // Reads the store at `location`, which the exporter has opened (and so migrated) before.
    // The thread starts with the first question.
    explicit DashboardQueries(const StoreLocation &location, QObject *parent = nullptr);
    // Waits for the question being answered, if any; the others are dropped.
    ~DashboardQueries() override;

    // Totals for the summary cards, as summary() has them.
    void totals(DayRange range, QObject *context, Reply<RangeTotals> reply);
    // The cards and the grouped tables of `range` (by report day, docs/counting.md 3.4), from
    // one reading of the counters per label set.
    void summary(DayRange range, QObject *context, Reply<RangeSummary> reply);
    // Messages and compliant messages per day of `range`, per week when it spans more than 60
    // days, per month when more than a year. With an invalid `range.from` it starts at the first
    // day with reports, with an invalid `range.to` it ends at the last.
    void trend(DayRange range, QObject *context, Reply<Trend> reply);
    // The counters over `range` of the label sets whose `by` label is `key`: what lies behind
    // one row of a grouped table.
    void labelSetsBehind(GroupBy by, const QString &key, DayRange range, QObject *context,
                         Reply<QList<LabelCounts>> reply);
    // Every label set the counters are kept for, all time, in the order first counted.
    void labelSets(QObject *context, Reply<QList<LabelCounts>> reply);
    // The newest `limit` entries of the reports log, newest first.
    void recentReports(int limit, QObject *context, Reply<QList<LoggedReport>> reply);
    // The reports log entry `id` with everything kept of it, for the report view.
    void reportDetails(qint64 id, QObject *context, Reply<LoggedReportDetails> reply);
    // The newest `limit` lines of the recent activity, oldest first.
    void recentActivity(int limit, QObject *context, Reply<QList<ActivityEntry>> reply);
    // TLS sessions of the reports whose range begins in `range` (docs/counting.md section 8.7),
    // per key of `by` and policy type, by key; only those of `policyDomain` when it is given.
    void tlsSessions(DayRange range, TlsGroupBy by, std::optional<QString> policyDomain,
                     QObject *context, Reply<QList<TlsSessionTotals>> reply);
    // Failure reports that arrived in `range`, per key of `by`, by key.
    void failureReports(DayRange range, FailureReportGroupBy by, QObject *context,
                        Reply<QList<FailureReportTotals>> reply);
    // Up to `limit` rows of the Sources view over `range` as `filter` asks, sorted by `order`,
    // from row `offset` on, and the number of rows of every page (sourcequeries.h). Each page
    // is kept, as the answers above are.
    void sources(DayRange range, const SourceFilter &filter, SourceOrder order, qsizetype offset,
                 qsizetype limit, QObject *context, Reply<SourcePage> reply);
    // What lies behind the source IP `ip` over `range`: its days, reporters, DKIM and SPF domains.
    void sourceDetails(const QString &ip, DayRange range, QObject *context,
                       Reply<SourceDetails> reply);
    // The sources newly failing DMARC in `range` (its first day valid), for the tray.
    void newFailingSources(DayRange range, QObject *context, Reply<QList<FailingSource>> reply);

    // Reads the summary and the trend of `range` ahead and keeps them, behind every question
    // asked before or after: switching to `range` then finds them read.
    void prefetch(DayRange range);

private:
    class Reader;

    template<typename T>
    using Question = std::function<Result<T>(const Store &)>;

    // `question`'s answer handed to `reply`; kept under `key` when it is not empty.
    template<typename T>
    void ask(QObject *context, const QString &key, Question<T> question, Reply<T> reply);
    // Starts the thread with the first question.
    void startReading();

    QThread *m_thread;
    Reader *m_reader; // lives in m_thread
};

} // namespace Dmarc
