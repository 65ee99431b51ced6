#pragma once

#include <QString>

#include <chrono>

namespace Dmarc {

// How the PTR names of sending sources are asked for (docs/counting.md section 10).
struct ReverseDnsSettings
{
    bool enabled = true; // off: no resolver, no socket, no packet
    QString server;      // an IP address; the system's resolvers (/etc/resolv.conf) when empty
    quint16 port = 53;
    // One attempt per server: a query that a server leaves unanswered this long is a timeout.
    std::chrono::milliseconds timeout{5000};
    int maxInFlight = 16;  // queries sent and not yet answered, at most
    int maxQueued = 10000; // waiting to be sent, at most; beyond this an address is not asked
    std::chrono::hours nameLifetime{24 * 7}; // how long a PTR name (or "no name") is kept
    std::chrono::hours failureLifetime{24};  // how long a timeout or server failure is kept
    // How long a batch's commit waits at most for the PTR names of its sources; a name that
    // comes later names the source's later reports.
    std::chrono::milliseconds commitWait{2000};
};

} // namespace Dmarc
