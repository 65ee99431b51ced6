#include "movejob.h"

#include "imap/imapsession.h"

namespace Dmarc::Imap {

MoveJob::MoveJob(ImapSession *session, QList<FolderMove> moves, QObject *parent)
    : QObject(parent)
    , m_session(session)
{
    for (FolderMove &move : moves)
        m_groups.append(Group{std::move(move), false});
}

void MoveJob::start()
{
    if (m_groups.isEmpty())
        finish();
    else if (m_session->hasCapability("MOVE"))
        transfer("UID MOVE");
    else
        transfer("UID COPY");
}

void MoveJob::transfer(const QByteArray &command)
{
    // One command per destination, pipelined: each names its own UIDs only.
    const bool isMove = command == "UID MOVE";
    m_running = int(m_groups.size());
    for (int i = 0; i < m_groups.size(); ++i) {
        const FolderMove &move = m_groups.at(i).move;
        m_session->send(
            m_session->command(command).raw(uidSet(move.uids)).mailbox(move.serverFolder).build(),
            [this, i, command, isMove](const ImapResponse &tagged) {
                Group &group = m_groups[i];
                group.ok = tagged.name == "OK";
                if (!group.ok)
                    m_error = QStringLiteral("%1 to %2 failed: %3")
                                  .arg(QString::fromLatin1(command), group.move.serverFolder,
                                       QString::fromUtf8(tagged.text));
                else if (isMove)
                    Q_EMIT moved(group.move.uids, group.move.folder);
                if (--m_running > 0)
                    return;
                if (isMove)
                    finish();
                else
                    deleteCopied();
            });
    }
}

void MoveJob::deleteCopied()
{
    // Only what was copied is flagged and expunged; a failed copy leaves its emails untouched.
    QList<quint32> copied;
    for (const Group &group : std::as_const(m_groups)) {
        if (group.ok)
            copied += group.move.uids;
    }
    if (copied.isEmpty()) {
        finish();
        return;
    }
    const QByteArray set = uidSet(copied);
    // STORE and EXPUNGE are pipelined; the emails count as moved once both have succeeded.
    const auto settle = [this](const ImapResponse &tagged, const QString &what) {
        if (tagged.name != "OK") {
            m_error = what + QStringLiteral(" failed: ") + QString::fromUtf8(tagged.text);
            for (Group &group : m_groups)
                group.ok = false; // copied, but maybe still in the inbox
        }
        if (--m_running > 0)
            return;
        for (const Group &group : std::as_const(m_groups)) {
            if (group.ok)
                Q_EMIT moved(group.move.uids, group.move.folder);
        }
        finish();
    };
    m_running = 2;
    m_session->send(
        m_session->command("UID STORE").raw(set).raw("+FLAGS.SILENT (\\Deleted)").build(),
        [settle](const ImapResponse &tagged) { settle(tagged, QStringLiteral("UID STORE")); });
    // Without UIDPLUS, EXPUNGE also removes other emails flagged \Deleted: the only way left.
    const bool uidPlus = m_session->hasCapability("UIDPLUS");
    const ImapCommand expunge = uidPlus ? m_session->command("UID EXPUNGE").raw(set).build()
                                        : m_session->command("EXPUNGE").build();
    m_session->send(expunge, [settle, name = QString::fromLatin1(expunge.name)](
                                 const ImapResponse &tagged) { settle(tagged, name); });
}

void MoveJob::finish()
{
    if (m_error.isEmpty())
        Q_EMIT finished(Result<void>());
    else
        Q_EMIT finished(Error{QStringLiteral("server"), m_error});
}

} // namespace Dmarc::Imap

#include "moc_movejob.cpp"
