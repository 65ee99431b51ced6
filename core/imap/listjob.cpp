#include "listjob.h"

#include "imap/imapsession.h"

namespace Dmarc::Imap {

void addListedFolder(const ImapResponse &response, FolderList &list)
{
    if (response.name != "LIST" || response.values.size() < 3)
        return;
    for (const ImapValue &flag : response.values.at(0).list) {
        if (flag.bytes.compare("\\NonExistent", Qt::CaseInsensitive) == 0)
            return;
    }
    const ImapValue &delimiter = response.values.at(1);
    if (list.delimiter.isEmpty() && !delimiter.isNil())
        list.delimiter = QString::fromUtf8(delimiter.text());
    const QString name = decodeMailboxName(response.values.at(2).text());
    if (!list.names.contains(name))
        list.names.append(name);
}

ListJob::ListJob(ImapSession *session, QObject *parent)
    : QObject(parent)
    , m_session(session)
{}

void ListJob::start()
{
    connect(m_session, &ImapSession::untagged, this,
            [this](const ImapResponse &response) { addListedFolder(response, m_folders); });
    m_session->send(m_session->command("LIST").astring("").astring("*").build(),
                    [this](const ImapResponse &tagged) {
                        disconnect(m_session, &ImapSession::untagged, this, nullptr);
                        if (auto listed = commandResult(tagged, QStringLiteral("LIST")); !listed)
                            Q_EMIT finished(listed.error());
                        else
                            Q_EMIT finished(m_folders);
                    });
}

} // namespace Dmarc::Imap

#include "moc_listjob.cpp"
