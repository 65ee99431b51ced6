#pragma once

#include "common/result.h"

#include <QObject>
#include <QString>
#include <QStringList>

namespace Dmarc::Imap {

class ImapSession;
struct ImapResponse;

// The folders a LIST names, decoded from modified UTF-7, in the server's order.
struct FolderList
{
    QStringList names;
    QString delimiter; // the hierarchy separator; empty when the server has no hierarchy (NIL)
};

// Adds the folder one untagged LIST response names (RFC 3501 7.2.2) to `list`; any other
// response is left alone. A folder flagged \NonExistent (RFC 5258) is no folder.
void addListedFolder(const ImapResponse &response, FolderList &list);

// LIST "" "*" on a logged-in session: every folder of the account. Shared by the folder setup
// of the watcher and the account probe, so both see the same folders.
class ListJob : public QObject
{
    Q_OBJECT
public:
    explicit ListJob(ImapSession *session, QObject *parent = nullptr);

    void start();

Q_SIGNALS:
    void finished(const Dmarc::Result<Dmarc::Imap::FolderList> &folders);

private:
    ImapSession *m_session;
    FolderList m_folders;
};

} // namespace Dmarc::Imap
