#include "dashboardqueries.h"

#include "detailreads.h"
#include "sourcequeries.h"
#include "store/store.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QEvent>
#include <QHash>
#include <QMap>
#include <QPointer>
#include <QThread>

#include <algorithm>
#include <any>
#include <limits>
#include <memory>

namespace Dmarc {

namespace {

// The key an answer is kept under: the question and what it was asked with.
QString keyOf(QLatin1String question, DayRange range, const QString &more = QString())
{
    return question % QLatin1Char(' ') % range.from.toString(Qt::ISODate) % QLatin1Char(' ') %
           range.to.toString(Qt::ISODate) % QLatin1Char(' ') % more;
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

// The counters per label set of the reports whose day lies in `range`. All time is the
// all-time counters: those counted before the store kept them per day (docs/counting.md 3.4)
// and those imported included.
Result<QList<LabelCounts>> countersIn(const Store &store, DayRange range)
{
    if (range.from.isValid() || range.to.isValid())
        return store.countersPerLabelSet(range.from, range.to);
    auto snapshot = store.snapshot();
    if (!snapshot)
        return snapshot.error();
    return std::move(snapshot->counters);
}

// Reports log entries that failed, processed in `range`.
Result<quint64> invalidReportsIn(const Store &store, DayRange range)
{
    const qint64 fromSecs = range.from.isValid() ? range.from.startOfDay(Qt::UTC).toSecsSinceEpoch()
                                                 : std::numeric_limits<qint64>::min();
    const qint64 endSecs = range.to.isValid()
                               ? range.to.addDays(1).startOfDay(Qt::UTC).toSecsSinceEpoch()
                               : std::numeric_limits<qint64>::max();
    return store.loggedOutcomes(ReportOutcome::Malformed, fromSecs, endSecs);
}

Result<RangeTotals> totalsOf(const Store &store, DayRange range,
                             const QList<LabelCounts> &labelSets)
{
    const auto days = store.dailyTotals(range.from, range.to);
    if (!days)
        return days.error();
    const auto invalid = invalidReportsIn(store, range);
    if (!invalid)
        return invalid.error();
    RangeTotals totals;
    for (const LabelCounts &entry : labelSets)
        totals.counters += entry.counters;
    for (const HistoryRow &day : *days)
        totals.reports += day.reports;
    totals.invalidReports = *invalid;
    return totals;
}

Result<RangeTotals> totalsOf(const Store &store, DayRange range)
{
    const auto labelSets = countersIn(store, range);
    if (!labelSets)
        return labelSets.error();
    return totalsOf(store, range, *labelSets);
}

// The label sets' counters summed per value of the `by` label, most messages first.
QList<GroupTotals> grouped(const QList<LabelCounts> &labelSets, GroupBy by)
{
    QHash<QString, qsizetype> index;
    QList<GroupTotals> groups;
    for (const LabelCounts &entry : labelSets) {
        const QString &key = labelOf(entry.labels, by);
        auto found = index.constFind(key);
        if (found == index.cend()) {
            found = index.insert(key, groups.size());
            groups.append(GroupTotals{key, {}});
        }
        groups[*found].counters += entry.counters;
    }
    std::sort(groups.begin(), groups.end(), [](const GroupTotals &a, const GroupTotals &b) {
        return a.counters.total != b.counters.total ? a.counters.total > b.counters.total
                                                    : a.key < b.key;
    });
    return groups;
}

Result<RangeSummary> summaryOf(const Store &store, DayRange range)
{
    const auto labelSets = countersIn(store, range);
    if (!labelSets)
        return labelSets.error();
    auto totals = totalsOf(store, range, *labelSets);
    if (!totals)
        return totals.error();
    RangeSummary summary;
    summary.totals = *totals;
    for (int by = 0; by < kGroupings; ++by)
        summary.groups[size_t(by)] = grouped(*labelSets, GroupBy(by));
    return summary;
}

// The first day of the period of `period` that `day` lies in.
QDate periodStart(QDate day, TrendPeriod period)
{
    switch (period) {
    case TrendPeriod::Day:
        return day;
    case TrendPeriod::Week:
        return weekStart(day);
    case TrendPeriod::Month:
        break;
    }
    return QDate(day.year(), day.month(), 1);
}

QDate nextPeriod(QDate start, TrendPeriod period)
{
    switch (period) {
    case TrendPeriod::Day:
        return start.addDays(1);
    case TrendPeriod::Week:
        return start.addDays(7);
    case TrendPeriod::Month:
        break;
    }
    return start.addMonths(1);
}

Result<Trend> trendOf(const Store &store, DayRange range)
{
    const auto days = store.dailyTotals(range.from, range.to);
    if (!days)
        return days.error();
    Trend trend;
    const QDate from = range.from.isValid() ? range.from
                       : days->isEmpty()    ? range.to
                                            : days->first().day;
    const QDate to = range.to.isValid() ? range.to : days->isEmpty() ? from : days->last().day;
    if (!from.isValid() || !to.isValid() || to < from)
        return trend;
    // Long ranges in weeks or months, so that a bar stays wide enough to see.
    const qint64 span = from.daysTo(to) + 1;
    trend.period = span > 366 ? TrendPeriod::Month
                   : span > 60 ? TrendPeriod::Week
                               : TrendPeriod::Day;
    auto day = days->cbegin();
    for (QDate start = periodStart(from, trend.period); start <= to;
         start = nextPeriod(start, trend.period)) {
        const QDate next = nextPeriod(start, trend.period);
        // A range's own bound cuts its first and last period; all time shows them whole.
        TrendPoint point{range.from.isValid() ? std::max(start, from) : start,
                         range.to.isValid() ? std::min(next.addDays(-1), to) : next.addDays(-1),
                         0, 0};
        for (; day != days->cend() && day->day < next; ++day) {
            point.messages += day->counters.total;
            point.compliant += day->counters.compliant;
        }
        trend.points.append(point);
    }
    return trend;
}

std::function<Result<RangeSummary>(const Store &)> summaryQuestion(DayRange range)
{
    return [range](const Store &store) { return summaryOf(store, range); };
}

std::function<Result<Trend>(const Store &)> trendQuestion(DayRange range)
{
    return [range](const Store &store) { return trendOf(store, range); };
}

Result<QList<LoggedReport>> recentReportsOf(const Store &store, int limit)
{
    const auto entries = store.recentReports(limit);
    if (!entries)
        return entries.error();
    QList<LoggedReport> reports;
    reports.reserve(entries->size());
    for (const ReportLogEntry &e : *entries)
        reports.append(loggedReportOf(e));
    return reports;
}

// `counts` as a list of T{value, count}, most first, equal counts by value.
template<typename T>
QList<T> mostFirst(const QMap<QString, quint64> &counts)
{
    QList<std::pair<QString, quint64>> sorted(counts.keyValueBegin(), counts.keyValueEnd());
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto &a, const auto &b) { return a.second > b.second; });
    QList<T> list;
    list.reserve(sorted.size());
    for (const auto &[value, count] : sorted)
        list.append(T{value, count});
    return list;
}

// The labels of the ...ByDay TLS tables: day, reporter, policy_domain, policy_type[, result_type].
int tlsKeyColumn(TlsGroupBy by)
{
    switch (by) {
    case TlsGroupBy::Day:
        return 0;
    case TlsGroupBy::Reporter:
        return 1;
    case TlsGroupBy::PolicyDomain:
        break;
    }
    return 2;
}

Result<QList<TlsSessionTotals>> tlsSessionsOf(const Store &store, DayRange range, TlsGroupBy by,
                                              const std::optional<QString> &policyDomain)
{
    const auto sessions = store.countsByDay(CountTable::TlsSessionsByDay, range.from, range.to);
    if (!sessions)
        return sessions.error();
    const auto details =
        store.countsByDay(CountTable::TlsFailureDetailsByDay, range.from, range.to);
    if (!details)
        return details.error();
    const int keyColumn = tlsKeyColumn(by);
    using Key = std::pair<QString, QString>; // the key of `by`, the policy type
    const auto wanted = [&policyDomain](const CountRow &row) {
        return !policyDomain || row.labels.at(2) == *policyDomain;
    };
    QMap<Key, TlsSessionTotals> totals;
    for (const CountRow &row : *sessions) {
        if (!wanted(row))
            continue;
        TlsSessionTotals &entry = totals[Key{row.labels.at(keyColumn), row.labels.at(3)}];
        entry.successful += row.values.at(0);
        entry.failed += row.values.at(1);
    }
    QMap<Key, QMap<QString, quint64>> failureTypes;
    for (const CountRow &row : *details) {
        if (wanted(row))
            failureTypes[Key{row.labels.at(keyColumn), row.labels.at(3)}][row.labels.at(4)] +=
                row.values.at(0);
    }
    QList<TlsSessionTotals> answer;
    answer.reserve(totals.size());
    for (auto it = totals.begin(); it != totals.end(); ++it) {
        it->key = it.key().first;
        it->policyType = it.key().second;
        it->failureTypes = mostFirst<TlsFailureType>(failureTypes.value(it.key()));
        answer.append(std::move(*it));
    }
    return answer;
}

Result<QList<FailureReportTotals>> failureReportsOf(const Store &store, DayRange range,
                                                    FailureReportGroupBy by)
{
    // Labels: day, reported_domain, auth_failure, identity_alignment, delivery_result.
    const auto rows = store.countsByDay(CountTable::FailureReportsByDay, range.from, range.to);
    if (!rows)
        return rows.error();
    struct Breakdowns
    {
        quint64 reports = 0;
        QMap<QString, quint64> byLabel[3];
    };
    QMap<QString, Breakdowns> totals;
    for (const CountRow &row : *rows) {
        Breakdowns &entry = totals[row.labels.at(by == FailureReportGroupBy::Day ? 0 : 1)];
        const quint64 reports = row.values.at(0);
        entry.reports += reports;
        for (int label = 0; label < 3; ++label)
            entry.byLabel[label][row.labels.at(2 + label)] += reports;
    }
    QList<FailureReportTotals> answer;
    answer.reserve(totals.size());
    for (auto it = totals.cbegin(); it != totals.cend(); ++it) {
        answer.append(FailureReportTotals{it.key(), it->reports,
                                          mostFirst<LabelValueCount>(it->byLabel[0]),
                                          mostFirst<LabelValueCount>(it->byLabel[1]),
                                          mostFirst<LabelValueCount>(it->byLabel[2])});
    }
    return answer;
}

} // namespace

// The reading side, in the queries' thread: its store connection is opened, used and closed
// there (Qt SQL connections belong to one thread), and the answers kept.
class DashboardQueries::Reader : public QObject
{
public:
    // A question asked ahead (prefetch()): posted with a low priority, it waits for every
    // question asked the usual way, whenever that was asked.
    class Ahead : public QEvent
    {
    public:
        explicit Ahead(std::function<void()> job)
            : QEvent(eventType())
            , m_job(std::move(job))
        {}
        static QEvent::Type eventType()
        {
            static const auto type = QEvent::Type(QEvent::registerEventType());
            return type;
        }
        void run() const { m_job(); }

    private:
        std::function<void()> m_job;
    };

    explicit Reader(const StoreLocation &location)
        : m_location(location)
    {}

    // The answer to `question`: the one kept under `key` while nothing has been committed to the
    // store since it was read, else read now and kept (unless `key` is empty).
    template<typename T>
    Result<T> answer(const QString &key, const Question<T> &question)
    {
        const auto opened = store();
        if (!opened)
            return opened.error();
        const Store &store = **opened;
        if (key.isEmpty())
            return question(store);
        // Read before the answer: a commit in between leaves the answer kept under the mark
        // before it, and so read again next time.
        const auto mark = store.changeMark();
        if (!mark || *mark != m_mark || m_kept.size() >= kMostKept) {
            m_kept.clear();
            m_mark = mark ? *mark : QString();
        }
        if (const auto kept = m_kept.constFind(key); kept != m_kept.cend())
            return std::any_cast<T>(*kept);
        Result<T> answer = question(store);
        if (answer && mark)
            m_kept.insert(key, *answer);
        return answer;
    }

protected:
    bool event(QEvent *event) override
    {
        if (event->type() != Ahead::eventType())
            return QObject::event(event);
        static_cast<const Ahead *>(event)->run();
        return true;
    }

private:
    // Answers of other days pile up while nothing is committed: a bound.
    static constexpr qsizetype kMostKept = 64;

    Result<const Store *> store()
    {
        if (!m_store) {
            auto opened = Store::open(m_location);
            if (!opened)
                return opened.error();
            m_store = std::move(opened).value();
        }
        return m_store.get();
    }

    StoreLocation m_location;
    std::unique_ptr<Store> m_store;
    QString m_mark;                  // the store's change mark when m_kept was read
    QHash<QString, std::any> m_kept; // by keyOf()
};

DashboardQueries::DashboardQueries(const StoreLocation &location, QObject *parent)
    : QObject(parent)
    , m_thread(new QThread(this))
    , m_reader(new Reader(location))
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

void DashboardQueries::startReading()
{
    if (!m_thread->isRunning())
        m_thread->start(QThread::LowPriority);
}

template<typename T>
void DashboardQueries::ask(QObject *context, const QString &key, Question<T> question,
                           Reply<T> reply)
{
    startReading();
    QMetaObject::invokeMethod(
        m_reader,
        [this, reader = m_reader, key, guard = QPointer<QObject>(context),
         question = std::move(question), reply = std::move(reply)]() mutable {
            Result<T> answer = reader->answer<T>(key, question);
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
        context, keyOf(QLatin1String("totals"), range),
        [range](const Store &store) { return totalsOf(store, range); }, std::move(reply));
}

void DashboardQueries::summary(DayRange range, QObject *context, Reply<RangeSummary> reply)
{
    ask<RangeSummary>(context, keyOf(QLatin1String("summary"), range), summaryQuestion(range),
                      std::move(reply));
}

void DashboardQueries::trend(DayRange range, QObject *context, Reply<Trend> reply)
{
    ask<Trend>(context, keyOf(QLatin1String("trend"), range), trendQuestion(range),
               std::move(reply));
}

void DashboardQueries::prefetch(DayRange range)
{
    startReading();
    QCoreApplication::postEvent(
        m_reader, new Reader::Ahead([reader = m_reader, range] {
            // Kept; a failure is the answer of the question asked later.
            static_cast<void>(reader->answer<RangeSummary>(keyOf(QLatin1String("summary"), range),
                                                           summaryQuestion(range)));
            static_cast<void>(
                reader->answer<Trend>(keyOf(QLatin1String("trend"), range), trendQuestion(range)));
        }),
        Qt::LowEventPriority);
}

void DashboardQueries::labelSetsBehind(GroupBy by, const QString &key, DayRange range,
                                       QObject *context, Reply<QList<LabelCounts>> reply)
{
    ask<QList<LabelCounts>>(
        context, keyOf(QLatin1String("labelSetsBehind"), range, QString::number(int(by)) % key),
        [by, key, range](const Store &store) -> Result<QList<LabelCounts>> {
            auto labelSets = countersIn(store, range);
            if (labelSets)
                labelSets->removeIf(
                    [by, &key](const LabelCounts &entry) { return labelOf(entry.labels, by) != key; });
            return labelSets;
        },
        std::move(reply));
}

void DashboardQueries::labelSets(QObject *context, Reply<QList<LabelCounts>> reply)
{
    ask<QList<LabelCounts>>(
        context, QString(), [](const Store &store) { return countersIn(store, DayRange{}); },
        std::move(reply));
}

void DashboardQueries::recentReports(int limit, QObject *context, Reply<QList<LoggedReport>> reply)
{
    ask<QList<LoggedReport>>(
        context, keyOf(QLatin1String("recentReports"), DayRange{}, QString::number(limit)),
        [limit](const Store &store) { return recentReportsOf(store, limit); }, std::move(reply));
}

void DashboardQueries::reportDetails(qint64 id, QObject *context, Reply<LoggedReportDetails> reply)
{
    ask<LoggedReportDetails>(
        context, QString(), [id](const Store &store) { return loggedReportDetailsOf(store, id); },
        std::move(reply));
}

void DashboardQueries::recentActivity(int limit, QObject *context,
                                      Reply<QList<ActivityEntry>> reply)
{
    ask<QList<ActivityEntry>>(
        context, QString(), [limit](const Store &store) { return recentActivityOf(store, limit); },
        std::move(reply));
}

void DashboardQueries::tlsSessions(DayRange range, TlsGroupBy by,
                                   std::optional<QString> policyDomain, QObject *context,
                                   Reply<QList<TlsSessionTotals>> reply)
{
    // "-" for every policy domain, else "=" and the domain.
    QString which = QString::number(int(by)) + QLatin1Char(policyDomain ? '=' : '-');
    if (policyDomain)
        which += *policyDomain;
    ask<QList<TlsSessionTotals>>(
        context, keyOf(QLatin1String("tlsSessions"), range, which),
        [range, by, policyDomain = std::move(policyDomain)](const Store &store) {
            return tlsSessionsOf(store, range, by, policyDomain);
        },
        std::move(reply));
}

void DashboardQueries::failureReports(DayRange range, FailureReportGroupBy by, QObject *context,
                                      Reply<QList<FailureReportTotals>> reply)
{
    ask<QList<FailureReportTotals>>(
        context, keyOf(QLatin1String("failureReports"), range, QString::number(int(by))),
        [range, by](const Store &store) { return failureReportsOf(store, range, by); },
        std::move(reply));
}

void DashboardQueries::sources(DayRange range, const SourceFilter &filter, SourceOrder order,
                               qsizetype offset, qsizetype limit, QObject *context,
                               Reply<SourcePage> reply)
{
    const QString which = QString::number(int(filter.failingOnly)) %
                          QString::number(int(filter.newOnly)) %
                          QString::number(int(filter.byName)) % QLatin1Char(' ') %
                          QString::number(int(order.by)) % QLatin1Char(order.descending ? 'd' : 'a') %
                          QLatin1Char(' ') % QString::number(offset) % QLatin1Char(' ') %
                          QString::number(limit) % QLatin1Char(' ') % filter.text;
    ask<SourcePage>(
        context, keyOf(QLatin1String("sources"), range, which),
        [range, filter, order, offset, limit](const Store &store) {
            return sourcePageOf(store, range, filter, order, offset, limit);
        },
        std::move(reply));
}

void DashboardQueries::sourceDetails(const QString &ip, DayRange range, QObject *context,
                                     Reply<SourceDetails> reply)
{
    ask<SourceDetails>(
        context, QString(), [ip, range](const Store &store) { return sourceDetailsOf(store, ip, range); },
        std::move(reply));
}

void DashboardQueries::newFailingSources(DayRange range, QObject *context,
                                         Reply<QList<FailingSource>> reply)
{
    ask<QList<FailingSource>>(
        context, QString(), [range](const Store &store) { return newFailingSourcesOf(store, range); },
        std::move(reply));
}

} // namespace Dmarc
