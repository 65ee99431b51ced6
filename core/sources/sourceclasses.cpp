#include "sources/sourceclasses.h"

#include <QStringList>

namespace Dmarc {

Result<SourceClasses> SourceClasses::fromSettings(const QList<SourceClassSettings> &classes)
{
    SourceClasses result;
    QStringList problems;
    for (const SourceClassSettings &settings : classes) {
        Class entry{settings.name, {}};
        for (const QString &cidr : settings.cidrs) {
            auto subnet = parseSourceSubnet(cidr);
            if (subnet)
                entry.subnets << *subnet;
            else
                problems << QStringLiteral("class \"%1\": %2")
                                .arg(settings.name, subnet.error().message);
        }
        result.m_classes << entry;
    }
    if (!problems.isEmpty())
        return Error{QStringLiteral("sources"), problems.join(QLatin1Char('\n'))};
    return result;
}

std::optional<QString> SourceClasses::classOf(const QString &ip) const
{
    const QHostAddress address(ip);
    if (ip.isEmpty() || address.isNull())
        return std::nullopt;
    for (const Class &entry : m_classes) {
        for (const SourceSubnet &subnet : entry.subnets) {
            if (subnet.contains(address))
                return entry.name;
        }
    }
    return std::nullopt;
}

} // namespace Dmarc
