#include "sources/sourceip.h"

#include <QStringList>

#include <array>

namespace Dmarc {

namespace {

bool isAsciiDigits(QStringView text)
{
    if (text.isEmpty())
        return false;
    for (const QChar c : text) {
        if (c < QLatin1Char('0') || c > QLatin1Char('9'))
            return false;
    }
    return true;
}

// Four decimal parts of 0 to 255, without leading zeros.
bool parseIpv4(const QString &text, quint32 *address)
{
    const QStringList parts = text.split(QLatin1Char('.'));
    if (parts.size() != 4)
        return false;
    quint32 value = 0;
    for (const QString &part : parts) {
        if (!isAsciiDigits(part) || part.size() > 3 ||
            (part.size() > 1 && part.front() == QLatin1Char('0')))
            return false;
        const uint number = part.toUInt();
        if (number > 255)
            return false;
        value = (value << 8) | number;
    }
    *address = value;
    return true;
}

QString ipv4Text(quint32 address)
{
    return QStringLiteral("%1.%2.%3.%4")
        .arg(address >> 24)
        .arg((address >> 16) & 0xff)
        .arg((address >> 8) & 0xff)
        .arg(address & 0xff);
}

bool isIpv4Mapped(const Q_IPV6ADDR &address)
{
    for (int i = 0; i < 10; ++i) {
        if (address[i] != 0)
            return false;
    }
    return address[10] == 0xff && address[11] == 0xff;
}

quint32 mappedIpv4(const Q_IPV6ADDR &address)
{
    return (quint32(address[12]) << 24) | (quint32(address[13]) << 16) |
           (quint32(address[14]) << 8) | quint32(address[15]);
}

// RFC 5952 section 4: fields in lower-case hex without leading zeros; the longest run of two or
// more zero fields (the first of equal runs) written "::".
QString ipv6Text(const Q_IPV6ADDR &address)
{
    std::array<uint, 8> fields{};
    for (int i = 0; i < 8; ++i)
        fields[i] = (uint(address[2 * i]) << 8) | address[2 * i + 1];
    int bestStart = -1;
    int bestLength = 1; // a single zero field is never shortened
    for (int i = 0; i < 8;) {
        int length = 0;
        while (i + length < 8 && fields[i + length] == 0)
            ++length;
        if (length > bestLength) {
            bestStart = i;
            bestLength = length;
        }
        i += length > 0 ? length : 1;
    }
    QString text;
    for (int i = 0; i < 8; ++i) {
        if (i == bestStart) {
            text += QLatin1String("::");
            i += bestLength - 1;
            continue;
        }
        if (!text.isEmpty() && !text.endsWith(QLatin1Char(':')))
            text += QLatin1Char(':');
        text += QString::number(fields[i], 16);
    }
    return text;
}

// An IPv6 address as text, without zone id, brackets or prefix.
bool parseIpv6(const QString &text, Q_IPV6ADDR *address)
{
    for (const QChar c : text) {
        const bool allowed = (c >= QLatin1Char('0') && c <= QLatin1Char('9')) ||
                             (c >= QLatin1Char('a') && c <= QLatin1Char('f')) ||
                             (c >= QLatin1Char('A') && c <= QLatin1Char('F')) ||
                             c == QLatin1Char(':') || c == QLatin1Char('.');
        if (!allowed)
            return false;
    }
    QHostAddress parsed;
    if (!parsed.setAddress(text) || parsed.protocol() != QAbstractSocket::IPv6Protocol)
        return false;
    *address = parsed.toIPv6Address();
    return true;
}

} // namespace

QString normalizeSourceIp(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (trimmed.contains(QLatin1Char(':'))) {
        Q_IPV6ADDR address;
        if (!parseIpv6(trimmed, &address))
            return QString();
        return isIpv4Mapped(address) ? ipv4Text(mappedIpv4(address)) : ipv6Text(address);
    }
    quint32 address = 0;
    return parseIpv4(trimmed, &address) ? ipv4Text(address) : QString();
}

Result<SourceSubnet> parseSourceSubnet(const QString &text)
{
    const QString trimmed = text.trimmed();
    const auto error = [&trimmed](const QString &why) {
        return Error{QStringLiteral("sources"), QStringLiteral("\"%1\" is not a CIDR block such as "
                                                               "192.0.2.0/24 or 2001:db8::/32: %2")
                                                    .arg(trimmed, why)};
    };
    const qsizetype slash = trimmed.indexOf(QLatin1Char('/'));
    const QString addressText = slash < 0 ? trimmed : trimmed.left(slash);
    const QString normalized = normalizeSourceIp(addressText);
    if (normalized.isEmpty())
        return error(QStringLiteral("\"%1\" is not an IPv4 or IPv6 address").arg(addressText));
    const bool ipv6 = normalized.contains(QLatin1Char(':'));
    // An IPv4-mapped block is given in IPv6 prefix bits, of which the first 96 are the mapping.
    const int skipped = !ipv6 && addressText.contains(QLatin1Char(':')) ? 96 : 0;
    const int bits = ipv6 ? 128 : 32;
    int prefixLength = bits + skipped;
    if (slash >= 0) {
        const QString prefixText = trimmed.mid(slash + 1);
        if (!isAsciiDigits(prefixText) || prefixText.size() > 3 ||
            prefixText.toInt() > bits + skipped) {
            return error(QStringLiteral("the prefix length \"%1\" is not a number from %2 to %3")
                             .arg(prefixText)
                             .arg(skipped)
                             .arg(bits + skipped));
        }
        prefixLength = prefixText.toInt();
        if (prefixLength < skipped)
            return error(QStringLiteral("a block of IPv4-mapped addresses needs a prefix length "
                                        "of 96 or more"));
    }
    prefixLength -= skipped;

    SourceSubnet subnet{QHostAddress(normalized), prefixLength};
    const QPair<QHostAddress, int> network =
        QHostAddress::parseSubnet(normalized + QLatin1Char('/') + QString::number(prefixLength));
    if (network.first != subnet.network) {
        const QString block = (ipv6 ? ipv6Text(network.first.toIPv6Address())
                                    : ipv4Text(network.first.toIPv4Address())) +
                              QLatin1Char('/') + QString::number(prefixLength);
        return error(
            QStringLiteral("bits are set past the prefix length (the block is %1)").arg(block));
    }
    return subnet;
}

} // namespace Dmarc
