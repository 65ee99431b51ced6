#pragma once

#include "common/result.h"
#include "imap/imapsession.h"
#include "imap/imapsettings.h"

#include <QObject>

#include <optional>

namespace Dmarc {

class OAuth2TokenSource;

namespace Imap {

// Opens logged-in sessions for one account: with XOAUTH2 or OAUTHBEARER it gets an access token
// first (kept by its token source between sessions), and when the server refuses a token it
// fetches a fresh one once and tries again, since a token may expire early. The watcher opens
// every session through one; the account probe opens its one session the same way.
class SessionOpener : public QObject
{
    Q_OBJECT
public:
    explicit SessionOpener(const ImapSettings &settings, QObject *parent = nullptr);
    ~SessionOpener() override;

    // Connects and logs in; finished() follows once, unless cancel() comes first.
    void start();
    // Drops what start() began; no signal follows.
    void cancel();
    // After finished() with the error code "certificate": the certificate that was refused.
    const std::optional<PeerCertificate> &refusedCertificate() const
    {
        return m_refusedCertificate;
    }

Q_SIGNALS:
    // The logged-in session, for the receiver to take over (setParent()), or what went wrong.
    void finished(const Dmarc::Result<Dmarc::Imap::ImapSession *> &session);

private:
    void openSession(const QString &accessToken);
    void onReady();
    void onFailed(const Error &error);
    void dropSession();

    ImapSettings m_settings;
    OAuth2TokenSource *m_tokens = nullptr;
    ImapSession *m_session = nullptr;
    bool m_tokenRefreshed = false; // one forced token refresh per authentication failure
    std::optional<PeerCertificate> m_refusedCertificate;
};

} // namespace Imap
} // namespace Dmarc
