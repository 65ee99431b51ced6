#include "commitfixtures.h"
#include "exporterharness.h"
#include "postgresserver.h"
#include "store/legacyimport.h"
#include "store/store.h"
#include "store/storemigration.h"
#include "storebackend.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

using namespace Dmarc;
using namespace Dmarc::Test;

namespace {

// The first day of the year of data: 2023-01-02, a Monday.
constexpr qint64 kYearStart = 1672617600;
constexpr int kDays = 365;

const QStringList kReporters{QStringLiteral("google.com"), QStringLiteral("yahoo.com"),
                             QStringLiteral("outlook.com"), QStringLiteral("mail.ru")};
const QStringList kDomains{QStringLiteral("example.org"), QStringLiteral("example.net"),
                           QStringLiteral("shop.example.com")};

// The key of report `r` of email `e` on `day`.
QString reportId(int day, int e, int r)
{
    return QStringLiteral("%1-%2-%3").arg(day).arg(e).arg(r);
}

QString reporterOf(int day, int e, int r)
{
    return kReporters.at((day + e + r) % kReporters.size());
}

// Keeps every dedup key and decided email of the year.
StoreOptions yearOptions()
{
    StoreOptions options;
    options.dedupMaxSeconds = qint64(400) * kDay;
    options.decidedRetentionSeconds = qint64(400) * kDay;
    return options;
}

// Commits a year as the exporter would: a batch a day of three emails with two aggregate reports
// each (four reporters, three from domains, the DKIM domain changing with the day, a named source
// each), a TLS and a failure report a week, an email without a report every tenth day; an
// activity line a day and the reverse DNS answers of the sources.
Result<void> commitYear(Store &store)
{
    for (int day = 0; day < kDays; ++day) {
        const qint64 now = kYearStart + day * kDay + 3600;
        QList<EmailCommit> batch;
        for (int e = 0; e < 3; ++e) {
            QList<ReportCounts> reports;
            for (int r = 0; r < 2; ++r) {
                const QString domain = kDomains.at((e + r) % kDomains.size());
                const LabelSet labels{reporterOf(day, e, r), domain,
                                      day % 2 ? domain : QStringLiteral("esp.example"), domain};
                const quint64 total = quint64(day % 7 + e + r + 1);
                ReportCounts report =
                    reportCounts(reporterOf(day, e, r), reportId(day, e, r), total, labels);
                report.dateBegin = now - kDay;
                report.dateEnd = now - 1;
                reports << withSource(report, QStringLiteral("192.0.2.%1").arg((day + r) % 50 + 1),
                                      total, total, labels.dkimDomain);
            }
            EmailCommit email = emailCommit(quint32(day * 4 + e + 1), reports);
            if (day % 7 == 0 && e == 0) {
                email = withReports(email, {tlsReport(kReporters.at(day % 4), reportId(day, e, 9))},
                                    {failureReport()});
            }
            batch << withSourceNames(email,
                                     {{QStringLiteral("192.0.2.1"), QStringLiteral("office")}});
        }
        if (day % 10 == 0)
            batch << emailCommit(quint32(day * 4 + 4), {}, {},
                                 QStringLiteral("bounce@example.com"));
        if (auto committed = store.commit(batch, now); !committed)
            return committed.error();
        QList<ActivityRecord> activity{
            ActivityRecord{0, now, QStringLiteral("main"), QStringLiteral("imap.example.com"),
                           QStringLiteral("email"), QStringLiteral("uid %1").arg(day),
                           QStringLiteral("noreply@google.com"), 6, 0, QStringLiteral("Archive"),
                           QString(), 0, 0}};
        if (auto appended = store.appendActivity(activity, 1000); !appended)
            return appended;
    }
    // The weeks summed again as the exporter sums them after its checks: all but the last.
    const QDate lastDay =
        QDateTime::fromSecsSinceEpoch(kYearStart + (kDays - 1) * kDay, Qt::UTC).date();
    if (auto summed = store.sumWeeks(lastDay.addDays(-2)); !summed)
        return summed.error();
    QList<PtrRecord> ptr;
    for (int i = 1; i <= 50; ++i)
        ptr << PtrRecord{QStringLiteral("192.0.2.%1").arg(i), QStringLiteral("name"),
                         QStringLiteral("mx%1.example.net").arg(i), kYearStart + 400 * kDay};
    return store.keepPtrRecords(ptr);
}

// A SQLite store in `folder` that committed one email holding `reports`.
bool storeWith(const QString &folder, const QList<ReportCounts> &reports)
{
    auto store = Store::open(folder);
    return store.ok() && (*store)->commit({emailCommit(1, reports)}, kNow).ok();
}

bool sameCounts(const QList<LabelCounts> &a, const QList<LabelCounts> &b)
{
    return std::equal(a.cbegin(), a.cend(), b.cbegin(), b.cend(),
                      [](const LabelCounts &x, const LabelCounts &y) {
                          return x.labels == y.labels && x.counters == y.counters;
                      });
}

// Rows per table, read over a plain connection of its own.
QHash<QString, qint64> rowCounts(QSqlDatabase db, const QStringList &tables)
{
    QHash<QString, qint64> counts;
    if (!db.open())
        return counts;
    for (const QString &table : tables) {
        QSqlQuery query(db);
        if (query.exec(QStringLiteral("SELECT COUNT(*) FROM ") + table) && query.next())
            counts.insert(table, query.value(0).toLongLong());
    }
    db.close();
    return counts;
}

// Runs `sql` with `values` bound on the SQLite store file `path`, over a connection of its own.
bool execOnFile(const QString &path, const QString &sql, const QVariantList &values = {})
{
    bool ran = false;
    {
        QSqlDatabase db =
            QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("file"));
        db.setDatabaseName(path);
        QSqlQuery query(db);
        if (db.open() && query.prepare(sql)) {
            for (const QVariant &value : values)
                query.addBindValue(value);
            ran = query.exec();
        }
    }
    QSqlDatabase::removeDatabase(QStringLiteral("file"));
    return ran;
}

} // namespace

// migrate: a SQLite store copied into PostgreSQL, checked through the store's reads and by plain
// counts; the Python original's metrics.db imported into PostgreSQL; and the command itself.
class TestStoreMigration : public QObject
{
    Q_OBJECT

    PostgresServer m_server;
    int m_databases = 0;

    // An empty database of its own on the server.
    Result<DatabaseSettings> newDatabase()
    {
        const QString name = QStringLiteral("migrate_%1").arg(++m_databases);
        if (auto created = m_server.createDatabase(name); !created)
            return created.error();
        auto settings = DatabaseSettings::fromUrl(m_server.url(name));
        if (settings)
            settings->password = m_server.password();
        return settings;
    }

    // The tables of a SQLite store file.
    static QStringList sqliteTables(const QString &file)
    {
        QStringList tables;
        {
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("tables"));
            db.setDatabaseName(file);
            if (db.open()) {
                QSqlQuery query(
                    QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table'"), db);
                while (query.next())
                    tables << query.value(0).toString();
            }
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("tables"));
        return tables;
    }

    QHash<QString, qint64> sqliteCounts(const QString &file, const QStringList &tables)
    {
        QHash<QString, qint64> counts;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"),
                                                        QStringLiteral("sqlite-counts"));
            db.setDatabaseName(file);
            counts = rowCounts(db, tables);
        }
        QSqlDatabase::removeDatabase(QStringLiteral("sqlite-counts"));
        return counts;
    }

    QHash<QString, qint64> postgresCounts(const DatabaseSettings &settings,
                                          const QStringList &tables)
    {
        QHash<QString, qint64> counts;
        counts = rowCounts(m_server.connection(QStringLiteral("pg-counts"), settings.name), tables);
        QSqlDatabase::removeDatabase(QStringLiteral("pg-counts"));
        return counts;
    }

    struct Run
    {
        int exitCode = -1;
        QString out;
        QString err;
    };

    static Run run(const QStringList &arguments)
    {
        QProcess process;
        process.start(QStringLiteral(DMARC_EXPORTER_BINARY), arguments);
        Run result;
        if (!process.waitForFinished(120000))
            return result;
        result.exitCode = process.exitCode();
        result.out = QString::fromUtf8(process.readAllStandardOutput());
        result.err = QString::fromUtf8(process.readAllStandardError());
        return result;
    }

    // A configuration with its store in `storage` and, with `database`, on PostgreSQL.
    QString writeConfig(const QTemporaryDir &dir, const QString &storage,
                        const DatabaseSettings *database)
    {
        QString text = QStringLiteral(R"({"storage_path": "%1", "imap": {"username": "u", )"
                                      R"("password": "p"})")
                           .arg(storage);
        if (database)
            text += QStringLiteral(R"(, "database": {"url": "%1", "password_file": "%2"})")
                        .arg(m_server.url(database->name), m_server.passwordFile());
        text += QLatin1Char('}');
        QFile file(dir.filePath(QStringLiteral("config.json")));
        if (!file.open(QIODevice::WriteOnly))
            return QString();
        file.write(text.toUtf8());
        file.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
        return file.fileName();
    }

private Q_SLOTS:
    void initTestCase()
    {
        const auto started = m_server.start();
        QVERIFY2(started.ok(), started.ok() ? "" : qPrintable(started.error().message));
    }

    void migratesAYearKeepingItsDuplicates()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const StoreOptions options = yearOptions();
        {
            auto store = Store::open(dir.path(), options);
            QVERIFY2(store.ok(), store.ok() ? "" : qPrintable(store.error().message));
            const auto committed = commitYear(**store);
            QVERIFY2(committed.ok(), committed.ok() ? "" : qPrintable(committed.error().message));
        }
        const auto database = newDatabase();
        QVERIFY2(database.ok(), database.ok() ? "" : qPrintable(database.error().message));
        const StoreLocation target{QString(), *database};

        QElapsedTimer clock;
        clock.start();
        const auto migrated = migrateStore(dir.path(), target, options);
        const qint64 elapsed = clock.elapsed();
        QVERIFY2(migrated.ok(), migrated.ok() ? "" : qPrintable(migrated.error().message));
        QVERIFY(migrated->copied);
        qint64 rows = 0;
        for (const TableTally &table : migrated->tables)
            rows += table.rows;
        qInfo("A year migrated: %lld rows of %lld tables in %lld ms", rows,
              qint64(migrated->tables.size()), elapsed);
        QCOMPARE(migrated->sourceVersion, Store::kSchemaVersion);

        // Every table of the file, counted over plain connections: the same rows in both.
        const QString file = dir.filePath(Store::fileName());
        QStringList tables = sqliteTables(file);
        tables.removeAll(QStringLiteral("schema_version"));
        tables.removeAll(QStringLiteral("store_meta"));
        QCOMPARE(migrated->tables.size(), tables.size());
        const auto inFile = sqliteCounts(file, tables);
        QCOMPARE(postgresCounts(*database, tables), inFile);
        for (const char *table :
             {"counters", "daily_counters", "weekly_counters", "pending_weeks", "source_weeks",
              "dedup", "tls_dedup", "decided_emails", "reports_log", "source_days",
              "source_counters", "activity", "ptr_cache", "failure_reports", "tls_sessions_by_day",
              "invalid_reports"})
            QVERIFY2(inFile.value(QString::fromLatin1(table)) > 0, table);
        QCOMPARE(inFile.value(QStringLiteral("dedup")), qint64(kDays * 3 * 2));

        // What the store reads back is the same on both.
        auto sqlite = Store::open(dir.path(), options);
        QVERIFY(sqlite.ok());
        auto postgres = Store::open(target, options);
        QVERIFY2(postgres.ok(), postgres.ok() ? "" : qPrintable(postgres.error().message));
        const auto before = (*sqlite)->snapshot();
        const auto after = (*postgres)->snapshot();
        QVERIFY(before.ok() && after.ok());
        QVERIFY(sameCounts(after->counters, before->counters));
        QCOMPARE(after->invalidReports.size(), before->invalidReports.size());
        QCOMPARE(after->invalidReports.constFirst().count,
                 before->invalidReports.constFirst().count);
        QCOMPARE(after->counts, before->counts);
        QCOMPARE(after->sourceCounters, before->sourceCounters);
        QVERIFY(sameCounts(*(*postgres)->countersPerLabelSet({}, {}),
                           *(*sqlite)->countersPerLabelSet({}, {})));
        const QDate march(2023, 3, 1);
        const QDate october(2023, 10, 15);
        QVERIFY(sameCounts(*(*postgres)->countersPerLabelSet(march, october),
                           *(*sqlite)->countersPerLabelSet(march, october)));
        const auto totalsBefore = (*sqlite)->dailyTotals({}, {});
        const auto totalsAfter = (*postgres)->dailyTotals({}, {});
        QVERIFY(totalsBefore.ok() && totalsAfter.ok());
        QCOMPARE(totalsAfter->size(), totalsBefore->size());
        for (qsizetype i = 0; i < totalsBefore->size(); ++i) {
            QCOMPARE(totalsAfter->at(i).day, totalsBefore->at(i).day);
            QCOMPARE(totalsAfter->at(i).counters, totalsBefore->at(i).counters);
        }
        QCOMPARE((*postgres)->recentReports(5)->constFirst().reportId,
                 (*sqlite)->recentReports(5)->constFirst().reportId);
        QCOMPARE((*postgres)->ptrRecords({QStringLiteral("192.0.2.7")})->constFirst().name,
                 QStringLiteral("mx7.example.net"));
        sqlite->reset();

        // Done again: nothing to copy, nothing changed.
        const auto again = migrateStore(dir.path(), target, options);
        QVERIFY2(again.ok(), again.ok() ? "" : qPrintable(again.error().message));
        QVERIFY(!again->copied);
        QCOMPARE(again->tables, migrated->tables);
        QCOMPARE(postgresCounts(*database, tables), inFile);

        // A report counted before the move is still a duplicate after it; a new one counts, in a
        // new label set and with new rows in the tables whose ids the copy carried.
        const qint64 next = kYearStart + kDays * kDay + 3600;
        ReportCounts seen = reportCounts(reporterOf(kDays - 1, 0, 0), reportId(kDays - 1, 0, 0));
        ReportCounts seenLongAgo = reportCounts(reporterOf(3, 1, 1), reportId(3, 1, 1));
        ReportCounts fresh =
            reportCounts(QStringLiteral("new.example"), QStringLiteral("new-1"), 5,
                         LabelSet{QStringLiteral("new.example"), QStringLiteral("example.org"),
                                  QStringLiteral("example.org"), QStringLiteral("example.org")});
        const auto committed =
            (*postgres)->commit({emailCommit(100000, {seen, seenLongAgo, fresh})}, next);
        QVERIFY2(committed.ok(), committed.ok() ? "" : qPrintable(committed.error().message));
        QCOMPARE(committed->constFirst().reports,
                 (QList<ReportOutcome>{ReportOutcome::Duplicate, ReportOutcome::Duplicate,
                                       ReportOutcome::Counted}));
        QList<ActivityRecord> activity{
            ActivityRecord{0, next, QStringLiteral("main"), {}, {}, {}, {}, 1, 2, {}, {}, 0, 0}};
        QVERIFY((*postgres)->appendActivity(activity, 1000).ok());
        QCOMPARE(activity.constFirst().id, inFile.value(QStringLiteral("activity")) + 1);

        // The database now holds more than the file: refused, and nothing changed.
        const QHash<QString, qint64> grown = postgresCounts(*database, tables);
        const auto refused = migrateStore(dir.path(), target, options);
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().message.contains(QStringLiteral("holds other rows already")),
                 qPrintable(refused.error().message));
        QVERIFY(refused.error().message.contains(QStringLiteral("dedup (")));
        QCOMPARE(postgresCounts(*database, tables), grown);
    }

    void olderSchemaIsBroughtUpOnACopy()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QVERIFY(storeWith(dir.path(),
                          {reportCounts(QStringLiteral("google.com"), QStringLiteral("r1"), 4)}));
        // Back to schema version 10.
        const QString file = dir.filePath(Store::fileName());
        const auto downgraded = downgradeStore(file, 10);
        QVERIFY2(downgraded, downgraded ? "" : qPrintable(downgraded.error().message));
        QFile read(file);
        QVERIFY(read.open(QIODevice::ReadOnly));
        const QByteArray bytes = read.readAll();
        read.close();

        const auto database = newDatabase();
        QVERIFY(database.ok());
        const auto migrated = migrateStore(file, StoreLocation{QString(), *database}, {});
        QVERIFY2(migrated.ok(), migrated.ok() ? "" : qPrintable(migrated.error().message));
        QCOMPARE(migrated->sourceVersion, 10);
        QCOMPARE(migrated->version, Store::kSchemaVersion);
        QVERIFY(read.open(QIODevice::ReadOnly));
        QCOMPARE(read.readAll(), bytes);
        const auto counters = std::find_if(
            migrated->tables.cbegin(), migrated->tables.cend(),
            [](const TableTally &table) { return table.table == QLatin1String("counters"); });
        QVERIFY(counters != migrated->tables.cend());
        QCOMPARE(counters->rows, qint64(1));
        QVERIFY(counters->sums.contains(std::pair(QStringLiteral("total"), qint64(4))));
    }

    // A SQLite store of an earlier release may hold U+0000, which PostgreSQL's text cannot: it
    // is copied as U+FFFD, as the store keeps it since.
    void textWithNulIsCopied()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QVERIFY(storeWith(dir.path(),
                          {reportCounts(QStringLiteral("google.com"), QStringLiteral("r1"))}));
        QVERIFY(execOnFile(dir.filePath(Store::fileName()),
                           QStringLiteral("UPDATE reports_log SET org_name = ?"),
                           {QString(QStringLiteral("a") + QChar(0) + QStringLiteral("b"))}));

        const auto database = newDatabase();
        QVERIFY(database.ok());
        const auto migrated = migrateStore(dir.path(), StoreLocation{QString(), *database}, {});
        QVERIFY2(migrated.ok(), migrated.ok() ? "" : qPrintable(migrated.error().message));
        auto store = Store::open(StoreLocation{QString(), *database});
        QVERIFY(store.ok());
        QCOMPARE((*store)->recentReports(1)->at(0).orgName, QStringLiteral("a\ufffdb"));
    }

    void aFailedCopyKeepsNothing()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QVERIFY(storeWith(dir.path(),
                          {reportCounts(QStringLiteral("google.com"), QStringLiteral("r1"))}));
        // A day's counters of a label set that does not exist: SQLite checks no foreign key
        // unless asked, PostgreSQL always does.
        QVERIFY(execOnFile(dir.filePath(Store::fileName()),
                           QStringLiteral("INSERT INTO daily_counters (day, label_set, total) "
                                          "VALUES ('2023-01-01', 999, 1)")));

        const auto database = newDatabase();
        QVERIFY(database.ok());
        const auto migrated = migrateStore(dir.path(), StoreLocation{QString(), *database}, {});
        QVERIFY(!migrated.ok());
        QVERIFY2(migrated.error().message.contains(QStringLiteral("daily_counters")),
                 qPrintable(migrated.error().message));
        const QStringList tables{QStringLiteral("counters"), QStringLiteral("dedup"),
                                 QStringLiteral("reports_log"), QStringLiteral("decided_emails")};
        for (const QString &table : tables)
            QCOMPARE(postgresCounts(*database, tables).value(table, -1), qint64(0));
    }

    void importsTheOriginalsMetricsDbIntoPostgres_data()
    {
        QTest::addColumn<QString>("fixture");
        QTest::newRow("legacy list") << QStringLiteral("metrics-db-legacy-list.json");
        QTest::newRow("0.11 dict") << QStringLiteral("metrics-db-v0.11-dict.json");
        QTest::newRow("1.3 written") << QStringLiteral("metrics-db-v1.3-written.json");
    }

    void importsTheOriginalsMetricsDbIntoPostgres()
    {
        QFETCH(QString, fixture);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString legacyPath = dir.filePath(QStringLiteral("metrics.db"));
        QVERIFY(
            QFile::copy(QStringLiteral(DMARC_TEST_DATA_DIR "/upstream/") + fixture, legacyPath));
        const auto expected = readLegacyMetrics(legacyPath);
        QVERIFY(expected.ok());
        QVERIFY(!expected->counters.isEmpty());

        const auto database = newDatabase();
        QVERIFY(database.ok());
        // The folder offers its metrics.db to a new store, in a database as in a file.
        const StoreLocation location{dir.path(), *database};
        {
            auto store = Store::open(location);
            QVERIFY2(store.ok(), store.ok() ? "" : qPrintable(store.error().message));
            const auto snapshot = (*store)->snapshot();
            QVERIFY(snapshot.ok());
            QVERIFY(sameCounts(snapshot->counters, expected->counters));
            QCOMPARE(snapshot->invalidReports.size(), expected->invalidReports.size());
        }
        // Once: opened again, nothing is added.
        auto store = Store::open(location);
        QVERIFY(store.ok());
        QVERIFY(sameCounts((*store)->snapshot()->counters, expected->counters));
    }

    void commandLineMigratesOnceAndSaysSo()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString storage = dir.filePath(QStringLiteral("state"));
        QVERIFY(storeWith(storage,
                          {reportCounts(QStringLiteral("google.com"), QStringLiteral("r1"), 3),
                           reportCounts(QStringLiteral("yahoo.com"), QStringLiteral("r2"), 4)}));
        const auto database = newDatabase();
        QVERIFY(database.ok());
        const QString config = writeConfig(dir, storage, &*database);

        const Run first =
            run({QStringLiteral("migrate"), QStringLiteral("--configuration"), config, storage});
        QVERIFY2(first.exitCode == 0, qPrintable(first.err));
        QVERIFY2(first.out.startsWith(QStringLiteral("Copied storage file ")),
                 qPrintable(first.out));
        QVERIFY(first.out.contains(m_server.url(database->name)));
        QVERIFY(!first.out.contains(m_server.password()));
        QVERIFY(first.out.contains(QRegularExpression(QStringLiteral("\ncounters +1\n"))));
        QVERIFY(first.out.contains(QRegularExpression(QStringLiteral("\ndedup +2\n"))));
        QVERIFY(first.out.contains(QStringLiteral("DMARC messages counted: 7.")));

        const Run second = run({QStringLiteral("migrate"), QStringLiteral("--configuration"),
                                config, storage + QStringLiteral("/") + Store::fileName()});
        QVERIFY2(second.exitCode == 0, qPrintable(second.err));
        QVERIFY2(second.out.startsWith(QStringLiteral("Nothing to copy: ")),
                 qPrintable(second.out));
        QVERIFY(second.out.contains(QStringLiteral("nothing was changed")));
        QVERIFY(second.out.contains(QStringLiteral("DMARC messages counted: 7.")));
    }

    void helpNamesMigrate()
    {
        const Run help = run({QStringLiteral("--help")});
        QCOMPARE(help.exitCode, 0);
        QVERIFY2(help.out.contains(QStringLiteral("migrate FILE|DIR")), qPrintable(help.out));
    }

    void aStoreInUseIsRefused()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString storage = dir.filePath(QStringLiteral("state"));
        QVERIFY(
            storeWith(storage, {reportCounts(QStringLiteral("google.com"), QStringLiteral("r1"))}));
        // An exporter running on the store: its account's server never answers, so it runs on,
        // holding the folder's lock.
        ExporterChild exporter;
        exporter.configPath = dir.filePath(QStringLiteral("exporter.json"));
        const QJsonObject account{
            {QStringLiteral("name"), QStringLiteral("main")},
            {QStringLiteral("imap"),
             QJsonObject{{QStringLiteral("host"), QStringLiteral("127.0.0.1")},
                         {QStringLiteral("port"), freeLocalPort()},
                         {QStringLiteral("username"), QStringLiteral("u")},
                         {QStringLiteral("password"), QStringLiteral("p")}}}};
        QFile config(exporter.configPath);
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write(exporterConfig({account}, storage));
        config.close();
        QVERIFY(exporter.start());
        const QString pid = QString::number(exporter.process.processId());
        const auto lockHolder = [&storage] {
            QFile lock(storage + QStringLiteral("/dmarc-metrics-exporter.lock"));
            return lock.open(QIODevice::ReadOnly) ? QString::fromLatin1(lock.readAll()).trimmed()
                                                  : QString();
        };
        QTRY_VERIFY2_WITH_TIMEOUT(lockHolder() == pid, qPrintable(exporter.log()), 30000);

        const auto database = newDatabase();
        QVERIFY(database.ok());
        const auto refused = migrateStore(storage, StoreLocation{QString(), *database}, {});
        exporter.process.kill();
        QVERIFY(exporter.waitForExit(30000));
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().message.contains(
                     QStringLiteral("in use by another process (PID ") + pid),
                 qPrintable(refused.error().message));
        // Refused before the database was touched: not even its tables were made.
        QVERIFY(postgresCounts(*database, {QStringLiteral("counters")}).isEmpty());
    }

    void commandLineRefusesBadInputs()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const auto database = newDatabase();
        QVERIFY(database.ok());
        const QString config = writeConfig(dir, dir.filePath(QStringLiteral("state")), &*database);
        const auto migrate = [&](const QString &source) {
            return run(
                {QStringLiteral("migrate"), QStringLiteral("--configuration"), config, source});
        };

        const Run missing = migrate(dir.filePath(QStringLiteral("nowhere.sqlite")));
        QCOMPARE(missing.exitCode, 1);
        QVERIFY2(missing.err.contains(QStringLiteral("nowhere.sqlite: no such file or folder")),
                 qPrintable(missing.err));

        const Run emptyFolder = migrate(dir.path());
        QCOMPARE(emptyFolder.exitCode, 1);
        QVERIFY2(emptyFolder.err.contains(QStringLiteral("no store file in this folder")),
                 qPrintable(emptyFolder.err));

        QFile text(dir.filePath(QStringLiteral("notes.txt")));
        QVERIFY(text.open(QIODevice::WriteOnly));
        text.write(
            QByteArray("not a database, just some words that are long enough\n").repeated(40));
        text.close();
        const Run notDatabase = migrate(text.fileName());
        QCOMPARE(notDatabase.exitCode, 1);
        QVERIFY2(notDatabase.err.contains(QStringLiteral("not a database")),
                 qPrintable(notDatabase.err));

        const QString other = dir.filePath(QStringLiteral("other.sqlite"));
        {
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("other"));
            db.setDatabaseName(other);
            QVERIFY(db.open());
            QVERIFY(QSqlQuery(db).exec(QStringLiteral("CREATE TABLE notes (text TEXT)")));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("other"));
        const Run notStore = migrate(other);
        QCOMPARE(notStore.exitCode, 1);
        QVERIFY2(notStore.err.contains(QStringLiteral("not a store of dmarc-metrics-exporter")),
                 qPrintable(notStore.err));

        // A store to copy, but a configuration without a database to copy it into.
        const QString storage = dir.filePath(QStringLiteral("store"));
        QVERIFY(Store::open(storage).ok());
        QTemporaryDir sqliteOnly;
        const Run noDatabase = run({QStringLiteral("migrate"), QStringLiteral("--configuration"),
                                    writeConfig(sqliteOnly, storage, nullptr), storage});
        QCOMPARE(noDatabase.exitCode, 1);
        QVERIFY2(noDatabase.err.contains(QStringLiteral("names no PostgreSQL database")),
                 qPrintable(noDatabase.err));

        for (const QStringList &arguments :
             {QStringList{QStringLiteral("migrate")},
              QStringList{QStringLiteral("migrate"), storage, storage}}) {
            const Run usage =
                run(QStringList{QStringLiteral("--configuration"), config} + arguments);
            QCOMPARE(usage.exitCode, 2);
            QVERIFY2(usage.err.contains(QStringLiteral("migrate: give the SQLite store to copy")),
                     qPrintable(usage.err));
        }
    }
};

QTEST_GUILESS_MAIN(TestStoreMigration)
#include "tst_storemigration.moc"
