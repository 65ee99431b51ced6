#pragma once

#include "common/result.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QString>

namespace Dmarc::Imap {

class ImapSession;
struct ImapResponse;

// Emails of the selected inbox bound for one folder.
struct FolderMove
{
    QString folder;       // as configured
    QString serverFolder; // as the server names it
    QList<quint32> uids;
};

// Moves emails out of the selected inbox: one UID MOVE per destination folder, pipelined. Without
// MOVE: UID COPY per folder, then UID STORE +FLAGS.SILENT (\Deleted) and UID EXPUNGE (EXPUNGE
// without UIDPLUS) of what was copied. An email counts as moved once it is gone from the inbox:
// after its MOVE, or after both STORE and EXPUNGE succeeded.
class MoveJob : public QObject
{
    Q_OBJECT
public:
    MoveJob(ImapSession *session, QList<FolderMove> moves, QObject *parent = nullptr);

    void start();

Q_SIGNALS:
    // Emails that reached `folder` (as configured).
    void moved(const QList<quint32> &uids, const QString &folder);
    // Once every command has completed: an error when any of them failed (the emails it
    // concerns stay in the inbox, those reported by moved() are gone all the same).
    void finished(const Dmarc::Result<void> &result);

private:
    struct Group
    {
        FolderMove move;
        bool ok = false;
    };

    void transfer(const QByteArray &command);
    void deleteCopied();
    void finish();

    ImapSession *m_session;
    QList<Group> m_groups;
    int m_running = 0;
    QString m_error;
};

} // namespace Dmarc::Imap
