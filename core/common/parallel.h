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

private:
    QThreadPool m_helpers;
};

} // namespace Dmarc
