#pragma once

#include "common/result.h"
#include "imap/imapsettings.h"

#include <QObject>
#include <QStringList>

#include <optional>

namespace Dmarc {

namespace Imap {
class ImapSession;
class SessionOpener;
struct FolderList;
} // namespace Imap

// "Test this account": connects (TLS or STARTTLS and certificate checks as configured), logs in
// the way the watcher does (password, or an OAuth2 token refreshed once when refused), lists the
// folders and logs out. Touches no email and creates no folder.
class AccountProbe : public QObject
{
    Q_OBJECT
public:
    explicit AccountProbe(ImapSettings settings, QObject *parent = nullptr);

    // Runs the probe once; finished() follows once the session is closed.
    void start();

Q_SIGNALS:
    // The account's folders (decoded, in the server's order), or an error whose message says
    // what went wrong in words for the person who typed the settings.
    void finished(const Dmarc::Result<QStringList> &folders);

private:
    void onOpened(const Result<Imap::ImapSession *> &session);
    void onListed(const Result<Imap::FolderList> &folders);
    void finish(const Result<QStringList> &result);
    Error explained(const Error &error) const;

    ImapSettings m_settings;
    Imap::SessionOpener *m_opener;
    Imap::ImapSession *m_session = nullptr;
    std::optional<Result<QStringList>> m_listed; // the answer, given once logged out
};

} // namespace Dmarc
