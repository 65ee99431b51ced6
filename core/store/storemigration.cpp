#include "storemigration.h"

#include "storedialect.h"
#include "storelock.h"

#include <QAtomicInteger>
#include <QDir>
#include <QFileInfo>
#include <QSqlField>
#include <QSqlRecord>
#include <QTemporaryDir>

#include <algorithm>

namespace Dmarc {

namespace {

// Bound values per INSERT: many rows per statement, far below PostgreSQL's 65535 parameters.
constexpr qsizetype kValuesPerInsert = 8000;

Error migrateError(const QString &message)
{
    return Error{QStringLiteral("migrate"), message};
}

// The columns of a table as the target has them, and which of them hold numbers.
struct Columns
{
    QStringList names;
    QList<bool> numbers;
};

Result<Columns> columnsOf(const StoreConnection &store, const QString &table)
{
    const QSqlRecord record = store.database().record(table);
    if (record.isEmpty())
        return store.error(QStringLiteral("cannot read the columns of ") % table,
                           QStringLiteral("no such table"));
    Columns columns;
    for (int i = 0; i < record.count(); ++i) {
        const QSqlField field = record.field(i);
        columns.names << field.name();
        const int type = field.metaType().id();
        columns.numbers << (type == QMetaType::Int || type == QMetaType::LongLong ||
                            type == QMetaType::Short || type == QMetaType::UInt ||
                            type == QMetaType::ULongLong);
    }
    return columns;
}

Result<TableTally> tally(const StoreConnection &store, const QString &table, const Columns &columns)
{
    QStringList parts{QStringLiteral("COUNT(*)")};
    QStringList summed;
    for (qsizetype i = 0; i < columns.names.size(); ++i) {
        if (!columns.numbers.at(i))
            continue;
        summed << columns.names.at(i);
        parts << QStringLiteral("CAST(COALESCE(SUM(") % columns.names.at(i) %
                     QStringLiteral("), 0) AS BIGINT)");
    }
    QSqlQuery query(store.database());
    if (!query.exec(QStringLiteral("SELECT ") % parts.join(QStringLiteral(", ")) %
                    QStringLiteral(" FROM ") % table) ||
        !query.next())
        return store.error(QStringLiteral("cannot count the rows of ") % table, query);
    TableTally counted{table, query.value(0).toLongLong(), {}};
    for (qsizetype i = 0; i < summed.size(); ++i)
        counted.sums << std::pair(summed.at(i), query.value(int(i) + 1).toLongLong());
    return counted;
}

Result<void> copyRows(const StoreConnection &source, const StoreConnection &target,
                      const QString &table, const Columns &columns)
{
    const QString what = QStringLiteral("cannot copy the rows of ") % table;
    QSqlQuery read(source.database());
    read.setForwardOnly(true);
    if (!read.exec(QStringLiteral("SELECT ") % columns.names.join(QStringLiteral(", ")) %
                   QStringLiteral(" FROM ") % table))
        return source.error(what, read);
    const qsizetype rowsPerInsert = std::max<qsizetype>(1, kValuesPerInsert / columns.names.size());
    QSqlQuery insert(target.database());
    qsizetype prepared = 0; // the rows of the statement prepared in `insert`
    QVariantList values;
    qsizetype rows = 0;
    const auto flush = [&]() -> Result<void> {
        if (rows == 0)
            return {};
        if (rows != prepared) {
            if (!insert.prepare(target.dialect->insertRows(table, columns.names, rows)))
                return target.error(what, insert);
            prepared = rows;
        }
        // Text as the target keeps it: a SQLite store of an earlier release may hold U+0000.
        for (const QVariant &value : std::as_const(values)) {
            const bool text = value.metaType().id() == QMetaType::QString && !value.isNull();
            insert.addBindValue(text ? QVariant(storedText(value.toString())) : value);
        }
        if (!insert.exec())
            return target.error(what, insert);
        values.clear();
        rows = 0;
        return {};
    };
    while (read.next()) {
        // Typed by the target's columns: SQLite keeps whatever it was given.
        for (int i = 0; i < columns.names.size(); ++i)
            values << (columns.numbers.at(i) ? QVariant(read.value(i).toLongLong())
                                             : QVariant(read.value(i).toString()));
        if (++rows == rowsPerInsert) {
            if (auto flushed = flush(); !flushed)
                return flushed;
        }
    }
    if (read.lastError().isValid())
        return source.error(what, read);
    if (auto flushed = flush(); !flushed)
        return flushed;
    if (columns.names.contains(QStringLiteral("id"))) {
        for (const QString &statement : target.dialect->followInsertedIds(table)) {
            QSqlQuery follow(target.database());
            if (!follow.exec(statement))
                return target.error(what, follow);
        }
    }
    return {};
}

QString describe(const TableTally &counted)
{
    return counted.table % QStringLiteral(" (") % QString::number(counted.rows) %
           QStringLiteral(" rows)");
}

// Checks that `file` is a store of ours that this release can read, and writes a consistent
// copy of it into `copy`, over a read-only connection. The copy's schema version.
Result<int> copySqliteFile(const QString &file, const QString &copy)
{
    static QAtomicInteger<quint64> counter;
    const QString name =
        QStringLiteral("dmarc-migrate-source-") + QString::number(counter.fetchAndAddRelaxed(1));
    const SqliteDialect dialect;
    const StoreConnection source{name, QStringLiteral("storage file ") + file, &dialect};
    const auto read = [&]() -> Result<int> {
        QSqlDatabase db = QSqlDatabase::addDatabase(dialect.driver(), name);
        db.setDatabaseName(file);
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=5000"));
        if (!db.open())
            return source.error(QStringLiteral("cannot open"), db.lastError());
        QSqlQuery query(db);
        // A file that is not a database fails here.
        if (!query.prepare(dialect.tableExistsQuery()))
            return source.error(QStringLiteral("cannot read the schema"), query);
        query.addBindValue(QStringLiteral("schema_version"));
        if (!query.exec())
            return source.error(QStringLiteral("cannot read the schema"), query);
        if (!query.next())
            return source.error(QStringLiteral("not a store of dmarc-metrics-exporter"),
                                QStringLiteral("it has no schema_version table"));
        if (!query.exec(QStringLiteral("SELECT MAX(version) FROM schema_version")) || !query.next())
            return source.error(QStringLiteral("cannot read the schema version"), query);
        const int version = query.value(0).toInt();
        if (version > Store::kSchemaVersion)
            return source.error(QStringLiteral("cannot migrate"),
                                QStringLiteral("schema version %1 was written by a newer release "
                                               "(this one knows up to %2)")
                                    .arg(version)
                                    .arg(Store::kSchemaVersion));
        if (!query.prepare(dialect.copyInto()))
            return source.error(QStringLiteral("cannot copy"), query);
        query.addBindValue(copy);
        if (!query.exec())
            return source.error(QStringLiteral("cannot copy"), query);
        return version;
    };
    const Result<int> version = read();
    QSqlDatabase::removeDatabase(name);
    return version;
}

} // namespace

Result<StoreMigration> copyStore(const StoreConnection &source, const StoreConnection &target,
                                 const QStringList &tables)
{
    return target.transaction(StoreConnection::Access::Write, [&]() -> Result<StoreMigration> {
        QList<Columns> columns;
        QList<TableTally> sourceTallies;
        QList<TableTally> targetTallies;
        for (const QString &table : tables) {
            auto found = columnsOf(target, table);
            if (!found)
                return found.error();
            auto inSource = tally(source, table, *found);
            if (!inSource)
                return inSource.error();
            auto inTarget = tally(target, table, *found);
            if (!inTarget)
                return inTarget.error();
            columns << std::move(found).value();
            sourceTallies << *inSource;
            targetTallies << *inTarget;
        }
        StoreMigration migration;
        migration.target = target.location;
        migration.tables = sourceTallies;
        if (targetTallies == sourceTallies)
            return migration;
        QStringList held;
        for (const TableTally &counted : std::as_const(targetTallies)) {
            if (counted.rows > 0)
                held << describe(counted);
        }
        if (!held.isEmpty())
            return target.error(
                QStringLiteral("refusing to migrate into it"),
                QStringLiteral("it holds other rows already: %1; migrate copies into an empty "
                               "store only, and nothing was changed")
                    .arg(held.join(QStringLiteral(", "))));
        for (qsizetype i = 0; i < tables.size(); ++i) {
            if (auto copied = copyRows(source, target, tables.at(i), columns.at(i)); !copied)
                return copied.error();
        }
        for (qsizetype i = 0; i < tables.size(); ++i) {
            auto copied = tally(target, tables.at(i), columns.at(i));
            if (!copied)
                return copied.error();
            if (*copied != sourceTallies.at(i))
                return target.error(
                    QStringLiteral("the copy does not match"),
                    QStringLiteral("%1 in the file, %2 after the copy, or another sum of its "
                                   "numbers; nothing was kept")
                        .arg(describe(sourceTallies.at(i)), describe(*copied)));
        }
        migration.copied = true;
        return migration;
    });
}

Result<StoreMigration> migrateStore(const QString &source, const StoreLocation &target,
                                    const StoreOptions &options)
{
    if (!target.database.isSet())
        return migrateError(QStringLiteral(
            "the configuration names no PostgreSQL database (database.url): migrate copies a "
            "SQLite store into the PostgreSQL store that it names"));
    const QFileInfo given(source);
    if (!given.exists())
        return migrateError(QStringLiteral("%1: no such file or folder").arg(source));
    const QString file =
        given.isDir() ? QDir(source).absoluteFilePath(Store::fileName()) : given.absoluteFilePath();
    if (!QFileInfo(file).isFile())
        return migrateError(
            QStringLiteral("%1: no store file in this folder (%2)").arg(source, Store::fileName()));
    // An exporter counting on into the file after the copy would count what the database never
    // sees: it must stop first.
    auto lock = StoreLock::acquire(QFileInfo(file).absolutePath());
    if (!lock)
        return lock.error();
    const QTemporaryDir copyFolder;
    if (!copyFolder.isValid())
        return migrateError(QStringLiteral("cannot create a temporary folder for the copy: ") +
                            copyFolder.errorString());
    const auto version = copySqliteFile(file, copyFolder.filePath(Store::fileName()));
    if (!version)
        return version.error();
    auto copy = Store::open(copyFolder.path(), options);
    if (!copy) {
        Error failed = copy.error();
        failed.message += QStringLiteral(" (on the copy of %1 that is read)").arg(file);
        return failed;
    }
    auto into = Store::open(StoreLocation{QString(), target.database}, options);
    if (!into)
        return into.error();
    auto migration = (*copy)->copyInto(**into);
    if (!migration)
        return migration.error();
    migration->source = QStringLiteral("storage file ") + file;
    migration->sourceVersion = *version;
    migration->version = Store::kSchemaVersion;
    return migration;
}

} // namespace Dmarc
