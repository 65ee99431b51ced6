#pragma once

#include <QString>
#include <QtGlobal>

namespace Dmarc {

// Where an OAuth2 access token comes from. Exactly one source is used, in this order:
// tokenCommand, tokenFile, then the refresh-token grant (tokenUrl + clientId + refreshToken).
struct OAuth2Settings
{
    QString tokenCommand; // run without a shell (split like a command line); stdout is the token
    QString tokenFile;    // the file's content (trimmed) is the token; read again on each login
    QString tokenUrl;     // refresh-token grant endpoint (RFC 6749 section 6)
    QString clientId;
    QString clientSecret; // optional
    QString refreshToken;
    QString scope; // optional

    bool isConfigured() const
    {
        return !tokenCommand.isEmpty() || !tokenFile.isEmpty() || !tokenUrl.isEmpty();
    }
};

// One IMAP account and what to do with its mail. Defaults follow the upstream config.
struct ImapSettings
{
    enum class Security
    {
        ImplicitTls, // TLS from the first byte (use_ssl, port 993)
        StartTls,    // plain connect, then STARTTLS; credentials are never sent without it
        Plain        // no TLS at all: only when configured explicitly
    };
    enum class Auth
    {
        Login,      // LOGIN user password
        Plain,      // AUTHENTICATE PLAIN, with SASL-IR when offered
        XOAuth2,    // AUTHENTICATE XOAUTH2 (Gmail, Microsoft 365)
        OAuthBearer // AUTHENTICATE OAUTHBEARER (RFC 7628)
    };

    // The port a security mode uses unless one is configured: 993 with TLS from the first byte
    // (RFC 8314), 143 otherwise.
    static constexpr quint16 defaultPort(Security security)
    {
        return security == Security::ImplicitTls ? 993 : 143;
    }

    QString accountName; // for logs and status; the username when empty
    QString host = QStringLiteral("localhost");
    Security security = Security::ImplicitTls;
    quint16 port = defaultPort(security);
    bool verifyCertificate = true;
    QString caFile;             // PEM file with extra trusted CA certificates (a private CA)
    QString tlsPeerName;        // name the certificate must carry; the host when empty
    int tlsMaximumVersion = -1; // upstream's int: 771 = TLS 1.2, 772 = TLS 1.3, -1 = newest

    Auth auth = Auth::Login;
    QString username;
    QString password;
    OAuth2Settings oauth2;

    QString inboxFolder = QStringLiteral("INBOX");
    QString doneFolder = QStringLiteral("Archive");
    QString errorFolder = QStringLiteral("Invalid");

    bool idle = true;                // use IDLE when the server offers it
    double pollIntervalSeconds = 60; // without IDLE: pause between the end of one poll and the next
    double timeoutSeconds = 60;      // longest silence from the server while a step is pending
    double idleRenewSeconds = 25 * 60; // RFC 2177: re-issue IDLE before 29 minutes
    double reconnectMinSeconds = 1;    // first reconnect delay, doubled after each failure
    double reconnectMaxSeconds = 300;  // cap of the reconnect delay
    qint64 maxBatchBytes = qint64(32) * 1024 * 1024;   // emails fetched per batch, by RFC822.SIZE
    qint64 maxMessageBytes = qint64(64) * 1024 * 1024; // larger emails are not downloaded

    QString displayName() const { return accountName.isEmpty() ? username : accountName; }
};

// XOAUTH2 and OAUTHBEARER log in with an OAuth2 access token instead of a password.
constexpr bool isOAuth2(ImapSettings::Auth auth)
{
    return auth == ImapSettings::Auth::XOAuth2 || auth == ImapSettings::Auth::OAuthBearer;
}

} // namespace Dmarc
