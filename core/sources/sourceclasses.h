#pragma once

#include "common/result.h"
#include "sources/sourceip.h"
#include "sources/sourcesettings.h"

#include <QList>
#include <QString>

#include <optional>

namespace Dmarc {

// Your own classes of sources (docs/counting.md section 10.2, rule 1): CIDR blocks by name.
class SourceClasses
{
public:
    // Every block read with parseSourceSubnet(); the mistakes of all classes in one error, one
    // per line, each naming the class and the value.
    static Result<SourceClasses> fromSettings(const QList<SourceClassSettings> &classes);

    // The name of the first class, in file order, with a block that holds `ip` (as
    // normalizeSourceIp() gives it, so an IPv4-mapped address is matched by IPv4 blocks).
    std::optional<QString> classOf(const QString &ip) const;

private:
    struct Class
    {
        QString name;
        QList<SourceSubnet> subnets;
    };
    QList<Class> m_classes;
};

} // namespace Dmarc
