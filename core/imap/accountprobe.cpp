#include "accountprobe.h"

#include "imap/imapsession.h"
#include "imap/listjob.h"
#include "imap/sessionopener.h"

#include <QHash>

#include <utility>

namespace Dmarc {

using Imap::ImapSession;

AccountProbe::AccountProbe(ImapSettings settings, QObject *parent)
    : QObject(parent)
    , m_settings(std::move(settings))
    , m_opener(new Imap::SessionOpener(m_settings, this))
{
    connect(m_opener, &Imap::SessionOpener::finished, this, &AccountProbe::onOpened);
}

void AccountProbe::start()
{
    m_opener->start();
}

void AccountProbe::onOpened(const Result<ImapSession *> &session)
{
    if (!session) {
        finish(explained(session.error()));
        return;
    }
    m_session = session.value();
    m_session->setParent(this);
    // A failure while logging out does not spoil folders already listed.
    connect(m_session, &ImapSession::failed, this, [this](const Error &error) {
        finish(m_listed ? *m_listed : Result<QStringList>(explained(error)));
    });
    connect(m_session, &ImapSession::closed, this, [this]() { finish(*m_listed); });
    auto *list = new Imap::ListJob(m_session, this);
    connect(list, &Imap::ListJob::finished, this, &AccountProbe::onListed);
    list->start();
}

void AccountProbe::onListed(const Result<Imap::FolderList> &folders)
{
    if (folders)
        m_listed = Result<QStringList>(folders->names);
    else
        m_listed = Result<QStringList>(explained(folders.error()));
    m_session->logout(); // closed() follows
}

void AccountProbe::finish(const Result<QStringList> &result)
{
    if (m_session)
        disconnect(m_session, nullptr, this, nullptr);
    Q_EMIT finished(result);
}

Error AccountProbe::explained(const Error &error) const
{
    // What each failure of ImapSession, the token source or LIST means to the person who typed
    // the settings; the technical message follows in parentheses.
    static const QHash<QString, QString> leads{
        {QStringLiteral("auth_unavailable"),
         QStringLiteral("The server does not offer this way of logging in")},
        {QStringLiteral("certificate"),
         QStringLiteral("The server's certificate is not trusted: a private CA needs ca_file, a "
                        "certificate for another name needs tls_peer_name")},
        {QStringLiteral("tls"), QStringLiteral("No secure connection")},
        {QStringLiteral("starttls_missing"), QStringLiteral("No secure connection")},
        {QStringLiteral("unreachable"),
         QStringLiteral("Server unreachable: check the host name and the port")},
        {QStringLiteral("timeout"), QStringLiteral("The server did not answer in time")},
        {QStringLiteral("connection"), QStringLiteral("The server ended the connection")},
        {QStringLiteral("server_bye"), QStringLiteral("The server ended the connection")},
        {QStringLiteral("protocol"), QStringLiteral("The server's answer could not be understood")},
        {QStringLiteral("oauth2"), QStringLiteral("No OAuth2 access token")},
        {QStringLiteral("server"), QStringLiteral("The server did not list the folders")}};
    QString lead = leads.value(error.code, QStringLiteral("The test failed"));
    if (error.code == QLatin1String("auth_failed"))
        lead = isOAuth2(m_settings.auth)
                   ? QStringLiteral("Login refused: the server did not accept the access token")
                   : QStringLiteral("Login refused: check the user name and the password");
    QString detail = error.message;
    if (const auto &refused = m_opener->refusedCertificate();
        error.code == QLatin1String("certificate") && refused) {
        detail += QStringLiteral("; the certificate is issued by %1 for %2")
                      .arg(refused->issuer, refused->names.join(QStringLiteral(", ")));
    }
    return Error{error.code, lead + QStringLiteral(" (") + detail + u')'};
}

} // namespace Dmarc

#include "moc_accountprobe.cpp"
