#pragma once

#include <QString>

namespace Dmarc {

// How the /metrics endpoint listens. TLS and basic auth are off unless their fields are set.
struct EndpointSettings
{
    QString listenAddress = QStringLiteral("127.0.0.1"); // IPv4, IPv6, "0.0.0.0" or "::"
    quint16 port = 9797;                                 // 0 picks a free port
    QString tlsCertFile;                                 // PEM; TLS when both files are set
    QString tlsKeyFile;                                  // PEM, unencrypted
    QString basicAuthUser;                               // basic auth when user and hash are set
    QString basicAuthPasswordHash;       // bcrypt ($2y$, $2b$) or sha512-crypt ($6$)
    int maxConnections = 64;             // beyond it, new connections wait in the backlog
    int maxConnectionsPerClient = 16;    // per client address; beyond it, closed at once
    int maxRequestHeadBytes = 16 * 1024; // request line + headers; larger gets 431
    int firstRequestTimeoutMs = 3000;    // to complete the TLS handshake and the first head
    int requestTimeoutMs = 10000;        // to send a further head (also idle keep-alive)
    int responseTimeoutMs = 60000;       // to read a complete response
    int authFailureDelayMs = 500; // a client's next password check after a failed one; doubles
};

} // namespace Dmarc
