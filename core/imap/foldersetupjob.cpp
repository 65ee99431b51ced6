#include "foldersetupjob.h"

#include "common/logging.h"
#include "imap/imapsession.h"
#include "imap/listjob.h"

#include <algorithm>

namespace Dmarc::Imap {

namespace {

bool sameFolder(const QString &a, const QString &b)
{
    // INBOX is case-insensitive (RFC 3501 5.1), every other name is not.
    if (a.compare(QLatin1String("INBOX"), Qt::CaseInsensitive) == 0)
        return b.compare(QLatin1String("INBOX"), Qt::CaseInsensitive) == 0;
    return a == b;
}

} // namespace

FolderSetupJob::FolderSetupJob(ImapSession *session, const ImapSettings &settings, QObject *parent)
    : QObject(parent)
    , m_session(session)
    , m_settings(settings)
{}

void FolderSetupJob::start()
{
    connect(m_session, &ImapSession::untagged, this, &FolderSetupJob::onUntagged);
    auto *list = new ListJob(m_session, this);
    connect(list, &ListJob::finished, this, &FolderSetupJob::onListed);
    list->start();
}

void FolderSetupJob::onUntagged(const ImapResponse &response)
{
    if (response.name == "NAMESPACE" && !response.values.isEmpty()) {
        const auto &personal = response.values.first();
        if (personal.isList() && !personal.list.isEmpty() && personal.list.first().isList())
            m_personalPrefix = decodeMailboxName(personal.list.first().list.value(0).text());
    } else if (response.name == "OK" && response.code && response.code->name == "UIDVALIDITY") {
        m_setup.uidValidity = quint32(response.code->arguments.value(0).number);
    }
}

bool FolderSetupJob::succeeded(const ImapResponse &tagged, const QString &what)
{
    const Result<void> result = commandResult(tagged, what);
    if (!result)
        Q_EMIT finished(result.error());
    return result.ok();
}

void FolderSetupJob::onListed(const Result<FolderList> &folders)
{
    if (!folders) {
        Q_EMIT finished(folders.error());
        return;
    }
    m_existingFolders = folders->names;
    qCDebug(lcImap).noquote() << m_settings.displayName() + u':' << m_existingFolders.size()
                              << "folders, hierarchy separator" << folders->delimiter;
    if (!m_session->hasCapability("NAMESPACE")) {
        createMissingFolders();
        return;
    }
    m_session->send(m_session->command("NAMESPACE").build(), [this](const ImapResponse &tagged) {
        if (succeeded(tagged, QStringLiteral("NAMESPACE")))
            createMissingFolders();
    });
}

void FolderSetupJob::createMissingFolders()
{
    const auto exists = [this](const QString &name) {
        return std::any_of(m_existingFolders.cbegin(), m_existingFolders.cend(),
                           [&](const QString &existing) { return sameFolder(name, existing); });
    };
    // One at a time, in this order: each CREATE may learn where the server wants folders.
    for (const QString &folder :
         {m_settings.inboxFolder, m_settings.doneFolder, m_settings.errorFolder}) {
        if (m_setup.onServer.contains(folder))
            continue;
        const QString prefixed = m_personalPrefix + folder;
        if (exists(folder)) {
            m_setup.onServer.insert(folder, folder);
        } else if (!m_personalPrefix.isEmpty() && exists(prefixed)) {
            m_setup.onServer.insert(folder, prefixed);
        } else {
            createFolder(folder, folder);
            return;
        }
    }
    selectInbox();
}

void FolderSetupJob::createFolder(const QString &configured, const QString &name)
{
    m_session->send(m_session->command("CREATE").mailbox(name).build(),
                    [this, configured, name](const ImapResponse &tagged) {
                        const bool exists = tagged.code && tagged.code->name == "ALREADYEXISTS";
                        if (tagged.name == "OK" || exists) {
                            qCInfo(lcImap).noquote()
                                << m_settings.displayName() + u':' << "created folder" << name;
                            m_existingFolders.append(name);
                            m_setup.onServer.insert(configured, name);
                            createMissingFolders();
                            return;
                        }
                        // Cyrus and Courier keep personal folders under a prefix ("INBOX.").
                        if (name == configured && !m_personalPrefix.isEmpty() &&
                            !configured.startsWith(m_personalPrefix)) {
                            qCInfo(lcImap).noquote()
                                << m_settings.displayName() + u':' << "the server refused folder"
                                << configured << "at the top level; using"
                                << m_personalPrefix + configured;
                            createFolder(configured, m_personalPrefix + configured);
                            return;
                        }
                        succeeded(tagged, QStringLiteral("CREATE ") + name);
                    });
}

void FolderSetupJob::selectInbox()
{
    const QString inbox = m_setup.onServer.value(m_settings.inboxFolder, m_settings.inboxFolder);
    m_session->send(m_session->command("SELECT").mailbox(inbox).build(),
                    [this](const ImapResponse &tagged) {
                        if (succeeded(tagged, QStringLiteral("SELECT ") + m_settings.inboxFolder))
                            Q_EMIT finished(m_setup);
                    });
}

} // namespace Dmarc::Imap

#include "moc_foldersetupjob.cpp"
