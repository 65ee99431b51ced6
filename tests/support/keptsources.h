#pragma once

// The sending sources a store keeps (docs/counting.md section 10.7), read whole and written one
// line a row, so that two stores compare with QCOMPARE and a difference names its row.

#include "store/store.h"

#include <QStringList>

#include <algorithm>

namespace Dmarc::Test {

struct KeptSources
{
    QStringList days;     // source_days, by source IP, day and from domain
    QStringList domains;  // reporters and passing domains per source day, the same way, then by kind and domain
    QStringList counters; // source_counters, sorted
    // The Sources view's rows of each week the days fall in, most messages first (the sums
    // then read again from the days) and by last day (the sums as the range's rows hold them), as
    // the view reads them: from source_weeks once the week is summed again, from its days before.
    QStringList weeks;
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
    QList<QDate> weeks;
    for (const QString &ip : std::as_const(ips)) {
        const auto days = store.sourceDaysOf(ip, QDate(), QDate());
        if (!days)
            return days.error();
        for (const SourceDay &day : *days) {
            weeks << weekStart(day.day);
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
    std::sort(weeks.begin(), weeks.end());
    weeks.erase(std::unique(weeks.begin(), weeks.end()), weeks.end());
    for (const QDate week : std::as_const(weeks)) {
        for (const SourcePageOrder order : {SourcePageOrder::Messages, SourcePageOrder::LastSeen}) {
            SourcePageQuery query;
            query.from = week;
            query.to = week.addDays(6);
            query.order = order;
            query.limit = 1000;
            const auto page = store.sourcePage(query);
            if (!page)
                return page.error();
            for (const SourcePageRow &row : page->rows) {
                const Counters &c = row.counters;
                kept.weeks << QStringLiteral("%1 %2 %3 (%4): %5 %6 %7 %8 %9 %10, %11 to %12, %13")
                                  .arg(week.toString(Qt::ISODate), row.ip, row.name, row.type)
                                  .arg(c.total)
                                  .arg(c.compliant)
                                  .arg(c.dkimAligned)
                                  .arg(c.spfAligned)
                                  .arg(c.quarantine)
                                  .arg(c.reject)
                                  .arg(row.firstSeen.toString(Qt::ISODate),
                                       row.lastSeen.toString(Qt::ISODate),
                                       row.fromDomains.join(QLatin1Char(',')));
            }
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
