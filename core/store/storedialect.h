#pragma once

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
    // INSERT ... that, on a key conflict, adds to (Add) or overwrites (Replace) the value columns.
    virtual QString upsert(const QString &table, const QStringList &keyColumns,
                           const QStringList &valueColumns, Upsert mode) const = 0;
    // A table of `rows` rows of `columns` bound values, its columns named column1, column2 and
    // so on, to join with: one statement then looks up many keys through an index.
    virtual QString boundRows(qsizetype rows, int columns) const = 0;
};

// SQLite: WAL, durable commits (synchronous=FULL), and its ON CONFLICT upsert.
class SqliteDialect : public StoreDialect
{
public:
    QString driver() const override { return QStringLiteral("QSQLITE"); }
    QStringList connectionSetup() const override;
    QStringList releaseMemory() const override { return {QStringLiteral("PRAGMA shrink_memory")}; }
    QString autoIdColumn() const override { return QStringLiteral("INTEGER PRIMARY KEY"); }
    QString beginWrite() const override { return QStringLiteral("BEGIN IMMEDIATE"); }
    QString tableExistsQuery() const override;
    QString upsert(const QString &table, const QStringList &keyColumns,
                   const QStringList &valueColumns, Upsert mode) const override;
    QString boundRows(qsizetype rows, int columns) const override;
};

} // namespace Dmarc
