#pragma once

#include "common/result.h"

#include <QSqlDatabase>
#include <QString>

#include <memory>

class QProcess;
class QTemporaryDir;

namespace Dmarc::Test {

// A private PostgreSQL server for one test: its own cluster (initdb) in a temporary directory,
// listening on 127.0.0.1 on a free port and on a unix socket in that directory, with one
// database and one role that logs in with a password (SCRAM) over TCP. PostgreSQL refuses to
// run as root: as root the cluster belongs to the user nobody, otherwise to the current user.
// The server runs in the foreground as a child of the test and dies with it; the destructor
// always stops it. Nothing is flushed to the disk (fsync off): the cluster is thrown away.
class PostgresServer
{
public:
    PostgresServer();
    ~PostgresServer();
    PostgresServer(const PostgresServer &) = delete;
    PostgresServer &operator=(const PostgresServer &) = delete;

    // Creates the cluster, starts the server, and returns once it accepts connections and the
    // database and the role exist.
    Result<void> start();
    // A fast shutdown (what pg_ctl stop -m fast does): open sessions are ended, the data kept.
    void stop();
    // Starts it again on the same port with the same data, e.g. after stop().
    Result<void> restart();
    bool isRunning() const;

    QString host() const { return QStringLiteral("127.0.0.1"); }
    quint16 port() const { return m_port; }
    QString databaseName() const { return QStringLiteral("dmarc"); }
    QString userName() const { return QStringLiteral("dmarc"); }
    QString password() const { return QStringLiteral("dmarc-test-secret"); }
    // postgresql://dmarc@127.0.0.1:<port>/<database> (no password; see passwordFile()).
    QString url(const QString &database = QString()) const;
    // The same with the password in it.
    QString urlWithPassword(const QString &database = QString()) const;
    // A file holding just the password (mode 0600).
    QString passwordFile() const;
    QString directory() const;
    QString log() const;

    // A QPSQL connection named `connectionName` to `database` (default: databaseName()) as the
    // role over TCP, set up but not opened. The caller removes it (QSqlDatabase::removeDatabase).
    QSqlDatabase connection(const QString &connectionName,
                            const QString &database = QString()) const;

    // Another empty database owned by the role, e.g. one per test case.
    Result<void> createDatabase(const QString &name);
    // One SQL statement as the superuser over the unix socket, e.g. to end another's session.
    Result<void> executeAsSuperuser(const QString &sql, const QString &database = QString());

private:
    Result<void> prepareDirectory();
    Result<void> initCluster();
    Result<void> launch();
    Result<void> createRole();

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QProcess> m_process;
    quint16 m_port = 0;
    uint m_uid = 0;
    uint m_gid = 0;
};

} // namespace Dmarc::Test
