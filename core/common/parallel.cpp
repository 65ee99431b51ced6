#include "common/parallel.h"

#include <QScopeGuard>
#include <QThread>

#include <atomic>
#include <condition_variable>
#include <mutex>

namespace Dmarc {

ParallelRunner::ParallelRunner()
{
    m_helpers.setMaxThreadCount(qMax(1, QThread::idealThreadCount() - 1));
    m_helpers.setExpiryTimeout(10000);
}

void ParallelRunner::endIdleThreads()
{
    // forEach() returns only after its helpers are done, so every helper is idle here.
    m_helpers.waitForDone();
}

void ParallelRunner::forEach(qsizetype count, const std::function<void(qsizetype)> &work)
{
    std::atomic<qsizetype> next{0};
    const auto takeTurns = [&] {
        for (qsizetype i; (i = next.fetch_add(1)) < count;)
            work(i);
    };
    // Each helper says when it is done; waiting for that rather than for the pool keeps the
    // pool's threads for the next call (QThreadPool::waitForDone() ends them).
    std::mutex mutex;
    std::condition_variable helperDone;
    int running = int(qBound(qsizetype(0), count - 1, qsizetype(m_helpers.maxThreadCount())));
    for (int helper = running; helper > 0; --helper) {
        m_helpers.start([&] {
            takeTurns();
            const std::lock_guard<std::mutex> lock(mutex);
            --running;
            helperDone.notify_one(); // under the lock: the waiter may return right after
        });
    }
    // The helpers use this frame: wait for them even when the work here throws.
    const auto waitForHelpers = qScopeGuard([&] {
        next = count;
        std::unique_lock<std::mutex> lock(mutex);
        helperDone.wait(lock, [&] { return running == 0; });
    });
    takeTurns();
}

} // namespace Dmarc
