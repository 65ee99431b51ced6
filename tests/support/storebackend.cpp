#include "storebackend.h"

#include "store/sourcewrites.h"
#include "store/storedetails.h"
#include "store/storedialect.h"
#include "store/storesql.h"

#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QSqlError>
#include <QSqlQuery>
#include <QStringBuilder>
#include <QTest>

#include <memory>

namespace Dmarc::Test {

namespace {

struct Backends
{
    bool postgres = false;
    std::unique_ptr<PostgresServer> server; // started with the first PostgreSQL case
    QHash<QString, QString> databases;      // the database of each folder
    int databaseCount = 0;
};

Backends &backends()
{
    static Backends instance;
    return instance;
}

} // namespace

void addStoreBackendRows()
{
    QTest::addColumn<bool>("postgres");
    QTest::newRow("sqlite") << false;
    QTest::newRow("postgresql") << true;
}

Result<void> useStoreBackendOfRow()
{
    QFETCH_GLOBAL(bool, postgres);
    return useStoreBackend(postgres);
}

Result<void> useStoreBackend(bool postgres)
{
    Backends &b = backends();
    b.postgres = postgres;
    if (!postgres || b.server)
        return {};
    b.server = std::make_unique<PostgresServer>();
    return b.server->start();
}

void stopStoreBackends()
{
    Backends &b = backends();
    b.server.reset();
    b.databases.clear();
}

bool onPostgres()
{
    return backends().postgres;
}

PostgresServer &postgresServer()
{
    return *backends().server;
}

StoreLocation locationOf(const QString &dir)
{
    Backends &b = backends();
    StoreLocation location{dir, {}};
    if (!b.postgres)
        return location;
    const QString folder = QDir(dir).absolutePath();
    QString name = b.databases.value(folder);
    if (name.isEmpty()) {
        name = QStringLiteral("store_%1").arg(++b.databaseCount);
        if (auto created = b.server->createDatabase(name); !created)
            qWarning("%s", qPrintable(created.error().message));
        b.databases.insert(folder, name);
    }
    location.database = DatabaseSettings::fromUrl(b.server->url(name)).value();
    location.database.password = b.server->password();
    return location;
}

QSqlDatabase rawDatabase(const QString &path, const QString &connectionName)
{
    if (onPostgres())
        return postgresServer().connection(connectionName,
                                           locationOf(QFileInfo(path).path()).database.name);
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connectionName);
    db.setDatabaseName(path);
    return db;
}

QString whereOf(const QString &dir)
{
    if (onPostgres())
        return locationOf(dir).database.shownUrl();
    return QDir(dir).absoluteFilePath(Store::fileName());
}

Result<void> downgradeStore(const QString &path, int version)
{
    // What each version from 3 on added, undone down to `version`.
    QStringList statements;
    if (version < 19) {
        // Version 0's history per reporter and from domain, empty: what it held is lost.
        statements << createDailyHistory();
    }
    if (version < 18) {
        // The marks kept under the table's earlier name: a week whose counters were not summed
        // again stays marked, and is read from its days after the migration as before it.
        statements << QStringLiteral("CREATE TABLE source_weeks_pending (week VARCHAR(10) NOT "
                                     "NULL PRIMARY KEY)")
                   << QStringLiteral("INSERT INTO source_weeks_pending (week) SELECT week FROM "
                                     "pending_weeks")
                   << QStringLiteral("DROP TABLE pending_weeks");
    }
    if (version < 17 && version >= 6) {
        // A report's records as rows again, none: what the text held is lost.
        statements << QStringLiteral("ALTER TABLE report_details DROP COLUMN records");
        const SqliteDialect sqlite;
        for (const QString &statement : reportDetailsMigration(sqlite)) {
            if (statement.startsWith(QLatin1String("CREATE TABLE report_rows ")))
                statements << statement;
        }
    }
    // Version 16 changed only how PostgreSQL fills pages: nothing to undo.
    if (version < 15)
        statements << QStringLiteral("DROP TABLE source_weeks_pending");
    // Version 14 changed only how three tables keep their rows: nothing to undo.
    if (version < 13) {
        // Version 7's table of a source day's domains, empty; what the column held is lost.
        statements << QStringLiteral("ALTER TABLE source_days DROP COLUMN domains");
        const SqliteDialect sqlite;
        const PostgresDialect postgres;
        const StoreDialect &dialect = onPostgres() ? static_cast<const StoreDialect &>(postgres)
                                                   : sqlite;
        for (const QString &statement : sourcesMigration(dialect)) {
            if (statement.startsWith(QLatin1String("CREATE TABLE source_day_domains ")))
                statements << statement;
        }
    }
    if (version < 12)
        statements << QStringLiteral("DROP TABLE source_weeks")
                   << QStringLiteral("DROP TABLE source_ips");
    if (version < 11)
        statements << QStringLiteral("DROP INDEX source_days_by_ip");
    if (version < 10)
        statements << QStringLiteral("DROP TABLE ptr_cache");
    if (version < 9)
        statements << QStringLiteral("DROP TABLE weekly_counters");
    if (version < 8) {
        for (const char *column : {"tls_counted", "failures_counted"})
            statements << QStringLiteral("ALTER TABLE activity DROP COLUMN ") %
                              QLatin1String(column);
    }
    if (version < 7) {
        for (const char *table : {"source_days", "source_day_domains", "source_counters"})
            statements << QStringLiteral("DROP TABLE ") % QLatin1String(table);
    }
    if (version < 6) {
        for (const char *table : {"logged_emails", "email_parts", "report_details", "activity"})
            statements << QStringLiteral("DROP TABLE ") % QLatin1String(table);
        statements << QStringLiteral("DROP INDEX reports_log_email")
                   << QStringLiteral("ALTER TABLE reports_log DROP COLUMN email_id");
    }
    if (version < 5)
        statements << QStringLiteral("DROP TABLE daily_counters")
                   << QStringLiteral("DROP TABLE daily_totals");
    for (int t = 0; t < kCountTables; ++t) {
        if (version < (t < kAllTimeCountTables ? 3 : 4))
            statements << QStringLiteral("DROP TABLE ") % countTables().at(t).name;
    }
    if (version < 3)
        statements << QStringLiteral("DROP TABLE tls_dedup");
    statements << QStringLiteral("UPDATE schema_version SET version = ") % QString::number(version);

    const QString connection = QStringLiteral("downgrade");
    Result<void> result;
    {
        QSqlDatabase db = rawDatabase(path, connection);
        if (!db.open()) {
            result = Error{QStringLiteral("downgrade"), db.lastError().text()};
        } else {
            QSqlQuery query(db);
            for (const QString &statement : std::as_const(statements)) {
                if (!query.exec(statement)) {
                    result = Error{QStringLiteral("downgrade"),
                                   statement % QStringLiteral(": ") % query.lastError().text()};
                    break;
                }
            }
            query.finish();
            db.close();
        }
    }
    QSqlDatabase::removeDatabase(connection);
    return result;
}

} // namespace Dmarc::Test
