#pragma once

#include <QThreadPool>

#include <functional>

namespace Dmarc {

// Spreads independent pieces of work over the cores: the calling thread takes a share, helper
// threads of a private pool the rest. Idle helpers end after a while, so a waiting program holds
// none.
class ParallelRunner
{
public:
    ParallelRunner();

    // Calls work(i) for every i in [0, count), each on exactly one thread, and returns once all
    // calls have returned.
    void forEach(qsizetype count, const std::function<void(qsizetype)> &work);

    // Ends the idle helper threads now instead of after their expiry time, so that what their
    // allocations left in the allocator's per-thread arenas can be trimmed (e.g. when a check
    // has ended). The next forEach() starts new ones.
    void endIdleThreads();

private:
    QThreadPool m_helpers;
};

} // namespace Dmarc
