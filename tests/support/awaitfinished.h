#pragma once

#include "common/result.h"

#include <QCoreApplication>
#include <QObject>
#include <QTest>

#include <optional>

namespace Dmarc::Test {

// Starts `job` (anything with start() and a finished(Result<Value>) signal) and returns its
// answer; an error names a job that did not answer within `timeoutMs` or answered more than once.
template<typename Value, typename Job>
Result<Value> awaitFinished(Job &job, int timeoutMs = 5000)
{
    std::optional<Result<Value>> answer;
    int answers = 0;
    QObject::connect(&job, &Job::finished, &job, [&](const Result<Value> &result) {
        answer = result;
        ++answers;
    });
    job.start();
    if (!QTest::qWaitFor([&answer]() { return answer.has_value(); }, timeoutMs))
        return Error{QStringLiteral("test"), QStringLiteral("no answer")};
    QCoreApplication::processEvents(); // what is still queued, e.g. the end of a session
    if (answers != 1)
        return Error{QStringLiteral("test"), QStringLiteral("%1 answers").arg(answers)};
    return *answer;
}

} // namespace Dmarc::Test
