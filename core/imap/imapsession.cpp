#include "imapsession.h"

#include "common/logging.h"

#include <QFile>
#include <QSslCertificate>
#include <QSslCipher>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTimer>

namespace Dmarc::Imap {

namespace {

// The certificate a handshake refused: the server's own when it sent one, else the first one
// the errors name.
PeerCertificate describeRefused(const QList<QSslError> &errors, QSslCertificate certificate)
{
    PeerCertificate refused;
    for (const QSslError &error : errors) {
        if (certificate.isNull())
            certificate = error.certificate();
        if (!refused.problems.contains(error.errorString()))
            refused.problems.append(error.errorString());
    }
    for (const auto field : {QSslCertificate::CommonName, QSslCertificate::Organization}) {
        if (refused.issuer.isEmpty())
            refused.issuer = certificate.issuerInfo(field).join(QStringLiteral(", "));
    }
    refused.names = certificate.subjectInfo(QSslCertificate::CommonName);
    for (const QString &name : certificate.subjectAlternativeNames().values(QSsl::DnsEntry)) {
        if (!refused.names.contains(name))
            refused.names.append(name);
    }
    return refused;
}

// How a response shows in the wire trace: the first line, literals as their size only.
QByteArray traceLine(const ImapResponse &response)
{
    QByteArray line;
    switch (response.type) {
    case ImapResponse::Type::Continuation:
        return "+ " + response.text.left(200);
    case ImapResponse::Type::Tagged:
        line = response.tag + ' ' + response.name;
        break;
    case ImapResponse::Type::Untagged:
        line = "* " +
               (response.number ? QByteArray::number(*response.number) + ' ' : QByteArray()) +
               response.name;
        break;
    }
    if (response.code)
        line += " [" + response.code->name + ' ' + response.code->text.left(200) + ']';
    if (!response.text.isEmpty())
        line += ' ' + response.text.left(200);
    for (const FetchItem &item : response.fetch) {
        line += ' ' + item.name;
        if (item.value.type == ImapValue::Type::String)
            line += " {" + QByteArray::number(item.value.bytes.size()) + '}';
        else if (!item.value.isList())
            line += ' ' + item.value.bytes.left(40);
    }
    return line;
}

QByteArray saslEscape(QByteArray name)
{
    return name.replace('=', "=3D").replace(',', "=2C");
}

// A literal may be somewhat larger than the RFC822.SIZE the server announced (line endings).
ParserLimits limitsFor(const ImapSettings &settings)
{
    ParserLimits limits;
    limits.maxLiteralBytes = settings.maxMessageBytes + settings.maxMessageBytes / 8 + 64 * 1024;
    limits.maxResponseBytes = limits.maxLiteralBytes + 1024 * 1024;
    return limits;
}

// A step's deadline: this many silence timeouts, plus one second per this many bytes of literal
// data announced during it.
constexpr double kDeadlineTimeouts = 3;
constexpr qint64 kMinimumBytesPerSecond = 64 * 1024;

} // namespace

qint64 ImapSession::commandDeadlineMs(double timeoutSeconds, qint64 literalBytes)
{
    return qRound64(timeoutSeconds * kDeadlineTimeouts * 1000) +
           qMax<qint64>(0, literalBytes) * 1000 / kMinimumBytesPerSecond;
}

ImapSession::ImapSession(const ImapSettings &settings, QObject *parent)
    : QObject(parent)
    , m_settings(settings)
    , m_socket(new QSslSocket(this))
    , m_timer(new QTimer(this))
    , m_deadline(new QTimer(this))
    , m_parser(limitsFor(settings))
{
    // Read from the network in pieces of at most this much: the TLS layer keeps a buffer as
    // large as the largest piece for as long as the connection lasts (MBs after a batch that
    // arrived while the analysis kept the event loop busy).
    m_socket->setReadBufferSize(256 * 1024);
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, &ImapSession::onTimeout);
    m_deadline->setSingleShot(true);
    connect(m_deadline, &QTimer::timeout, this, &ImapSession::onDeadline);
    connect(m_socket, &QSslSocket::connected, this, &ImapSession::onConnected);
    connect(m_socket, &QSslSocket::encrypted, this, &ImapSession::onEncrypted);
    connect(m_socket, &QSslSocket::readyRead, this, &ImapSession::onReadyRead);
    connect(m_socket, &QSslSocket::errorOccurred, this, &ImapSession::onSocketError);
    connect(m_socket, &QSslSocket::disconnected, this, &ImapSession::onSocketError);
    connect(m_socket, &QSslSocket::sslErrors, this, [this](const QList<QSslError> &errors) {
        m_sslErrors = errors;
        m_refusedCertificate = describeRefused(errors, m_socket->peerCertificate());
    });
}

ImapSession::~ImapSession()
{
    m_state = State::Closed;
    m_socket->abort();
}

bool ImapSession::hasCapability(const QByteArray &capability) const
{
    return m_capabilities.contains(capability.toUpper());
}

Result<void> ImapSession::configureTls()
{
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    // upstream's tls_maximum_version: 771 caps at TLS 1.2; TLS 1.2 is always the minimum.
    tls.setProtocol(m_settings.tlsMaximumVersion == 771 ? QSsl::TlsV1_2 : QSsl::TlsV1_2OrLater);
    if (!m_settings.verifyCertificate)
        tls.setPeerVerifyMode(QSslSocket::VerifyNone);
    if (!m_settings.caFile.isEmpty()) {
        QFile file(m_settings.caFile);
        if (!file.open(QIODevice::ReadOnly))
            return Error{QStringLiteral("tls"), QStringLiteral("ca_file %1 cannot be read: %2")
                                                    .arg(m_settings.caFile, file.errorString())};
        const QList<QSslCertificate> cas = QSslCertificate::fromData(file.readAll(), QSsl::Pem);
        if (cas.isEmpty())
            return Error{
                QStringLiteral("tls"),
                QStringLiteral("ca_file %1 holds no PEM certificate").arg(m_settings.caFile)};
        tls.addCaCertificates(cas);
    }
    m_socket->setSslConfiguration(tls);
    m_socket->setPeerVerifyName(m_settings.tlsPeerName.isEmpty() ? m_settings.host
                                                                 : m_settings.tlsPeerName);
    return {};
}

void ImapSession::open(const QString &accessToken)
{
    m_accessToken = accessToken;
    if (auto configured = configureTls(); !configured) {
        m_state = State::Connecting;
        fail(configured.error().code, configured.error().message);
        return;
    }
    m_state = State::Connecting;
    restartTimer();
    qCDebug(lcImap).noquote() << "connecting to" << m_settings.host << m_settings.port;
    if (m_settings.security == ImapSettings::Security::ImplicitTls)
        m_socket->connectToHostEncrypted(m_settings.host, m_settings.port,
                                         m_socket->peerVerifyName());
    else
        m_socket->connectToHost(m_settings.host, m_settings.port);
}

void ImapSession::onConnected()
{
    if (m_state != State::Connecting)
        return;
    m_state = m_settings.security == ImapSettings::Security::ImplicitTls ? State::Encrypting
                                                                         : State::Greeting;
    restartTimer();
}

void ImapSession::onEncrypted()
{
    if (m_state != State::Encrypting)
        return;
    m_tls = true;
    qCDebug(lcImap).noquote() << "TLS established:" << m_socket->sessionCipher().name();
    if (m_settings.security == ImapSettings::Security::ImplicitTls) {
        m_state = State::Greeting;
        restartTimer();
        if (m_socket->bytesAvailable() > 0)
            onReadyRead();
    } else {
        requestCapabilities(); // after STARTTLS
    }
}

void ImapSession::onSocketError()
{
    if (m_state == State::Closed || m_state == State::Failed)
        return;
    if (m_state == State::LoggingOut) {
        finishClose();
        return;
    }
    if (m_socket->error() == QAbstractSocket::SslHandshakeFailedError) {
        QStringList reasons;
        for (const QSslError &error : std::as_const(m_sslErrors))
            reasons.append(error.errorString());
        // A refused certificate gets a code of its own: the account probe explains it.
        fail(m_sslErrors.isEmpty() ? QStringLiteral("tls") : QStringLiteral("certificate"),
             QStringLiteral("TLS handshake with %1 failed: %2")
                 .arg(m_settings.host,
                      reasons.isEmpty() ? m_socket->errorString() : reasons.join(u"; ")));
        return;
    }
    const QString reason = m_socket->state() == QAbstractSocket::UnconnectedState &&
                                   m_socket->error() == QAbstractSocket::RemoteHostClosedError
                               ? QStringLiteral("the server closed the connection")
                               : m_socket->errorString();
    const bool reached = m_state != State::Connecting;
    fail(reached ? QStringLiteral("connection") : QStringLiteral("unreachable"),
         QStringLiteral("%1:%2: %3 while %4")
             .arg(m_settings.host)
             .arg(m_settings.port)
             .arg(reason, describeState()));
}

void ImapSession::onTimeout()
{
    if (m_state == State::LoggingOut) {
        finishClose();
        return;
    }
    fail(QStringLiteral("timeout"), QStringLiteral("%1:%2: no response for %3 s while %4")
                                        .arg(m_settings.host)
                                        .arg(m_settings.port)
                                        .arg(m_settings.timeoutSeconds)
                                        .arg(describeState()));
}

void ImapSession::onDeadline()
{
    if (m_state == State::LoggingOut) {
        finishClose();
        return;
    }
    fail(QStringLiteral("timeout"),
         QStringLiteral("%1:%2: not done within %3 s while %4 (the server sends too slowly)")
             .arg(m_settings.host)
             .arg(m_settings.port)
             .arg(double(stepDeadlineMs()) / 1000)
             .arg(describeState()));
}

void ImapSession::restartTimer(bool progress)
{
    const bool waiting = m_state != State::Ready || (!m_pending.isEmpty() && !m_idling);
    if (!waiting || m_state == State::Closed || m_state == State::Failed) {
        m_timer->stop();
        m_deadline->stop();
        m_stepClock.invalidate();
        return;
    }
    m_timer->start(std::chrono::milliseconds(qint64(m_settings.timeoutSeconds * 1000)));
    if (progress || !m_stepClock.isValid()) {
        m_stepClock.start();
        m_stepLiteralsAnnounced = m_parser.literalBytesAnnounced();
    }
    m_deadline->start(
        std::chrono::milliseconds(qMax<qint64>(0, stepDeadlineMs() - m_stepClock.elapsed())));
}

qint64 ImapSession::stepDeadlineMs() const
{
    return commandDeadlineMs(m_settings.timeoutSeconds,
                             m_parser.literalBytesAnnounced() - m_stepLiteralsAnnounced);
}

QString ImapSession::describeState() const
{
    switch (m_state) {
    case State::Connecting:
        return QStringLiteral("connecting");
    case State::Encrypting:
        return QStringLiteral("in the TLS handshake");
    case State::Greeting:
        return QStringLiteral("waiting for the greeting");
    case State::Capability:
        return QStringLiteral("asking for capabilities");
    case State::StartTls:
        return QStringLiteral("starting TLS");
    case State::Authenticating:
        return QStringLiteral("logging in");
    case State::LoggingOut:
        return QStringLiteral("logging out");
    case State::Ready:
    case State::Closed:
    case State::Failed:
        break;
    }
    QStringList names;
    for (const Pending &pending : m_pending)
        names.append(QString::fromLatin1(pending.command.name));
    return names.isEmpty() ? QStringLiteral("idle")
                           : QStringLiteral("waiting for ") + names.join(u", ");
}

void ImapSession::onReadyRead()
{
    if (m_state == State::Encrypting)
        return; // read once the handshake is done
    const QByteArray data = m_socket->readAll();
    if (m_state == State::Closed || m_state == State::Failed)
        return;
    m_parser.feed(data);
    restartTimer(false);
    for (;;) {
        auto next = m_parser.next();
        if (!next) {
            fail(QStringLiteral("protocol"), next.error().message);
            return;
        }
        if (!next.value())
            return;
        const ImapResponse &response = *next.value();
        qCDebug(lcImapWire).noquote() << "S:" << QString::fromLatin1(traceLine(response));
        handle(response);
        if (m_state == State::Closed || m_state == State::Failed || m_state == State::Encrypting)
            return;
    }
}

void ImapSession::takeCapabilities(const QByteArray &text)
{
    m_capabilities.clear();
    for (const QByteArray &capability : text.simplified().split(' ')) {
        if (!capability.isEmpty())
            m_capabilities.insert(capability.toUpper());
    }
}

void ImapSession::handle(const ImapResponse &response)
{
    if (m_state == State::Greeting) {
        handleGreeting(response);
        return;
    }
    switch (response.type) {
    case ImapResponse::Type::Untagged:
        if (response.name == "BYE" && m_state != State::LoggingOut) {
            fail(QStringLiteral("server_bye"), QStringLiteral("the server ended the session: %1")
                                                   .arg(QString::fromUtf8(response.text)));
            return;
        }
        if (response.name == "CAPABILITY")
            takeCapabilities(response.text);
        Q_EMIT untagged(response);
        return;
    case ImapResponse::Type::Continuation:
        if (!m_writeQueue.isEmpty()) {
            Pending &head = m_pending[m_writeQueue.first()];
            if (head.partsWritten > 0 && head.partsWritten < head.command.parts.size()) {
                writePart(head);
                if (head.partsWritten == head.command.parts.size())
                    m_writeQueue.removeFirst();
                writeNext();
                return;
            }
        }
        if (!m_idleTag.isEmpty() && !m_idling && m_pending.contains(m_idleTag)) {
            m_idling = true;
            restartTimer();
            Q_EMIT idling();
            return;
        }
        for (auto it = m_pending.begin(); it != m_pending.end(); ++it) {
            if (it->command.sasl && it->partsWritten == it->command.parts.size()) {
                qCDebug(lcImapWire).noquote()
                    << "C:" << QString::fromLatin1(it->command.challengeReply);
                m_socket->write(it->command.challengeReply + "\r\n");
                return;
            }
        }
        fail(QStringLiteral("protocol"), QStringLiteral("unexpected continuation request"));
        return;
    case ImapResponse::Type::Tagged: {
        auto it = m_pending.find(response.tag);
        if (it == m_pending.end()) {
            fail(QStringLiteral("protocol"), QStringLiteral("response for unknown tag %1")
                                                 .arg(QString::fromLatin1(response.tag)));
            return;
        }
        const Completion done = std::move(it->done);
        m_pending.erase(it);
        m_writeQueue.removeOne(response.tag);
        if (response.tag == m_idleTag) {
            m_idleTag.clear();
            m_idling = false;
        }
        if (m_exclusiveTag == response.tag)
            m_exclusiveTag.clear();
        restartTimer();
        if (done)
            done(response);
        if (m_state != State::Closed && m_state != State::Failed)
            writeNext();
        return;
    }
    }
}

void ImapSession::handleGreeting(const ImapResponse &response)
{
    if (response.type == ImapResponse::Type::Untagged && response.name == "BYE") {
        fail(QStringLiteral("server_bye"), QStringLiteral("the server refused the connection: %1")
                                               .arg(QString::fromUtf8(response.text)));
        return;
    }
    if (response.type != ImapResponse::Type::Untagged ||
        (response.name != "OK" && response.name != "PREAUTH")) {
        fail(QStringLiteral("protocol"), QStringLiteral("unexpected greeting"));
        return;
    }
    m_authenticated = response.name == "PREAUTH";
    if (response.code && response.code->name == "CAPABILITY")
        takeCapabilities(response.code->text);
    if (m_capabilities.isEmpty())
        requestCapabilities();
    else
        afterCapabilities();
}

void ImapSession::requestCapabilities()
{
    m_state = State::Capability;
    m_capabilities.clear();
    send(command("CAPABILITY").build(), [this](const ImapResponse &tagged) {
        if (tagged.name != "OK") {
            fail(QStringLiteral("protocol"),
                 QStringLiteral("CAPABILITY failed: %1").arg(QString::fromUtf8(tagged.text)));
            return;
        }
        afterCapabilities();
    });
}

void ImapSession::afterCapabilities()
{
    if (m_settings.security == ImapSettings::Security::StartTls && !m_tls) {
        if (m_authenticated || !hasCapability("STARTTLS")) {
            fail(
                QStringLiteral("starttls_missing"),
                QStringLiteral("%1 does not offer STARTTLS; credentials are not sent in clear text")
                    .arg(m_settings.host));
            return;
        }
        startTls();
        return;
    }
    if (!m_authenticated) {
        authenticate();
        return;
    }
    m_state = State::Ready;
    restartTimer();
    qCInfo(lcImap).noquote() << "logged in to" << m_settings.host << "as" << m_settings.username;
    Q_EMIT ready();
}

void ImapSession::startTls()
{
    m_state = State::StartTls;
    send(command("STARTTLS").build(), [this](const ImapResponse &tagged) {
        if (tagged.name != "OK") {
            fail(QStringLiteral("tls"),
                 QStringLiteral("STARTTLS refused: %1").arg(QString::fromUtf8(tagged.text)));
            return;
        }
        // Anything the server sent after its OK came in clear text: refuse it (RFC 7817).
        if (m_parser.hasPartialResponse()) {
            fail(QStringLiteral("tls"), QStringLiteral("data injected before the TLS handshake"));
            return;
        }
        m_parser = ImapResponseParser(limitsFor(m_settings));
        m_state = State::Encrypting;
        restartTimer();
        m_socket->startClientEncryption();
    });
}

void ImapSession::authenticate()
{
    m_state = State::Authenticating;
    const QByteArray user = m_settings.username.toUtf8();
    const QByteArray token = m_accessToken.toUtf8();
    const bool saslIr = hasCapability("SASL-IR");
    QByteArray mechanism;
    QByteArray payload;
    QByteArray challengeReply;
    switch (m_settings.auth) {
    case ImapSettings::Auth::Login:
        if (hasCapability("LOGINDISABLED")) {
            fail(QStringLiteral("auth_unavailable"),
                 QStringLiteral("%1 does not allow LOGIN here (LOGINDISABLED)")
                     .arg(m_settings.host));
            return;
        }
        send(command("LOGIN").astring(user).secret(m_settings.password.toUtf8()).build(),
             [this](const ImapResponse &tagged) { onAuthenticated(tagged); });
        return;
    case ImapSettings::Auth::Plain:
        mechanism = "PLAIN";
        payload = '\0' + user + '\0' + m_settings.password.toUtf8();
        challengeReply = "*";
        break;
    case ImapSettings::Auth::XOAuth2:
        mechanism = "XOAUTH2";
        payload = "user=" + user +
                  "\x01"
                  "auth=Bearer " +
                  token + "\x01\x01";
        break;
    case ImapSettings::Auth::OAuthBearer:
        mechanism = "OAUTHBEARER";
        payload = "n,a=" + saslEscape(user) +
                  ",\x01"
                  "host=" +
                  m_settings.host.toUtf8() +
                  "\x01"
                  "port=" +
                  QByteArray::number(m_settings.port) +
                  "\x01"
                  "auth=Bearer " +
                  token + "\x01\x01";
        challengeReply = "AQ=="; // RFC 7628 3.2.3: a lone %x01 ends a failed exchange
        break;
    }
    if (!hasCapability("AUTH=" + mechanism)) {
        fail(QStringLiteral("auth_unavailable"),
             QStringLiteral("%1 does not offer AUTH=%2")
                 .arg(m_settings.host, QString::fromLatin1(mechanism)));
        return;
    }
    ImapCommandBuilder builder = command("AUTHENTICATE");
    builder.raw(mechanism).sasl(challengeReply);
    if (saslIr)
        builder.secret(payload.toBase64());
    else
        builder.secretLine(payload.toBase64());
    send(builder.build(), [this](const ImapResponse &tagged) { onAuthenticated(tagged); });
}

void ImapSession::onAuthenticated(const ImapResponse &tagged)
{
    if (tagged.name != "OK") {
        fail(QStringLiteral("auth_failed"),
             QStringLiteral("login to %1 as %2 failed: %3")
                 .arg(m_settings.host, m_settings.username, QString::fromUtf8(tagged.text)));
        return;
    }
    m_authenticated = true;
    // Capabilities change with login (Dovecot adds MOVE only now): take them again.
    if (tagged.code && tagged.code->name == "CAPABILITY") {
        takeCapabilities(tagged.code->text);
        afterCapabilities();
    } else {
        requestCapabilities();
    }
}

ImapCommandBuilder ImapSession::command(const QByteArray &name)
{
    const bool literalPlus = hasCapability("LITERAL+");
    return ImapCommandBuilder("a" + QByteArray::number(m_nextTag++), name, literalPlus);
}

void ImapSession::send(const ImapCommand &command, Completion done)
{
    const QByteArray tag = command.parts.first().left(command.parts.first().indexOf(' '));
    m_pending.insert(tag, Pending{command, std::move(done), 0});
    m_writeQueue.append(tag);
    restartTimer();
    writeNext();
}

void ImapSession::writeNext()
{
    while (!m_writeQueue.isEmpty() && m_exclusiveTag.isEmpty()) {
        const QByteArray tag = m_writeQueue.first();
        Pending &head = m_pending[tag];
        if (head.partsWritten > 0)
            return; // waiting for a continuation
        writePart(head);
        if (m_state == State::Failed || m_state == State::Closed)
            return;
        if (head.command.sasl || tag == m_idleTag || head.command.name == "STARTTLS")
            m_exclusiveTag = tag; // nothing else may go out until this one completes
        if (head.partsWritten < head.command.parts.size())
            return;
        m_writeQueue.removeFirst();
    }
}

void ImapSession::writePart(Pending &pending)
{
    const int index = pending.partsWritten++;
    qCDebug(lcImapWire).noquote()
        << "C:" << QString::fromUtf8(pending.command.traceParts.at(index)).trimmed();
    if (m_socket->write(pending.command.parts.at(index)) < 0)
        fail(QStringLiteral("connection"), m_socket->errorString());
}

void ImapSession::idle(Completion done)
{
    ImapCommand idleCommand = command("IDLE").build();
    m_idleTag = idleCommand.parts.first().left(idleCommand.parts.first().indexOf(' '));
    send(idleCommand, std::move(done));
}

void ImapSession::endIdle()
{
    if (!m_idling)
        return;
    m_idling = false;
    qCDebug(lcImapWire) << "C: DONE";
    m_socket->write("DONE\r\n");
    restartTimer();
}

void ImapSession::logout()
{
    if (m_state != State::Ready) {
        finishClose();
        return;
    }
    endIdle();
    m_state = State::LoggingOut;
    // Whatever is still running is abandoned: its completion must not start new work.
    for (Pending &pending : m_pending)
        pending.done = nullptr;
    send(command("LOGOUT").build(),
         [this](const ImapResponse &) { m_socket->disconnectFromHost(); });
    restartTimer();
}

void ImapSession::abort()
{
    m_state = State::Closed;
    m_timer->stop();
    m_deadline->stop();
    m_pending.clear();
    m_writeQueue.clear();
    m_socket->abort();
}

void ImapSession::finishClose()
{
    if (m_state == State::Closed)
        return;
    abort();
    Q_EMIT closed();
}

void ImapSession::fail(const QString &code, const QString &message)
{
    if (m_state == State::Closed || m_state == State::Failed)
        return;
    m_state = State::Failed;
    m_timer->stop();
    m_deadline->stop();
    m_pending.clear();
    m_writeQueue.clear();
    m_socket->abort();
    qCDebug(lcImap).noquote() << "session failed:" << message; // the owner reports it
    Q_EMIT failed(Error{code, message});
}

} // namespace Dmarc::Imap

#include "moc_imapsession.cpp"
