#include "sourcepages.h"

#include "commitplan.h"
#include "sourcewrites.h"
#include "store.h"
#include "storedialect.h"
#include "storesql.h"

#include <QHash>
#include <QSet>

namespace Dmarc {

namespace {

// The counters a source keeps per day and per week, in the order of SourcePageRow's reading.
QString joinedCounters(const QString &prefix = QString())
{
    QStringList columns;
    for (const QString &column : sourceDayCounters())
        columns << prefix % column;
    return columns.join(QStringLiteral(", "));
}

QString summedCounters()
{
    QStringList sums;
    for (const QString &column : sourceDayCounters())
        sums << QStringLiteral("SUM(") % column % QStringLiteral(") AS ") % column;
    return sums.join(QStringLiteral(", "));
}

// Conditions on `column` for [first, last] as a WHERE clause; none for two invalid dates.
QString bounds(const QString &column, QDate first, QDate last, QVariantList &values)
{
    const QStringList conditions = dayConditions(column, first, last, values);
    return conditions.isEmpty()
               ? QString()
               : QStringLiteral(" WHERE ") % conditions.join(QStringLiteral(" AND "));
}

// Which columns the rows of a range have.
enum class RangeColumns
{
    All,         // from_domain, source_ip, source_name, source_type, last_day, counters...
    MessagesOnly // source_ip, messages
};

// The range's rows: one per week and source for the weeks it holds whole, one per day and source
// at its ends.
QString rangeRows(QDate from, QDate to, QVariantList &values,
                  RangeColumns wanted = RangeColumns::All)
{
    const WeeksAndDays split = weeksAndDays(from, to);
    const bool all = wanted == RangeColumns::All;
    const QString columns = all ? QStringLiteral("SELECT from_domain, source_ip, source_name, "
                                                 "source_type, ")
                                : QStringLiteral("SELECT source_ip, messages");
    QStringList parts;
    if (split.weeks)
        parts << columns % (all ? QStringLiteral("last_day, ") % joinedCounters() : QString()) %
                     QStringLiteral(" FROM source_weeks") %
                     bounds(QStringLiteral("week"), split.firstWeek, split.lastWeek, values);
    for (const auto &[first, last] : split.days)
        parts << columns %
                     (all ? QStringLiteral("day AS last_day, ") % joinedCounters() : QString()) %
                     QStringLiteral(" FROM source_days") %
                     bounds(QStringLiteral("day"), first, last, values);
    return parts.join(QStringLiteral(" UNION ALL "));
}

// `text` as a LIKE pattern that finds it anywhere, in lower case, its wildcards escaped.
QString containing(const QString &text)
{
    QString escaped = text.toLower();
    escaped.replace(QLatin1Char('\\'), QStringLiteral("\\\\"))
        .replace(QLatin1Char('%'), QStringLiteral("\\%"))
        .replace(QLatin1Char('_'), QStringLiteral("\\_"));
    return QLatin1Char('%') % escaped % QLatin1Char('%');
}

// The ORDER BY of a page; equal rows by address or name, so that pages never overlap.
QString orderBy(const SourcePageQuery &page)
{
    // A share of no messages sorts below every other.
    const auto share = [](const QString &column) {
        return QStringLiteral("COALESCE(1.0 * g.") % column %
               QStringLiteral(" / NULLIF(g.messages, 0), -1)");
    };
    const QString tie =
        page.byName ? QStringLiteral("g.source_name") : QStringLiteral("g.source_ip");
    QString key;
    switch (page.order) {
    case SourcePageOrder::Key:
        key = page.byName ? QStringLiteral("g.addresses") : tie;
        break;
    case SourcePageOrder::PtrName:
        key = page.byName ? tie : QStringLiteral("COALESCE(p.name, '')");
        break;
    case SourcePageOrder::Name:
        key = QStringLiteral("g.source_name");
        break;
    case SourcePageOrder::Type:
        key = QStringLiteral("g.source_type");
        break;
    case SourcePageOrder::Messages:
        key = QStringLiteral("g.messages");
        break;
    case SourcePageOrder::Compliance:
        key = share(QStringLiteral("compliant"));
        break;
    case SourcePageOrder::DkimAligned:
        key = share(QStringLiteral("dkim_aligned"));
        break;
    case SourcePageOrder::SpfAligned:
        key = share(QStringLiteral("spf_aligned"));
        break;
    case SourcePageOrder::Quarantined:
        key = QStringLiteral("g.quarantined");
        break;
    case SourcePageOrder::Rejected:
        key = QStringLiteral("g.rejected");
        break;
    case SourcePageOrder::FirstSeen:
        key = QStringLiteral("g.first_day");
        break;
    case SourcePageOrder::LastSeen:
        key = QStringLiteral("g.last_day");
        break;
    case SourcePageOrder::FromDomains:
        key = QStringLiteral("g.from_domain");
        break;
    }
    const QString direction = page.descending ? QStringLiteral(" DESC") : QStringLiteral(" ASC");
    return QStringLiteral(" ORDER BY ") % key % direction % QStringLiteral(", ") % tie % direction;
}

// "?, ?, ?" for `count` values.
QString placeholders(qsizetype count)
{
    QStringList marks;
    for (qsizetype i = 0; i < count; ++i)
        marks << QStringLiteral("?");
    return marks.join(QStringLiteral(", "));
}

// The name and type of each address's last day in [from, to] and its from domains there, for
// the addresses of a page: their days found through source_days_by_ip.
Result<void> nameAddresses(const StoreConnection &connection, QDate from, QDate to,
                           QList<SourcePageRow> &rows)
{
    if (rows.isEmpty())
        return {};
    QVariantList values;
    QHash<QString, qsizetype> index;
    for (qsizetype i = 0; i < rows.size(); ++i) {
        index.insert(rows.at(i).ip, i);
        values << storedText(rows.at(i).ip);
    }
    QString sql = QStringLiteral("SELECT source_ip, day, from_domain, source_name, source_type "
                                 "FROM source_days WHERE source_ip IN (") %
                  placeholders(values.size()) % QLatin1Char(')');
    for (const QString &condition : dayConditions(QStringLiteral("day"), from, to, values))
        sql += QStringLiteral(" AND ") % condition;
    sql += QStringLiteral(" ORDER BY source_ip, day, from_domain");
    auto query = runRead(connection, QStringLiteral("cannot read the sources"), sql, values);
    if (!query)
        return query.error();
    while (query->next()) {
        SourcePageRow &row = rows[index.value(query->value(0).toString())];
        const QString fromDomain = query->value(2).toString();
        if (!row.fromDomains.contains(fromDomain))
            row.fromDomains << fromDomain;
        // By day: the last one read names it.
        row.name = query->value(3).toString();
        row.type = query->value(4).toString();
    }
    for (SourcePageRow &row : rows)
        row.fromDomains.sort();
    return {};
}

// The common part of a page's statements, with its values: the range's rows (r), the sums per
// address the filters keep (a, with its first day), and with byName each address's name, that of
// its last day in the range (n).
QString addressesOf(const SourcePageQuery &page, QVariantList &values)
{
    QStringList having;
    QVariantList havingValues;
    if (page.failingOnly)
        having << QStringLiteral("SUM(compliant) < SUM(messages)");
    if (!page.text.isEmpty()) {
        having << QStringLiteral("MAX(CASE WHEN LOWER(source_ip) LIKE ? ESCAPE '\\' OR "
                                 "LOWER(source_name) LIKE ? ESCAPE '\\' OR "
                                 "LOWER(from_domain) LIKE ? ESCAPE '\\' THEN 1 ELSE 0 END) = 1");
        const QString pattern = containing(page.text);
        havingValues << pattern << pattern << pattern;
    }
    const bool newOnly = page.newOnly && page.from.isValid();
    // An address's name, type and first from domain, only for what sorts or groups by them: each
    // is a text compared for every row of the range.
    const bool labelled = page.byName || page.order == SourcePageOrder::Name ||
                          page.order == SourcePageOrder::Type ||
                          page.order == SourcePageOrder::FromDomains;
    QString sql =
        QStringLiteral("WITH r AS (") % rangeRows(page.from, page.to, values) %
        QStringLiteral("), s AS (SELECT source_ip, ") % summedCounters() %
        QStringLiteral(", MAX(last_day) AS last_day") %
        (labelled ? QStringLiteral(", MAX(source_name) AS source_name, MAX(source_type) AS "
                                   "source_type, MIN(from_domain) AS from_domain")
                  : QString()) %
        QStringLiteral(" FROM r GROUP BY source_ip") %
        (having.isEmpty() ? QString()
                          : QStringLiteral(" HAVING ") % having.join(QStringLiteral(" AND "))) %
        QStringLiteral("), a AS (SELECT s.*, i.first_day FROM s JOIN source_ips AS i ON "
                       "i.source_ip = s.source_ip") %
        (newOnly ? QStringLiteral(" WHERE i.first_day >= ?") : QString()) % QLatin1Char(')');
    values += havingValues;
    if (newOnly)
        values << dayText(page.from);
    if (page.byName)
        sql += QStringLiteral(", n AS (SELECT r.source_ip, MAX(r.source_name) AS source_name, "
                              "MAX(r.source_type) AS source_type FROM r JOIN a ON "
                              "a.source_ip = r.source_ip AND a.last_day = r.last_day "
                              "GROUP BY r.source_ip)");
    return sql;
}

// A page of addresses without filters, most messages first or by address: the range's addresses
// grouped by their messages alone, the page cut, and only its addresses summed again from their
// days (the same days the range's weeks sum) with their first day and PTR name. Columns as
// Store::sourcePage reads them.
QString pageOfAddresses(const SourcePageQuery &page, QVariantList &values)
{
    QStringList sums;
    for (const QString &column : sourceDayCounters())
        sums << QStringLiteral("SUM(") % column % QStringLiteral(") AS ") % column;
    QString sql =
        QStringLiteral("WITH r AS (") %
        rangeRows(page.from, page.to, values, RangeColumns::MessagesOnly) %
        QStringLiteral("), s AS (SELECT source_ip, SUM(messages) AS messages FROM r GROUP BY "
                       "source_ip), pg AS (SELECT g.*, COUNT(*) OVER () AS total FROM s AS g") %
        orderBy(page) % QStringLiteral(" LIMIT ? OFFSET ?), d AS (SELECT source_ip, ") %
        sums.join(QStringLiteral(", ")) %
        QStringLiteral(", MAX(day) AS last_day FROM source_days WHERE source_ip IN (SELECT "
                       "source_ip FROM pg)");
    values << qint64(page.limit) << qint64(page.offset);
    for (const QString &condition :
         dayConditions(QStringLiteral("day"), page.from, page.to, values))
        sql += QStringLiteral(" AND ") % condition;
    return sql % QStringLiteral(" GROUP BY source_ip) SELECT g.source_ip, ") %
           joinedCounters(QStringLiteral("d.")) %
           QStringLiteral(", d.last_day, i.first_day, p.name, g.total FROM pg AS g JOIN d ON "
                          "d.source_ip = g.source_ip LEFT JOIN source_ips AS i ON "
                          "i.source_ip = g.source_ip LEFT JOIN ptr_cache AS p ON "
                          "p.ip = g.source_ip") %
           orderBy(page);
}

// Whether the "new" filter or the order needs each address's first day or PTR name before a
// page is cut.
bool joinsBeforePage(const SourcePageQuery &page)
{
    return (page.newOnly && page.from.isValid()) || page.order == SourcePageOrder::FirstSeen ||
           page.order == SourcePageOrder::PtrName;
}

// A page as the filters and the order ask, grouping every address of the range with all its sums
// (and by name, with byName). Columns as Store::sourcePage reads them.
QString filteredPage(const SourcePageQuery &page, QVariantList &values)
{
    // Each address's first day and PTR name joined before the page is cut only when a filter or
    // the order needs them; else to the page's rows alone.
    const bool joinedFirst = joinsBeforePage(page);
    QString sql = addressesOf(page, values);
    if (!page.byName && !joinedFirst) {
        sql += QStringLiteral(" SELECT g.source_ip, ") % joinedCounters(QStringLiteral("g.")) %
               QStringLiteral(", g.last_day, i.first_day, p.name, g.total FROM (SELECT g.*, "
                              "COUNT(*) OVER () AS total FROM s AS g") %
               orderBy(page) %
               QStringLiteral(" LIMIT ? OFFSET ?) AS g LEFT JOIN source_ips AS i ON "
                              "i.source_ip = g.source_ip LEFT JOIN ptr_cache AS p ON "
                              "p.ip = g.source_ip") %
               orderBy(page);
    } else if (!page.byName) {
        sql += QStringLiteral(" SELECT g.source_ip, ") % joinedCounters(QStringLiteral("g.")) %
               QStringLiteral(", g.last_day, g.first_day, p.name, COUNT(*) OVER () FROM a AS g "
                              "LEFT JOIN ptr_cache AS p ON p.ip = g.source_ip");
    } else {
        // Per name, the sums of the addresses it names.
        QStringList sums;
        for (const QString &column : sourceDayCounters())
            sums << QStringLiteral("SUM(a.") % column % QStringLiteral(") AS ") % column;
        sql += QStringLiteral(" SELECT g.source_name, ") % joinedCounters(QStringLiteral("g.")) %
               QStringLiteral(", g.last_day, g.first_day, g.source_type, g.addresses, "
                              "COUNT(*) OVER () FROM (SELECT n.source_name, ") %
               sums.join(QStringLiteral(", ")) %
               QStringLiteral(", MAX(a.last_day) AS last_day, MIN(a.first_day) AS first_day, "
                              "MAX(n.source_type) AS source_type, MIN(a.from_domain) AS "
                              "from_domain, COUNT(*) AS addresses FROM a JOIN n ON "
                              "n.source_ip = a.source_ip GROUP BY n.source_name) AS g");
    }
    if (page.byName || joinedFirst)
        sql += orderBy(page) % QStringLiteral(" LIMIT ? OFFSET ?");
    values << qint64(page.limit) << qint64(page.offset);
    return sql;
}

// The from domains in the range of the addresses of each source name of a page.
Result<void> fromDomainsOfNames(const StoreConnection &connection, const SourcePageQuery &page,
                                QList<SourcePageRow> &rows)
{
    if (rows.isEmpty())
        return {};
    QVariantList values;
    const QString addresses = addressesOf(page, values);
    QHash<QString, qsizetype> index;
    for (qsizetype i = 0; i < rows.size(); ++i) {
        index.insert(rows.at(i).name, i);
        values << storedText(rows.at(i).name);
    }
    auto query = runRead(connection, QStringLiteral("cannot read the sources"),
                         addresses %
                             QStringLiteral(" SELECT DISTINCT n.source_name, r.from_domain FROM r "
                                            "JOIN n ON n.source_ip = r.source_ip "
                                            "WHERE n.source_name IN (") %
                             placeholders(rows.size()) % QLatin1Char(')'),
                         values);
    if (!query)
        return query.error();
    while (query->next())
        rows[index.value(query->value(0).toString())].fromDomains << query->value(1).toString();
    for (SourcePageRow &row : rows)
        row.fromDomains.sort();
    return {};
}

} // namespace

QStringList sourcePagesMigration(const StoreDialect &dialect)
{
    QStringList counters;
    for (const QString &column : sourceDayCounters())
        counters << column % QStringLiteral(" BIGINT NOT NULL DEFAULT 0");
    const QString week = dialect.weekStart(QStringLiteral("day"));
    return {
        QStringLiteral("CREATE TABLE source_weeks (week VARCHAR(10) NOT NULL, "
                       "from_domain TEXT NOT NULL, source_ip TEXT NOT NULL, "
                       "source_name TEXT NOT NULL DEFAULT '', "
                       "source_type VARCHAR(32) NOT NULL DEFAULT '', "
                       "last_day VARCHAR(10) NOT NULL, ") %
            counters.join(QStringLiteral(", ")) %
            QStringLiteral(", PRIMARY KEY (week, from_domain, source_ip))"),
        // Each week's sums, named as its last day was.
        QStringLiteral("INSERT INTO source_weeks (week, from_domain, source_ip, source_name, "
                       "source_type, last_day, ") %
            joinedCounters() %
            QStringLiteral(") SELECT g.week, g.from_domain, g.source_ip, d.source_name, "
                           "d.source_type, g.last_day, ") %
            joinedCounters(QStringLiteral("g.")) % QStringLiteral(" FROM (SELECT ") % week %
            QStringLiteral(" AS week, from_domain, source_ip, MAX(day) AS last_day, ") %
            summedCounters() % QStringLiteral(" FROM source_days GROUP BY ") % week %
            QStringLiteral(", from_domain, source_ip) AS g JOIN source_days AS d ON "
                           "d.day = g.last_day AND d.from_domain = g.from_domain AND "
                           "d.source_ip = g.source_ip"),
        QStringLiteral("CREATE TABLE source_ips (source_ip TEXT NOT NULL PRIMARY KEY, "
                       "first_day VARCHAR(10) NOT NULL)"),
        QStringLiteral("INSERT INTO source_ips (source_ip, first_day) SELECT source_ip, MIN(day) "
                       "FROM source_days GROUP BY source_ip"),
    };
}

Result<void> writeSourceSummaries(const StoreConnection &connection, const CommitPlan &plan)
{
    QStringList counterUpdates;
    for (const QString &column : sourceDayCounters())
        counterUpdates << column % QStringLiteral(" = source_weeks.") % column %
                              QStringLiteral(" + excluded.") % column;
    // A week's name is that of its last day: a commit of an earlier day leaves it.
    const QString newer = QStringLiteral("excluded.last_day >= source_weeks.last_day");
    const QString weeksSql =
        connection.dialect->insertRows(
            QStringLiteral("source_weeks"),
            QStringList{QStringLiteral("week"), QStringLiteral("from_domain"),
                        QStringLiteral("source_ip"), QStringLiteral("source_name"),
                        QStringLiteral("source_type")} +
                sourceDayCounters() + QStringList{QStringLiteral("last_day")},
            1) %
        QStringLiteral(" ON CONFLICT (week, from_domain, source_ip) DO UPDATE SET "
                       "source_name = CASE WHEN ") %
        newer %
        QStringLiteral(" THEN excluded.source_name ELSE source_weeks.source_name END, "
                       "source_type = CASE WHEN ") %
        newer %
        QStringLiteral(" THEN excluded.source_type ELSE source_weeks.source_type END, "
                       "last_day = CASE WHEN ") %
        newer % QStringLiteral(" THEN excluded.last_day ELSE source_weeks.last_day END, ") %
        counterUpdates.join(QStringLiteral(", "));
    const QString what = QStringLiteral("cannot update the sources per week");
    auto written = execForEach(connection, what, weeksSql, plan.sourceWeeks,
                               [](BoundValues &bound, const PlannedSourceWeek &week) {
                                   bindSourceRow(bound, week.week, week.row);
                                   bound.addBindValue(dayText(week.row.day));
                               });
    if (!written)
        return written;
    const QString ipsSql =
        connection.dialect->insertRows(QStringLiteral("source_ips"),
                                       {QStringLiteral("source_ip"), QStringLiteral("first_day")},
                                       1) %
        QStringLiteral(" ON CONFLICT (source_ip) DO UPDATE SET first_day = CASE WHEN "
                       "excluded.first_day < source_ips.first_day THEN excluded.first_day "
                       "ELSE source_ips.first_day END");
    return execForEach(connection, QStringLiteral("cannot update the first days of the sources"),
                       ipsSql, plan.sourceFirstDays,
                       [](BoundValues &bound, const std::pair<QString, QDate> &row) {
                           bound.addBindValue(storedText(row.first));
                           bound.addBindValue(dayText(row.second));
                       });
}

Result<SourcePageRows> Store::sourcePage(const SourcePageQuery &page) const
{
    QVariantList values;
    const bool unfiltered =
        !page.byName && !joinsBeforePage(page) && !page.failingOnly && page.text.isEmpty() &&
        (page.order == SourcePageOrder::Messages || page.order == SourcePageOrder::Key);
    const QString sql = unfiltered ? pageOfAddresses(page, values) : filteredPage(page, values);
    const StoreConnection store = connection();
    // One read transaction: the page and the names of its addresses agree.
    return store.transaction(StoreConnection::Access::Read, [&]() -> Result<SourcePageRows> {
        auto query = runRead(store, QStringLiteral("cannot read the sources"), sql, values);
        if (!query)
            return query.error();
        SourcePageRows answer;
        while (query->next()) {
            SourcePageRow row;
            if (page.byName) {
                row.name = query->value(0).toString();
                row.type = query->value(9).toString();
                row.addresses = qsizetype(query->value(10).toLongLong());
            } else {
                row.ip = query->value(0).toString();
                row.ptrName = query->value(9).toString();
            }
            row.counters = readSourceCounters(*query, 1);
            row.lastSeen = dayOf(query->value(7));
            row.firstSeen = dayOf(query->value(8));
            answer.total = qsizetype(query->value(page.byName ? 11 : 10).toLongLong());
            answer.rows << row;
        }
        query->finish();
        auto named = page.byName ? fromDomainsOfNames(store, page, answer.rows)
                                 : nameAddresses(store, page.from, page.to, answer.rows);
        if (!named)
            return named.error();
        return answer;
    });
}

} // namespace Dmarc
