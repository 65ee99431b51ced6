#include "sourcereads.h"

#include "sourcewrites.h"
#include "store.h"
#include "storesql.h"

#include <QMap>

namespace Dmarc {

namespace {

// Bounds for a range of days; an invalid date is no bound there. The days are ISO text, so
// these sort before and after every day.
QString firstDayBound(QDate from)
{
    return from.isValid() ? dayText(from) : QStringLiteral("0000-00-00");
}

QString lastDayBound(QDate to)
{
    return to.isValid() ? dayText(to) : QStringLiteral("9999-99-99");
}

} // namespace

Counters readSourceCounters(const QSqlQuery &query, int first)
{
    Counters c;
    c.total = quint64(query.value(first).toLongLong());
    c.compliant = quint64(query.value(first + 1).toLongLong());
    c.dkimAligned = quint64(query.value(first + 2).toLongLong());
    c.spfAligned = quint64(query.value(first + 3).toLongLong());
    c.quarantine = quint64(query.value(first + 4).toLongLong());
    c.reject = quint64(query.value(first + 5).toLongLong());
    return c;
}

QStringList sourceReadsMigration(const StoreDialect &)
{
    return {QStringLiteral("CREATE INDEX source_days_by_ip ON source_days (source_ip, day)")};
}

Result<QList<SourceRangeRow>> Store::sourcesIn(QDate from, QDate to) const
{
    // Summed per IP and from domain first; then the name of the group's last day, and the IP's
    // first day and last day before the range, each found through an index, and its PTR name.
    const QString sql = QStringLiteral(
        "SELECT g.source_ip, g.from_domain, d.source_name, d.source_type, g.messages, "
        "g.compliant, g.dkim_aligned, g.spf_aligned, g.quarantined, g.rejected, g.first_day, "
        "g.last_day, "
        "(SELECT MIN(e.day) FROM source_days AS e WHERE e.source_ip = g.source_ip), "
        "(SELECT MAX(b.day) FROM source_days AS b WHERE b.source_ip = g.source_ip AND b.day < ?), "
        "p.name "
        "FROM (SELECT source_ip, from_domain, SUM(messages) AS messages, "
        "SUM(compliant) AS compliant, SUM(dkim_aligned) AS dkim_aligned, "
        "SUM(spf_aligned) AS spf_aligned, SUM(quarantined) AS quarantined, "
        "SUM(rejected) AS rejected, MIN(day) AS first_day, MAX(day) AS last_day "
        "FROM source_days WHERE day >= ? AND day <= ? GROUP BY source_ip, from_domain) AS g "
        "JOIN source_days AS d ON d.day = g.last_day AND d.from_domain = g.from_domain "
        "AND d.source_ip = g.source_ip LEFT JOIN ptr_cache AS p ON p.ip = g.source_ip");
    const QString first = firstDayBound(from);
    auto query = runRead(connection(), QStringLiteral("cannot read the sources"), sql,
                         {first, first, lastDayBound(to)});
    if (!query)
        return query.error();
    QList<SourceRangeRow> rows;
    while (query->next()) {
        SourceRangeRow row;
        row.source = SourceLabel{query->value(0).toString(), query->value(2).toString(),
                                 query->value(3).toString()};
        row.fromDomain = query->value(1).toString();
        row.counters = readSourceCounters(*query, 4);
        row.firstDay = dayOf(query->value(10));
        row.lastDay = dayOf(query->value(11));
        row.firstSeen = dayOf(query->value(12));
        row.seenBefore = dayOf(query->value(13));
        row.ptrName = query->value(14).toString();
        rows << row;
    }
    return rows;
}

Result<QList<SourceDay>> Store::sourceDaysOf(const QString &ip, QDate from, QDate to) const
{
    auto query =
        runRead(connection(), QStringLiteral("cannot read the days of a source"),
                QStringLiteral("SELECT day, from_domain, source_name, source_type, messages, "
                               "compliant, dkim_aligned, spf_aligned, quarantined, rejected "
                               "FROM source_days WHERE source_ip = ? AND day >= ? AND "
                               "day <= ? ORDER BY day, from_domain"),
                {storedText(ip), firstDayBound(from), lastDayBound(to)});
    if (!query)
        return query.error();
    QList<SourceDay> days;
    while (query->next()) {
        days << SourceDay{dayOf(query->value(0)), query->value(1).toString(),
                          SourceLabel{ip, query->value(2).toString(), query->value(3).toString()},
                          readSourceCounters(*query, 4)};
    }
    return days;
}

Result<QList<SourceDayDomain>> Store::sourceDomainsOf(const QString &ip, QDate from, QDate to) const
{
    auto query = runRead(connection(), QStringLiteral("cannot read the domains of a source"),
                         QStringLiteral("SELECT day, from_domain, domains FROM source_days "
                                        "WHERE source_ip = ? AND day >= ? AND day <= ? "
                                        "ORDER BY day, from_domain"),
                         {storedText(ip), firstDayBound(from), lastDayBound(to)});
    if (!query)
        return query.error();
    QList<SourceDayDomain> domains;
    while (query->next()) {
        // Each name of the day's combinations with its messages, by kind ("dkim", "reporter",
        // "spf") and name.
        QMap<std::pair<QString, QString>, std::pair<SourceDomainKind, quint64>> sums;
        const auto add = [&sums](SourceDomainKind kind, const QString &kindName,
                                 const QString &domain, quint64 messages) {
            if (domain.isEmpty())
                return;
            auto &sum = sums[{kindName, domain}];
            sum.first = kind;
            sum.second += messages;
        };
        for (const SourceDayAuth &auth : sourceDayAuth(query->value(2).toString())) {
            add(SourceDomainKind::Reporter, QStringLiteral("reporter"), auth.reporter,
                auth.messages);
            add(SourceDomainKind::Dkim, QStringLiteral("dkim"), auth.dkimDomain, auth.messages);
            add(SourceDomainKind::Spf, QStringLiteral("spf"), auth.spfDomain, auth.messages);
        }
        const QDate day = dayOf(query->value(0));
        const QString fromDomain = query->value(1).toString();
        for (auto it = sums.cbegin(); it != sums.cend(); ++it)
            domains << SourceDayDomain{day, fromDomain, ip, it->first, it.key().second, it->second};
    }
    return domains;
}

Result<QStringList> Store::sourceNamesIn(QDate from, QDate to) const
{
    auto query = runRead(connection(), QStringLiteral("cannot read the source names"),
                         QStringLiteral("SELECT DISTINCT source_name FROM source_days "
                                        "WHERE day >= ? AND day <= ? ORDER BY source_name"),
                         {firstDayBound(from), lastDayBound(to)});
    if (!query)
        return query.error();
    QStringList names;
    while (query->next())
        names << query->value(0).toString();
    return names;
}

} // namespace Dmarc
