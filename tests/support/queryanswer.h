#pragma once

#include "common/result.h"
#include "service/dashboardqueries.h"

#include <QObject>
#include <QTest>

#include <functional>
#include <optional>

namespace Dmarc::Test {

// Asks one question of the dashboard queries and waits for the answer; none after 10 s.
// `ask` passes the context and the reply it is given on to the question, e.g.
//   answerOf<RangeTotals>([&](QObject *c, auto reply) { queries.totals(range, c, reply); })
template<typename T>
std::optional<Result<T>>
answerOf(const std::function<void(QObject *, DashboardQueries::Reply<T>)> &ask)
{
    std::optional<Result<T>> answer;
    QObject context; // a late answer, after giving up, finds it gone
    ask(&context, [&answer](const Result<T> &result) { answer = result; });
    if (!QTest::qWaitFor([&answer] { return answer.has_value(); }, 10000))
        return std::nullopt;
    return answer;
}

} // namespace Dmarc::Test
