#include "common/parallel.h"

#include <QScopeGuard>
#include <QSemaphore>
#include <QThread>

#include <atomic>

namespace Dmarc {

ParallelRunner::ParallelRunner()
{
    m_helpers.setMaxThreadCount(qMax(1, QThread::idealThreadCount() - 1));
    m_helpers.setExpiryTimeout(10000);
}

void ParallelRunner::forEach(qsizetype count, const std::function<void(qsizetype)> &work)
{
    std::atomic<qsizetype> next{0};
    const auto takeTurns = [&] {
        for (qsizetype i; (i = next.fetch_add(1)) < count;)
            work(i);
    };
    const int helpers = int(qBound(qsizetype(0), count - 1, qsizetype(m_helpers.maxThreadCount())));
    // Each helper says when it is done; waiting for that rather than for the pool keeps the
    // pool's threads for the next call (QThreadPool::waitForDone() ends them).
    QSemaphore finished;
    for (int helper = 0; helper < helpers; ++helper) {
        m_helpers.start([&] {
            takeTurns();
            finished.release();
        });
    }
    // The helpers use this frame: wait for them even when the work here throws.
    const auto waitForHelpers = qScopeGuard([&] {
        next = count;
        finished.acquire(helpers);
    });
    takeTurns();
}

} // namespace Dmarc
