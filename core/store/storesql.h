#pragma once

#include "common/result.h"
#include "report/counters.h"
#include "report/outcome.h"
#include "storedialect.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QString>
#include <QStringList>
#include <QVariantList>

#include <optional>

namespace Dmarc {

// The store's database connection, its dialect, and errors that name its file or database.
struct StoreConnection
{
    enum class Access
    {
        Read,
        Write
    };

    QString name;     // of the Qt SQL connection
    QString location; // "storage file <path>", "database <URL without password>"
    const StoreDialect *dialect = nullptr;

    QSqlDatabase database() const { return QSqlDatabase::database(name, false); }
    Error error(const QString &what, const QString &detail) const;
    // With the kind of failure as the code (StoreDialect::errorCode). A connection the server
    // no longer answers on is closed: the store opens a new one for its next statement.
    Error error(const QString &what, const QSqlError &failed) const;
    Error error(const QString &what, const QSqlQuery &failed) const
    {
        return error(what, failed.lastError());
    }

    Result<void> begin(Access access) const;

    // Runs `body` (returning a Result) in one transaction: committed when it succeeds, rolled
    // back when it or the commit fails.
    template<typename Body>
    auto transaction(Access access, Body body) const -> decltype(body())
    {
        if (auto begun = begin(access); !begun)
            return begun.error();
        QSqlDatabase db = database();
        auto result = body();
        if (!result) {
            if (db.isOpen())
                db.rollback();
            return result;
        }
        if (!db.commit()) {
            const Error failed = error(QStringLiteral("cannot commit"), db.lastError());
            if (db.isOpen())
                db.rollback();
            return failed;
        }
        return result;
    }
};

// The eight counter columns, in the order of bindCounters() and readCounters().
const QStringList &counterColumns();
// The four label columns, in the order of LabelSet.
const QStringList &labelColumns();

// A count table of the TLS and failure-report families: its name and columns.
struct CountTableSpec
{
    QString name;
    QStringList labelColumns;
    QStringList valueColumns;
};
// The spec of each CountTable (storetypes.h), indexed by int(CountTable).
const QList<CountTableSpec> &countTables();

// The dedup table of a report kind: aggregate and TLS reports have a namespace each.
QString dedupTable(ReportKind kind);

// A null QString would be bound as SQL NULL; our text columns hold "" instead.
inline QString storedText(const QString &value)
{
    return value.isNull() ? QStringLiteral("") : value;
}

// A statement "INSERT INTO t (a, b) VALUES (?, ?) ..." in parts, to run for many rows at once:
// its row of placeholders repeated, one round trip to a server for many rows.
struct RowsStatement
{
    QString head;             // up to and with "VALUES "
    QString row;              // "(?, ?)"
    QString tail;             // what follows the row, e.g. " ON CONFLICT (a) DO UPDATE SET ..."
    qsizetype values = 0;     // placeholders per row
    QList<qsizetype> keys;    // the positions in a row of the ON CONFLICT columns
    qsizetype rowsAtOnce = 1; // rows per statement at most

    QString sql(qsizetype rows) const;
};
// `sql` in parts, or nothing when it is not such an INSERT (then it runs once per row).
std::optional<RowsStatement> rowsStatement(const QString &sql);
// Runs `statement` for the rows whose values `values` holds one row after another, as many rows
// per statement as it takes, and never two rows with the same key in one statement: PostgreSQL
// refuses to change a row twice in one INSERT ... ON CONFLICT DO UPDATE.
Result<void> execRows(const StoreConnection &connection, const QString &what,
                      const RowsStatement &statement, const QVariantList &values);

// Prepares `sql` once and runs it for every row, `bind` binding the row's values; an INSERT of
// one row of placeholders (rowsStatement) runs for many rows per statement.
template<typename Row, typename Bind>
Result<void> execForEach(const StoreConnection &connection, const QString &what, const QString &sql,
                         const QList<Row> &rows, Bind bind)
{
    if (rows.isEmpty())
        return {};
    QSqlQuery query(connection.database());
    if (const auto statement = rows.size() > 1 ? rowsStatement(sql) : std::nullopt) {
        // Bound without a statement, the rows' values pile up in order.
        for (const Row &row : rows)
            bind(query, row);
        const QVariantList values = query.boundValues();
        if (values.size() == rows.size() * statement->values)
            return execRows(connection, what, *statement, values);
        query = QSqlQuery(connection.database());
    }
    if (!query.prepare(sql))
        return connection.error(what, query);
    for (const Row &row : rows) {
        bind(query, row);
        if (!query.exec())
            return connection.error(what, query);
    }
    return {};
}

// Runs `sql` once with one bound value.
Result<void> execWith(const StoreConnection &connection, const QString &what, const QString &sql,
                      const QVariant &value);

void bindLabels(QSqlQuery &query, const LabelSet &labels);
void bindCounters(QSqlQuery &query, const Counters &counters);
// Reads the eight counter columns starting at `first`.
Counters readCounters(const QSqlQuery &query, int first);

} // namespace Dmarc
