#pragma once

#include "common/result.h"
#include "rdns/reversednscache.h"
#include "rdns/reversednssettings.h"

#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QQueue>
#include <QSet>
#include <QTimer>

#include <memory>

struct ares_channeldata;
class QSocketNotifier;

namespace Dmarc {

// Asks DNS servers for the PTR names of sending sources, on c-ares, driven by the Qt event
// loop: a QSocketNotifier per socket c-ares opens and a QTimer for its next deadline. At most
// maxInFlight queries are out at once; further addresses wait in a bounded queue. Answers come
// from the cache when it holds one (no packet is sent), and every outcome but NotAsked goes
// into the cache with its expiry.
class ReverseDnsResolver : public QObject
{
    Q_OBJECT

public:
    // A resolver for settings, or none at all when reverse DNS is off (so that nothing can send
    // a packet). An error when the DNS server is not an IP address or c-ares cannot start.
    static Result<std::unique_ptr<ReverseDnsResolver>> create(const ReverseDnsSettings &settings,
                                                              ReverseDnsCache &cache);
    ~ReverseDnsResolver() override;

    // Asks for the PTR name of ip, an address as normalizeSourceIp() spells it. answered()
    // follows, always from the event loop, once per address however often it was asked for
    // while it was waiting.
    void ask(const QString &ip);

Q_SIGNALS:
    void answered(const Dmarc::ReverseDnsAnswer &answer);

private:
    friend struct ReverseDnsCallbacks;
    struct Notifiers
    {
        QSocketNotifier *read = nullptr;
        QSocketNotifier *write = nullptr;
    };

    ReverseDnsResolver(const ReverseDnsSettings &settings, ReverseDnsCache &cache);
    Result<void> startChannel();
    void send(const QString &ip, const QHostAddress &address);
    void sendQueued();
    void finish(const ReverseDnsAnswer &answer);
    void deliver(const ReverseDnsAnswer &answer);
    void deliverReady();
    void watchSocket(int fd, bool readable, bool writable);
    void process(int readFd, int writeFd);
    void scheduleTimeout();

    ReverseDnsSettings m_settings;
    ReverseDnsCache &m_cache;
    ares_channeldata *m_channel = nullptr;
    QHash<int, Notifiers> m_notifiers;
    QTimer m_timeout;
    QQueue<std::pair<QString, QHostAddress>> m_queue;
    QSet<QString> m_waiting; // in flight or queued
    int m_inFlight = 0;
    QList<ReverseDnsAnswer> m_ready; // answered, to be emitted from the event loop
};

} // namespace Dmarc
