#pragma once

#include <QSqlError>
#include <QString>
#include <QStringList>

namespace Dmarc {

// The only place that knows which SQL engine runs underneath. Everything else in the store is
// standard SQL that SQLite and PostgreSQL both accept.
class StoreDialect
{
public:
    enum class Upsert
    {
        Add,
        Replace
    };

    virtual ~StoreDialect() = default;

    // The Qt SQL driver name.
    virtual QString driver() const = 0;
    // The Error code for a failure of the engine: "store_full" (no space left), "store_locked"
    // (another connection holds the lock), "store_readonly", "store_io" (the disk failed a read
    // or write), "store_conflict" (a concurrent transaction won; the same commit may succeed
    // when tried again), "store_unreachable" (the connection to the server is gone; the store
    // opens a new one for its next statement), else "store".
    virtual QString errorCode(const QSqlError &error) const = 0;
    // Statements run once per connection, outside any transaction.
    virtual QStringList connectionSetup() const = 0;
    // Statements that give back memory the engine caches (run while idle).
    virtual QStringList releaseMemory() const = 0;
    // A column type for a surrogate key that grows with each insert.
    virtual QString autoIdColumn() const = 0;
    // Statements that begin a transaction holding the store's write lock: one writer at a time,
    // whichever process it is, and what the transaction reads after them stays true until it
    // commits.
    virtual QStringList beginWrite() const = 0;
    // Whether a table exists; `table` is one of ours.
    virtual QString tableExistsQuery() const = 0;
    // The names of all tables, whoever made them.
    virtual QString tablesQuery() const = 0;
    // A query of one value that changes whenever another connection commits to the database
    // (Store::changeMark()).
    virtual QString changeMarkQuery() const = 0;
    // Reads, and sets to `id`, the number in a database that names the program it belongs to.
    // ownerQuery() reads `ownerTable()` when that is not empty (it is then read only when the
    // table exists) and gives no row while the number is not set.
    virtual QString ownerTable() const = 0;
    virtual QString ownerQuery() const = 0;
    virtual QString setOwner(quint32 id) const = 0;
    // The Monday of the ISO 8601 week of `dayColumn` (a day written YYYY-MM-DD), written the
    // same way.
    virtual QString weekStart(const QString &dayColumn) const = 0;
    // An aggregate that joins the text `expression` of a group's rows with no separator, in the
    // order of `order` (empty: any order). SQLite's takes no order: it joins the rows in the order
    // it reads them, which is that of the index that finds them.
    virtual QString joinedText(const QString &expression, const QString &order) const = 0;
    // What follows a CREATE TABLE's columns for a table whose rows are kept in the order of its
    // primary key, so that a range of the key is read in one pass: SQLite's WITHOUT ROWID. Empty
    // where tables keep their rows apart from their keys either way (PostgreSQL's heap).
    virtual QString keyOrderedTable() const = 0;
    // The statement that keeps the statement journals of the transactions that follow in memory
    // (inMemory) or puts them back where the engine keeps them; empty where nothing is needed.
    virtual QString commitJournals(bool inMemory) const = 0;
    // Statements that make the next id of `table`'s autoIdColumn() follow the ids inserted in it
    // explicitly (a copied store's rows keep their ids).
    virtual QStringList followInsertedIds(const QString &table) const = 0;
    // Statements that leave free room in the pages of `table`, whose rows most commits update,
    // so that an engine that writes an updated row anew (PostgreSQL) can keep it on the row's
    // page and leave the indexes as they are (a HOT update): pages filled to 70 % took a sixth
    // less of the server's time for the statements of realistic commits. Empty where rows are
    // updated in place (SQLite).
    virtual QStringList leaveRoomForUpdates(const QString &table) const = 0;
    // Whether statements run together (StatementBatch) go to the engine as one text, their
    // values written into it as the driver writes them: for a server, one round trip for them
    // all, where Qt spends three on each prepared statement (PREPARE, EXECUTE, DEALLOCATE).
    // Otherwise each is prepared and its values bound, which costs nothing more for an engine
    // in the process.
    virtual bool runsStatementsAsText() const = 0;
    // Bound values one statement takes at most (StatementBatch splits rows into statements).
    virtual qsizetype valuesPerStatement() const = 0;

    // How a table of bound rows (boundRows(), insertedRows()) takes its values: a placeholder
    // each, row after row (Values); or a placeholder a column, bound to an array of that
    // column's values in row order (Arrays), which StatementBatch::addRowsTable() makes of the
    // rows' values. A server parses, analyses and plans a row of text for each row of VALUES;
    // an array is one value, which PostgreSQL reads in half the time per row upserted.
    enum class RowBinding
    {
        Values,
        Arrays
    };
    virtual RowBinding rowBinding() const = 0;

    // What follows is the same on both engines.

    // INSERT ... that, on a key conflict, adds to (Add) or overwrites (Replace) the value columns
    // (INSERT ... ON CONFLICT (keys) DO UPDATE SET column = table.column + EXCLUDED.column).
    QString upsert(const QString &table, const QStringList &keyColumns,
                   const QStringList &valueColumns, Upsert mode) const;
    // The same with the row taken from `select` (a SELECT with a WHERE clause) instead of bound
    // values: its columns are the key columns, then the value columns. PostgreSQL reads a bound
    // value in a SELECT's columns as text: a number there is written CAST(? AS BIGINT).
    QString upsertSelected(const QString &table, const QStringList &keyColumns,
                           const QStringList &valueColumns, const QString &select,
                           Upsert mode) const;
    // A table of `rows` rows of `columns` bound values, (VALUES (?, ?), ...) or, binding
    // Arrays, (SELECT * FROM unnest(?, ?) AS k (column1, column2)), its columns named column1,
    // column2 and so on either way, to join with: one statement then looks up many keys through
    // an index. Its values are bound with StatementBatch::addRowsTable(). A number column is
    // compared as CAST(k.column3 AS BIGINT): PostgreSQL types the columns of VALUES as text.
    QString boundRows(qsizetype rows, int columns) const;
    // What follows the column list of an INSERT of `rows` rows of `columns` bound values:
    // VALUES (?, ?), ... or, binding Arrays, SELECT * FROM boundRows() AS k. Bound with
    // StatementBatch::addRowsTable() as well.
    QString insertedRows(qsizetype rows, int columns) const;
    // INSERT INTO `table` (columns) VALUES (?, ?), ... for `rows` rows of bound values.
    QString insertRows(const QString &table, const QStringList &columns, qsizetype rows) const;
};

// SQLite: WAL, durable commits (synchronous=FULL), and the application_id in the file header
// as the owner.
class SqliteDialect : public StoreDialect
{
public:
    QString driver() const override { return QStringLiteral("QSQLITE"); }
    QString errorCode(const QSqlError &error) const override;
    QStringList connectionSetup() const override;
    QStringList releaseMemory() const override { return {QStringLiteral("PRAGMA shrink_memory")}; }
    QString autoIdColumn() const override { return QStringLiteral("INTEGER PRIMARY KEY"); }
    QStringList beginWrite() const override { return {QStringLiteral("BEGIN IMMEDIATE")}; }
    QString tableExistsQuery() const override;
    QString tablesQuery() const override;
    QString changeMarkQuery() const override { return QStringLiteral("PRAGMA data_version"); }
    QString ownerTable() const override { return QString(); }
    QString ownerQuery() const override { return QStringLiteral("PRAGMA application_id"); }
    QString setOwner(quint32 id) const override;
    QString weekStart(const QString &dayColumn) const override;
    QString joinedText(const QString &expression, const QString &order) const override;
    QString keyOrderedTable() const override;
    QString commitJournals(bool inMemory) const override;
    // A new id is one more than the largest.
    QStringList followInsertedIds(const QString &) const override { return {}; }
    QStringList leaveRoomForUpdates(const QString &) const override { return {}; }
    bool runsStatementsAsText() const override { return false; }
    RowBinding rowBinding() const override { return RowBinding::Values; }
    // Qt's driver, which binds the values of reads, looks up each placeholder of a statement
    // among all of them as it binds it, a cost that grows with their number squared: small
    // statements are the cheaper. Writes are bound by SqliteStatements, for which 2,000 values a
    // statement measured no faster than 250.
    qsizetype valuesPerStatement() const override { return 250; }
    // Writes a consistent copy of the database, as of the statement, to the file bound to it;
    // also over a read-only connection.
    QString copyInto() const { return QStringLiteral("VACUUM INTO ?"); }
};

// PostgreSQL through QPSQL: a write transaction is READ COMMITTED under a transaction-level
// advisory lock, which every writer of the store takes first (docs/architecture.md, section
// 3): one writer at a time, as with SQLite, and each statement after the lock sees all that
// other writers committed before it. The owner is a row of store_meta; the tables are those of
// the connection's current schema.
class PostgresDialect : public StoreDialect
{
public:
    // The advisory lock's two keys: the application id, and 1 for the store's writers.
    static constexpr qint32 kWriteLockClass = 0x444D5243;
    static constexpr qint32 kWriteLockObject = 1;

    QString driver() const override { return QStringLiteral("QPSQL"); }
    QString errorCode(const QSqlError &error) const override;
    QStringList connectionSetup() const override { return {}; }
    QStringList releaseMemory() const override { return {}; }
    QString autoIdColumn() const override
    {
        return QStringLiteral("BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
    }
    QStringList beginWrite() const override;
    QString tableExistsQuery() const override;
    QString tablesQuery() const override;
    // Every transaction that writes, in any database of the server, changes the snapshot: it is
    // listed while it runs, and the bound of the transactions begun moves when it ends.
    QString changeMarkQuery() const override
    {
        return QStringLiteral("SELECT CAST(txid_current_snapshot() AS TEXT)");
    }
    QString ownerTable() const override { return QStringLiteral("store_meta"); }
    QString ownerQuery() const override;
    QString setOwner(quint32 id) const override;
    QString weekStart(const QString &dayColumn) const override;
    QString joinedText(const QString &expression, const QString &order) const override;
    QString keyOrderedTable() const override;
    QString commitJournals(bool inMemory) const override;
    QStringList followInsertedIds(const QString &table) const override;
    // Pages written after it are filled to 70 %; those written before stay as they are.
    QStringList leaveRoomForUpdates(const QString &table) const override;
    bool runsStatementsAsText() const override { return true; }
    RowBinding rowBinding() const override { return RowBinding::Arrays; }
    qsizetype valuesPerStatement() const override { return 20000; }
};

} // namespace Dmarc
