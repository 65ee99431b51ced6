#pragma once

#include <QDateTime>
#include <QLatin1String>
#include <QString>

#include <optional>

namespace Dmarc {

// What asking for an address's PTR name came to.
enum class ReverseDnsOutcome
{
    Name,          // the server named it: ReverseDnsAnswer::name
    NoName,        // NXDOMAIN, or the name exists without a PTR record
    Timeout,       // no answer within the timeout
    ServerFailure, // SERVFAIL, REFUSED, an answer that could not be read, no server reachable
    NotAsked,      // never sent: not an IP address, or the queue was full
};

// The outcome as the store's ptr_cache and the metrics name it: "name", "no_name", "timeout",
// "server_failure", "not_asked".
QLatin1String reverseDnsOutcomeName(ReverseDnsOutcome outcome);
// The outcome a name stands for; none for a name that is not one.
std::optional<ReverseDnsOutcome> reverseDnsOutcomeFromName(const QString &name);

struct ReverseDnsAnswer
{
    QString ip; // as it was asked for
    ReverseDnsOutcome outcome = ReverseDnsOutcome::NotAsked;
    QString name; // lower case, without the final dot; empty unless outcome is Name

    friend bool operator==(const ReverseDnsAnswer &a, const ReverseDnsAnswer &b)
    {
        return a.ip == b.ip && a.outcome == b.outcome && a.name == b.name;
    }
};

// Where the resolver keeps what it learnt, so that a restart does not ask again (the store
// implements it). Every outcome but NotAsked is remembered, each with its expiry.
class ReverseDnsCache
{
public:
    virtual ~ReverseDnsCache() = default;

    // The answer remembered for ip that is still valid at now, if any.
    virtual std::optional<ReverseDnsAnswer> find(const QString &ip, const QDateTime &now) = 0;
    virtual void remember(const ReverseDnsAnswer &answer, const QDateTime &expires) = 0;
};

} // namespace Dmarc
