#include "dovecotserver.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QProcess>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QThread>

#include <atomic>
#include <grp.h>
#include <memory>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <vector>

namespace Dmarc::Test {

namespace {

constexpr int kStartTimeoutMs = 5000;
constexpr int kToolTimeoutMs = 10000;

bool runningAsRoot()
{
    return ::geteuid() == 0;
}

Error failure(const QString &message)
{
    return Error{QStringLiteral("dovecot"), QStringLiteral("test Dovecot: ") + message};
}

bool portIsFree(quint16 port)
{
    QTcpServer probe;
    return probe.listen(QHostAddress::LocalHost, port);
}

bool portAccepts(quint16 port)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    return socket.waitForConnected(200);
}

Result<void> runTool(const QString &program, const QStringList &arguments)
{
    QProcess process;
    process.start(program, arguments);
    if (!process.waitForFinished(kToolTimeoutMs) || process.exitStatus() != QProcess::NormalExit ||
        process.exitCode() != 0) {
        return failure(program + QStringLiteral(" failed: ") +
                       QString::fromLocal8Bit(process.readAllStandardError()).trimmed() +
                       process.errorString());
    }
    return {};
}

} // namespace

DovecotServer::DovecotServer() = default;

DovecotServer::~DovecotServer()
{
    stop();
}

QString DovecotServer::directory() const
{
    return m_dir ? m_dir->path() : QString();
}

QString DovecotServer::caCertificatePath() const
{
    return directory() + QStringLiteral("/ca.pem");
}

QList<QSslCertificate> DovecotServer::caCertificates() const
{
    return QSslCertificate::fromPath(caCertificatePath());
}

QSslConfiguration DovecotServer::clientTlsConfiguration() const
{
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setCaCertificates(caCertificates());
    configuration.setPeerVerifyMode(QSslSocket::VerifyPeer);
    return configuration;
}

QString DovecotServer::log() const
{
    QFile file(directory() + QStringLiteral("/dovecot.log"));
    if (!file.open(QIODevice::ReadOnly))
        return QString();
    return QString::fromUtf8(file.readAll());
}

Result<void> DovecotServer::start(const Options &options)
{
    if (isRunning())
        return failure(QStringLiteral("already running"));
    m_options = options;
    // Each port chosen is held until both are: one let go could be handed out again for the
    // other, and Dovecot refuses a configuration that listens twice on one port.
    std::vector<std::unique_ptr<QTcpServer>> held;
    for (quint16 *port : {&m_options.imapPort, &m_options.imapsPort}) {
        if (*port == 0) {
            held.push_back(std::make_unique<QTcpServer>());
            if (!held.back()->listen(QHostAddress::LocalHost, 0))
                return failure(QStringLiteral("no free port on 127.0.0.1"));
            *port = held.back()->serverPort();
        } else if (!portIsFree(*port)) {
            return failure(
                QStringLiteral("port %1 on 127.0.0.1 is busy; refusing to start").arg(*port));
        }
    }
    held.clear();
    if (auto result = prepareDirectory(); !result)
        return result;
    if (auto result = writeCertificates(); !result)
        return result;
    if (auto result = writeConfig(); !result)
        return result;
    return launch();
}

Result<void> DovecotServer::restart()
{
    if (!m_dir)
        return failure(QStringLiteral("restart() before start()"));
    stop();
    for (quint16 port : {m_options.imapPort, m_options.imapsPort}) {
        if (!portIsFree(port))
            return failure(
                QStringLiteral("port %1 on 127.0.0.1 is busy; refusing to start").arg(port));
    }
    return launch();
}

bool DovecotServer::isRunning() const
{
    return m_process && m_process->state() != QProcess::NotRunning;
}

void DovecotServer::stop()
{
    if (!m_process)
        return;
    if (m_process->state() != QProcess::NotRunning) {
        // The master runs in its own process group with every Dovecot process it started;
        // killing the group frees the ports at once (a graceful SIGTERM takes over a second).
        ::kill(-static_cast<pid_t>(m_process->processId()), SIGKILL);
        m_process->waitForFinished(kStartTimeoutMs);
        // The master is gone, but its children may still be exiting with the listening
        // sockets: return only once both ports are free again.
        const QDeadlineTimer deadline(kStartTimeoutMs);
        while (!(portIsFree(m_options.imapPort) && portIsFree(m_options.imapsPort)) &&
               !deadline.hasExpired())
            QThread::msleep(5);
    }
    m_process.reset();
}

void DovecotServer::setFrozen(bool frozen)
{
    if (m_process && m_process->state() != QProcess::NotRunning)
        ::kill(-static_cast<pid_t>(m_process->processId()), frozen ? SIGSTOP : SIGCONT);
}

Result<void> DovecotServer::prepareDirectory()
{
    if (m_dir)
        return {};
    // Not QTemporaryDir's default place alone: as root, Dovecot's unprivileged processes must be
    // able to reach the directory, so every parent must be world-searchable.
    m_dir =
        std::make_unique<QTemporaryDir>(QDir::tempPath() + QStringLiteral("/dmarc-dovecot-XXXXXX"));
    if (!m_dir->isValid())
        return failure(QStringLiteral("cannot create a directory in ") + QDir::tempPath());
    const QString path = m_dir->path();
    QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner |
                                    QFile::ReadGroup | QFile::ExeGroup | QFile::ReadOther |
                                    QFile::ExeOther);
    QDir dir(path);
    for (const char *sub : {"run", "state", "mail"}) {
        if (!dir.mkpath(QString::fromLatin1(sub)))
            return failure(QStringLiteral("cannot create ") + path + QLatin1Char('/') +
                           QString::fromLatin1(sub));
    }
    QFile::setPermissions(path + QStringLiteral("/run"), QFile::ReadOwner | QFile::WriteOwner |
                                                             QFile::ExeOwner | QFile::ReadGroup |
                                                             QFile::ExeGroup | QFile::ReadOther |
                                                             QFile::ExeOther);
    if (runningAsRoot()) {
        const passwd *nobody = ::getpwnam("nobody");
        const group *nogroup = ::getgrnam("nogroup");
        if (!nobody || !nogroup)
            return failure(QStringLiteral("user nobody or group nogroup is missing"));
        const QByteArray mail = QFile::encodeName(path + QStringLiteral("/mail"));
        if (::chown(mail.constData(), nobody->pw_uid, nogroup->gr_gid) != 0)
            return failure(QStringLiteral("cannot hand the mail directory to nobody"));
        // Dovecot's auth process (user dovecot) must read the users file through every parent.
        for (QString parent = QDir::tempPath(); !parent.isEmpty() && parent != QStringLiteral("/");
             parent = QFileInfo(parent).path()) {
            if (!(QFileInfo(parent).permissions() & QFile::ExeOther))
                return failure(parent + QStringLiteral(" is not world-searchable; Dovecot's "
                                                       "unprivileged processes cannot reach "
                                                       "its files (set TMPDIR elsewhere)"));
        }
    }
    QFile users(path + QStringLiteral("/users"));
    if (!users.open(QIODevice::WriteOnly))
        return failure(QStringLiteral("cannot write ") + users.fileName());
    users.write(userName().toUtf8() + ":{PLAIN}" + password().toUtf8() + "::::::\n");
    return {};
}

Result<void> DovecotServer::writeCertificates()
{
    const QString dir = directory();
    if (QFile::exists(dir + QStringLiteral("/server.pem")))
        return {};
    const QString openssl = QStringLiteral("openssl");
    const QStringList ecKey = {
        QStringLiteral("-newkey"), QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
        QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes")};
    // A throwaway CA...
    if (auto result = runTool(
            openssl, QStringList{QStringLiteral("req"), QStringLiteral("-x509")} + ecKey +
                         QStringList{QStringLiteral("-days"), QStringLiteral("2"),
                                     QStringLiteral("-subj"), QStringLiteral("/CN=dmarc test CA"),
                                     QStringLiteral("-keyout"), dir + QStringLiteral("/ca-key.pem"),
                                     QStringLiteral("-out"), caCertificatePath()});
        !result) {
        return result;
    }
    // ... and a server certificate for localhost and 127.0.0.1 signed by it.
    if (auto result = runTool(
            openssl,
            QStringList{QStringLiteral("req")} + ecKey +
                QStringList{QStringLiteral("-subj"), QStringLiteral("/CN=localhost"),
                            QStringLiteral("-keyout"), dir + QStringLiteral("/server-key.pem"),
                            QStringLiteral("-out"), dir + QStringLiteral("/server.csr")});
        !result) {
        return result;
    }
    QFile extensions(dir + QStringLiteral("/server.ext"));
    if (!extensions.open(QIODevice::WriteOnly))
        return failure(QStringLiteral("cannot write ") + extensions.fileName());
    extensions.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                     "extendedKeyUsage=serverAuth\n");
    extensions.close();
    return runTool(openssl,
                   {QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-days"),
                    QStringLiteral("2"), QStringLiteral("-in"), dir + QStringLiteral("/server.csr"),
                    QStringLiteral("-CA"), caCertificatePath(), QStringLiteral("-CAkey"),
                    dir + QStringLiteral("/ca-key.pem"), QStringLiteral("-CAcreateserial"),
                    QStringLiteral("-extfile"), extensions.fileName(), QStringLiteral("-out"),
                    dir + QStringLiteral("/server.pem")});
}

Result<void> DovecotServer::writeConfig()
{
    static std::atomic<int> instances{0};
    const QString dir = directory();
    QString internalUser, internalGroup, loginUser, mailUser, mailGroup;
    if (runningAsRoot()) {
        // Dovecot refuses to run login processes or to touch mail as root.
        internalUser = internalGroup = QStringLiteral("dovecot");
        loginUser = QStringLiteral("dovenull");
        mailUser = QStringLiteral("nobody");
        mailGroup = QStringLiteral("nogroup");
    } else {
        const passwd *self = ::getpwuid(::geteuid());
        const group *selfGroup = ::getgrgid(::getegid());
        if (!self || !selfGroup)
            return failure(QStringLiteral("cannot look up the current user"));
        internalUser = loginUser = mailUser = QString::fromLocal8Bit(self->pw_name);
        internalGroup = mailGroup = QString::fromLocal8Bit(selfGroup->gr_name);
    }
    QString config =
        QStringLiteral(R"(# Private Dovecot for one test: loopback only, no system auth.
instance_name = dmarc-test-%1-%2
base_dir = %3/run
state_dir = %3/state
protocols = imap
listen = 127.0.0.1
log_path = %3/dovecot.log
default_internal_user = %4
default_internal_group = %5
default_login_user = %6
ssl = yes
ssl_min_protocol = TLSv1.2
ssl_cert = <%3/server.pem
ssl_key = <%3/server-key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
mail_location = maildir:~/Maildir
namespace inbox {
  inbox = yes
  separator = /
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u %3/users
}
userdb {
  driver = static
  args = uid=%7 gid=%8 home=%3/mail/%u
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = %9
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = %10
    ssl = yes
  }
}
# No login penalty after a failed login (tests fail logins on purpose).
service anvil {
  chroot =
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
)")
            .arg(::getpid())
            .arg(instances++)
            .arg(dir, internalUser, internalGroup, loginUser, mailUser, mailGroup)
            .arg(m_options.imapPort)
            .arg(m_options.imapsPort);
    // "%u" above is Dovecot's variable, not ours: QString::arg leaves it alone because only
    // the lowest-numbered markers are replaced.
    config += m_options.extraConfig + QLatin1Char('\n');
    QFile file(dir + QStringLiteral("/dovecot.conf"));
    if (!file.open(QIODevice::WriteOnly))
        return failure(QStringLiteral("cannot write ") + file.fileName());
    file.write(config.toUtf8());
    QFile::setPermissions(dir + QStringLiteral("/server-key.pem"),
                          QFile::ReadOwner | QFile::WriteOwner);
    return {};
}

Result<void> DovecotServer::launch()
{
    m_process = std::make_unique<QProcess>();
    m_process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    m_process->setChildProcessModifier([] {
        // Own process group, so stop() reaches every Dovecot process; and the master goes
        // when the test process dies.
        ::setpgid(0, 0);
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    });
    m_process->start(QStringLiteral("dovecot"), {QStringLiteral("-F"), QStringLiteral("-c"),
                                                 directory() + QStringLiteral("/dovecot.conf")});
    if (!m_process->waitForStarted(kStartTimeoutMs))
        return failure(QStringLiteral("cannot run dovecot (is dovecot-imapd installed?): ") +
                       m_process->errorString());
    const QDeadlineTimer deadline(kStartTimeoutMs);
    for (quint16 port : {m_options.imapPort, m_options.imapsPort}) {
        // A readiness probe: Dovecot has no "ready" notification in foreground mode.
        while (!portAccepts(port)) {
            if (m_process->state() == QProcess::NotRunning || deadline.hasExpired()) {
                const QString why = log();
                stop();
                return failure(QStringLiteral("did not start listening on port %1:\n").arg(port) +
                               why);
            }
            m_process->waitForFinished(10);
        }
    }
    if (m_process->state() == QProcess::NotRunning) {
        // A leftover server on the same port would have answered the probe.
        return failure(QStringLiteral("exited right after start:\n") + log());
    }
    return {};
}

Result<QByteArray> DovecotServer::doveadm(const QStringList &arguments,
                                          const QByteArray &input) const
{
    QProcess process;
    process.start(QStringLiteral("doveadm"),
                  QStringList{QStringLiteral("-c"), directory() + QStringLiteral("/dovecot.conf")} +
                      arguments);
    if (!process.waitForStarted(kToolTimeoutMs))
        return failure(QStringLiteral("cannot run doveadm: ") + process.errorString());
    process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(kToolTimeoutMs) || process.exitStatus() != QProcess::NormalExit ||
        process.exitCode() != 0) {
        return failure(QStringLiteral("doveadm ") + arguments.join(QLatin1Char(' ')) +
                       QStringLiteral(" failed: ") +
                       QString::fromLocal8Bit(process.readAllStandardError()).trimmed());
    }
    return process.readAllStandardOutput();
}

Result<void> DovecotServer::deliver(const QString &mailbox, const QByteArray &message)
{
    auto result = doveadm(
        {QStringLiteral("save"), QStringLiteral("-u"), userName(), QStringLiteral("-m"), mailbox},
        message);
    if (!result)
        return result.error();
    return {};
}

Result<void> DovecotServer::deliverToInbox(const QList<QByteArray> &messages)
{
    return deliverMany(QStringLiteral("INBOX"), messages);
}

Result<void> DovecotServer::deliverMany(const QString &mailbox, const QList<QByteArray> &messages)
{
    // Let Dovecot create the maildir with the right owner first.
    if (messageCount(mailbox) < 0) {
        if (auto created = createMailbox(mailbox); !created)
            return created;
    }
    if (messageCount(mailbox) < 0)
        return failure(QStringLiteral("cannot open ") + mailbox);
    // Maildir++: INBOX is the maildir itself, another folder the subdirectory "." + its name.
    QString maildir = directory() + QLatin1Char('/') + QStringLiteral("mail/") + userName() +
                      QStringLiteral("/Maildir");
    if (mailbox != QLatin1String("INBOX"))
        maildir += QStringLiteral("/.") + mailbox;
    QFileInfo owner(maildir);
    // Names never used before in this process, also when a later delivery holds emails of the
    // same sizes.
    static int deliveries = 0;
    ++deliveries;
    for (int i = 0; i < messages.size(); ++i) {
        // As Dovecot's own delivery names them: the size in the name spares a read per message.
        const QString name = QStringLiteral("%1.M%2Q%5P%3.dmarc-test,S=%4")
                                 .arg(i + 1)
                                 .arg(i)
                                 .arg(::getpid())
                                 .arg(messages.at(i).size())
                                 .arg(deliveries);
        QFile file(maildir + QStringLiteral("/tmp/") + name);
        if (!file.open(QIODevice::WriteOnly) || file.write(messages.at(i)) != messages.at(i).size())
            return failure(QStringLiteral("cannot write ") + file.fileName());
        file.close();
        const QByteArray path = QFile::encodeName(file.fileName());
        if (runningAsRoot() && ::chown(path.constData(), owner.ownerId(), owner.groupId()) != 0)
            return failure(QStringLiteral("cannot hand ") + file.fileName() +
                           QStringLiteral(" to the mail user"));
        // Maildir delivery: written in tmp/, then renamed into new/.
        if (!QFile::rename(file.fileName(), maildir + QStringLiteral("/new/") + name))
            return failure(QStringLiteral("cannot move ") + file.fileName() +
                           QStringLiteral(" into new/"));
    }
    return {};
}

Result<void> DovecotServer::createMailbox(const QString &mailbox)
{
    auto result = doveadm({QStringLiteral("mailbox"), QStringLiteral("create"),
                           QStringLiteral("-u"), userName(), mailbox});
    if (!result)
        return result.error();
    return {};
}

int DovecotServer::messageCount(const QString &mailbox) const
{
    auto result = doveadm({QStringLiteral("-f"), QStringLiteral("flow"), QStringLiteral("mailbox"),
                           QStringLiteral("status"), QStringLiteral("-u"), userName(),
                           QStringLiteral("messages"), mailbox});
    if (!result)
        return -1;
    // "messages=N"
    const QByteArray text = result->trimmed();
    const int equals = text.lastIndexOf('=');
    bool ok = false;
    const int count = text.mid(equals + 1).toInt(&ok);
    return ok ? count : -1;
}

QStringList DovecotServer::mailboxes() const
{
    auto result = doveadm(
        {QStringLiteral("mailbox"), QStringLiteral("list"), QStringLiteral("-u"), userName()});
    if (!result)
        return {};
    QStringList names;
    for (const QByteArray &line : result->split('\n')) {
        if (!line.trimmed().isEmpty())
            names << QString::fromUtf8(line.trimmed());
    }
    return names;
}

} // namespace Dmarc::Test
