#pragma once

#include "common/result.h"
#include "service/storestatus.h"

#include <QList>
#include <QObject>

#include <functional>

class QTimer;

namespace Dmarc {

class MetricsRegistry;

// The commits of batches whose store refused them (a full disk, a read-only file): they wait
// here, their emails still in the inbox, and are tried again after 1 s, doubling up to 5
// minutes, without waiting for new mail (docs/counting.md section 5.4). The status says what
// is wrong and when the next try is; the metrics show it as store_up and a count of failed
// commits.
class CommitRetry : public QObject
{
    Q_OBJECT
public:
    // Commits the batch; returns the store's error when it refused.
    using Commit = std::function<Result<void>()>;

    static constexpr int kFirstDelayMs = 1000;
    static constexpr int kLongestDelayMs = 5 * 60 * 1000;

    explicit CommitRetry(MetricsRegistry *metrics, QObject *parent = nullptr);

    // Commits now, unless commits wait for the store's next retry: then this one waits behind
    // them. One commit waits per `owner`: a newer one replaces it (a watcher has one batch at
    // a time).
    void submit(const QObject *owner, Commit commit);
    // Forgets the waiting commit of `owner` (its batch is abandoned; the emails stay).
    void drop(const QObject *owner);
    // Tries the waiting commits now rather than at the next retry time.
    void retryNow();

    const StoreStatus &status() const { return m_status; }

Q_SIGNALS:
    void statusChanged(const Dmarc::StoreStatus &status);

private:
    struct Waiting
    {
        const QObject *owner;
        Commit commit;
    };

    void run();
    void failed(const Error &error);

    MetricsRegistry *m_metrics;
    QTimer *m_timer;
    QList<Waiting> m_waiting; // in the order submitted
    int m_delayMs = kFirstDelayMs;
    bool m_running = false;
    StoreStatus m_status;
};

} // namespace Dmarc
