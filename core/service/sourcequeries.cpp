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

// Adds `row` of one IP to its totals; the name is that of its latest day.
void addRow(SourceTotals &totals, const SourceRangeRow &row, QDate &namedOn)
{
    totals.counters += row.counters;
    totals.fromDomains << row.fromDomain;
    if (!namedOn.isValid() || row.lastDay > namedOn) {
        namedOn = row.lastDay;
        totals.name = row.source.name;
        totals.type = row.source.type;
    }
    totals.lastSeen = std::max(totals.lastSeen, row.lastDay);
}

// One row per source name of the IP rows `ips`.
QList<SourceTotals> groupedByName(const QList<SourceTotals> &ips)
{
    QHash<QString, qsizetype> index;
    QList<SourceTotals> names;
    for (const SourceTotals &ip : ips) {
        auto found = index.constFind(ip.name);
        if (found == index.cend()) {
            found = index.insert(ip.name, names.size());
            SourceTotals name;
            name.name = ip.name;
            name.type = ip.type;
            name.firstSeen = ip.firstSeen;
            name.addresses = 0;
            names << name;
        }
        SourceTotals &name = names[*found];
        name.counters += ip.counters;
        name.firstSeen = std::min(name.firstSeen, ip.firstSeen);
        name.lastSeen = std::max(name.lastSeen, ip.lastSeen);
        name.fromDomains += ip.fromDomains;
        ++name.addresses;
    }
    for (SourceTotals &name : names) {
        name.fromDomains.sort();
        name.fromDomains.removeDuplicates();
    }
    return names;
}

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

Result<QList<SourceTotals>> sourcesOf(const Store &store, DayRange range, SourceFilter filter)
{
    const auto rows = store.sourcesIn(range.from, range.to);
    if (!rows)
        return rows.error();
    QHash<QString, qsizetype> index;
    QList<SourceTotals> ips;
    QList<QDate> namedOn;
    QSet<QString> seenBefore;
    for (const SourceRangeRow &row : *rows) {
        auto found = index.constFind(row.source.ip);
        if (found == index.cend()) {
            found = index.insert(row.source.ip, ips.size());
            SourceTotals ip;
            ip.ip = row.source.ip;
            ip.ptrName = row.ptrName;
            ip.firstSeen = row.firstSeen;
            ips << ip;
            namedOn << QDate();
        }
        addRow(ips[*found], row, namedOn[*found]);
        if (row.seenBefore.isValid())
            seenBefore.insert(row.source.ip);
    }
    const PublicSuffixList *suffixes = publicSuffixList();
    ips.removeIf([&](const SourceTotals &ip) {
        return (filter.failingOnly && !isFailing(ip.counters)) ||
               (filter.newOnly && seenBefore.contains(ip.ip));
    });
    for (SourceTotals &ip : ips) {
        ip.fromDomains.sort();
        if (suffixes && !ip.ptrName.isEmpty())
            ip.registrableDomain = suffixes->registrableDomain(ip.ptrName);
    }
    QList<SourceTotals> answer = filter.byName ? groupedByName(ips) : std::move(ips);
    std::sort(answer.begin(), answer.end(), [](const SourceTotals &a, const SourceTotals &b) {
        if (a.counters.total != b.counters.total)
            return a.counters.total > b.counters.total;
        return a.ip != b.ip ? a.ip < b.ip : a.name < b.name;
    });
    return answer;
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
