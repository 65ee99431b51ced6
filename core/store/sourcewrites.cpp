#include "sourcewrites.h"

#include "storedialect.h"

#include <algorithm>

namespace Dmarc {

namespace {

// Rows per statement: one statement for many rows costs Qt and the engine far less than one
// statement a row; 200 rows of source_days bind 2,200 values, far below the engines' limits.
constexpr qsizetype kRowsPerStatement = 200;

const QStringList &sourceDayKey()
{
    static const QStringList columns{QStringLiteral("day"), QStringLiteral("from_domain"),
                                     QStringLiteral("source_ip")};
    return columns;
}

// The counters a source day keeps, in the order of bindSourceCounters().
const QStringList &sourceDayCounters()
{
    static const QStringList columns{QStringLiteral("messages"),     QStringLiteral("compliant"),
                                     QStringLiteral("dkim_aligned"), QStringLiteral("spf_aligned"),
                                     QStringLiteral("quarantined"),  QStringLiteral("rejected")};
    return columns;
}

void bindSourceCounters(QSqlQuery &query, const Counters &c)
{
    for (const quint64 value :
         {c.total, c.compliant, c.dkimAligned, c.spfAligned, c.quarantine, c.reject})
        query.addBindValue(qint64(value));
}

void bindSourceDay(QSqlQuery &query, QDate day, const QString &fromDomain, const QString &ip)
{
    query.addBindValue(day.toString(Qt::ISODate));
    query.addBindValue(storedText(fromDomain));
    query.addBindValue(storedText(ip));
}

// "VALUES (?, ?), (?, ?)" for two rows of two values.
QString valueRows(qsizetype rows, qsizetype values)
{
    QStringList placeholders;
    for (qsizetype i = 0; i < values; ++i)
        placeholders << QStringLiteral("?");
    const QString row =
        QLatin1Char('(') % placeholders.join(QStringLiteral(", ")) % QLatin1Char(')');
    QStringList all;
    for (qsizetype i = 0; i < rows; ++i)
        all << row;
    return QStringLiteral("VALUES ") % all.join(QStringLiteral(", "));
}

// Upserts `rows`, many a statement; `bind` binds a row's key columns, then its value columns.
// The rows' keys are distinct: an engine may refuse to update one row twice in a statement.
template<typename Row, typename Bind>
Result<void> upsertRows(const StoreConnection &connection, const QString &what,
                        const QString &table, const QStringList &keyColumns,
                        const QStringList &valueColumns, StoreDialect::Upsert mode,
                        const QList<Row> &rows, Bind bind)
{
    QSqlQuery query(connection.database());
    qsizetype prepared = 0; // the rows of the statement prepared
    for (qsizetype first = 0; first < rows.size(); first += kRowsPerStatement) {
        const qsizetype count = std::min(kRowsPerStatement, rows.size() - first);
        if (count != prepared) {
            const QString sql = connection.dialect->upsertSelected(
                table, keyColumns, valueColumns,
                valueRows(count, keyColumns.size() + valueColumns.size()), mode);
            if (!query.prepare(sql))
                return connection.error(what, query);
            prepared = count;
        }
        for (qsizetype i = first; i < first + count; ++i)
            bind(query, rows.at(i));
        if (!query.exec())
            return connection.error(what, query);
    }
    return {};
}

} // namespace

QStringList sourcesMigration(const StoreDialect &dialect)
{
    QStringList counters;
    for (const QString &column : sourceDayCounters())
        counters << column % QStringLiteral(" BIGINT NOT NULL DEFAULT 0");
    return {
        QStringLiteral("CREATE TABLE source_days (day VARCHAR(10) NOT NULL, "
                       "from_domain TEXT NOT NULL, source_ip TEXT NOT NULL, "
                       "source_name TEXT NOT NULL DEFAULT '', "
                       "source_type VARCHAR(32) NOT NULL DEFAULT '', ") %
            counters.join(QStringLiteral(", ")) %
            QStringLiteral(", PRIMARY KEY (day, from_domain, source_ip))"),
        QStringLiteral("CREATE TABLE source_day_domains (day VARCHAR(10) NOT NULL, "
                       "from_domain TEXT NOT NULL, source_ip TEXT NOT NULL, "
                       "kind VARCHAR(8) NOT NULL, domain TEXT NOT NULL, "
                       "messages BIGINT NOT NULL DEFAULT 0, "
                       "PRIMARY KEY (day, from_domain, source_ip, kind, domain))"),
        QStringLiteral("CREATE TABLE source_counters (id ") % dialect.autoIdColumn() %
            QStringLiteral(", from_domain TEXT NOT NULL, source TEXT NOT NULL, "
                           "total BIGINT NOT NULL DEFAULT 0, compliant BIGINT NOT NULL DEFAULT 0, "
                           "UNIQUE (from_domain, source))"),
    };
}

QString sourceDomainKindName(SourceDomainKind kind)
{
    switch (kind) {
    case SourceDomainKind::Dkim:
        return QStringLiteral("dkim");
    case SourceDomainKind::Spf:
        return QStringLiteral("spf");
    case SourceDomainKind::Reporter:
        break;
    }
    return QStringLiteral("reporter");
}

Result<void> writeSources(const StoreConnection &connection, const CommitPlan &plan)
{
    using Upsert = StoreDialect::Upsert;
    const QString what = QStringLiteral("cannot update the sources");
    // The names, then the counters: an engine checks a row's NOT NULL columns before it finds
    // the conflict, so the counters' statement inserts the name's default ("") in passing.
    auto written =
        upsertRows(connection, what, QStringLiteral("source_days"), sourceDayKey(),
                   {QStringLiteral("source_name"), QStringLiteral("source_type")}, Upsert::Replace,
                   plan.sourceDays, [](QSqlQuery &query, const SourceDay &row) {
                       bindSourceDay(query, row.day, row.fromDomain, row.source.ip);
                       query.addBindValue(storedText(row.source.name));
                       query.addBindValue(storedText(row.source.type));
                   });
    if (!written)
        return written;
    written = upsertRows(connection, what, QStringLiteral("source_days"), sourceDayKey(),
                         sourceDayCounters(), Upsert::Add, plan.sourceDays,
                         [](QSqlQuery &query, const SourceDay &row) {
                             bindSourceDay(query, row.day, row.fromDomain, row.source.ip);
                             bindSourceCounters(query, row.counters);
                         });
    if (!written)
        return written;
    written =
        upsertRows(connection, what, QStringLiteral("source_day_domains"),
                   sourceDayKey() + QStringList{QStringLiteral("kind"), QStringLiteral("domain")},
                   {QStringLiteral("messages")}, Upsert::Add, plan.sourceDayDomains,
                   [](QSqlQuery &query, const SourceDayDomain &row) {
                       bindSourceDay(query, row.day, row.fromDomain, row.ip);
                       query.addBindValue(sourceDomainKindName(row.kind));
                       query.addBindValue(storedText(row.domain));
                       query.addBindValue(qint64(row.messages));
                   });
    if (!written)
        return written;
    // One statement a row: the order of the ids is the order the metrics show them in.
    return execForEach(connection, what,
                       connection.dialect->upsert(
                           QStringLiteral("source_counters"),
                           {QStringLiteral("from_domain"), QStringLiteral("source")},
                           {QStringLiteral("total"), QStringLiteral("compliant")}, Upsert::Add),
                       plan.sourceCounters, [](QSqlQuery &query, const SourceCounter &row) {
                           query.addBindValue(storedText(row.pair.fromDomain));
                           query.addBindValue(storedText(row.pair.source));
                           query.addBindValue(qint64(row.total));
                           query.addBindValue(qint64(row.compliant));
                       });
}

Result<QList<SourceCounter>> readSourceCounters(const StoreConnection &connection)
{
    QSqlQuery query(connection.database());
    query.setForwardOnly(true);
    if (!query.exec(QStringLiteral(
            "SELECT from_domain, source, total, compliant FROM source_counters ORDER BY id")))
        return connection.error(QStringLiteral("cannot read the source counters"), query);
    QList<SourceCounter> counters;
    while (query.next()) {
        counters << SourceCounter{SourcePair{query.value(0).toString(), query.value(1).toString()},
                                  quint64(query.value(2).toLongLong()),
                                  quint64(query.value(3).toLongLong())};
    }
    return counters;
}

} // namespace Dmarc
