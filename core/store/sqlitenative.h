#pragma once

#include <QByteArrayView>
#include <QSqlDatabase>
#include <QSqlError>
#include <QString>
#include <QVariantList>

#include <functional>
#include <optional>

struct sqlite3;
struct sqlite3_stmt;

namespace Dmarc {

// A row of a statement run by SqliteStatements, valid while its callback runs.
class SqliteRow
{
public:
    explicit SqliteRow(sqlite3_stmt *statement)
        : m_statement(statement)
    {}
    QByteArrayView text(int column) const; // UTF-8
    qint64 integer(int column) const;

private:
    sqlite3_stmt *m_statement;
};

// Runs statements through SQLite's own interface, on the connection Qt's driver opened (the
// same transaction). Qt's driver looks each bound value's placeholder up by a name it writes for
// it, which cost more than SQLite's work on the commit's statements of many rows; here a value
// is bound straight to its position. Rows are read without a QVariant per value. A statement is
// prepared once for runs of the same text one after another.
class SqliteStatements
{
public:
    explicit SqliteStatements(const QSqlDatabase &database);
    ~SqliteStatements();
    SqliteStatements(const SqliteStatements &) = delete;
    SqliteStatements &operator=(const SqliteStatements &) = delete;

    // Whether the connection is an open SQLite database.
    bool isOpen() const { return m_database != nullptr; }

    // Runs `sql` with `values` bound in order, each row it returns handed to `row` (when
    // given); the error as Qt's driver gives it when it fails.
    std::optional<QSqlError> run(const QString &sql, const QVariantList &values,
                                 const std::function<void(const SqliteRow &)> &row = {});

private:
    QSqlError error(int code) const;

    sqlite3 *m_database = nullptr;
    sqlite3_stmt *m_statement = nullptr;
    QString m_sql;      // of m_statement
    QByteArray m_texts; // the text values bound to it, in UTF-8
};

} // namespace Dmarc
