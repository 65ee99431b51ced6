#include "sessionopener.h"

#include "common/logging.h"
#include "imap/imapsession.h"
#include "imap/oauth2tokensource.h"

#include <utility>

namespace Dmarc::Imap {

SessionOpener::SessionOpener(const ImapSettings &settings, QObject *parent)
    : QObject(parent)
    , m_settings(settings)
{
    if (!isOAuth2(m_settings.auth))
        return;
    m_tokens = new OAuth2TokenSource(m_settings.oauth2, m_settings.timeoutSeconds, this);
    connect(m_tokens, &OAuth2TokenSource::finished, this, [this](const Result<QString> &token) {
        if (token)
            openSession(token.value());
        else
            onFailed(token.error());
    });
}

SessionOpener::~SessionOpener()
{
    dropSession();
}

void SessionOpener::start()
{
    if (m_tokens)
        m_tokens->request(false);
    else
        openSession(QString());
}

void SessionOpener::cancel()
{
    if (m_tokens)
        m_tokens->cancel();
    dropSession();
}

void SessionOpener::openSession(const QString &accessToken)
{
    dropSession();
    m_session = new ImapSession(m_settings, this);
    connect(m_session, &ImapSession::ready, this, &SessionOpener::onReady);
    connect(m_session, &ImapSession::failed, this, &SessionOpener::onFailed);
    m_session->open(accessToken);
}

void SessionOpener::onReady()
{
    m_tokenRefreshed = false;
    ImapSession *session = std::exchange(m_session, nullptr);
    disconnect(session, nullptr, this, nullptr);
    Q_EMIT finished(session);
}

void SessionOpener::onFailed(const Error &error)
{
    m_refusedCertificate = m_session ? m_session->refusedCertificate() : std::nullopt;
    dropSession();
    // A refused OAuth2 token may just have expired early: refresh it once and retry at once.
    if (error.code == QLatin1String("auth_failed") && m_tokens && !m_tokenRefreshed) {
        m_tokenRefreshed = true;
        qCInfo(lcImap).noquote() << m_settings.displayName() + u':'
                                 << "token refused, fetching a new one";
        m_tokens->request(true);
        return;
    }
    Q_EMIT finished(error);
}

void SessionOpener::dropSession()
{
    if (m_session)
        std::exchange(m_session, nullptr)->discard();
}

} // namespace Dmarc::Imap

#include "moc_sessionopener.cpp"
