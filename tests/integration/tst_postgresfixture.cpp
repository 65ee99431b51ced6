#include "postgresserver.h"

#include <QFile>
#include <QSqlError>
#include <QSqlQuery>
#include <QTcpSocket>
#include <QTest>

using Dmarc::Test::PostgresServer;

namespace {

// The single value of `sql` on `db`, as text; empty when the query fails.
QString scalar(QSqlDatabase &db, const QString &sql)
{
    QSqlQuery query(db);
    if (!query.exec(sql) || !query.next())
        return QString();
    return query.value(0).toString();
}

} // namespace

// The private PostgreSQL fixture the tests of the PostgreSQL store and of several instances
// build on.
class TestPostgresFixture : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void connectsWithThePasswordAndQueries()
    {
        PostgresServer server;
        const auto started = server.start();
        QVERIFY2(started.ok(), qPrintable(started.error().message));
        QVERIFY(server.isRunning());
        QVERIFY(server.port() != 0);
        QCOMPARE(server.url(),
                 QStringLiteral("postgresql://dmarc@127.0.0.1:%1/dmarc").arg(server.port()));
        {
            QSqlDatabase db = server.connection(QStringLiteral("fixture"));
            QVERIFY2(db.open(), qPrintable(db.lastError().text()));
            QCOMPARE(scalar(db, QStringLiteral("SELECT current_user")), server.userName());
            QCOMPARE(scalar(db, QStringLiteral("SELECT current_database()")),
                     server.databaseName());
            // The role owns its database: it can create tables in it.
            QSqlQuery query(db);
            QVERIFY2(query.exec(QStringLiteral("CREATE TABLE t (n integer)")),
                     qPrintable(query.lastError().text()));
            QVERIFY(query.exec(QStringLiteral("INSERT INTO t VALUES (1), (2), (3)")));
            QCOMPARE(scalar(db, QStringLiteral("SELECT sum(n) FROM t")), QStringLiteral("6"));
            // Not a superuser: what the exporter gets in production.
            QCOMPARE(scalar(db, QStringLiteral("SELECT rolsuper FROM pg_roles "
                                               "WHERE rolname = current_user")),
                     QStringLiteral("false"));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("fixture"));
    }

    void wrongPasswordIsRefused()
    {
        PostgresServer server;
        const auto started = server.start();
        QVERIFY2(started.ok(), qPrintable(started.error().message));
        {
            QSqlDatabase db = server.connection(QStringLiteral("wrong"));
            db.setPassword(QStringLiteral("not-the-password"));
            QVERIFY(!db.open());
            QVERIFY2(db.lastError().text().contains(QStringLiteral("password authentication")),
                     qPrintable(db.lastError().text()));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("wrong"));
    }

    void passwordFileAndUrlCarryThePassword()
    {
        PostgresServer server;
        const auto started = server.start();
        QVERIFY2(started.ok(), qPrintable(started.error().message));
        QFile file(server.passwordFile());
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromUtf8(file.readAll()), server.password());
        QCOMPARE(file.permissions() & (QFile::ReadGroup | QFile::ReadOther), QFile::Permissions());
        QVERIFY(server.urlWithPassword(QStringLiteral("other"))
                    .endsWith(QStringLiteral(":%1@127.0.0.1:%2/other")
                                  .arg(server.password())
                                  .arg(server.port())));
    }

    void restartEndsSessionsAndKeepsTheData()
    {
        PostgresServer server;
        const auto started = server.start();
        QVERIFY2(started.ok(), qPrintable(started.error().message));
        const quint16 port = server.port();
        {
            QSqlDatabase db = server.connection(QStringLiteral("restart"));
            QVERIFY2(db.open(), qPrintable(db.lastError().text()));
            QSqlQuery query(db);
            QVERIFY(query.exec(QStringLiteral("CREATE TABLE kept (word text)")));
            QVERIFY(query.exec(QStringLiteral("INSERT INTO kept VALUES ('survives')")));

            server.stop();
            QVERIFY(!server.isRunning());
            QTcpSocket probe;
            probe.connectToHost(server.host(), port);
            QVERIFY(!probe.waitForConnected(1000));
            // The open session is gone with the server.
            QVERIFY(!query.exec(QStringLiteral("SELECT 1")));

            const auto restarted = server.restart();
            QVERIFY2(restarted.ok(), qPrintable(restarted.error().message));
            QCOMPARE(server.port(), port);
            db.close();
            QVERIFY2(db.open(), qPrintable(db.lastError().text()));
            QCOMPARE(scalar(db, QStringLiteral("SELECT word FROM kept")),
                     QStringLiteral("survives"));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("restart"));
    }

    void anotherDatabaseAndSuperuserStatements()
    {
        PostgresServer server;
        const auto started = server.start();
        QVERIFY2(started.ok(), qPrintable(started.error().message));
        QVERIFY(server.createDatabase(QStringLiteral("second")).ok());
        {
            QSqlDatabase db = server.connection(QStringLiteral("second"), QStringLiteral("second"));
            QVERIFY2(db.open(), qPrintable(db.lastError().text()));
            QCOMPARE(scalar(db, QStringLiteral("SELECT current_database()")),
                     QStringLiteral("second"));
            const QString pid = scalar(db, QStringLiteral("SELECT pg_backend_pid()"));
            QVERIFY(!pid.isEmpty());
            // The superuser ends the role's session, as an administrator or a crash would.
            QVERIFY(server
                        .executeAsSuperuser(
                            QStringLiteral("SELECT pg_terminate_backend(%1)").arg(pid))
                        .ok());
            QSqlQuery query(db);
            QVERIFY(!query.exec(QStringLiteral("SELECT 1")));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("second"));
        const auto bad = server.executeAsSuperuser(QStringLiteral("SELECT FROM nowhere"));
        QVERIFY(!bad.ok());
        QVERIFY2(bad.error().message.contains(QStringLiteral("nowhere")),
                 qPrintable(bad.error().message));
    }

    void destructorStopsTheServer()
    {
        quint16 port = 0;
        QString directory;
        {
            PostgresServer server;
            const auto started = server.start();
            QVERIFY2(started.ok(), qPrintable(started.error().message));
            port = server.port();
            directory = server.directory();
        }
        QTcpSocket probe;
        probe.connectToHost(QStringLiteral("127.0.0.1"), port);
        QVERIFY(!probe.waitForConnected(1000));
        QVERIFY(!QFile::exists(directory));
    }
};

QTEST_GUILESS_MAIN(TestPostgresFixture)
#include "tst_postgresfixture.moc"
