#include "rdns/ptrname.h"

#include <QStringList>

namespace Dmarc {

QString ptrQueryName(const QHostAddress &address)
{
    QStringList labels;
    switch (address.protocol()) {
    case QAbstractSocket::IPv4Protocol: {
        const quint32 v4 = address.toIPv4Address();
        for (int shift = 0; shift < 32; shift += 8)
            labels.append(QString::number((v4 >> shift) & 0xff));
        labels.append(QStringLiteral("in-addr"));
        break;
    }
    case QAbstractSocket::IPv6Protocol: {
        const Q_IPV6ADDR v6 = address.toIPv6Address();
        for (int i = 15; i >= 0; --i) {
            labels.append(QString::number(v6[i] & 0x0f, 16));
            labels.append(QString::number(v6[i] >> 4, 16));
        }
        labels.append(QStringLiteral("ip6"));
        break;
    }
    default:
        return {};
    }
    labels.append(QStringLiteral("arpa"));
    return labels.join(QLatin1Char('.'));
}

} // namespace Dmarc
