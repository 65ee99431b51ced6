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

QString SqliteDialect::upsert(const QString &table, const QStringList &keyColumns,
                              const QStringList &valueColumns, Upsert mode) const
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
    return QStringLiteral("INSERT INTO ") % table % QStringLiteral(" (") %
           columns.join(QStringLiteral(", ")) % QStringLiteral(") VALUES ") %
           placeholderRow(columns.size()) % QStringLiteral(" ON CONFLICT (") %
           keyColumns.join(QStringLiteral(", ")) % QStringLiteral(") DO UPDATE SET ") %
           updates.join(QStringLiteral(", "));
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
