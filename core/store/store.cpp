#include "store.h"

#include "commitplan.h"
#include "commitwriter.h"
#include "common/log.h"
#include "common/logging.h"
#include "legacyimport.h"
#include "ptrrecords.h"
#include "sourcepages.h"
#include "sourcewrites.h"
#include "storedetails.h"
#include "storedialect.h"
#include "storelock.h"
#include "storemigration.h"
#include "storesql.h"

#include <QAtomicInteger>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>

#include <algorithm>

namespace Dmarc {

namespace {

// "SUM(total)", ... for each counter column.
QStringList sums()
{
    QStringList sums;
    for (const QString &counter : counterColumns())
        sums << QStringLiteral("SUM(") % counter % QLatin1Char(')');
    return sums;
}

// The count tables from `first` up to, not including, `end` (docs/counting.md section 8).
QStringList countTablesCreation(const StoreDialect &dialect, int first, int end)
{
    QStringList statements;
    for (const CountTableSpec &table : countTables().mid(first, end - first)) {
        QStringList columns;
        for (const QString &column : table.labelColumns)
            columns << column % QStringLiteral(" TEXT NOT NULL");
        for (const QString &column : table.valueColumns)
            columns << column % QStringLiteral(" BIGINT NOT NULL DEFAULT 0");
        statements << QStringLiteral("CREATE TABLE ") % table.name % QStringLiteral(" (id ") %
                          dialect.autoIdColumn() % QStringLiteral(", ") %
                          columns.join(QStringLiteral(", ")) % QStringLiteral(", UNIQUE (") %
                          table.labelColumns.join(QStringLiteral(", ")) % QStringLiteral("))");
    }
    return statements;
}

// Version 3: the TLS and failure-report counters and the TLS dedup window.
QStringList countTablesMigration(const StoreDialect &dialect)
{
    QStringList statements = countTablesCreation(dialect, 0, kAllTimeCountTables);
    statements << QStringLiteral("CREATE TABLE tls_dedup (org_name TEXT NOT NULL, "
                                 "report_id TEXT NOT NULL, first_seen BIGINT NOT NULL, "
                                 "PRIMARY KEY (org_name, report_id))")
               << QStringLiteral("CREATE INDEX tls_dedup_first_seen ON tls_dedup (first_seen)");
    return statements;
}

// Sums daily_counters into weekly_counters; `where` (empty, or " WHERE ...") picks the days.
QString sumCountersIntoWeeks(const StoreDialect &dialect, const QString &where)
{
    const QString week = dialect.weekStart(QStringLiteral("day"));
    return QStringLiteral("INSERT INTO weekly_counters (week, label_set, ") %
           counterColumns().join(QStringLiteral(", ")) % QStringLiteral(") SELECT ") % week %
           QStringLiteral(", label_set, ") % sums().join(QStringLiteral(", ")) %
           QStringLiteral(" FROM daily_counters") % where % QStringLiteral(" GROUP BY ") % week %
           QStringLiteral(", label_set");
}

// The counters per label set and week (keyed by its Monday, weekStart()), filled from those per
// day: a range of days then reads a row per label set for each week it holds whole.
QStringList weeklyCountersMigration(const StoreDialect &dialect)
{
    return {
        QStringLiteral("CREATE TABLE weekly_counters (week VARCHAR(10) NOT NULL, "
                       "label_set BIGINT NOT NULL REFERENCES counters (id), ") %
            wholeNumberColumns(counterColumns()) %
            QStringLiteral(", PRIMARY KEY (week, label_set))"),
        sumCountersIntoWeeks(dialect, QString()),
    };
}

// The weeks whose sums per week are to be summed again from their days, of the counters as well
// as of the sources; the sources' marks are kept.
QStringList pendingWeeksMigration()
{
    return {
        QStringLiteral("CREATE TABLE pending_weeks (week VARCHAR(10) NOT NULL PRIMARY KEY)"),
        QStringLiteral("INSERT INTO pending_weeks (week) SELECT week FROM source_weeks_pending"),
        QStringLiteral("DROP TABLE source_weeks_pending")};
}

// The tables whose rows most commits add to (StoreDialect::leaveRoomForUpdates).
QStringList roomForUpdatesMigration(const StoreDialect &dialect)
{
    QStringList statements;
    for (const char *table : {"counters", "daily_counters", "weekly_counters", "daily_history",
                              "daily_totals", "source_days", "source_counters"})
        statements << dialect.leaveRoomForUpdates(QLatin1String(table));
    return statements;
}

// Schema version N is reached by running migrations()[N - 1] on version N - 1.
QList<QStringList> migrations(const StoreDialect &dialect)
{
    const QString autoId = dialect.autoIdColumn();
    const QString counters = wholeNumberColumns(counterColumns());
    return {
        {
            QStringLiteral("CREATE TABLE schema_version (version INTEGER NOT NULL)"),
            QStringLiteral("CREATE TABLE store_meta (meta_key VARCHAR(64) NOT NULL PRIMARY KEY, "
                           "meta_value TEXT NOT NULL)"),
            QStringLiteral("CREATE TABLE counters (id ") % autoId %
                QStringLiteral(", reporter TEXT NOT NULL, from_domain TEXT NOT NULL, "
                               "dkim_domain TEXT NOT NULL, spf_domain TEXT NOT NULL, ") %
                counters %
                QStringLiteral(", UNIQUE (reporter, from_domain, dkim_domain, spf_domain))"),
            QStringLiteral("CREATE TABLE invalid_reports (id ") % autoId %
                QStringLiteral(", from_email TEXT NOT NULL UNIQUE, "
                               "invalid_count BIGINT NOT NULL DEFAULT 0)"),
            QStringLiteral("CREATE TABLE dedup (org_name TEXT NOT NULL, report_id TEXT NOT NULL, "
                           "first_seen BIGINT NOT NULL, PRIMARY KEY (org_name, report_id))"),
            QStringLiteral("CREATE INDEX dedup_first_seen ON dedup (first_seen)"),
            QStringLiteral(
                "CREATE TABLE decided_emails (account TEXT NOT NULL, mailbox TEXT NOT NULL, "
                "uid_validity BIGINT NOT NULL, uid BIGINT NOT NULL, "
                "digest VARCHAR(64) NOT NULL, verdict VARCHAR(16) NOT NULL, "
                "decided_at BIGINT NOT NULL, "
                "PRIMARY KEY (account, mailbox, uid_validity, uid))"),
            QStringLiteral("CREATE INDEX decided_emails_decided_at ON decided_emails (decided_at)"),
            QStringLiteral("CREATE TABLE reports_log (id ") % autoId %
                QStringLiteral(", org_name TEXT NOT NULL, report_id TEXT NOT NULL, "
                               "from_email TEXT NOT NULL, date_begin BIGINT NOT NULL, "
                               "date_end BIGINT NOT NULL, records BIGINT NOT NULL, "
                               "messages BIGINT NOT NULL, outcome VARCHAR(16) NOT NULL, "
                               "reason TEXT NOT NULL, processed_at BIGINT NOT NULL)"),
            createDailyHistory(),
            QStringLiteral("CREATE INDEX daily_history_reporter ON daily_history (reporter, day)"),
            QStringLiteral(
                "CREATE INDEX daily_history_from_domain ON daily_history (from_domain, day)"),
            QStringLiteral("INSERT INTO schema_version (version) VALUES (0)"),
        },
        // The reports log wrote "error" for a malformed report before the outcome names were
        // unified in report/outcome.h.
        {
            QStringLiteral("UPDATE reports_log SET outcome = '") %
                outcomeName(ReportOutcome::Malformed) % QStringLiteral("' WHERE outcome = 'error'"),
        },
        countTablesMigration(dialect),
        // Version 4: the TLS and failure-report counts per day, for the dashboard.
        countTablesCreation(dialect, kAllTimeCountTables, kCountTables),
        // Version 5: the counters per day and label set, for the dashboard's tables over a
        // range of days.
        {
            QStringLiteral("CREATE TABLE daily_counters (day VARCHAR(10) NOT NULL, "
                           "label_set BIGINT NOT NULL REFERENCES counters (id), ") %
                counters % QStringLiteral(", PRIMARY KEY (day, label_set))"),
            // The daily history summed per day, so that a year's trend reads a row a day.
            QStringLiteral("CREATE TABLE daily_totals (day VARCHAR(10) NOT NULL PRIMARY KEY, ") %
                counters % QStringLiteral(", reports BIGINT NOT NULL DEFAULT 0)"),
            QStringLiteral("INSERT INTO daily_totals (day, ") %
                counterColumns().join(QStringLiteral(", ")) %
                QStringLiteral(", reports) SELECT day, ") % sums().join(QStringLiteral(", ")) %
                QStringLiteral(", SUM(reports) FROM daily_history GROUP BY day"),
        },
        // Version 6: what the report view shows of each reports log entry, and the recent
        // activity.
        reportDetailsMigration(dialect),
        // Version 7: the sending sources per day and their counters.
        sourcesMigration(dialect),
        // Version 8: the recent activity's counts of TLS and failure reports.
        activityKindsMigration(),
        // Version 9: the counters per week and label set, for the dashboard's longer ranges.
        weeklyCountersMigration(dialect),
        // Version 10: the reverse DNS answers for the source IPs.
        ptrCacheMigration(),
        // Version 11: the days of a source IP found by its address.
        sourceReadsMigration(dialect),
        // Version 12: the sources per week and each address's first day, for the Sources
        // view's pages.
        sourcePagesMigration(dialect),
        // Version 13: a source day's reporters and DKIM and SPF domains in its own row.
        sourceDomainsMigration(dialect),
        // Version 14: the sources per day and per week and their first days kept in the order
        // of their keys.
        keyOrderedSourcesMigration(dialect),
        // Version 15: the weeks of the sources summed again from their days, not by each commit.
        pendingSourceWeeksMigration(),
        // Version 16: room for updates in the pages of the tables commits update.
        roomForUpdatesMigration(dialect),
        // Version 17: a report's records in the reports log as one text, not a row each.
        reportRecordsMigration(dialect),
        // Version 18: the counters per week summed again from their days, not by each commit.
        pendingWeeksMigration(),
        // Version 19: the history per reporter and from domain, which only version 5's sums per
        // day read, no longer kept.
        {QStringLiteral("DROP TABLE daily_history")}};
}

// The tables the migrations create and do not drop, in that order: each after those it
// references.
QStringList schemaTables(const StoreDialect &dialect)
{
    const QString create = QStringLiteral("CREATE TABLE ");
    const QString drop = QStringLiteral("DROP TABLE ");
    QStringList tables;
    for (const QStringList &step : migrations(dialect)) {
        for (const QString &statement : step) {
            if (statement.startsWith(create)) {
                // A table made again keeps its place.
                const QString made = statement.mid(create.size()).section(QLatin1Char(' '), 0, 0);
                if (!tables.contains(made))
                    tables << made;
            } else if (statement.startsWith(drop)) {
                tables.removeAll(statement.mid(drop.size()));
            }
        }
    }
    return tables;
}

// The rows of a count table that meet every condition (bound to `values`), in first-seen order;
// those of a ...ByDay table by day first.
Result<QList<CountRow>> readCountRows(const StoreConnection &connection, CountTable table,
                                      const QStringList &conditions, const QVariantList &values)
{
    const CountTableSpec &spec = countTables().at(int(table));
    QString sql = QStringLiteral("SELECT ") %
                  (spec.labelColumns + spec.valueColumns).join(QStringLiteral(", ")) %
                  QStringLiteral(" FROM ") % spec.name;
    if (!conditions.isEmpty())
        sql += QStringLiteral(" WHERE ") % conditions.join(QStringLiteral(" AND "));
    sql += int(table) >= kAllTimeCountTables ? QStringLiteral(" ORDER BY day, id")
                                             : QStringLiteral(" ORDER BY id");
    QSqlQuery query(connection.database());
    query.setForwardOnly(true);
    query.prepare(sql);
    for (const QVariant &value : values)
        query.addBindValue(value);
    if (!query.exec())
        return connection.error(QStringLiteral("cannot read the counts of ") % spec.name, query);
    const int labels = int(spec.labelColumns.size());
    QList<CountRow> rows;
    while (query.next()) {
        CountRow row;
        for (int i = 0; i < labels; ++i)
            row.labels << query.value(i).toString();
        for (int i = 0; i < spec.valueColumns.size(); ++i)
            row.values << quint64(query.value(labels + i).toLongLong());
        rows << row;
    }
    return rows;
}

QString nextConnectionName()
{
    static QAtomicInteger<quint64> counter;
    return QStringLiteral("dmarc-store-") + QString::number(counter.fetchAndAddRelaxed(1));
}

} // namespace

Store::Store(QString connectionName, QString filePath, QString location,
             const StoreOptions &options, std::unique_ptr<StoreDialect> dialect,
             std::unique_ptr<StoreLock> lock)
    : m_connectionName(std::move(connectionName))
    , m_filePath(std::move(filePath))
    , m_location(std::move(location))
    , m_options(options)
    , m_dialect(std::move(dialect))
    , m_lock(std::move(lock))
    , m_known(std::make_unique<KnownRows>())
{}

Store::~Store()
{
    {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
}

StoreConnection Store::connection() const
{
    // A connection closed because the server stopped answering (StoreConnection::error) is
    // opened again for the next statement; a failure to open shows as that statement's error.
    if (m_opened && !QSqlDatabase::database(m_connectionName, false).isOpen()) {
        // The database may have been restored or failed over to a copy that lost rows: what
        // the commits learnt it holds, and the labels of its label sets' ids, are read again.
        m_known->forget();
        m_labelSetNames.clear();
        if (openConnection())
            Log::info(lcStore(), QStringLiteral("Connected to the store again"),
                      {{QStringLiteral("store"), m_location}});
    }
    return StoreConnection{m_connectionName, m_location, m_dialect.get()};
}

Result<void> Store::openConnection() const
{
    const StoreConnection store{m_connectionName, m_location, m_dialect.get()};
    QSqlDatabase db = store.database();
    if (!db.open())
        return store.error(QStringLiteral("cannot open"), db.lastError());
    for (const QString &statement : m_dialect->connectionSetup()) {
        QSqlQuery query(db);
        if (!query.exec(statement))
            return store.error(QStringLiteral("cannot execute statement"), query);
    }
    return {};
}

Result<void> Store::exec(const QString &sql) const
{
    QSqlQuery query(connection().database());
    if (!query.exec(sql))
        return connection().error(QStringLiteral("cannot execute statement"), query);
    return {};
}

Result<std::unique_ptr<Store>> Store::open(const QString &directory, const StoreOptions &options)
{
    return open(StoreLocation{directory, {}}, options);
}

Result<std::unique_ptr<Store>> Store::open(const StoreLocation &location,
                                           const StoreOptions &options)
{
    if (location.database.isSet())
        return openDatabase(location, options);
    const QString &directory = location.directory;
    if (!QDir().mkpath(directory)) {
        return Error{QStringLiteral("store"),
                     QStringLiteral("storage_path %1: cannot create the directory").arg(directory)};
    }
    // The state is the owner's alone; tightened on every start, also for older folders.
    if (!QFile::setPermissions(directory, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner))
        Log::warning(lcStore(), QStringLiteral("Cannot make the storage folder private (0700)"),
                     {{QStringLiteral("folder"), directory}});
    // Before the database is opened: a second instance never touches it.
    auto lock = StoreLock::acquire(directory);
    if (!lock)
        return lock.error();
    const QString path = QDir(directory).absoluteFilePath(fileName());
    std::unique_ptr<Store> store(new Store(
        nextConnectionName(), path, QStringLiteral("storage file ") + path, options,
        std::make_unique<SqliteDialect>(), std::make_unique<StoreLock>(std::move(*lock))));
    if (auto result = store->initialise(directory); !result.ok())
        return result.error();
    return store;
}

Result<std::unique_ptr<Store>> Store::openDatabase(const StoreLocation &location,
                                                   const StoreOptions &options)
{
    const DatabaseSettings &settings = location.database;
    std::unique_ptr<Store> store(new Store(nextConnectionName(), QString(),
                                           QStringLiteral("database ") + settings.shownUrl(),
                                           options, std::make_unique<PostgresDialect>(), nullptr));
    const StoreConnection connection = store->connection();
    QSqlDatabase db =
        QSqlDatabase::addDatabase(store->m_dialect->driver(), store->m_connectionName);
    if (!db.isValid()) {
        return connection.error(QStringLiteral("cannot open"),
                                QStringLiteral("Qt SQL has no PostgreSQL driver (QPSQL; on Debian "
                                               "the package libqt6sql6-psql)"));
    }
    db.setHostName(settings.host);
    db.setPort(settings.port);
    db.setDatabaseName(settings.name);
    db.setUserName(settings.user);
    db.setPassword(settings.password);
    db.setConnectOptions(settings.connectOptions());
    if (auto opened = store->openConnection(); !opened)
        return opened.error();
    store->m_opened = true;
    // Read before anything is written: a database of another program is left as it is.
    if (auto owned = store->checkOwner(db); !owned)
        return owned.error();
    if (auto migrated = store->migrate(location.directory); !migrated)
        return migrated.error();
    return store;
}

Result<void> Store::initialise(const QString &directory)
{
    const QFileInfo info(m_filePath);
    if (info.exists()) {
        if (!info.isFile() || !info.isReadable())
            return connection().error(QStringLiteral("cannot open"),
                                      QStringLiteral("not a readable file"));
        // Checked explicitly because SQLite would quietly open it read-only (and root ignores
        // the permission bits altogether).
        const auto writeBits =
            QFileDevice::WriteOwner | QFileDevice::WriteGroup | QFileDevice::WriteOther;
        if (!(info.permissions() & writeBits))
            return connection().error(QStringLiteral("cannot open"),
                                      QStringLiteral("the file is read-only"));
        if (info.size() > 0) {
            if (auto owned = checkOwnerReadOnly(); !owned)
                return owned;
        }
    } else {
        // Created here, empty (SQLite takes an empty file for a new database), so that it is
        // never readable by others; SQLite gives its -wal and -shm files the same mode.
        QFile file(m_filePath);
        if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly,
                       QFile::ReadOwner | QFile::WriteOwner))
            return connection().error(QStringLiteral("cannot create"), file.errorString());
    }
    makePrivate();

    QSqlDatabase db = QSqlDatabase::addDatabase(m_dialect->driver(), m_connectionName);
    db.setDatabaseName(m_filePath);
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    if (auto opened = openConnection(); !opened)
        return opened;
    m_opened = true;
    makePrivate(); // the -wal and -shm files of an older release
    return migrate(directory);
}

Result<void> Store::checkOwnerReadOnly() const
{
    // Read over a read-only connection of its own: nothing is written to a file that may be
    // someone else's, not even the journal mode.
    const QString name = m_connectionName + QStringLiteral("-owner");
    Result<void> verdict;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(m_dialect->driver(), name);
        db.setDatabaseName(m_filePath);
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=5000"));
        if (!db.open())
            verdict = connection().error(QStringLiteral("cannot open"), db.lastError().text());
        else
            verdict = checkOwner(db);
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return verdict;
}

Result<void> Store::checkOwner(const QSqlDatabase &db) const
{
    const StoreConnection store = connection();
    QSqlQuery tables(db);
    if (!tables.exec(m_dialect->tablesQuery()))
        return store.error(QStringLiteral("cannot read the schema"), tables);
    QStringList names;
    while (tables.next())
        names << tables.value(0).toString();
    quint32 id = 0;
    if (m_dialect->ownerTable().isEmpty() || names.contains(m_dialect->ownerTable())) {
        QSqlQuery owner(db);
        if (!owner.exec(m_dialect->ownerQuery()))
            return store.error(QStringLiteral("cannot open"), owner);
        if (owner.next())
            id = quint32(owner.value(0).toLongLong());
    }
    if (id != 0 && id != kApplicationId) {
        return store.error(
            QStringLiteral("refusing to open"),
            QStringLiteral("the database belongs to another program (application_id 0x%1, ours "
                           "is 0x%2); it was left unchanged")
                .arg(id, 8, 16, QLatin1Char('0'))
                .arg(kApplicationId, 8, 16, QLatin1Char('0')));
    }
    // Without the id: a store of a release before it is adopted (the id is set with the next
    // write); tables of anything else mean another program's database.
    const QStringList ours{QStringLiteral("schema_version"), QStringLiteral("store_meta"),
                           QStringLiteral("counters")};
    const bool isOurs = std::all_of(ours.cbegin(), ours.cend(),
                                    [&](const QString &t) { return names.contains(t); });
    if (id == 0 && !names.isEmpty() && !isOurs) {
        return store.error(QStringLiteral("refusing to open"),
                           QStringLiteral("a database of another program (tables: %1); it was "
                                          "left unchanged")
                               .arg(names.join(QStringLiteral(", "))));
    }
    return {};
}

void Store::makePrivate() const
{
    for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")}) {
        const QString path = m_filePath + suffix;
        if (QFileInfo::exists(path) &&
            !QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner))
            Log::warning(lcStore(), QStringLiteral("Cannot make a storage file private (0600)"),
                         {{QStringLiteral("file"), path}});
    }
}

Result<int> Store::schemaVersion() const
{
    const StoreConnection store = connection();
    QSqlQuery exists(store.database());
    exists.prepare(m_dialect->tableExistsQuery());
    exists.addBindValue(QStringLiteral("schema_version"));
    if (!exists.exec())
        return store.error(QStringLiteral("cannot read the schema"), exists);
    if (!exists.next())
        return 0;
    QSqlQuery query(store.database());
    if (!query.exec(QStringLiteral("SELECT MAX(version) FROM schema_version")) || !query.next())
        return store.error(QStringLiteral("cannot read the schema version"), query);
    const int version = query.value(0).toInt();
    if (version > kSchemaVersion) {
        return store.error(QStringLiteral("cannot open"),
                           QStringLiteral("schema version %1 was written by a newer release "
                                          "(this one knows up to %2); refusing to change it")
                               .arg(version)
                               .arg(kSchemaVersion));
    }
    if (version < 1)
        return store.error(QStringLiteral("cannot open"),
                           QStringLiteral("invalid schema version %1").arg(version));
    return version;
}

Result<void> Store::migrate(const QString &directory)
{
    const StoreConnection store = connection();
    // The version is read under the write lock: of two processes opening a new store at once,
    // one creates the schema, and the other finds it made.
    return store.transaction(StoreConnection::Access::Write, [&]() -> Result<void> {
        const auto fromVersion = schemaVersion();
        if (!fromVersion)
            return fromVersion.error();
        const QList<QStringList> steps = migrations(*m_dialect);
        for (int version = *fromVersion; version < kSchemaVersion; ++version) {
            for (const QString &statement : steps.at(version)) {
                if (auto result = exec(statement); !result.ok())
                    return result;
            }
            QSqlQuery query(store.database());
            query.prepare(QStringLiteral("UPDATE schema_version SET version = ?"));
            query.addBindValue(version + 1);
            if (!query.exec())
                return store.error(QStringLiteral("cannot migrate"), query);
            Log::info(lcStore(), QStringLiteral("Store at schema version"),
                      {{QStringLiteral("store"), m_location},
                       {QStringLiteral("version"), QString::number(version + 1)}});
        }
        if (*fromVersion == 0 && !directory.isEmpty()) {
            if (auto result = importLegacy(directory); !result.ok())
                return result;
        }
        // Marks the database as ours: set with the schema, and on a store of an earlier
        // release.
        if (auto result = exec(m_dialect->setOwner(kApplicationId)); !result.ok())
            return result;
        // A write on every start: a read-only or full disk shows up now, not at the first
        // report.
        QSqlQuery probe(store.database());
        probe.prepare(m_dialect->upsert(QStringLiteral("store_meta"), {QStringLiteral("meta_key")},
                                        {QStringLiteral("meta_value")},
                                        StoreDialect::Upsert::Replace));
        probe.addBindValue(QStringLiteral("last_opened"));
        probe.addBindValue(QDateTime::currentDateTimeUtc().toString(Qt::ISODate));
        if (!probe.exec())
            return store.error(QStringLiteral("cannot write"), probe);
        return {};
    });
}

Result<void> Store::importLegacy(const QString &directory)
{
    const QDir dir(directory);
    if (dir.exists(QStringLiteral("seen-reports.db"))) {
        Log::info(
            lcStore(),
            QStringLiteral("Not reading the Python original's seen-reports.db (a pickle); "
                           "the deduplication window starts empty"),
            {{QStringLiteral("file"), dir.absoluteFilePath(QStringLiteral("seen-reports.db"))}});
    }
    const QString legacyPath = dir.absoluteFilePath(QStringLiteral("metrics.db"));
    if (!QFileInfo::exists(legacyPath))
        return {};
    const auto legacy = readLegacyMetrics(legacyPath);
    if (!legacy.ok())
        return legacy.error();

    const CommitWriter writer(connection());
    if (auto added = writer.addCounters(legacy->counters); !added)
        return added;
    if (auto added = writer.addInvalidCounts(legacy->invalidReports); !added)
        return added;
    quint64 total = 0;
    for (const LabelCounts &entry : legacy->counters)
        total += entry.counters.total;
    quint64 invalidTotal = 0;
    for (const InvalidCount &entry : legacy->invalidReports)
        invalidTotal += entry.count;
    Log::info(
        lcStore(),
        QStringLiteral("Imported the Python original's metrics.db; the file is left as it is"),
        {{QStringLiteral("file"), legacyPath},
         {QStringLiteral("label_sets"), QString::number(legacy->counters.size())},
         {QStringLiteral("dmarc_total"), QString::number(total)},
         {QStringLiteral("invalid_senders"), QString::number(legacy->invalidReports.size())},
         {QStringLiteral("invalid_emails"), QString::number(invalidTotal)}});
    return {};
}

Result<QList<std::optional<EmailVerdict>>>
Store::decidedVerdicts(const QList<EmailIdentity> &identities) const
{
    using Verdicts = QList<std::optional<EmailVerdict>>;
    // The same lookup as commit()'s, in a read transaction of its own.
    const StoreConnection store = connection();
    return store.transaction(StoreConnection::Access::Read, [&]() -> Result<Verdicts> {
        const auto decided = readDecidedEmails(store, identities);
        if (!decided)
            return decided.error();
        Verdicts verdicts;
        verdicts.reserve(identities.size());
        for (const EmailIdentity &identity : identities) {
            const auto found = decided->constFind(identity);
            verdicts << (found == decided->cend() ? std::nullopt
                                                  : std::optional<EmailVerdict>(found->verdict));
        }
        return verdicts;
    });
}

Result<QList<EmailCommitResult>> Store::commit(const QList<EmailCommit> &batch, qint64 nowSecs)
{
    using Results = QList<EmailCommitResult>;
    // Read, plan and write in one write transaction: what was decided before is read under the
    // write lock, so a second exporter on the same file cannot count the same email or report
    // in between.
    const StoreConnection store = connection();
    // The commit's statement journals in memory for its transaction alone (commitJournals):
    // only a matter of speed, so that neither setting it nor setting it back can fail a commit.
    if (const QString journals = m_dialect->commitJournals(true); !journals.isEmpty())
        static_cast<void>(exec(journals));
    Result<CommitState> state = CommitState();
    CommitPlan plan;
    auto committed = store.transaction(StoreConnection::Access::Write, [&]() -> Result<Results> {
        state = readCommitState(store, batch, *m_known);
        if (!state)
            return state.error();
        plan = planCommit(batch, *state, nowSecs, m_options);
        if (auto applied = CommitWriter(store).apply(plan); !applied)
            return applied.error();
        return plan.results;
    });
    if (committed)
        m_known->learn(*state, plan);
    if (const QString journals = m_dialect->commitJournals(false);
        !journals.isEmpty() && store.database().isOpen())
        static_cast<void>(exec(journals));
    return committed;
}

Result<StoreSnapshot> Store::snapshot() const
{
    QSqlQuery query(connection().database());
    query.setForwardOnly(true);
    StoreSnapshot snapshot;
    if (!query.exec(QStringLiteral("SELECT reporter, from_domain, dkim_domain, spf_domain, ") %
                    counterColumns().join(QStringLiteral(", ")) %
                    QStringLiteral(" FROM counters ORDER BY id")))
        return connection().error(QStringLiteral("cannot read the counters"), query);
    while (query.next()) {
        snapshot.counters << LabelCounts{
            LabelSet{query.value(0).toString(), query.value(1).toString(),
                     query.value(2).toString(), query.value(3).toString()},
            readCounters(query, 4)};
    }
    if (!query.exec(QStringLiteral("SELECT from_email, invalid_count FROM invalid_reports "
                                   "ORDER BY id")))
        return connection().error(QStringLiteral("cannot read the invalid counts"), query);
    while (query.next())
        snapshot.invalidReports << InvalidCount{query.value(0).toString(),
                                                quint64(query.value(1).toLongLong())};
    for (int t = 0; t < kAllTimeCountTables; ++t) {
        auto rows = readCountRows(connection(), CountTable(t), {}, {});
        if (!rows)
            return rows.error();
        snapshot.counts[size_t(t)] = std::move(rows).value();
    }
    auto sources = readSourceCounters(connection());
    if (!sources)
        return sources.error();
    snapshot.sourceCounters = std::move(sources).value();
    return snapshot;
}

Result<QList<CountRow>> Store::countsByDay(CountTable table, QDate from, QDate to) const
{
    QStringList conditions;
    QVariantList values;
    conditions << dayConditions(QStringLiteral("day"), from, to, values);
    return readCountRows(connection(), table, conditions, values);
}

Result<QList<LabelCounts>> Store::countersPerLabelSet(QDate from, QDate to) const
{
    // The weeks that lie whole in the range come from the counters per week, the days at its
    // ends and those of the weeks not yet summed again (pendingWeeks) from those per day. The
    // rows are read as they lie and summed here per label set: the engine's GROUP BY would sort
    // them first.
    const WeeksAndDays split = weeksAndDays(from, to);
    QHash<qint64, Counters> sums;
    const auto add = [&](const QString &table, const QStringList &conditions,
                         const QVariantList &values) -> Result<void> {
        QString sql = QStringLiteral("SELECT label_set, ") %
                      counterColumns().join(QStringLiteral(", ")) % QStringLiteral(" FROM ") %
                      table;
        if (!conditions.isEmpty())
            sql += QStringLiteral(" WHERE ") % conditions.join(QStringLiteral(" AND "));
        QSqlQuery query(connection().database());
        query.setForwardOnly(true);
        query.prepare(sql);
        for (const QVariant &value : values)
            query.addBindValue(value);
        if (!query.exec())
            return connection().error(QStringLiteral("cannot read the counters of ") % table,
                                      query);
        while (query.next())
            sums[query.value(0).toLongLong()] += readCounters(query, 1);
        return {};
    };
    // One read transaction: the weeks and the days agree.
    const StoreConnection store = connection();
    return store.transaction(StoreConnection::Access::Read, [&]() -> Result<QList<LabelCounts>> {
        const auto pending = pendingWeeks(store, from, to);
        if (!pending)
            return pending.error();
        QVariantList weekValues;
        const RangeReads reads = rangeReads(split, *pending, weekValues);
        if (split.weeks) {
            if (auto read =
                    add(QStringLiteral("weekly_counters"), reads.weekConditions, weekValues);
                !read)
                return read.error();
        }
        for (const auto &[first, last] : reads.days) {
            QVariantList values;
            if (auto read = add(QStringLiteral("daily_counters"),
                                dayConditions(QStringLiteral("day"), first, last, values), values);
                !read)
                return read.error();
        }
        // Named in the order first counted, from the labels read before: those of the counters
        // are read again only when a label set is new here.
        QList<qint64> ids = sums.keys();
        std::sort(ids.begin(), ids.end());
        const bool unnamed = std::any_of(
            ids.cbegin(), ids.cend(), [this](qint64 id) { return !m_labelSetNames.contains(id); });
        if (unnamed) {
            QSqlQuery query(store.database());
            query.setForwardOnly(true);
            if (!query.exec(QStringLiteral("SELECT id, reporter, from_domain, dkim_domain, "
                                           "spf_domain FROM counters")))
                return store.error(QStringLiteral("cannot read the label sets"), query);
            while (query.next()) {
                m_labelSetNames.insert(
                    query.value(0).toLongLong(),
                    LabelSet{query.value(1).toString(), query.value(2).toString(),
                             query.value(3).toString(), query.value(4).toString()});
            }
        }
        QList<LabelCounts> counts;
        counts.reserve(ids.size());
        for (const qint64 id : std::as_const(ids))
            counts << LabelCounts{m_labelSetNames.value(id), sums.value(id)};
        return counts;
    });
}

Result<int> Store::sumWeeks(QDate today)
{
    const StoreConnection store = connection();
    const QString what = QStringLiteral("cannot sum the weeks again");
    const auto weeks = store.transaction(StoreConnection::Access::Read, [&] {
        return pendingWeeks(store, QDate(), today.addDays(-1));
    });
    if (!weeks)
        return weeks.error();
    int summed = 0;
    // A transaction a week: each holds the store's write lock for a week's days alone.
    for (const QDate week : *weeks) {
        const QString day = dayText(week);
        auto done = store.transaction(StoreConnection::Access::Write, [&]() -> Result<bool> {
            // Another process sharing the database may have summed it meanwhile.
            auto marked = runRead(
                store, what, QStringLiteral("SELECT 1 FROM pending_weeks WHERE week = ?"), {day});
            if (!marked)
                return marked.error();
            if (!marked->next())
                return false;
            StatementBatch batch(store);
            addSourceWeekSum(batch, week);
            batch.add(what, QStringLiteral("DELETE FROM weekly_counters WHERE week = ?"), {day});
            batch.add(what,
                      sumCountersIntoWeeks(*store.dialect,
                                           QStringLiteral(" WHERE day >= ? AND day <= ?")),
                      {day, dayText(week.addDays(6))});
            batch.add(what, QStringLiteral("DELETE FROM pending_weeks WHERE week = ?"), {day});
            if (auto ran = batch.run(); !ran)
                return ran.error();
            return true;
        });
        if (!done)
            return done.error();
        summed += *done ? 1 : 0;
    }
    return summed;
}

Result<quint64> Store::loggedOutcomes(ReportOutcome outcome, qint64 fromSecs, qint64 endSecs) const
{
    QSqlQuery query(connection().database());
    query.prepare(QStringLiteral("SELECT COUNT(*) FROM reports_log WHERE outcome = ? AND "
                                 "processed_at >= ? AND processed_at < ?"));
    query.addBindValue(QString(outcomeName(outcome)));
    query.addBindValue(fromSecs);
    query.addBindValue(endSecs);
    if (!query.exec() || !query.next())
        return connection().error(QStringLiteral("cannot read the reports log"), query);
    return quint64(query.value(0).toLongLong());
}

Result<QList<HistoryRow>> Store::dailyTotals(QDate from, QDate to) const
{
    QStringList conditions;
    QVariantList values;
    conditions << dayConditions(QStringLiteral("day"), from, to, values);
    QString sql = QStringLiteral("SELECT day, ") % counterColumns().join(QStringLiteral(", ")) %
                  QStringLiteral(", reports FROM daily_totals");
    if (!conditions.isEmpty())
        sql += QStringLiteral(" WHERE ") % conditions.join(QStringLiteral(" AND "));
    sql += QStringLiteral(" ORDER BY day");
    QSqlQuery query(connection().database());
    query.setForwardOnly(true);
    query.prepare(sql);
    for (const QVariant &value : values)
        query.addBindValue(value);
    if (!query.exec())
        return connection().error(QStringLiteral("cannot read the history"), query);
    QList<HistoryRow> rows;
    while (query.next()) {
        rows << HistoryRow{dayOf(query.value(0)), readCounters(query, 1),
                           quint64(query.value(9).toLongLong())};
    }
    return rows;
}

Result<QList<ReportLogEntry>> Store::recentReports(int limit) const
{
    QSqlQuery query(connection().database());
    query.setForwardOnly(true);
    query.prepare(QStringLiteral("SELECT ") % reportsLogColumns() %
                  QStringLiteral(" FROM reports_log ORDER BY id DESC LIMIT ?"));
    query.addBindValue(limit);
    if (!query.exec())
        return connection().error(QStringLiteral("cannot read the reports log"), query);
    QList<ReportLogEntry> entries;
    while (query.next())
        entries << readReportLogEntry(query);
    return entries;
}

Result<QString> Store::changeMark() const
{
    QSqlQuery query(connection().database());
    if (!query.exec(m_dialect->changeMarkQuery()) || !query.next())
        return connection().error(QStringLiteral("cannot read whether the store changed"), query);
    return query.value(0).toString();
}

Result<std::optional<LoggedReportRecord>> Store::loggedReport(qint64 id) const
{
    const StoreConnection store = connection();
    return store.transaction(StoreConnection::Access::Read,
                             [&] { return readLoggedReport(store, id); });
}

Result<void> Store::appendActivity(QList<ActivityRecord> &records, int keep)
{
    const StoreConnection store = connection();
    return store.transaction(StoreConnection::Access::Write,
                             [&] { return writeActivity(store, records, keep); });
}

Result<QList<ActivityRecord>> Store::recentActivity(int limit) const
{
    return readActivity(connection(), limit);
}

Result<void> Store::releaseMemory() const
{
    for (const QString &statement : m_dialect->releaseMemory()) {
        if (auto result = exec(statement); !result)
            return result;
    }
    return {};
}

Result<QList<PtrRecord>> Store::ptrRecords(const QStringList &ips) const
{
    const StoreConnection store = connection();
    return store.transaction(StoreConnection::Access::Read,
                             [&] { return readPtrRecords(store, ips); });
}

Result<void> Store::keepPtrRecords(const QList<PtrRecord> &records)
{
    const StoreConnection store = connection();
    return store.transaction(StoreConnection::Access::Write,
                             [&] { return writePtrRecords(store, records); });
}

Result<StoreMigration> Store::copyInto(Store &target) const
{
    QStringList tables = schemaTables(*m_dialect);
    // The schema's version and the owner stay the target's own.
    tables.removeAll(QStringLiteral("schema_version"));
    tables.removeAll(QStringLiteral("store_meta"));
    return copyStore(connection(), target.connection(), tables);
}

Result<qint64> Store::dedupEntryCount() const
{
    QSqlQuery query(connection().database());
    if (!query.exec(QStringLiteral("SELECT COUNT(*) FROM dedup")) || !query.next())
        return connection().error(QStringLiteral("cannot count"), query);
    return query.value(0).toLongLong();
}

} // namespace Dmarc
