#pragma once

#include "imap/mailboxwatcher.h"

#include <QHash>
#include <QString>

#include <initializer_list>
#include <utility>

namespace Dmarc::Test {

// Where a watcher test sends an email: the watcher's done or error folder.
enum class Fate
{
    Done,
    Error
};

inline QString folderFor(const MailboxWatcher &watcher, Fate fate)
{
    return fate == Fate::Done ? watcher.settings().doneFolder : watcher.settings().errorFolder;
}

inline QHash<quint32, QString> destinations(const MailboxWatcher &watcher,
                                            std::initializer_list<std::pair<quint32, Fate>> fates)
{
    QHash<quint32, QString> folders;
    for (const auto &[uid, fate] : fates)
        folders.insert(uid, folderFor(watcher, fate));
    return folders;
}

} // namespace Dmarc::Test
