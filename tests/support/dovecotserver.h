#pragma once

#include "common/result.h"

#include <QByteArray>
#include <QList>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QString>
#include <QStringList>

#include <memory>

class QProcess;
class QTemporaryDir;

namespace Dmarc::Test {

// A private Dovecot IMAP server for one test: its own directory, throwaway CA and server
// certificate, one user, maildir storage, '/' as hierarchy separator, and two listeners on
// 127.0.0.1 (plain+STARTTLS and implicit TLS) on free ports. Works as root (Dovecot's own
// system users serve the login and mail processes) and as a normal user. The destructor always
// stops the server.
class DovecotServer
{
public:
    struct Options
    {
        quint16 imapPort = 0;  // 0: pick a free port
        quint16 imapsPort = 0; // 0: pick a free port
        // Extra dovecot.conf lines, e.g. "imap_capability = IMAP4rev1 IDLE" to hide MOVE.
        QString extraConfig;
    };

    DovecotServer();
    ~DovecotServer();
    DovecotServer(const DovecotServer &) = delete;
    DovecotServer &operator=(const DovecotServer &) = delete;

    // Starts the server and returns once both ports accept connections.
    Result<void> start(const Options &options);
    Result<void> start() { return start(Options{}); }
    // Stops the server immediately (the whole process group), keeping its mail and ports.
    void stop();
    // Starts it again on the same ports with the same mail, e.g. after stop().
    Result<void> restart();
    // Halts every Dovecot process where it stands (SIGSTOP to the process group) or lets them go
    // on (SIGCONT): connections stay open and unanswered, as with a server that hangs. The
    // mailbox access below waits for the server meanwhile.
    void setFrozen(bool frozen);
    bool isRunning() const;

    QString host() const { return QStringLiteral("127.0.0.1"); }
    // The name the server certificate is issued to.
    QString tlsPeerName() const { return QStringLiteral("localhost"); }
    quint16 imapPort() const { return m_options.imapPort; }
    quint16 imapsPort() const { return m_options.imapsPort; }
    QString userName() const { return QStringLiteral("testuser"); }
    QString password() const { return QStringLiteral("testpass"); }
    QString directory() const;
    QString caCertificatePath() const;
    QList<QSslCertificate> caCertificates() const;
    // A client TLS configuration that trusts only the test CA.
    QSslConfiguration clientTlsConfiguration() const;
    QString log() const;

    // Mailbox access behind the client's back, through doveadm.
    Result<void> deliver(const QString &mailbox, const QByteArray &message);
    // Many messages into INBOX at once, written straight into its maildir (fast).
    Result<void> deliverToInbox(const QList<QByteArray> &messages);
    // The same into `mailbox`, a folder at the top level, created if missing.
    Result<void> deliverMany(const QString &mailbox, const QList<QByteArray> &messages);
    Result<void> createMailbox(const QString &mailbox);
    // -1 when the mailbox does not exist.
    int messageCount(const QString &mailbox) const;
    QStringList mailboxes() const;

private:
    Result<void> prepareDirectory();
    Result<void> writeCertificates();
    Result<void> writeConfig();
    Result<void> launch();
    Result<QByteArray> doveadm(const QStringList &arguments,
                               const QByteArray &input = QByteArray()) const;

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QProcess> m_process;
    Options m_options;
};

} // namespace Dmarc::Test
