#pragma once

#include "common/result.h"
#include "sources/knownsenders.h"
#include "sources/publicsuffixlist.h"
#include "sources/sourceclasses.h"
#include "sources/sourcesettings.h"

#include <QString>

#include <memory>

namespace Dmarc {

// What a record tells about the server that sent it.
struct SourceEvidence
{
    QString ip;         // row/source_ip as normalizeSourceIp() gives it
    QString fromDomain; // the record's from_domain (lower case)
    QString dkimDomain; // the first DKIM domain whose result is pass; "" when none passed
    QString spfDomain;  // the first SPF domain whose result is pass; "" when none passed
    QString ptrName;    // the IP's reverse DNS name, when it was known; "" otherwise
};

// Which rule of docs/counting.md section 10.2 named a source.
enum class SourceRule
{
    OwnClass,   // 1: a class of the configuration holds the IP
    ReverseDns, // 2: the PTR name's domain
    Signature,  // 3: the passing DKIM domain, else the passing SPF domain
    Unknown,    // 4: none of them
};

struct SourceName
{
    QString name; // "office", "SendGrid", "own domain", "unknown"
    SourceType type = SourceType::Other;
    SourceRule rule = SourceRule::Unknown;
    QString domain; // the registrable domain rules 2 and 3 went by; "" for rules 1 and 4
};

// Names sources by the rules of docs/counting.md section 10.2. Pure: the same evidence always
// gives the same name. Read-only after construction, so threads may share one.
class SourceNamer
{
public:
    SourceNamer(SourceClasses classes, KnownSenders senders,
                std::shared_ptr<const PublicSuffixList> suffixes);

    // The classes and the map file of `settings` (over the built-in map), the system's Public
    // Suffix List (PublicSuffixList::system()); the first thing that cannot be read is the error.
    static Result<SourceNamer> fromSettings(const SourceSettings &settings);

    SourceName name(const SourceEvidence &evidence) const;
    const KnownSenders &senders() const { return m_senders; }

private:
    // Rules 2 and 3 for one domain: the own domain, else the map's sender; nothing when neither.
    std::optional<SourceName> byDomain(const QString &domain, const QString &fromDomain,
                                       SourceRule rule) const;

    SourceClasses m_classes;
    KnownSenders m_senders;
    std::shared_ptr<const PublicSuffixList> m_suffixes;
};

} // namespace Dmarc
