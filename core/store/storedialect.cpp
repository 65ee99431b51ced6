#include "storedialect.h"

namespace Dmarc {

namespace {

// "(?, ?, ?)" for three values.
QString placeholderRow(qsizetype values)
{
    QStringList placeholders;
    for (qsizetype i = 0; i < values; ++i)
        placeholders << QStringLiteral("?");
    return QLatin1Char('(') % placeholders.join(QStringLiteral(", ")) % QLatin1Char(')');
}

} // namespace

QStringList SqliteDialect::connectionSetup() const
{
    return {QStringLiteral("PRAGMA journal_mode=WAL"), QStringLiteral("PRAGMA synchronous=FULL"),
            QStringLiteral("PRAGMA foreign_keys=ON")};
}

QString SqliteDialect::tableExistsQuery() const
{
    return QStringLiteral("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
}

QString SqliteDialect::errorCode(const QSqlError &error) const
{
    // The primary result code is the low byte of an extended one.
    switch (error.nativeErrorCode().toInt() & 0xff) {
    case 13: // SQLITE_FULL
        return QStringLiteral("store_full");
    case 5: // SQLITE_BUSY
    case 6: // SQLITE_LOCKED
        return QStringLiteral("store_locked");
    case 8: // SQLITE_READONLY
        return QStringLiteral("store_readonly");
    case 10: // SQLITE_IOERR
        return QStringLiteral("store_io");
    default:
        return QStringLiteral("store");
    }
}

QString SqliteDialect::tablesQuery() const
{
    return QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
}

QString SqliteDialect::setOwner(quint32 id) const
{
    // A PRAGMA takes no bound values; the id is a number we choose.
    return QStringLiteral("PRAGMA application_id = ") + QString::number(qint32(id));
}

QString SqliteDialect::upsert(const QString &table, const QStringList &keyColumns,
                              const QStringList &valueColumns, Upsert mode) const
{
    return upsertSelected(table, keyColumns, valueColumns,
                          QStringLiteral("VALUES ") %
                              placeholderRow(keyColumns.size() + valueColumns.size()),
                          mode);
}

QString SqliteDialect::upsertSelected(const QString &table, const QStringList &keyColumns,
                                      const QStringList &valueColumns, const QString &select,
                                      Upsert mode) const
{
    const QStringList columns = keyColumns + valueColumns;
    QStringList updates;
    for (const QString &column : valueColumns) {
        if (mode == Upsert::Add)
            updates << column % QStringLiteral(" = ") % table % QLatin1Char('.') % column %
                           QStringLiteral(" + excluded.") % column;
        else
            updates << column % QStringLiteral(" = excluded.") % column;
    }
    // A SELECT's WHERE clause keeps SQLite from reading ON CONFLICT as the ON of a join.
    return QStringLiteral("INSERT INTO ") % table % QStringLiteral(" (") %
           columns.join(QStringLiteral(", ")) % QStringLiteral(") ") % select %
           QStringLiteral(" ON CONFLICT (") % keyColumns.join(QStringLiteral(", ")) %
           QStringLiteral(") DO UPDATE SET ") % updates.join(QStringLiteral(", "));
}

QString SqliteDialect::boundRows(qsizetype rows, int columns) const
{
    // SQLite names the columns of a VALUES table column1, column2, ...
    const QString row = placeholderRow(columns);
    QStringList all;
    for (qsizetype i = 0; i < rows; ++i)
        all << row;
    return QStringLiteral("(VALUES ") % all.join(QStringLiteral(", ")) % QLatin1Char(')');
}

} // namespace Dmarc
