#include "storedialect.h"

#include "storesql.h"

namespace Dmarc {

namespace {

// "(?, ?, ?)" for three values.
QString placeholderRow(qsizetype values)
{
    return QLatin1Char('(') % placeholders(values) % QLatin1Char(')');
}

// "(?, ?), (?, ?)" for two rows of two values.
QString placeholderRows(qsizetype rows, qsizetype values)
{
    const QString row = placeholderRow(values);
    QStringList all;
    for (qsizetype i = 0; i < rows; ++i)
        all << row;
    return all.join(QStringLiteral(", "));
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

QString SqliteDialect::weekStart(const QString &dayColumn) const
{
    // The Sunday on or after the day, then back to its Monday.
    return QStringLiteral("date(") % dayColumn % QStringLiteral(", 'weekday 0', '-6 days')");
}

QString SqliteDialect::keyOrderedTable() const
{
    return QStringLiteral(" WITHOUT ROWID");
}

QString SqliteDialect::commitJournals(bool inMemory) const
{
    // A statement's journal holds the pages it changed, so that it alone can be undone. SQLite
    // writes it to a temporary file once it passes 64 KiB, which each of a commit's statements
    // of many rows did (11 % of the exporter's CPU); in memory (temp_store, read as a transaction
    // begins) it costs one statement's pages at most, a commit's statements being of bounded
    // size. Only for the commits: the migrations' statements change whole tables, and the
    // readers' sorts are held in temporary files as well. (A larger spill threshold, the
    // process-wide SQLITE_CONFIG_STMTJRNL_SPILL, makes SQLite 3.40 fail DROP TABLE of a large
    // table with SQLITE_FULL.)
    return inMemory ? QStringLiteral("PRAGMA temp_store=MEMORY")
                    : QStringLiteral("PRAGMA temp_store=DEFAULT");
}

QString SqliteDialect::joinedText(const QString &expression, const QString &) const
{
    return QStringLiteral("group_concat(") % expression % QStringLiteral(", '')");
}

QString StoreDialect::upsert(const QString &table, const QStringList &keyColumns,
                             const QStringList &valueColumns, Upsert mode) const
{
    return upsertSelected(
        table, keyColumns, valueColumns,
        QStringLiteral("VALUES ") % placeholderRow(keyColumns.size() + valueColumns.size()), mode);
}

QString StoreDialect::upsertSelected(const QString &table, const QStringList &keyColumns,
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
    // A SELECT's WHERE clause keeps SQLite from reading ON CONFLICT as the ON of a join. Both
    // engines take "excluded" for the row that was not inserted.
    return QStringLiteral("INSERT INTO ") % table % QStringLiteral(" (") %
           columns.join(QStringLiteral(", ")) % QStringLiteral(") ") % select %
           QStringLiteral(" ON CONFLICT (") % keyColumns.join(QStringLiteral(", ")) %
           QStringLiteral(") DO UPDATE SET ") % updates.join(QStringLiteral(", "));
}

QString StoreDialect::boundRows(qsizetype rows, int columns) const
{
    if (rowBinding() == RowBinding::Values)
        return QStringLiteral("(VALUES ") % placeholderRows(rows, columns) % QLatin1Char(')');
    QStringList names;
    for (int i = 1; i <= columns; ++i)
        names << QStringLiteral("column%1").arg(i);
    return QStringLiteral("(SELECT * FROM unnest(") % placeholders(columns) %
           QStringLiteral(") AS k (") % names.join(QStringLiteral(", ")) % QStringLiteral("))");
}

QString StoreDialect::insertedRows(qsizetype rows, int columns) const
{
    if (rowBinding() == RowBinding::Values)
        return QStringLiteral("VALUES ") % placeholderRows(rows, columns);
    return QStringLiteral("SELECT * FROM ") % boundRows(rows, columns) % QStringLiteral(" AS k");
}

QString StoreDialect::insertRows(const QString &table, const QStringList &columns,
                                 qsizetype rows) const
{
    return QStringLiteral("INSERT INTO ") % table % QStringLiteral(" (") %
           columns.join(QStringLiteral(", ")) % QStringLiteral(") VALUES ") %
           placeholderRows(rows, columns.size());
}

QString PostgresDialect::errorCode(const QSqlError &error) const
{
    // The SQLSTATE; none when libpq failed without an answer from the server (the connection
    // broke, or none could be made).
    const QString state = error.nativeErrorCode();
    if (state.isEmpty() || state.startsWith(QLatin1String("08")) ||
        state.startsWith(QLatin1String("57P"))) // the server shut down or restarts
        return QStringLiteral("store_unreachable");
    if (state == QLatin1String("53100")) // disk_full
        return QStringLiteral("store_full");
    if (state == QLatin1String("40001") || state == QLatin1String("40P01"))
        return QStringLiteral("store_conflict"); // serialization_failure, deadlock_detected
    if (state == QLatin1String("25006"))         // read_only_sql_transaction
        return QStringLiteral("store_readonly");
    if (state == QLatin1String("58030")) // io_error
        return QStringLiteral("store_io");
    return QStringLiteral("store");
}

QStringList PostgresDialect::beginWrite() const
{
    return {QStringLiteral("BEGIN ISOLATION LEVEL READ COMMITTED"),
            QStringLiteral("SELECT pg_advisory_xact_lock(%1, %2)")
                .arg(kWriteLockClass)
                .arg(kWriteLockObject)};
}

QString PostgresDialect::tableExistsQuery() const
{
    return QStringLiteral("SELECT 1 FROM information_schema.tables WHERE table_schema = "
                          "current_schema() AND table_name = ?");
}

QString PostgresDialect::tablesQuery() const
{
    return QStringLiteral("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                          "ORDER BY tablename");
}

QString PostgresDialect::ownerQuery() const
{
    return QStringLiteral("SELECT CAST(meta_value AS BIGINT) FROM store_meta "
                          "WHERE meta_key = 'application_id'");
}

QString PostgresDialect::setOwner(quint32 id) const
{
    return QStringLiteral("INSERT INTO store_meta (meta_key, meta_value) VALUES "
                          "('application_id', '%1') ON CONFLICT (meta_key) DO UPDATE SET "
                          "meta_value = excluded.meta_value")
        .arg(id);
}

QString PostgresDialect::weekStart(const QString &dayColumn) const
{
    return QStringLiteral("to_char(date_trunc('week', CAST(") % dayColumn %
           QStringLiteral(" AS DATE)), 'YYYY-MM-DD')");
}

QString PostgresDialect::keyOrderedTable() const
{
    return QString();
}

QString PostgresDialect::commitJournals(bool) const
{
    return QString();
}

QString PostgresDialect::joinedText(const QString &expression, const QString &order) const
{
    const QString ordered = order.isEmpty() ? QString() : QStringLiteral(" ORDER BY ") % order;
    return QStringLiteral("string_agg(") % expression % QStringLiteral(", ''") % ordered %
           QLatin1Char(')');
}

QStringList PostgresDialect::leaveRoomForUpdates(const QString &table) const
{
    return {QStringLiteral("ALTER TABLE ") % table % QStringLiteral(" SET (fillfactor = 70)")};
}

QStringList PostgresDialect::followInsertedIds(const QString &table) const
{
    // The identity column's sequence goes on after the largest id; an empty table keeps it.
    return {QStringLiteral("SELECT setval(pg_get_serial_sequence('") % table %
            QStringLiteral("', 'id'), MAX(id)) FROM ") % table %
            QStringLiteral(" HAVING MAX(id) IS NOT NULL")};
}

} // namespace Dmarc
