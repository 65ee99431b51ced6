#pragma once

#include "common/result.h"
#include "report/counters.h"
#include "report/outcome.h"
#include "storedialect.h"

#include <QDate>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QString>
#include <QStringList>
#include <QVariantList>

#include <functional>
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
// `columns` as a CREATE TABLE declares them: whole numbers, 0 by default.
QString wholeNumberColumns(const QStringList &columns);
// The CREATE TABLE of the history per day, reporter and from domain, kept by schema versions 0
// to 18 (version 5's sums per day were filled from it).
QString createDailyHistory();
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

// A day as the store writes it: ISO 8601, "2026-12-03"; "" for an invalid date.
QString dayText(QDate day);
// A day read back from a column of days.
QDate dayOf(const QVariant &value);
// Conditions on the `column` of days for the days from `from` to `to`, both included, each bound
// to its day in `values`; an invalid date sets no bound.
QStringList dayConditions(const QString &column, QDate from, QDate to, QVariantList &values);

// "?, ?, ?" for three values.
QString placeholders(qsizetype count);

// Text as the store keeps it: "" for a null QString (which would be bound as SQL NULL), and
// U+0000, which PostgreSQL's text cannot hold (it ended the statement's text and failed the
// commit), as U+FFFD on both backends. Hostile mail can bring it: a JSON report's "\u0000", a
// header's encoded word. The commit's lookups name rows by it too (readCommitState).
inline QString storedText(const QString &value)
{
    if (value.isNull())
        return QStringLiteral("");
    if (!value.contains(QChar(0)))
        return value;
    QString replaced = value;
    return replaced.replace(QChar(0), QChar(QChar::ReplacementCharacter));
}

// Rows of texts kept in one text column (a source day's combinations, a report's records): the
// fields of a row apart by U+001F, each row ended by U+001E. XML text cannot hold either; a field
// that holds one anyway keeps U+FFFD in its place.
inline constexpr QChar kFieldSeparator(0x1f);
inline constexpr QChar kRowEnd(0x1e);
void appendTextRow(QString &text, const QStringList &fields);
// The rows of such a text, each its fields.
QList<QList<QStringView>> textRows(QStringView text);

// A statement "INSERT INTO t (a, b) VALUES (?, ?) ..." in parts, to run for many rows at once:
// one statement for many rows (StoreDialect::insertedRows()).
struct RowsStatement
{
    QString head;             // up to and with the column list and a space
    QString tail;             // what follows the row, e.g. " ON CONFLICT (a) DO UPDATE SET ..."
    qsizetype values = 0;     // placeholders per row
    QList<qsizetype> keys;    // the positions in a row of the ON CONFLICT columns
    qsizetype rowsAtOnce = 1; // rows per statement at most

    QString sql(qsizetype rows, const StoreDialect &dialect) const;
};
// `sql` in parts, or nothing when it is not such an INSERT (then it runs once per row).
std::optional<RowsStatement> rowsStatement(const QString &sql);
// Rows of `valuesPerRow` values one statement takes on `dialect`: at least one, at most `most`.
qsizetype rowsPerStatement(const StoreDialect &dialect, qsizetype valuesPerRow, qsizetype most);

// The values of rows in the order their placeholders take them, as the bind function of
// StatementBatch::addForEach gives them: kept as they come, nothing looked up.
class BoundValues
{
public:
    void addBindValue(const QVariant &value) { m_values.append(value); }
    void reserve(qsizetype size) { m_values.reserve(size); }
    const QVariantList &values() const { return m_values; }
    QVariantList take() { return std::move(m_values); }

private:
    QVariantList m_values;
};

// Statements that run one after another as one piece of work, each with its values bound to its
// placeholders (?) in order; a statement given `read` hands it each row of its result. Where the
// dialect runs statements as text (PostgreSQL), the whole batch reaches the server at once: one
// round trip, however many statements. The first statement that fails ends the run with its
// error, named by its `what`; those after it do not run.
class StatementBatch
{
public:
    using Read = std::function<void(const QSqlQuery &)>;

    explicit StatementBatch(StoreConnection connection)
        : m_connection(std::move(connection))
    {}

    void add(const QString &what, const QString &sql, const QVariantList &values = {},
             const Read &read = {});
    // A statement whose bound values are those of a table of bound rows (StoreDialect::
    // boundRows() or insertedRows()) of `columns` values each: `values` holds them row after
    // row, and becomes an array a column where the dialect binds Arrays (which only a dialect
    // that runs statements as text does).
    void addRowsTable(const QString &what, const QString &sql, int columns, QVariantList values,
                      const Read &read = {});
    // `sql` for every row, `bind` binding the row's values. An INSERT of one row of placeholders
    // (rowsStatement) becomes statements of many rows, and never two rows with the same key in
    // one statement: PostgreSQL refuses to change a row twice in one INSERT ... ON CONFLICT DO
    // UPDATE.
    template<typename Row, typename Bind>
    void addForEach(const QString &what, const QString &sql, const QList<Row> &rows, Bind bind)
    {
        if (rows.isEmpty())
            return;
        BoundValues values;
        bind(values, rows.constFirst());
        values.reserve(values.values().size() * rows.size());
        for (qsizetype i = 1; i < rows.size(); ++i)
            bind(values, rows.at(i));
        addRows(what, sql, rows.size(), values.take());
    }
    const StoreConnection &connection() const { return m_connection; }
    // Runs the statements added, in order, and forgets them.
    Result<void> run();

private:
    struct Statement
    {
        QString what;
        QString sql;
        QVariantList values;
        Read read;
        int arrayColumns = 0; // the values are rows of this many, each column bound as an array
    };

    void addRows(const QString &what, const QString &sql, qsizetype rows, QVariantList values);
    Result<void> runAsText();
    Result<void> runPrepared();

    StoreConnection m_connection;
    QList<Statement> m_statements;
};

// A batch of the statement `sql` for every row (StatementBatch::addForEach), run at once.
template<typename Row, typename Bind>
Result<void> execForEach(const StoreConnection &connection, const QString &what, const QString &sql,
                         const QList<Row> &rows, Bind bind)
{
    StatementBatch batch(connection);
    batch.addForEach(what, sql, rows, bind);
    return batch.run();
}

// Runs `sql` once with one bound value.
Result<void> execWith(const StoreConnection &connection, const QString &what, const QString &sql,
                      const QVariant &value);
// Runs the read `sql` with `values` bound in order, forward only.
Result<QSqlQuery> runRead(const StoreConnection &connection, const QString &what,
                          const QString &sql, const QVariantList &values);

void bindLabels(BoundValues &values, const LabelSet &labels);
void bindCounters(BoundValues &values, const Counters &counters);
// Reads the eight counter columns starting at `first`.
Counters readCounters(const QSqlQuery &query, int first);

} // namespace Dmarc
