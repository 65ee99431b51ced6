#include "storedialect.h"

namespace Dmarc {

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
    QStringList placeholders;
    for (int i = 0; i < columns.size(); ++i)
        placeholders << QStringLiteral("?");
    QStringList updates;
    for (const QString &column : valueColumns) {
        if (mode == Upsert::Add)
            updates << column % QStringLiteral(" = ") % table % QLatin1Char('.') % column %
                           QStringLiteral(" + excluded.") % column;
        else
            updates << column % QStringLiteral(" = excluded.") % column;
    }
    return QStringLiteral("INSERT INTO ") % table % QStringLiteral(" (") %
           columns.join(QStringLiteral(", ")) % QStringLiteral(") VALUES (") %
           placeholders.join(QStringLiteral(", ")) % QStringLiteral(") ON CONFLICT (") %
           keyColumns.join(QStringLiteral(", ")) % QStringLiteral(") DO UPDATE SET ") %
           updates.join(QStringLiteral(", "));
}

} // namespace Dmarc
