#include "sourcequeries.h"

#include "common/log.h"
#include "common/logging.h"
#include "sources/publicsuffixlist.h"
#include "store/store.h"

#include <QHash>
#include <QSet>

#include <algorithm>
#include <memory>

namespace Dmarc {

namespace {

// The system's Public Suffix List, the one the naming of sources holds too; none when it cannot
// be read (said once in the log).
const PublicSuffixList *publicSuffixList()
{
    static const std::shared_ptr<const PublicSuffixList> list = [] {
        auto loaded = PublicSuffixList::system();
        if (!loaded) {
            Log::warning(lcStore(), QStringLiteral("The Sources view shows no registrable domains"),
                         {{QStringLiteral("error"), loaded.error().message}});
            return std::shared_ptr<const PublicSuffixList>();
        }
        return *loaded;
    }();
    return list.get();
}

bool isFailing(const Counters &counters)
{
    return counters.compliant < counters.total;
}

// The store's order of `sort`.
SourcePageOrder pageOrder(SourceSort sort)
{
    switch (sort) {
    case SourceSort::Key:
        return SourcePageOrder::Key;
    case SourceSort::PtrName:
    case SourceSort::RegistrableDomain:
        return SourcePageOrder::PtrName;
    case SourceSort::Name:
        return SourcePageOrder::Name;
    case SourceSort::Type:
        return SourcePageOrder::Type;
    case SourceSort::Messages:
        return SourcePageOrder::Messages;
    case SourceSort::Compliance:
        return SourcePageOrder::Compliance;
    case SourceSort::DkimAligned:
        return SourcePageOrder::DkimAligned;
    case SourceSort::SpfAligned:
        return SourcePageOrder::SpfAligned;
    case SourceSort::Quarantined:
        return SourcePageOrder::Quarantined;
    case SourceSort::Rejected:
        return SourcePageOrder::Rejected;
    case SourceSort::FirstSeen:
        return SourcePageOrder::FirstSeen;
    case SourceSort::LastSeen:
        return SourcePageOrder::LastSeen;
    case SourceSort::FromDomains:
        break;
    }
    return SourcePageOrder::FromDomains;
}

// One string for every equal one of a page: the names, types and domains its rows repeat share
// their text.
class Interned
{
public:
    QString operator()(const QString &text)
    {
        return *m_texts.insert(text);
    }

private:
    QSet<QString> m_texts;
};

// The messages per domain of `counts`, most first, equal ones by domain.
QList<SourceDomainTotals> mostMessagesFirst(const QHash<QString, quint64> &counts)
{
    QList<SourceDomainTotals> list;
    list.reserve(counts.size());
    for (auto it = counts.cbegin(); it != counts.cend(); ++it)
        list << SourceDomainTotals{it.key(), it.value()};
    std::sort(list.begin(), list.end(),
              [](const SourceDomainTotals &a, const SourceDomainTotals &b) {
                  return a.messages != b.messages ? a.messages > b.messages : a.domain < b.domain;
              });
    return list;
}

} // namespace

Result<SourcePage> sourcePageOf(const Store &store, DayRange range, const SourceFilter &filter,
                                SourceOrder order, qsizetype offset, qsizetype limit)
{
    SourcePageQuery query;
    query.from = range.from;
    query.to = range.to;
    query.failingOnly = filter.failingOnly;
    query.newOnly = filter.newOnly;
    query.byName = filter.byName;
    query.text = filter.text;
    query.order = pageOrder(order.by);
    query.descending = order.descending;
    query.offset = offset;
    query.limit = limit;
    const auto rows = store.sourcePage(query);
    if (!rows)
        return rows.error();
    const PublicSuffixList *suffixes = publicSuffixList();
    Interned interned;
    SourcePage page;
    page.offset = offset;
    page.total = rows->total;
    page.rows.reserve(rows->rows.size());
    for (const SourcePageRow &row : rows->rows) {
        SourceTotals totals;
        totals.ip = row.ip;
        totals.ptrName = row.ptrName;
        if (suffixes && !row.ptrName.isEmpty())
            totals.registrableDomain = interned(suffixes->registrableDomain(row.ptrName));
        totals.name = interned(row.name);
        totals.type = interned(row.type);
        totals.counters = row.counters;
        totals.firstSeen = row.firstSeen;
        totals.lastSeen = row.lastSeen;
        for (const QString &domain : row.fromDomains)
            totals.fromDomains << interned(domain);
        totals.addresses = int(row.addresses);
        page.rows << totals;
    }
    return page;
}

Result<QList<FailingSource>> newFailingSourcesOf(const Store &store, DayRange range)
{
    const QDate before = range.from.addDays(-30);
    const auto rows = store.sourcesIn(range.from, range.to);
    if (!rows)
        return rows.error();
    const auto names = store.sourceNamesIn(before, range.from.addDays(-1));
    if (!names)
        return names.error();
    const QSet<QString> namedBefore(names->cbegin(), names->cend());
    QHash<QString, qsizetype> index;
    QList<FailingSource> sources;
    for (const SourceRangeRow &row : *rows) {
        const bool named = row.source.name != QStringLiteral("unknown");
        const QString &key = named ? row.source.name : row.source.ip;
        const bool seen = named ? namedBefore.contains(key)
                                : row.seenBefore.isValid() && row.seenBefore >= before;
        if (seen || !isFailing(row.counters))
            continue;
        auto found = index.constFind(key);
        if (found == index.cend()) {
            found = index.insert(key, sources.size());
            sources << FailingSource{key, 0, {}};
        }
        FailingSource &source = sources[*found];
        source.failed += row.counters.total - row.counters.compliant;
        if (!source.fromDomains.contains(row.fromDomain))
            source.fromDomains << row.fromDomain;
    }
    for (FailingSource &source : sources)
        source.fromDomains.sort();
    std::sort(sources.begin(), sources.end(), [](const FailingSource &a, const FailingSource &b) {
        return a.failed != b.failed ? a.failed > b.failed : a.key < b.key;
    });
    return sources;
}

Result<SourceDetails> sourceDetailsOf(const Store &store, const QString &ip, DayRange range)
{
    const auto days = store.sourceDaysOf(ip, range.from, range.to);
    if (!days)
        return days.error();
    const auto domains = store.sourceDomainsOf(ip, range.from, range.to);
    if (!domains)
        return domains.error();
    SourceDetails details;
    details.ip = ip;
    for (const SourceDay &day : *days)
        details.days << SourceDayTotals{day.day, day.fromDomain, day.source.name, day.counters};
    QHash<QString, quint64> byKind[3];
    for (const SourceDayDomain &domain : *domains)
        byKind[int(domain.kind)][domain.domain] += domain.messages;
    details.reporters = mostMessagesFirst(byKind[int(SourceDomainKind::Reporter)]);
    details.dkimDomains = mostMessagesFirst(byKind[int(SourceDomainKind::Dkim)]);
    details.spfDomains = mostMessagesFirst(byKind[int(SourceDomainKind::Spf)]);
    return details;
}

} // namespace Dmarc
