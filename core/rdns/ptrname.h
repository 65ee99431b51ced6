#pragma once

#include <QHostAddress>
#include <QString>

namespace Dmarc {

// The name a PTR query for address asks about: "7.2.0.192.in-addr.arpa" for 192.0.2.7, and the
// 32 nibbles in reverse order under "ip6.arpa" for an IPv6 address (RFC 3596 section 2.5).
// Empty for anything that is neither.
QString ptrQueryName(const QHostAddress &address);

} // namespace Dmarc
