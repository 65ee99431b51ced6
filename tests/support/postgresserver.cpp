#include "postgresserver.h"

#include "exporterharness.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>

#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

namespace Dmarc::Test {

namespace {

constexpr int kStartTimeoutMs = 30000;
constexpr int kStopTimeoutMs = 10000;
const char kSuperuser[] = "postgres";

bool runningAsRoot()
{
    return ::geteuid() == 0;
}

Error failure(const QString &message)
{
    return Error{QStringLiteral("postgres"), QStringLiteral("test PostgreSQL: ") + message};
}

// Debian keeps the server's programs out of PATH, one folder per major version; elsewhere
// they are on PATH.
QString serverProgram(const QString &name)
{
    QDir versions(QStringLiteral("/usr/lib/postgresql"));
    const QStringList found = versions.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    for (auto version = found.crbegin(); version != found.crend(); ++version) {
        const QString path = versions.filePath(*version + QStringLiteral("/bin/") + name);
        if (QFileInfo(path).isExecutable())
            return path;
    }
    return name;
}

// Makes `path` belong to the cluster's user with mode 0700.
Result<void> handOver(const QString &path, uint uid, uint gid)
{
    const QByteArray name = QFile::encodeName(path);
    if (runningAsRoot() && ::chown(name.constData(), uid, gid) != 0)
        return failure(QStringLiteral("cannot hand ") + path + QStringLiteral(" to nobody"));
    QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    return {};
}

// Runs PostgreSQL's programs as the cluster's user, in their own process group, killed when
// the test dies.
void configureChild(QProcess &process, const QString &directory, uint uid, uint gid)
{
    process.setWorkingDirectory(directory);
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.setStandardOutputFile(directory + QStringLiteral("/postgres.log"), QIODevice::Append);
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("LC_ALL"), QStringLiteral("C"));
    process.setProcessEnvironment(environment);
    const bool dropPrivileges = runningAsRoot();
    process.setChildProcessModifier([dropPrivileges, uid, gid] {
        ::setpgid(0, 0);
        if (dropPrivileges &&
            (::setgroups(0, nullptr) != 0 || ::setgid(gid) != 0 || ::setuid(uid) != 0))
            ::_exit(126);
        // After the change of user, which clears it.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    });
}

// Copies the folder `from` to `to`, owners and modes kept.
Result<void> copyTree(const QString &from, const QString &to)
{
    QProcess cp;
    cp.start(QStringLiteral("cp"), {QStringLiteral("-a"), QStringLiteral("-T"), from, to});
    if (!cp.waitForFinished(kStartTimeoutMs) || cp.exitStatus() != QProcess::NormalExit ||
        cp.exitCode() != 0)
        return failure(QStringLiteral("cannot copy ") + from + QStringLiteral(" to ") + to +
                       QStringLiteral(": ") + QString::fromLocal8Bit(cp.readAllStandardError()) +
                       cp.errorString());
    return {};
}

} // namespace

PostgresServer::PostgresServer() = default;

PostgresServer::~PostgresServer()
{
    stop();
}

QString PostgresServer::directory() const
{
    return m_dir ? m_dir->path() : QString();
}

QString PostgresServer::url(const QString &database) const
{
    return QStringLiteral("postgresql://%1@%2:%3/%4")
        .arg(userName(), host())
        .arg(m_port)
        .arg(database.isEmpty() ? databaseName() : database);
}

QString PostgresServer::urlWithPassword(const QString &database) const
{
    return QStringLiteral("postgresql://%1:%2@%3:%4/%5")
        .arg(userName(), password(), host())
        .arg(m_port)
        .arg(database.isEmpty() ? databaseName() : database);
}

QString PostgresServer::passwordFile() const
{
    return directory() + QStringLiteral("/password");
}

QString PostgresServer::log() const
{
    QFile file(directory() + QStringLiteral("/postgres.log"));
    if (!file.open(QIODevice::ReadOnly))
        return QString();
    return QString::fromUtf8(file.readAll());
}

QSqlDatabase PostgresServer::connection(const QString &connectionName,
                                        const QString &database) const
{
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), connectionName);
    db.setHostName(host());
    db.setPort(m_port);
    db.setDatabaseName(database.isEmpty() ? databaseName() : database);
    db.setUserName(userName());
    db.setPassword(password());
    return db;
}

Result<void> PostgresServer::start()
{
    if (isRunning())
        return failure(QStringLiteral("already running"));
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QPSQL")))
        return failure(QStringLiteral("the QPSQL driver is missing (libqt6sql6-psql)"));
    m_port = freeLocalPort();
    if (m_port == 0)
        return failure(QStringLiteral("no free port on 127.0.0.1"));
    if (auto result = prepareDirectory(); !result)
        return result;
    if (auto result = initCluster(); !result)
        return result;
    if (auto result = launch(); !result)
        return result;
    return createRole();
}

Result<void> PostgresServer::restart()
{
    if (!m_dir)
        return failure(QStringLiteral("restart() before start()"));
    stop();
    return launch();
}

bool PostgresServer::isRunning() const
{
    return m_process && m_process->state() != QProcess::NotRunning;
}

void PostgresServer::stop()
{
    if (!m_process)
        return;
    if (m_process->state() != QProcess::NotRunning) {
        // SIGINT is PostgreSQL's fast shutdown: sessions are ended, the data written out.
        const auto pid = static_cast<pid_t>(m_process->processId());
        ::kill(pid, SIGINT);
        if (!m_process->waitForFinished(kStopTimeoutMs)) {
            ::kill(-pid, SIGKILL);
            m_process->waitForFinished(kStopTimeoutMs);
        }
    }
    m_process.reset();
}

Result<void> PostgresServer::prepareDirectory()
{
    // Not QTemporaryDir's default place alone: as root, the cluster's user must reach its
    // folders, so the directory and its parents must be world-searchable.
    m_dir = std::make_unique<QTemporaryDir>(QDir::tempPath() +
                                            QStringLiteral("/dmarc-postgres-XXXXXX"));
    if (!m_dir->isValid())
        return failure(QStringLiteral("cannot create a directory in ") + QDir::tempPath());
    const QString path = m_dir->path();
    QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner |
                                    QFile::ReadGroup | QFile::ExeGroup | QFile::ReadOther |
                                    QFile::ExeOther);
    if (runningAsRoot()) {
        const passwd *nobody = ::getpwnam("nobody");
        const group *nogroup = ::getgrnam("nogroup");
        if (!nobody || !nogroup)
            return failure(QStringLiteral("user nobody or group nogroup is missing"));
        m_uid = nobody->pw_uid;
        m_gid = nogroup->gr_gid;
        for (QString parent = QDir::tempPath(); !parent.isEmpty() && parent != QStringLiteral("/");
             parent = QFileInfo(parent).path()) {
            if (!(QFileInfo(parent).permissions() & QFile::ExeOther))
                return failure(parent + QStringLiteral(" is not world-searchable; the cluster's "
                                                       "user nobody cannot reach its files (set "
                                                       "TMPDIR elsewhere)"));
        }
    } else {
        m_uid = ::geteuid();
        m_gid = ::getegid();
    }
    QDir dir(path);
    for (const char *sub : {"data", "run"}) {
        const QString subPath = path + QLatin1Char('/') + QString::fromLatin1(sub);
        if (!dir.mkpath(subPath))
            return failure(QStringLiteral("cannot create ") + subPath);
        if (auto result = handOver(subPath, m_uid, m_gid); !result)
            return result;
    }
    QFile file(passwordFile());
    if (!file.open(QIODevice::WriteOnly) || file.write(password().toUtf8()) < 0)
        return failure(QStringLiteral("cannot write ") + file.fileName());
    file.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
    return {};
}

Result<void> PostgresServer::initCluster()
{
    // initdb takes seconds: the first server of a process keeps a copy of its fresh cluster,
    // and the later ones start from a copy of that.
    static std::unique_ptr<QTemporaryDir> pristine;
    const QString data = directory() + QStringLiteral("/data");
    if (pristine)
        return copyTree(pristine->path() + QStringLiteral("/data"), data);
    QProcess initdb;
    configureChild(initdb, directory(), m_uid, m_gid);
    initdb.start(serverProgram(QStringLiteral("initdb")),
                 {QStringLiteral("--pgdata=") + data,
                  QStringLiteral("--username=") + QLatin1String(kSuperuser),
                  QStringLiteral("--auth-local=trust"), QStringLiteral("--auth-host=scram-sha-256"),
                  QStringLiteral("--encoding=UTF8"), QStringLiteral("--locale=C"),
                  QStringLiteral("--no-sync"), QStringLiteral("--no-instructions")});
    if (!initdb.waitForStarted(kStartTimeoutMs))
        return failure(QStringLiteral("cannot run initdb (is postgresql-15 installed?): ") +
                       initdb.errorString());
    if (!initdb.waitForFinished(kStartTimeoutMs) || initdb.exitStatus() != QProcess::NormalExit ||
        initdb.exitCode() != 0)
        return failure(QStringLiteral("initdb failed:\n") + log());
    auto kept = std::make_unique<QTemporaryDir>(QDir::tempPath() +
                                                QStringLiteral("/dmarc-postgres-pristine-XXXXXX"));
    if (!kept->isValid())
        return failure(QStringLiteral("cannot create a directory in ") + QDir::tempPath());
    QFile::setPermissions(kept->path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    if (auto result = copyTree(data, kept->path() + QStringLiteral("/data")); !result)
        return result;
    pristine = std::move(kept);
    return {};
}

Result<void> PostgresServer::launch()
{
    m_process = std::make_unique<QProcess>();
    configureChild(*m_process, directory(), m_uid, m_gid);
    m_process->start(serverProgram(QStringLiteral("postgres")),
                     {QStringLiteral("-D"), directory() + QStringLiteral("/data"),
                      QStringLiteral("-c"), QStringLiteral("listen_addresses=") + host(),
                      QStringLiteral("-c"), QStringLiteral("port=%1").arg(m_port),
                      QStringLiteral("-c"),
                      QStringLiteral("unix_socket_directories=") + directory() +
                          QStringLiteral("/run"),
                      // A test's cluster is thrown away: nothing needs to reach the disk
                      // (a crash of PostgreSQL alone loses nothing without it either).
                      QStringLiteral("-c"), QStringLiteral("fsync=off")});
    if (!m_process->waitForStarted(kStartTimeoutMs))
        return failure(QStringLiteral("cannot run postgres: ") + m_process->errorString());
    // The readiness pg_ctl start waits for: postmaster.pid names this process and, on its
    // eighth line, says "ready" once the server accepts connections.
    const QString pidFile = directory() + QStringLiteral("/data/postmaster.pid");
    const QByteArray pid = QByteArray::number(m_process->processId());
    const QDeadlineTimer deadline(kStartTimeoutMs);
    for (;;) {
        QFile file(pidFile);
        if (file.open(QIODevice::ReadOnly)) {
            const QList<QByteArray> lines = file.readAll().split('\n');
            if (lines.size() > 7 && lines.at(0).trimmed() == pid &&
                lines.at(7).trimmed() == "ready")
                return {};
        }
        if (m_process->state() == QProcess::NotRunning || deadline.hasExpired()) {
            stop();
            return failure(QStringLiteral("did not become ready on port %1:\n").arg(m_port) +
                           log());
        }
        m_process->waitForFinished(10);
    }
}

Result<void> PostgresServer::createRole()
{
    if (auto result = executeAsSuperuser(
            QStringLiteral("CREATE ROLE %1 LOGIN PASSWORD '%2'").arg(userName(), password()));
        !result)
        return result;
    return createDatabase(databaseName());
}

Result<void> PostgresServer::createDatabase(const QString &name)
{
    return executeAsSuperuser(
        QStringLiteral("CREATE DATABASE \"%1\" OWNER %2").arg(name, userName()));
}

Result<void> PostgresServer::executeAsSuperuser(const QString &sql, const QString &database)
{
    const QString connectionName =
        QStringLiteral("dmarc-test-postgres-superuser-%1").arg(reinterpret_cast<quintptr>(this));
    Result<void> result;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), connectionName);
        db.setHostName(directory() + QStringLiteral("/run"));
        db.setPort(m_port);
        db.setDatabaseName(database.isEmpty() ? QStringLiteral("postgres") : database);
        db.setUserName(QLatin1String(kSuperuser));
        if (!db.open()) {
            result = failure(QStringLiteral("cannot connect as the superuser: ") +
                             db.lastError().text());
        } else {
            QSqlQuery query(db);
            if (!query.exec(sql))
                result = failure(sql + QStringLiteral(": ") + query.lastError().text());
        }
    }
    QSqlDatabase::removeDatabase(connectionName);
    return result;
}

} // namespace Dmarc::Test
