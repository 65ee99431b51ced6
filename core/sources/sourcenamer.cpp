#include "sources/sourcenamer.h"

#include <utility>

namespace Dmarc {

namespace {

bool isSameOrBelow(const QString &domain, const QString &parent)
{
    return !parent.isEmpty() && (domain == parent || domain.endsWith(QLatin1Char('.') + parent));
}

} // namespace

SourceNamer::SourceNamer(SourceClasses classes, KnownSenders senders,
                         std::shared_ptr<const PublicSuffixList> suffixes)
    : m_classes(std::move(classes))
    , m_senders(std::move(senders))
    , m_suffixes(std::move(suffixes))
{}

Result<SourceNamer> SourceNamer::fromSettings(const SourceSettings &settings)
{
    auto classes = SourceClasses::fromSettings(settings.classes);
    if (!classes)
        return classes.error();
    auto senders = KnownSenders::builtInWith(settings.mapFile);
    if (!senders)
        return senders.error();
    auto suffixes = PublicSuffixList::system();
    if (!suffixes)
        return suffixes.error();
    return SourceNamer(std::move(classes).value(), std::move(senders).value(),
                       std::move(suffixes).value());
}

std::optional<SourceName> SourceNamer::byDomain(const QString &domain, const QString &fromDomain,
                                                SourceRule rule) const
{
    const QString name = normalizedDomainName(domain);
    const QString registrable = m_suffixes->registrableDomain(name);
    if (registrable.isEmpty())
        return std::nullopt;
    if (isSameOrBelow(name, normalizedDomainName(fromDomain)))
        return SourceName{QStringLiteral("own domain"), SourceType::Own, rule, registrable};
    if (const auto sender = m_senders.find(name, registrable))
        return SourceName{sender->name, sender->type, rule, registrable};
    return std::nullopt;
}

SourceName SourceNamer::name(const SourceEvidence &evidence) const
{
    if (const auto own = m_classes.classOf(evidence.ip))
        return SourceName{*own, SourceType::Own, SourceRule::OwnClass, QString()};
    if (!evidence.ptrName.isEmpty()) {
        if (auto named = byDomain(evidence.ptrName, evidence.fromDomain, SourceRule::ReverseDns))
            return *named;
    }
    const QString &signature =
        evidence.dkimDomain.isEmpty() ? evidence.spfDomain : evidence.dkimDomain;
    if (!signature.isEmpty()) {
        if (auto named = byDomain(signature, evidence.fromDomain, SourceRule::Signature))
            return *named;
    }
    return SourceName{QStringLiteral("unknown"), SourceType::Other, SourceRule::Unknown, QString()};
}

} // namespace Dmarc
