#pragma once

#include "analysis/emailanalysis.h"
#include "common/result.h"
#include "rdns/reversednssettings.h"

#include <QList>
#include <QObject>
#include <QSet>
#include <QStringList>

#include <functional>
#include <memory>
#include <optional>

class QTimer;

namespace Dmarc {

class MetricsRegistry;
class ReverseDnsResolver;
class Store;
struct ReverseDnsAnswer;

// The source IPs of the aggregate reports of `analyses`, each once in order of first appearance,
// as normalizeSourceIp() writes them; a missing or unreadable one is left out.
QStringList sourceIps(const QList<EmailAnalysis> &analyses);

// Reverse DNS of sending sources (docs/counting.md section 10.6). Before a batch is committed,
// the PTR names of its source IPs that are not known yet are asked for, and the commit waits
// for them at most ReverseDnsSettings::commitWait; a name known then names the source (rule 2
// of section 10.2), one that comes later is kept for the source's next reports. Off, no
// resolver exists, nothing is asked and nothing waits.
class PtrLookups : public QObject
{
    Q_OBJECT
public:
    // The exporter's: the answers kept in the store (ptr_cache), the queries counted on the
    // metrics by what they came to.
    PtrLookups(Store *store, MetricsRegistry *metrics, QObject *parent = nullptr);
    // inspect's: the answers kept in memory, as long as this lives.
    explicit PtrLookups(QObject *parent = nullptr);
    ~PtrLookups() override;

    // Starts the resolver for `settings`, ends it when they turn reverse DNS off, or starts it
    // anew; the batches waiting for names go on to their commits at once. An error when the
    // resolver cannot start; reverse DNS is off then.
    Result<void> apply(const ReverseDnsSettings &settings);
    bool isOn() const { return m_resolver != nullptr; }

    // Asks for the PTR names of `ips` that are not known, and calls `ready` when each of them
    // is answered or commitWait has passed, whichever is first: at once when nothing is asked
    // (or reverse DNS is off). A later call for the same owner replaces a waiting one, which is
    // then never called (the owner's batch was abandoned).
    void lookUp(const QObject *owner, const QStringList &ips, std::function<void()> ready);
    // Forgets the waiting call of `owner`.
    void cancel(const QObject *owner);

    // The PTR name of `ip` known now; "" when none is (or reverse DNS is off). Never waits.
    QString knownPtr(const QString &ip) const;

private:
    class Cache;
    struct Waiting
    {
        const QObject *owner = nullptr;
        QSet<QString> ips; // not answered yet
        std::function<void()> ready;
        QTimer *deadline = nullptr; // a child, deleted once taken
    };

    PtrLookups(std::unique_ptr<Cache> cache, QObject *parent);
    void answered(const ReverseDnsAnswer &answer);
    // Takes the owners' calls out of the waiting list, then calls them.
    void release(const QList<const QObject *> &owners);
    // Takes the owner's call out of the waiting list, its deadline stopped.
    std::optional<Waiting> take(const QObject *owner);

    std::unique_ptr<Cache> m_cache;
    ReverseDnsSettings m_settings;
    std::unique_ptr<ReverseDnsResolver> m_resolver; // ends before the cache it writes to
    QList<Waiting> m_waiting;
};

} // namespace Dmarc
