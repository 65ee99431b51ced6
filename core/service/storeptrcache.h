#pragma once

#include "rdns/reversednscache.h"
#include "store/storetypes.h"

#include <QHash>
#include <QTimer>

namespace Dmarc {

class Store;

// The resolver's cache in the store (table ptr_cache, docs/counting.md section 10.6), so that a
// restart does not ask again. Answers are read from the store when asked for; new ones are kept
// in memory and written together a moment later (the answers of a batch come in within
// moments, and every write transaction waits for the disk), and when the cache goes away. An
// answer the store cannot take is lost and asked for again another time.
class StorePtrCache : public ReverseDnsCache
{
public:
    static constexpr int kWriteDelayMs = 500;

    explicit StorePtrCache(Store *store);
    ~StorePtrCache() override;
    StorePtrCache(const StorePtrCache &) = delete;
    StorePtrCache &operator=(const StorePtrCache &) = delete;

    std::optional<ReverseDnsAnswer> find(const QString &ip, const QDateTime &now) override;
    void remember(const ReverseDnsAnswer &answer, const QDateTime &expires) override;

    // Writes the answers not in the store yet.
    void write();

private:
    Store *m_store;
    QHash<QString, PtrRecord> m_unwritten;
    QTimer m_writeTimer;
};

} // namespace Dmarc
