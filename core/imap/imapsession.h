#pragma once

#include "common/result.h"
#include "imap/imapcommand.h"
#include "imap/imapparser.h"
#include "imap/imapsettings.h"

#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QObject>
#include <QSet>
#include <QSslError>
#include <QStringList>

#include <functional>
#include <memory>
#include <optional>

class QSslSocket;
class QTimer;

namespace Dmarc::Imap {

// The server certificate a TLS handshake refused, in words for a person: who issued it, the
// names it is for, and why it was refused.
struct PeerCertificate
{
    QString issuer;       // the issuer's common name, else its organisation
    QStringList names;    // the subject's common name and DNS names
    QStringList problems; // one sentence each
};

// One IMAP connection: TCP/TLS, greeting, STARTTLS, CAPABILITY, authentication, then commands
// (pipelined in the order given) until logout. Never blocks; every wait runs under the
// inactivity timeout and under a deadline for the step as a whole (commandDeadlineMs()), which a
// server sending a byte now and then cannot push back. Any failure (network, TLS, timeout,
// deadline, BYE, unparsable data) ends the session: failed() is emitted once and no completion
// is called after it.
class ImapSession : public QObject
{
    Q_OBJECT
public:
    using Completion = std::function<void(const ImapResponse &tagged)>;

    explicit ImapSession(const ImapSettings &settings, QObject *parent = nullptr);
    ~ImapSession() override;

    // The longest one step (connecting, the TLS handshake, the greeting, or one command until its
    // tagged response) may take, however steadily the server sends: three times
    // `timeoutSeconds`, plus one second per 64 KiB of literal data the server announced during
    // the step, so that a large FETCH gets the time a slow line needs (docs/architecture.md 2).
    static qint64 commandDeadlineMs(double timeoutSeconds, qint64 literalBytes);

    // Connects and logs in; `accessToken` is used by the OAuth2 mechanisms.
    void open(const QString &accessToken = QString());
    bool isReady() const { return m_state == State::Ready; }
    bool hasCapability(const QByteArray &capability) const;
    // After failed() with the code "certificate": the certificate that was refused.
    const std::optional<PeerCertificate> &refusedCertificate() const
    {
        return m_refusedCertificate;
    }
    QSet<QByteArray> capabilities() const { return m_capabilities; }

    // A builder with the next tag; pass the result to send().
    ImapCommandBuilder command(const QByteArray &name);
    // Sends a command; `done` gets its tagged response (OK, NO or BAD).
    void send(const ImapCommand &command, Completion done);
    // IDLE: idling() once the server accepted it, then untagged() as mail arrives; endIdle()
    // sends DONE and `done` is called with the tagged response.
    void idle(Completion done);
    void endIdle();
    bool isIdling() const { return m_idling; }
    // LOGOUT (bounded by the timeout), then closes; closed() follows in any case.
    void logout();
    // Closes at once without a word to the server; no signal follows.
    void abort();
    // abort(), then deleted once control returns to the event loop (it may be signalling now);
    // nothing it still signals reaches anyone.
    void discard()
    {
        disconnect();
        abort();
        deleteLater();
    }

Q_SIGNALS:
    void ready();
    void untagged(const Dmarc::Imap::ImapResponse &response);
    void idling();
    void failed(const Dmarc::Error &error);
    void closed();

private:
    enum class State
    {
        Closed,
        Connecting,
        Encrypting,
        Greeting,
        Capability,
        StartTls,
        Authenticating,
        Ready,
        LoggingOut,
        Failed
    };
    struct Pending
    {
        ImapCommand command;
        Completion done;
        int partsWritten = 0;
    };

    Result<void> configureTls();
    void onConnected();
    void onEncrypted();
    void onReadyRead();
    void onSocketError();
    void onTimeout();
    void onDeadline();
    void handle(const ImapResponse &response);
    void handleGreeting(const ImapResponse &response);
    void requestCapabilities();
    void afterCapabilities();
    void startTls();
    void authenticate();
    void onAuthenticated(const ImapResponse &tagged);
    void takeCapabilities(const QByteArray &text);
    void writeNext();
    void writePart(Pending &pending);
    void fail(const QString &code, const QString &message);
    void finishClose();
    // Restarts the silence timeout; `progress` (a step begins or ends) restarts the step's
    // deadline as well, which bytes alone never do.
    void restartTimer(bool progress = true);
    qint64 stepDeadlineMs() const;
    QString describeState() const;

    ImapSettings m_settings;
    QString m_accessToken;
    QSslSocket *m_socket;
    QTimer *m_timer;
    QTimer *m_deadline;
    QElapsedTimer m_stepClock;          // since the step began; invalid while nothing is awaited
    qint64 m_stepLiteralsAnnounced = 0; // the parser's count when the step began
    ImapResponseParser m_parser;
    State m_state = State::Closed;
    QSet<QByteArray> m_capabilities;
    bool m_authenticated = false;
    bool m_tls = false;
    int m_nextTag = 0;
    QHash<QByteArray, Pending> m_pending;
    QList<QByteArray> m_writeQueue; // tags not yet completely written, in order
    QByteArray m_idleTag;
    QByteArray m_exclusiveTag; // a written command that must complete before the next is written
    bool m_idling = false;
    QList<QSslError> m_sslErrors;
    std::optional<PeerCertificate> m_refusedCertificate;
};

} // namespace Dmarc::Imap
