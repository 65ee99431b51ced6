#include "ptrlookups.h"

#include "metrics/metricsregistry.h"
#include "rdns/reversednsresolver.h"
#include "sources/sourceip.h"
#include "storeptrcache.h"

#include <QDateTime>
#include <QTimer>

#include <algorithm>
#include <optional>
#include <utility>

namespace Dmarc {

// The cache the resolver is given: the store's, or one in memory. Each answer remembered is a
// query that came back, counted on the metrics when there are any.
class PtrLookups::Cache : public ReverseDnsCache
{
public:
    Cache(Store *store, MetricsRegistry *metrics)
        : m_metrics(metrics)
    {
        if (store)
            m_store.emplace(store);
    }

    std::optional<ReverseDnsAnswer> find(const QString &ip, const QDateTime &now) override
    {
        if (m_store)
            return m_store->find(ip, now);
        const auto kept = m_memory.constFind(ip);
        if (kept == m_memory.cend() || kept->second <= now)
            return std::nullopt;
        return kept->first;
    }

    void remember(const ReverseDnsAnswer &answer, const QDateTime &expires) override
    {
        count(answer.outcome);
        if (m_store)
            m_store->remember(answer, expires);
        else
            m_memory.insert(answer.ip, {answer, expires});
    }

    void count(ReverseDnsOutcome outcome, quint64 queries = 1)
    {
        if (m_metrics)
            m_metrics->countReverseDnsQueries(reverseDnsOutcomeName(outcome), queries);
    }

private:
    MetricsRegistry *m_metrics;
    std::optional<StorePtrCache> m_store;
    QHash<QString, std::pair<ReverseDnsAnswer, QDateTime>> m_memory;
};

QStringList sourceIps(const QList<EmailAnalysis> &analyses)
{
    QStringList ips;
    QSet<QString> seen;
    for (const EmailAnalysis &analysis : analyses) {
        for (const ReportCounts &report : analysis.reports) {
            for (const SourceCounts &source : report.sources) {
                const QString ip = normalizeSourceIp(source.sourceIp);
                if (!ip.isEmpty() && !seen.contains(ip)) {
                    seen.insert(ip);
                    ips.append(ip);
                }
            }
        }
    }
    return ips;
}

PtrLookups::PtrLookups(Store *store, MetricsRegistry *metrics, QObject *parent)
    : PtrLookups(std::make_unique<Cache>(store, metrics), parent)
{}

PtrLookups::PtrLookups(QObject *parent)
    : PtrLookups(std::make_unique<Cache>(nullptr, nullptr), parent)
{}

PtrLookups::PtrLookups(std::unique_ptr<Cache> cache, QObject *parent)
    : QObject(parent)
    , m_cache(std::move(cache))
{}

PtrLookups::~PtrLookups() = default;

Result<void> PtrLookups::apply(const ReverseDnsSettings &settings)
{
    QList<const QObject *> owners;
    for (const Waiting &waiting : std::as_const(m_waiting))
        owners.append(waiting.owner);
    release(owners);
    m_resolver.reset();
    m_settings = settings;
    auto resolver = ReverseDnsResolver::create(settings, *m_cache);
    if (!resolver)
        return resolver.error();
    m_resolver = std::move(*resolver);
    if (!m_resolver)
        return {};
    connect(m_resolver.get(), &ReverseDnsResolver::answered, this, &PtrLookups::answered);
    // Every outcome is shown from the start, at 0.
    for (const ReverseDnsOutcome outcome :
         {ReverseDnsOutcome::Name, ReverseDnsOutcome::NoName, ReverseDnsOutcome::Timeout,
          ReverseDnsOutcome::ServerFailure, ReverseDnsOutcome::NotAsked})
        m_cache->count(outcome, 0);
    return {};
}

void PtrLookups::lookUp(const QObject *owner, const QStringList &ips, std::function<void()> ready)
{
    take(owner);
    Waiting waiting{owner, {}, std::move(ready), nullptr};
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const QString &ip : ips) {
        if (m_resolver && !m_cache->find(ip, now))
            waiting.ips.insert(ip);
    }
    if (waiting.ips.isEmpty()) {
        waiting.ready();
        return;
    }
    waiting.deadline = new QTimer(this);
    waiting.deadline->setSingleShot(true);
    connect(waiting.deadline, &QTimer::timeout, this, [this, owner] { release({owner}); });
    waiting.deadline->start(m_settings.commitWait);
    const QSet<QString> asked = waiting.ips;
    m_waiting.append(std::move(waiting));
    // Answers come from the event loop, after this.
    for (const QString &ip : asked)
        m_resolver->ask(ip);
}

void PtrLookups::cancel(const QObject *owner)
{
    take(owner);
}

QString PtrLookups::knownPtr(const QString &ip) const
{
    if (!m_resolver)
        return QString();
    const std::optional<ReverseDnsAnswer> known =
        m_cache->find(ip, QDateTime::currentDateTimeUtc());
    return known && known->outcome == ReverseDnsOutcome::Name ? known->name : QString();
}

void PtrLookups::answered(const ReverseDnsAnswer &answer)
{
    // Not sent (the queue was full): no query, but counted with them.
    if (answer.outcome == ReverseDnsOutcome::NotAsked)
        m_cache->count(answer.outcome);
    QList<const QObject *> done;
    for (Waiting &waiting : m_waiting) {
        if (waiting.ips.remove(answer.ip) && waiting.ips.isEmpty())
            done.append(waiting.owner);
    }
    release(done);
}

void PtrLookups::release(const QList<const QObject *> &owners)
{
    // Out of the list before any is called: a call may hand in the owner's next batch.
    QList<std::function<void()>> calls;
    for (const QObject *owner : owners) {
        if (std::optional<Waiting> waiting = take(owner))
            calls.append(std::move(waiting->ready));
    }
    for (const std::function<void()> &call : std::as_const(calls))
        call();
}

std::optional<PtrLookups::Waiting> PtrLookups::take(const QObject *owner)
{
    const auto found = std::find_if(m_waiting.begin(), m_waiting.end(),
                                    [owner](const Waiting &w) { return w.owner == owner; });
    if (found == m_waiting.end())
        return std::nullopt;
    Waiting waiting = std::move(*found);
    m_waiting.erase(found);
    if (waiting.deadline) {
        waiting.deadline->stop();
        waiting.deadline->deleteLater(); // it may be the one whose signal is running
    }
    return waiting;
}

} // namespace Dmarc
