#include "rdns/reversednscache.h"

#include <utility>

namespace Dmarc {

namespace {

constexpr std::pair<ReverseDnsOutcome, QLatin1String> kOutcomeNames[] = {
    {ReverseDnsOutcome::Name, QLatin1String("name")},
    {ReverseDnsOutcome::NoName, QLatin1String("no_name")},
    {ReverseDnsOutcome::Timeout, QLatin1String("timeout")},
    {ReverseDnsOutcome::ServerFailure, QLatin1String("server_failure")},
    {ReverseDnsOutcome::NotAsked, QLatin1String("not_asked")},
};

} // namespace

QLatin1String reverseDnsOutcomeName(ReverseDnsOutcome outcome)
{
    for (const auto &[value, name] : kOutcomeNames) {
        if (value == outcome)
            return name;
    }
    return QLatin1String();
}

std::optional<ReverseDnsOutcome> reverseDnsOutcomeFromName(const QString &name)
{
    for (const auto &[value, text] : kOutcomeNames) {
        if (name == text)
            return value;
    }
    return std::nullopt;
}

} // namespace Dmarc
