#pragma once

#include <QSqlDatabase>
#include <QSqlError>
#include <QString>
#include <QVariantList>

#include <optional>

struct sqlite3;
struct sqlite3_stmt;

namespace Dmarc {

// Sets up the SQLite library for the process, before its first connection opens (later, it
// changes nothing): a statement's journal, the pages it changed kept so that it alone can be
// undone, stays in memory up to 4 MiB instead of 64 KiB. A statement of the commit's many rows
// changes more than 64 KiB of pages, and each one went to a temporary file first.
void configureSqlite();

// Runs statements that return no rows through SQLite's own interface, on the connection Qt's
// driver opened (the same transaction). Qt's driver looks each bound value's placeholder up by
// a name it writes for it, which cost more than SQLite's work on the commit's statements of many
// rows; here a value is bound straight to its position. A statement is prepared once for runs
// of the same text one after another.
class SqliteWrites
{
public:
    explicit SqliteWrites(const QSqlDatabase &database);
    ~SqliteWrites();
    SqliteWrites(const SqliteWrites &) = delete;
    SqliteWrites &operator=(const SqliteWrites &) = delete;

    // Runs `sql` with `values` bound in order; the error as Qt's driver gives it when it fails.
    std::optional<QSqlError> run(const QString &sql, const QVariantList &values);

private:
    QSqlError error(int code) const;

    sqlite3 *m_database = nullptr;
    sqlite3_stmt *m_statement = nullptr;
    QString m_sql;      // of m_statement
    QByteArray m_texts; // the text values bound to it, in UTF-8
};

} // namespace Dmarc
