#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace Dmarc {

// One class of your own sources: a name and the CIDR blocks it covers, as the file gives them.
struct SourceClassSettings
{
    QString name;
    QStringList cidrs;

    friend bool operator==(const SourceClassSettings &a, const SourceClassSettings &b)
    {
        return a.name == b.name && a.cidrs == b.cidrs;
    }
};

// The configuration's `sources` object (docs/counting.md section 10).
struct SourceSettings
{
    QList<SourceClassSettings> classes; // in file order: the first that holds an address wins
    QString mapFile; // a known-senders CSV over the built-in table; none when empty
};

} // namespace Dmarc
