#include "common/parallel.h"

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
    for (int helper = 0; helper < m_helpers.maxThreadCount() && helper + 1 < count; ++helper)
        m_helpers.start(takeTurns);
    takeTurns();
    m_helpers.waitForDone();
}

} // namespace Dmarc
