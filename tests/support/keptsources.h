#pragma once

// The sending sources a store keeps (docs/counting.md section 10.7), read whole and written one
// line a row, so that two stores compare with QCOMPARE and a difference names its row.

#include "store/store.h"

#include <QStringList>

namespace Dmarc::Test {

struct KeptSources
{
    QStringList days;     // source_days, by source IP, day and from domain
    QStringList domains;  // reporters and passing domains per source day, the same way, then by kind and domain
    QStringList counters; // source_counters, sorted
};

inline QString sourceCounterLine(const SourceCounter &counter)
{
    return QStringLiteral("%1|%2: %3 %4")
        .arg(counter.pair.fromDomain, counter.pair.source)
        .arg(counter.total)
        .arg(counter.compliant);
}

inline Result<KeptSources> keptSources(const Store &store)
{
    const auto rows = store.sourcesIn(QDate(), QDate());
    if (!rows)
        return rows.error();
    QStringList ips;
    for (const SourceRangeRow &row : *rows)
        ips << row.source.ip;
    ips.sort();
    ips.removeDuplicates();
    KeptSources kept;
    for (const QString &ip : std::as_const(ips)) {
        const auto days = store.sourceDaysOf(ip, QDate(), QDate());
        if (!days)
            return days.error();
        for (const SourceDay &day : *days) {
            const Counters &c = day.counters;
            kept.days << QStringLiteral("%1 %2 %3 %4 (%5): %6 %7 %8 %9 %10 %11")
                             .arg(ip, day.day.toString(Qt::ISODate), day.fromDomain,
                                  day.source.name, day.source.type)
                             .arg(c.total)
                             .arg(c.compliant)
                             .arg(c.dkimAligned)
                             .arg(c.spfAligned)
                             .arg(c.quarantine)
                             .arg(c.reject);
        }
        const auto domains = store.sourceDomainsOf(ip, QDate(), QDate());
        if (!domains)
            return domains.error();
        for (const SourceDayDomain &domain : *domains) {
            kept.domains << QStringLiteral("%1 %2 %3 %4 %5: %6")
                                .arg(ip, domain.day.toString(Qt::ISODate), domain.fromDomain)
                                .arg(int(domain.kind))
                                .arg(domain.domain)
                                .arg(domain.messages);
        }
    }
    const auto snapshot = store.snapshot();
    if (!snapshot)
        return snapshot.error();
    for (const SourceCounter &counter : snapshot->sourceCounters)
        kept.counters << sourceCounterLine(counter);
    kept.counters.sort();
    return kept;
}

} // namespace Dmarc::Test
