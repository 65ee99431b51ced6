#pragma once

#include "analysis/emailanalysis.h"
#include "common/result.h"
#include "sources/sourcesettings.h"
#include "store/storetypes.h"

#include <QHash>
#include <QList>
#include <QString>

#include <functional>
#include <memory>

namespace Dmarc {

class SourceNamer;

// The PTR name of a source IP when it is known at this moment, "" otherwise (docs/counting.md
// section 10.2, rule 2). Called on the thread that commits, for every source of the reports
// about to be committed; it never waits, and may start a lookup for a later commit.
using KnownPtr = std::function<QString(const QString &ip)>;

// Names the sources of a batch's reports before the commit: the store keeps the names it is
// given and knows no rules (docs/architecture.md 1.1).
class SourceNaming
{
public:
    // The classes and map file of `settings` over the built-in map, and the Public Suffix List
    // of the publicsuffix package (read once, shared by every naming); the first of them that
    // cannot be read is the error.
    static Result<SourceNaming> fromSettings(const SourceSettings &settings);

    // What the naming of one batch has found: each address spelt one way is normalised, and
    // asked for its PTR name, once. A batch's sources mostly come from a few servers again and
    // again. (Naming a record is cheaper than remembering it: its evidence seldom repeats.)
    class Memo
    {
    private:
        friend class SourceNaming;
        QHash<QString, std::pair<QString, QString>> m_addresses; // as written: normalised, PTR
    };

    // Each source of each report of `analysis`, as EmailCommit::sourceLabels holds them: the IP
    // normalised, its name and type by the rules of docs/counting.md section 10.2, the PTR name
    // from `knownPtr` when there is one. `memo` is the batch's: what it holds is not looked at
    // again.
    QList<QList<SourceLabel>> name(const EmailAnalysis &analysis, const KnownPtr &knownPtr,
                                   Memo &memo) const;

    // Whether `other` names by the same known-senders map (the built-in table and the map file's
    // senders over it): a reload tells by it that the map file changed under the same name.
    bool hasSameMap(const SourceNaming &other) const;

private:
    explicit SourceNaming(std::shared_ptr<const SourceNamer> namer)
        : m_namer(std::move(namer))
    {}

    std::shared_ptr<const SourceNamer> m_namer;
};

} // namespace Dmarc
