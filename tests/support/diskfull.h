#pragma once

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStringList>

namespace Dmarc::Test {

// Fills the disk under the one store open in this process, or frees it again: SQLite's
// max_page_count on the store's own connection, set to the pages the file has, makes every
// commit that needs another page fail with SQLITE_FULL, exactly as on a full disk.
inline bool setDiskFull(bool full)
{
    const QStringList names =
        QSqlDatabase::connectionNames().filter(QStringLiteral("dmarc-store-"));
    if (names.size() != 1)
        return false;
    QSqlQuery query(QSqlDatabase::database(names.constFirst(), false));
    qint64 limit = 1000000000;
    if (full) {
        if (!query.exec(QStringLiteral("PRAGMA page_count")) || !query.next())
            return false;
        limit = query.value(0).toLongLong();
    }
    const bool done = query.exec(QStringLiteral("PRAGMA max_page_count = %1").arg(limit));
    query.finish(); // no statement stays open on the store's connection
    return done;
}

} // namespace Dmarc::Test
