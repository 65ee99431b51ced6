#pragma once

#include "common/result.h"

#include <QHostAddress>
#include <QString>

namespace Dmarc {

// A record's row/source_ip in one spelling per address (docs/counting.md section 10.1): IPv4
// as a dotted quad, IPv6 in RFC 5952 form (lower case, the longest run of two or more zero
// fields shortened to "::", the first of equal runs), an IPv4-mapped IPv6 address as the IPv4
// address. Surrounding white space is dropped. Anything else gives "": IPv4 with a leading
// zero in a part ("192.0.2.01", which some readers take as octal), short forms such as
// "127.1", a zone id ("fe80::1%eth0"), brackets, a port, a prefix.
QString normalizeSourceIp(const QString &text);

// A CIDR block of a source class: the address and prefix length of its network.
struct SourceSubnet
{
    QHostAddress network;
    int prefixLength = 0;

    bool contains(const QHostAddress &address) const
    {
        return address.isInSubnet(network, prefixLength);
    }
};

// "192.0.2.0/24", "2001:db8::/32", or a single address ("192.0.2.7" stands for /32, "2001:db8::7"
// for /128). The address is read as normalizeSourceIp() reads it, so an IPv4-mapped block
// ("::ffff:192.0.2.0/120") becomes the IPv4 block. Bits set past the prefix are an error, as
// the block would not be what it seems.
Result<SourceSubnet> parseSourceSubnet(const QString &text);

} // namespace Dmarc
