#pragma once

#include <QList>
#include <QString>

#include <utility>

namespace Dmarc {

// One table as migrate found it: its rows, and the sum of each of its number columns.
struct TableTally
{
    QString table;
    qint64 rows = 0;
    QList<std::pair<QString, qint64>> sums; // column, sum; in column order

    friend bool operator==(const TableTally &a, const TableTally &b)
    {
        return a.table == b.table && a.rows == b.rows && a.sums == b.sums;
    }
    friend bool operator!=(const TableTally &a, const TableTally &b) { return !(a == b); }
};

// What migrate did (README, "Moving to PostgreSQL"): the tables of a SQLite store copied into a
// PostgreSQL one, each table's tally the same in both afterwards.
struct StoreMigration
{
    QString source;        // "storage file <path>"
    QString target;        // "database <URL without password>"
    int sourceVersion = 0; // the file's schema version; an older one was brought up on a copy
    int version = 0;       // the schema version of the copy
    // False when the database held these very rows already: nothing was written.
    bool copied = false;
    QList<TableTally> tables; // in the order copied, each as it is now in both stores
};

} // namespace Dmarc
