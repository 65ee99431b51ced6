#include "dashboardqueries.h"

#include "store/store.h"

#include <QDateTime>
#include <QMap>
#include <QPointer>
#include <QThread>

#include <algorithm>
#include <limits>
#include <memory>

namespace Dmarc {

namespace {

LabelDimension dimensionOf(GroupBy by)
{
    switch (by) {
    case GroupBy::Reporter:
        return LabelDimension::Reporter;
    case GroupBy::FromDomain:
        return LabelDimension::FromDomain;
    case GroupBy::DkimDomain:
        return LabelDimension::DkimDomain;
    case GroupBy::SpfDomain:
        break;
    }
    return LabelDimension::SpfDomain;
}

const QString &labelOf(const LabelSet &labels, GroupBy by)
{
    switch (by) {
    case GroupBy::Reporter:
        return labels.reporter;
    case GroupBy::FromDomain:
        return labels.fromDomain;
    case GroupBy::DkimDomain:
        return labels.dkimDomain;
    case GroupBy::SpfDomain:
        break;
    }
    return labels.spfDomain;
}

Result<QList<HistoryRow>> historyOf(const Store &store, DayRange range)
{
    return store.history(HistoryFilter{range.from, range.to, {}, {}});
}

Result<RangeTotals> totalsOf(const Store &store, DayRange range)
{
    const auto rows = historyOf(store, range);
    if (!rows)
        return rows.error();
    // Every entry the log keeps: the invalid reports of a range are counted from it.
    const auto log = store.recentReports(StoreOptions().reportsLogLimit);
    if (!log)
        return log.error();
    RangeTotals totals;
    for (const HistoryRow &row : *rows) {
        totals.counters += row.counters;
        totals.reports += row.reports;
    }
    const qint64 fromSecs = range.from.isValid() ? range.from.startOfDay(Qt::UTC).toSecsSinceEpoch()
                                                 : std::numeric_limits<qint64>::min();
    const qint64 endSecs = range.to.isValid()
                               ? range.to.addDays(1).startOfDay(Qt::UTC).toSecsSinceEpoch()
                               : std::numeric_limits<qint64>::max();
    totals.invalidReports =
        quint64(std::count_if(log->begin(), log->end(), [fromSecs, endSecs](const auto &entry) {
            return entry.outcome == ReportOutcome::Malformed && entry.processedAt >= fromSecs &&
                   entry.processedAt < endSecs;
        }));
    return totals;
}

Result<QList<DailyPoint>> dailyHistoryOf(const Store &store, DayRange range)
{
    const auto rows = historyOf(store, range);
    if (!rows)
        return rows.error();
    QMap<QDate, DailyPoint> days;
    for (const HistoryRow &row : *rows) {
        DailyPoint &point = days[row.day];
        point.day = row.day;
        point.messages += row.counters.total;
        point.compliant += row.counters.compliant;
    }
    const QDate from = range.from.isValid() ? range.from
                       : days.isEmpty()     ? range.to
                                            : days.firstKey();
    const QDate to = range.to.isValid() ? range.to : days.isEmpty() ? from : days.lastKey();
    QList<DailyPoint> series;
    if (!from.isValid() || !to.isValid())
        return series;
    for (QDate day = from; day <= to; day = day.addDays(1))
        series.append(days.value(day, DailyPoint{day, 0, 0}));
    return series;
}

Result<QList<GroupTotals>> groupsOf(const Store &store, GroupBy by)
{
    const auto grouped = store.totalsBy(dimensionOf(by));
    if (!grouped)
        return grouped.error();
    QList<GroupTotals> groups;
    groups.reserve(grouped->size());
    for (const GroupedCounts &group : *grouped)
        groups.append(GroupTotals{group.key, group.counters});
    return groups;
}

Result<QList<LabelCounts>> labelSetsOf(const Store &store,
                                       const std::function<bool(const LabelSet &)> &wanted)
{
    auto snapshot = store.snapshot();
    if (!snapshot)
        return snapshot.error();
    QList<LabelCounts> labelSets = std::move(snapshot->counters);
    if (wanted)
        labelSets.removeIf([&wanted](const LabelCounts &entry) { return !wanted(entry.labels); });
    return labelSets;
}

Result<QList<LoggedReport>> recentReportsOf(const Store &store, int limit)
{
    const auto entries = store.recentReports(limit);
    if (!entries)
        return entries.error();
    QList<LoggedReport> reports;
    reports.reserve(entries->size());
    for (const ReportLogEntry &e : *entries) {
        reports.append(LoggedReport{e.orgName, e.reportId, e.dateBegin, e.dateEnd, e.records,
                                    e.messages, e.outcome, e.reason, e.fromEmail, e.processedAt});
    }
    return reports;
}

} // namespace

// The reading side, in the queries' thread: its store connection is opened, used and closed
// there (Qt SQL connections belong to one thread).
class DashboardQueries::Reader : public QObject
{
public:
    explicit Reader(const QString &directory)
        : m_directory(directory)
    {}

    Result<const Store *> store()
    {
        if (!m_store) {
            auto opened = Store::open(m_directory);
            if (!opened)
                return opened.error();
            m_store = std::move(opened).value();
        }
        return m_store.get();
    }

private:
    QString m_directory;
    std::unique_ptr<Store> m_store;
};

DashboardQueries::DashboardQueries(const QString &storageDirectory, QObject *parent)
    : QObject(parent)
    , m_thread(new QThread(this))
    , m_reader(new Reader(storageDirectory))
{
    m_thread->setObjectName(QStringLiteral("dashboard queries"));
    m_reader->moveToThread(m_thread);
    // Deleted in its own thread, which closes the store connection there.
    connect(m_thread, &QThread::finished, m_reader, &QObject::deleteLater);
}

DashboardQueries::~DashboardQueries()
{
    if (m_thread->isRunning()) {
        m_thread->quit();
        m_thread->wait();
    } else {
        delete m_reader;
    }
}

template<typename T>
void DashboardQueries::ask(QObject *context, std::function<Result<T>(const Store &)> question,
                           Reply<T> reply)
{
    if (!m_thread->isRunning())
        m_thread->start(QThread::LowPriority);
    QMetaObject::invokeMethod(
        m_reader,
        [this, reader = m_reader, guard = QPointer<QObject>(context),
         question = std::move(question), reply = std::move(reply)]() mutable {
            const auto store = reader->store();
            Result<T> answer = store ? question(**store) : Result<T>(store.error());
            // Back to this object's thread, which outlives the reader's: only there may the
            // context be looked at. The guard and the reply are moved, never copied, here.
            QMetaObject::invokeMethod(
                this,
                [guard = std::move(guard), reply = std::move(reply), answer = std::move(answer)] {
                    if (guard)
                        reply(answer);
                },
                Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

void DashboardQueries::totals(DayRange range, QObject *context, Reply<RangeTotals> reply)
{
    ask<RangeTotals>(
        context, [range](const Store &store) { return totalsOf(store, range); }, std::move(reply));
}

void DashboardQueries::dailyHistory(DayRange range, QObject *context,
                                    Reply<QList<DailyPoint>> reply)
{
    ask<QList<DailyPoint>>(
        context, [range](const Store &store) { return dailyHistoryOf(store, range); },
        std::move(reply));
}

void DashboardQueries::groups(GroupBy by, QObject *context, Reply<QList<GroupTotals>> reply)
{
    ask<QList<GroupTotals>>(
        context, [by](const Store &store) { return groupsOf(store, by); }, std::move(reply));
}

void DashboardQueries::labelSetsBehind(GroupBy by, const QString &key, QObject *context,
                                       Reply<QList<LabelCounts>> reply)
{
    ask<QList<LabelCounts>>(
        context,
        [by, key](const Store &store) {
            return labelSetsOf(
                store, [by, &key](const LabelSet &labels) { return labelOf(labels, by) == key; });
        },
        std::move(reply));
}

void DashboardQueries::labelSets(QObject *context, Reply<QList<LabelCounts>> reply)
{
    ask<QList<LabelCounts>>(
        context, [](const Store &store) { return labelSetsOf(store, {}); }, std::move(reply));
}

void DashboardQueries::recentReports(int limit, QObject *context, Reply<QList<LoggedReport>> reply)
{
    ask<QList<LoggedReport>>(
        context, [limit](const Store &store) { return recentReportsOf(store, limit); },
        std::move(reply));
}

} // namespace Dmarc
