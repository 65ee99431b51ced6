#include "sourcewrites.h"

#include "storedialect.h"

#include <algorithm>

namespace Dmarc {

const QStringList &sourceDayCounters()
{
    static const QStringList columns{QStringLiteral("messages"),     QStringLiteral("compliant"),
                                     QStringLiteral("dkim_aligned"), QStringLiteral("spf_aligned"),
                                     QStringLiteral("quarantined"),  QStringLiteral("rejected")};
    return columns;
}

void bindSourceRow(BoundValues &bound, QDate period, const SourceDay &row)
{
    bound.addBindValue(dayText(period));
    bound.addBindValue(storedText(row.fromDomain));
    bound.addBindValue(storedText(row.source.ip));
    bound.addBindValue(storedText(row.source.name));
    bound.addBindValue(storedText(row.source.type));
    const Counters &c = row.counters;
    for (const quint64 value :
         {c.total, c.compliant, c.dkimAligned, c.spfAligned, c.quarantine, c.reject})
        bound.addBindValue(qint64(value));
}

namespace {

// A source day's combinations of reporter, DKIM and SPF domain are kept as text in its row
// (column `domains`), a row of text each (appendTextRow): its three names, then its messages. A
// commit appends its combinations to the text; a read sums them.
QString authText(const QList<SourceDayAuth> &auth)
{
    QString text;
    for (const SourceDayAuth &a : auth)
        appendTextRow(text, {a.reporter, a.dkimDomain, a.spfDomain, QString::number(a.messages)});
    return text;
}

// Adds a source day's rows, many a statement, each in one statement: its name and type
// replaced, its counters added, its combinations appended. The rows' keys are distinct: an
// engine may refuse to update one row twice in a statement.
void addSourceDays(StatementBatch &batch, const QString &what, const QList<PlannedSourceDay> &rows)
{
    const QString table = QStringLiteral("source_days");
    QStringList updates{QStringLiteral("source_name = excluded.source_name"),
                        QStringLiteral("source_type = excluded.source_type")};
    for (const QString &column : sourceDayCounters())
        updates << column % QStringLiteral(" = source_days.") % column %
                       QStringLiteral(" + excluded.") % column;
    updates << QStringLiteral("domains = source_days.domains || excluded.domains");
    const QStringList columns =
        QStringList{QStringLiteral("day"), QStringLiteral("from_domain"),
                    QStringLiteral("source_ip"), QStringLiteral("source_name"),
                    QStringLiteral("source_type")} +
        sourceDayCounters() + QStringList{QStringLiteral("domains")};
    const QString onConflict =
        QStringLiteral(" ON CONFLICT (day, from_domain, source_ip) DO UPDATE SET ") %
        updates.join(QStringLiteral(", "));
    // Many rows a statement, as many as the engine binds well at once (StatementBatch).
    batch.addForEach(what, batch.connection().dialect->insertRows(table, columns, 1) % onConflict,
                     rows, [](BoundValues &bound, const PlannedSourceDay &planned) {
                         bindSourceRow(bound, planned.row.day, planned.row);
                         bound.addBindValue(storedText(authText(planned.auth)));
                     });
}

} // namespace

QString createSourceDays(const QString &laterColumns, const QString &options)
{
    return QStringLiteral("CREATE TABLE source_days (day VARCHAR(10) NOT NULL, "
                          "from_domain TEXT NOT NULL, source_ip TEXT NOT NULL, "
                          "source_name TEXT NOT NULL DEFAULT '', "
                          "source_type VARCHAR(32) NOT NULL DEFAULT '', ") %
           wholeNumberColumns(sourceDayCounters()) % laterColumns %
           QStringLiteral(", PRIMARY KEY (day, from_domain, source_ip))") % options;
}

QString sourceDomainsColumn()
{
    return QStringLiteral("domains TEXT NOT NULL DEFAULT ''");
}

QStringList sourcesMigration(const StoreDialect &dialect)
{
    return {
        createSourceDays(QString(), QString()),
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

QStringList sourceDomainsMigration(const StoreDialect &dialect)
{
    // Each row of source_day_domains becomes a combination of one name, in its kind's field.
    const QString field(kFieldSeparator);
    const QString combination = QStringLiteral("CASE d.kind WHEN 'reporter' THEN d.domain || '") %
                                field % field % field % QStringLiteral("' WHEN 'dkim' THEN '") %
                                field % QStringLiteral("' || d.domain || '") % field % field %
                                QStringLiteral("' ELSE '") % field % field %
                                QStringLiteral("' || d.domain || '") % field %
                                QStringLiteral("' END || CAST(d.messages AS TEXT) || '") %
                                QString(kRowEnd) % QLatin1Char('\'');
    const QString sameDay = QStringLiteral(
        " FROM source_day_domains AS d WHERE d.day = source_days.day AND d.from_domain = "
        "source_days.from_domain AND d.source_ip = source_days.source_ip");
    return {
        QStringLiteral("ALTER TABLE source_days ADD COLUMN ") % sourceDomainsColumn(),
        QStringLiteral("UPDATE source_days SET domains = (SELECT ") %
            dialect.joinedText(combination, QString()) % sameDay %
            QStringLiteral(") WHERE EXISTS (SELECT 1") % sameDay % QLatin1Char(')'),
        QStringLiteral("DROP TABLE source_day_domains"),
    };
}

QList<SourceDayAuth> sourceDayAuth(const QString &text)
{
    QList<SourceDayAuth> auth;
    for (const QList<QStringView> &fields : textRows(text)) {
        if (fields.size() == 4) {
            auth << SourceDayAuth{fields.at(0).toString(), fields.at(1).toString(),
                                  fields.at(2).toString(), fields.at(3).toULongLong()};
        }
    }
    return auth;
}

void addSources(StatementBatch &batch, const CommitPlan &plan)
{
    const QString what = QStringLiteral("cannot update the sources");
    addSourceDays(batch, what, plan.sourceDays);
    // A statement of many rows, in the plan's order: the order of the ids is the order the
    // metrics show them in.
    batch.addForEach(what,
                     batch.connection().dialect->upsert(
                         QStringLiteral("source_counters"),
                         {QStringLiteral("from_domain"), QStringLiteral("source")},
                         {QStringLiteral("total"), QStringLiteral("compliant")},
                         StoreDialect::Upsert::Add),
                     plan.sourceCounters, [](BoundValues &bound, const SourceCounter &row) {
                         bound.addBindValue(storedText(row.pair.fromDomain));
                         bound.addBindValue(storedText(row.pair.source));
                         bound.addBindValue(qint64(row.total));
                         bound.addBindValue(qint64(row.compliant));
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
