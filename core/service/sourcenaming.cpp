#include "sourcenaming.h"

#include "sources/sourceip.h"
#include "sources/sourcenamer.h"

namespace Dmarc {

Result<SourceNaming> SourceNaming::fromSettings(const SourceSettings &settings)
{
    auto namer = SourceNamer::fromSettings(settings);
    if (!namer)
        return namer.error();
    return SourceNaming(std::make_shared<const SourceNamer>(std::move(namer).value()));
}

QList<QList<SourceLabel>> SourceNaming::name(const EmailAnalysis &analysis,
                                             const KnownPtr &knownPtr, Memo &memo) const
{
    QList<QList<SourceLabel>> labels;
    labels.reserve(analysis.reports.size());
    for (const ReportCounts &report : analysis.reports) {
        QList<SourceLabel> &ofReport = labels.emplace_back();
        ofReport.reserve(report.sources.size());
        for (const SourceCounts &source : report.sources) {
            auto address = memo.m_addresses.constFind(source.sourceIp);
            if (address == memo.m_addresses.cend()) {
                const QString ip = normalizeSourceIp(source.sourceIp);
                address = memo.m_addresses.insert(
                    source.sourceIp, {ip, knownPtr && !ip.isEmpty() ? knownPtr(ip) : QString()});
            }
            const SourceName named =
                m_namer->name(SourceEvidence{address->first, source.fromDomain, source.dkimDomain,
                                             source.spfDomain, address->second});
            ofReport.append(SourceLabel{address->first, named.name, sourceTypeName(named.type)});
        }
    }
    return labels;
}

bool SourceNaming::hasSameMap(const SourceNaming &other) const
{
    return m_namer->senders() == other.m_namer->senders();
}

} // namespace Dmarc
