#include "storeptrcache.h"

#include "common/log.h"
#include "common/logging.h"
#include "store/store.h"

namespace Dmarc {

StorePtrCache::StorePtrCache(Store *store)
    : m_store(store)
{
    m_writeTimer.setSingleShot(true);
    m_writeTimer.setInterval(kWriteDelayMs);
    QObject::connect(&m_writeTimer, &QTimer::timeout, &m_writeTimer, [this] { write(); });
}

StorePtrCache::~StorePtrCache()
{
    write();
}

std::optional<ReverseDnsAnswer> StorePtrCache::find(const QString &ip, const QDateTime &now)
{
    PtrRecord record;
    if (const auto unwritten = m_unwritten.constFind(ip); unwritten != m_unwritten.cend()) {
        record = *unwritten;
    } else {
        const auto kept = m_store->ptrRecords({ip});
        if (!kept) {
            Log::warning(lcStore(), kept.error().message, {});
            return std::nullopt;
        }
        if (kept->isEmpty())
            return std::nullopt;
        record = kept->constFirst();
    }
    const std::optional<ReverseDnsOutcome> outcome = reverseDnsOutcomeFromName(record.outcome);
    if (!outcome || record.expires <= now.toSecsSinceEpoch())
        return std::nullopt;
    return ReverseDnsAnswer{ip, *outcome, record.name};
}

void StorePtrCache::remember(const ReverseDnsAnswer &answer, const QDateTime &expires)
{
    m_unwritten.insert(answer.ip, PtrRecord{answer.ip, reverseDnsOutcomeName(answer.outcome),
                                            answer.name, expires.toSecsSinceEpoch()});
    if (!m_writeTimer.isActive())
        m_writeTimer.start();
}

void StorePtrCache::write()
{
    m_writeTimer.stop();
    if (m_unwritten.isEmpty())
        return;
    const QList<PtrRecord> records = m_unwritten.values();
    m_unwritten.clear();
    if (auto kept = m_store->keepPtrRecords(records); !kept)
        Log::warning(lcStore(),
                     QStringLiteral("Reverse DNS answers not kept; asked for again "
                                    "another time"),
                     {{QStringLiteral("answers"), QString::number(records.size())},
                      {QStringLiteral("error"), kept.error().message}});
}

} // namespace Dmarc
