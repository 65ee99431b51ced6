#pragma once

#include "common/result.h"
#include "imap/imapsettings.h"

#include <QHash>
#include <QObject>
#include <QString>
#include <QStringList>

namespace Dmarc::Imap {

class ImapSession;
struct FolderList;
struct ImapResponse;

// What the watcher needs to know of the account's folders in one session.
struct FolderSetup
{
    // The inbox, done and error folder as configured -> as named on the server, where a personal
    // namespace prefix may have been added.
    QHash<QString, QString> onServer;
    quint32 uidValidity = 0; // of the inbox, from its SELECT
};

// Prepares a session for a check: LIST, NAMESPACE when offered, CREATE of the missing folders
// (under the personal prefix where the server refuses the top level), then SELECT of the inbox.
class FolderSetupJob : public QObject
{
    Q_OBJECT
public:
    FolderSetupJob(ImapSession *session, const ImapSettings &settings, QObject *parent = nullptr);

    void start();

Q_SIGNALS:
    void finished(const Dmarc::Result<Dmarc::Imap::FolderSetup> &setup);

private:
    void onListed(const Result<FolderList> &folders);
    void onUntagged(const ImapResponse &response);
    void createMissingFolders();
    void createFolder(const QString &configured, const QString &name);
    void selectInbox();
    // False (and finished() with the error) unless `tagged` is OK.
    bool succeeded(const ImapResponse &tagged, const QString &what);

    ImapSession *m_session;
    ImapSettings m_settings;
    QString m_personalPrefix;
    QStringList m_existingFolders;
    FolderSetup m_setup;
};

} // namespace Dmarc::Imap
