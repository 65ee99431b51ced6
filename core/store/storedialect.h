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
    // or write), else "store".
    virtual QString errorCode(const QSqlError &error) const = 0;
    // Statements run once per connection, outside any transaction.
    virtual QStringList connectionSetup() const = 0;
    // Statements that give back memory the engine caches (run while idle).
    virtual QStringList releaseMemory() const = 0;
    // A column type for a surrogate key that grows with each insert.
    virtual QString autoIdColumn() const = 0;
    // Begins a transaction that holds the write lock from its first statement on.
    virtual QString beginWrite() const = 0;
    // Whether a table exists; `table` is one of ours.
    virtual QString tableExistsQuery() const = 0;
    // The names of all tables, whoever made them.
    virtual QString tablesQuery() const = 0;
    // Reads, and sets to `id`, the number in a database that names the program it belongs to.
    virtual QString ownerQuery() const = 0;
    virtual QString setOwner(quint32 id) const = 0;
    // INSERT ... that, on a key conflict, adds to (Add) or overwrites (Replace) the value columns.
    virtual QString upsert(const QString &table, const QStringList &keyColumns,
                           const QStringList &valueColumns, Upsert mode) const = 0;
    // The same with the row taken from `select` (a SELECT with a WHERE clause) instead of bound
    // values: its columns are the key columns, then the value columns.
    virtual QString upsertSelected(const QString &table, const QStringList &keyColumns,
                                   const QStringList &valueColumns, const QString &select,
                                   Upsert mode) const = 0;
    // A table of `rows` rows of `columns` bound values, its columns named column1, column2 and
    // so on, to join with: one statement then looks up many keys through an index.
    virtual QString boundRows(qsizetype rows, int columns) const = 0;
};

// SQLite: WAL, durable commits (synchronous=FULL), its ON CONFLICT upsert, and the
// application_id in the file header as the owner.
class SqliteDialect : public StoreDialect
{
public:
    QString driver() const override { return QStringLiteral("QSQLITE"); }
    QString errorCode(const QSqlError &error) const override;
    QStringList connectionSetup() const override;
    QStringList releaseMemory() const override { return {QStringLiteral("PRAGMA shrink_memory")}; }
    QString autoIdColumn() const override { return QStringLiteral("INTEGER PRIMARY KEY"); }
    QString beginWrite() const override { return QStringLiteral("BEGIN IMMEDIATE"); }
    QString tableExistsQuery() const override;
    QString tablesQuery() const override;
    QString ownerQuery() const override { return QStringLiteral("PRAGMA application_id"); }
    QString setOwner(quint32 id) const override;
    QString upsert(const QString &table, const QStringList &keyColumns,
                   const QStringList &valueColumns, Upsert mode) const override;
    QString upsertSelected(const QString &table, const QStringList &keyColumns,
                           const QStringList &valueColumns, const QString &select,
                           Upsert mode) const override;
    QString boundRows(qsizetype rows, int columns) const override;
};

} // namespace Dmarc
