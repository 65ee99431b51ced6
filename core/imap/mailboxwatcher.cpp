#include "mailboxwatcher.h"

#include "common/logging.h"
#include "imap/imapsession.h"
#include "imap/oauth2tokensource.h"

#include <QRandomGenerator>
#include <QTimer>

#include <algorithm>
#include <chrono>
#include <cmath>

namespace Dmarc {

using Imap::ImapResponse;
using Imap::ImapSession;

namespace {

std::chrono::milliseconds toMs(double seconds)
{
    return std::chrono::milliseconds(qint64(std::max(0.0, seconds) * 1000));
}

bool sameFolder(const QString &a, const QString &b)
{
    // INBOX is case-insensitive (RFC 3501 5.1), every other name is not.
    if (a.compare(QLatin1String("INBOX"), Qt::CaseInsensitive) == 0)
        return b.compare(QLatin1String("INBOX"), Qt::CaseInsensitive) == 0;
    return a == b;
}

} // namespace

MailboxWatcher::MailboxWatcher(const ImapSettings &settings, QObject *parent)
    : QObject(parent)
    , m_settings(settings)
    , m_waitTimer(new QTimer(this))
    , m_idleRenewTimer(new QTimer(this))
{
    m_waitTimer->setSingleShot(true);
    m_idleRenewTimer->setSingleShot(true);
    connect(m_waitTimer, &QTimer::timeout, this, [this]() { connectSession(false); });
    connect(m_idleRenewTimer, &QTimer::timeout, this, &MailboxWatcher::leaveIdle);
    if (m_settings.auth == ImapSettings::Auth::XOAuth2 ||
        m_settings.auth == ImapSettings::Auth::OAuthBearer) {
        m_tokens = new OAuth2TokenSource(m_settings.oauth2, m_settings.timeoutSeconds, this);
        connect(m_tokens, &OAuth2TokenSource::finished, this, [this](const Result<QString> &token) {
            if (m_step != Step::Connecting)
                return;
            if (!token) {
                failPoll(token.error());
                return;
            }
            openSession(token.value());
        });
    }
}

MailboxWatcher::~MailboxWatcher()
{
    if (m_session)
        m_session->abort();
}

void MailboxWatcher::setActivity(MailboxStatus::Activity activity)
{
    m_status.activity = activity;
    Q_EMIT statusChanged(m_status);
}

void MailboxWatcher::start()
{
    if (m_step != Step::Off)
        return;
    m_stopping = false;
    m_failures = 0;
    connectSession(false);
}

void MailboxWatcher::connectSession(bool refreshToken)
{
    m_step = Step::Connecting;
    m_checkRequested = false;
    setActivity(MailboxStatus::Activity::Connecting);
    if (m_tokens)
        m_tokens->request(refreshToken);
    else
        openSession(QString());
}

void MailboxWatcher::openSession(const QString &accessToken)
{
    disposeSession();
    m_session = new ImapSession(m_settings, this);
    connect(m_session, &ImapSession::ready, this, &MailboxWatcher::onSessionReady);
    connect(m_session, &ImapSession::failed, this, &MailboxWatcher::onSessionFailed);
    connect(m_session, &ImapSession::closed, this, &MailboxWatcher::onSessionClosed);
    connect(m_session, &ImapSession::untagged, this, &MailboxWatcher::onUntagged);
    connect(m_session, &ImapSession::idling, this, &MailboxWatcher::onIdling);
    m_session->open(accessToken);
}

void MailboxWatcher::disposeSession()
{
    if (!m_session)
        return;
    disconnect(m_session, nullptr, this, nullptr);
    m_session->abort();
    m_session->deleteLater();
    m_session = nullptr;
    m_status.connected = false;
}

void MailboxWatcher::onSessionReady()
{
    m_tokenRefreshed = false;
    m_status.connected = true;
    m_status.pushMode = m_settings.idle && m_session->hasCapability("IDLE");
    if (m_stopping) {
        logout();
        return;
    }
    listFolders();
}

void MailboxWatcher::onSessionFailed(const Error &error)
{
    // A refused OAuth2 token may just have expired early: refresh it once and retry at once.
    if (error.code == QLatin1String("auth_failed") && m_tokens && !m_tokenRefreshed &&
        !m_stopping) {
        m_tokenRefreshed = true;
        qCInfo(lcImap).noquote() << m_settings.displayName() + u':'
                                 << "token refused, fetching a new one";
        disposeSession();
        connectSession(true);
        return;
    }
    failPoll(error);
}

void MailboxWatcher::onSessionClosed()
{
    disposeSession();
    if (m_stopping) {
        finishStop();
        return;
    }
    m_step = Step::WaitingForPoll;
    setActivity(MailboxStatus::Activity::Waiting);
    m_waitTimer->start(m_checkRequested ? std::chrono::milliseconds(0)
                                        : toMs(m_settings.pollIntervalSeconds));
}

bool MailboxWatcher::commandFailed(const ImapResponse &tagged, const QString &what)
{
    if (tagged.name == "OK")
        return false;
    failPoll(Error{QStringLiteral("server"),
                   QStringLiteral("%1: %2 failed: %3 %4")
                       .arg(m_settings.displayName(), what, QString::fromLatin1(tagged.name),
                            QString::fromUtf8(tagged.text))});
    return true;
}

void MailboxWatcher::onUntagged(const ImapResponse &response)
{
    if (response.name == "EXISTS" && response.number) {
        const bool grew = *response.number > m_exists;
        m_exists = *response.number;
        if (grew) {
            // Also while a command runs: mail that arrives during the last SEARCH of a check is
            // reported once, and IDLE would not tell it again.
            m_newMail = true;
            leaveIdle();
        }
    } else if (response.name == "EXPUNGE" && m_exists > 0) {
        --m_exists;
    } else if (response.name == "OK" && response.code && response.code->name == "UIDVALIDITY") {
        const quint32 validity = quint32(response.code->arguments.value(0).number);
        if (m_uidValidity != 0 && validity != m_uidValidity) {
            // The selected mailbox was replaced: the UIDs this session knows may name other
            // emails now, so none of them may be moved. Start over with a fresh SELECT.
            failPoll(Error{QStringLiteral("server"),
                           QStringLiteral("%1: UIDVALIDITY changed from %2 to %3 while the inbox "
                                          "was selected")
                               .arg(m_settings.displayName())
                               .arg(m_uidValidity)
                               .arg(validity)});
            return;
        }
        m_uidValidity = validity;
    } else if (response.name == "LIST" && response.values.size() >= 3) {
        const QString name = Imap::decodeMailboxName(response.values.at(2).text());
        bool selectable = true;
        for (const auto &flag : response.values.at(0).list)
            selectable =
                selectable && flag.bytes.compare("\\NonExistent", Qt::CaseInsensitive) != 0;
        if (selectable)
            m_existingFolders.insert(name);
    } else if (response.name == "NAMESPACE" && !response.values.isEmpty()) {
        const auto &personal = response.values.first();
        if (personal.isList() && !personal.list.isEmpty() && personal.list.first().isList())
            m_personalPrefix = Imap::decodeMailboxName(personal.list.first().list.value(0).text());
    } else if (response.name == "SEARCH" && m_step == Step::Searching) {
        for (const auto &value : response.values) {
            if (value.isNumber())
                m_found.append(quint32(value.number));
        }
    } else if (response.name == "FETCH" && m_step == Step::Searching) {
        const auto *uid = response.fetchItem("UID");
        if (!uid)
            return;
        if (const auto *size = response.fetchItem("RFC822.SIZE"))
            m_sizes.insert(quint32(uid->value.number), qint64(size->value.number));
        const auto *body = response.fetchItem("BODY");
        if (body && body->hasSection && body->section.isEmpty())
            m_bodies.insert(quint32(uid->value.number), body->value.bytes);
    }
}

void MailboxWatcher::listFolders()
{
    m_step = Step::Preparing;
    setActivity(MailboxStatus::Activity::Syncing);
    m_existingFolders.clear();
    m_personalPrefix.clear();
    m_folderOnServer.clear();
    m_session->send(m_session->command("LIST").astring("").astring("*").build(),
                    [this](const ImapResponse &tagged) {
                        if (commandFailed(tagged, QStringLiteral("LIST")))
                            return;
                        if (m_session->hasCapability("NAMESPACE"))
                            readNamespace();
                        else
                            createMissingFolders();
                    });
}

void MailboxWatcher::readNamespace()
{
    m_session->send(m_session->command("NAMESPACE").build(), [this](const ImapResponse &tagged) {
        if (commandFailed(tagged, QStringLiteral("NAMESPACE")))
            return;
        createMissingFolders();
    });
}

void MailboxWatcher::createMissingFolders()
{
    m_foldersToCreate.clear();
    for (const QString &folder :
         {m_settings.inboxFolder, m_settings.doneFolder, m_settings.errorFolder}) {
        const QString prefixed = m_personalPrefix + folder;
        const auto exists = [this](const QString &name) {
            return std::any_of(m_existingFolders.cbegin(), m_existingFolders.cend(),
                               [&](const QString &existing) { return sameFolder(name, existing); });
        };
        if (exists(folder))
            m_folderOnServer.insert(folder, folder);
        else if (!m_personalPrefix.isEmpty() && exists(prefixed))
            m_folderOnServer.insert(folder, prefixed);
        else if (!m_foldersToCreate.contains(folder))
            m_foldersToCreate.append(folder);
    }
    if (m_foldersToCreate.isEmpty()) {
        selectInbox();
        return;
    }
    const QString folder = m_foldersToCreate.takeFirst();
    createFolder(folder, folder);
}

void MailboxWatcher::createFolder(const QString &configured, const QString &name)
{
    m_session->send(m_session->command("CREATE").mailbox(name).build(),
                    [this, configured, name](const ImapResponse &tagged) {
                        const bool exists = tagged.code && tagged.code->name == "ALREADYEXISTS";
                        if (tagged.name == "OK" || exists) {
                            qCInfo(lcImap).noquote()
                                << m_settings.displayName() + u':' << "created folder" << name;
                            m_existingFolders.insert(name);
                            m_folderOnServer.insert(configured, name);
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
                        commandFailed(tagged, QStringLiteral("CREATE ") + name);
                    });
}

void MailboxWatcher::selectInbox()
{
    const quint32 previousValidity = m_uidValidity;
    m_uidValidity = 0;
    m_exists = 0;
    m_session->send(
        m_session->command("SELECT").mailbox(onServer(m_settings.inboxFolder)).build(),
        [this, previousValidity](const ImapResponse &tagged) {
            if (commandFailed(tagged, QStringLiteral("SELECT ") + m_settings.inboxFolder))
                return;
            if (previousValidity != 0 && previousValidity != m_uidValidity)
                qCInfo(lcImap).noquote()
                    << m_settings.displayName() + u':' << "UIDVALIDITY changed from"
                    << previousValidity << "to" << m_uidValidity;
            m_skipped.clear();
            search();
        });
}

void MailboxWatcher::search()
{
    m_step = Step::Searching;
    setActivity(MailboxStatus::Activity::Syncing);
    m_found.clear();
    m_sizes.clear();
    m_newMail = false; // what arrives from here on may be missing from the result
    m_session->send(m_session->command("UID SEARCH").raw("UNDELETED").build(),
                    [this](const ImapResponse &tagged) {
                        if (commandFailed(tagged, QStringLiteral("UID SEARCH")))
                            return;
                        m_pendingUids.clear();
                        std::sort(m_found.begin(), m_found.end());
                        for (const quint32 uid : std::as_const(m_found)) {
                            if (!m_skipped.contains(uid))
                                m_pendingUids.append(uid);
                        }
                        if (m_pendingUids.isEmpty())
                            finishPoll();
                        else
                            fetchSizes();
                    });
}

void MailboxWatcher::fetchSizes()
{
    m_session->send(m_session->command("UID FETCH")
                        .raw(Imap::uidSet(m_pendingUids))
                        .raw("(UID RFC822.SIZE)")
                        .build(),
                    [this](const ImapResponse &tagged) {
                        if (commandFailed(tagged, QStringLiteral("UID FETCH (RFC822.SIZE)")))
                            return;
                        // Emails expunged meanwhile have no size: they are gone.
                        m_pendingUids.erase(
                            std::remove_if(m_pendingUids.begin(), m_pendingUids.end(),
                                           [this](quint32 uid) { return !m_sizes.contains(uid); }),
                            m_pendingUids.end());
                        fetchNextBatch();
                    });
}

void MailboxWatcher::fetchNextBatch()
{
    if (m_stopping) {
        logout();
        return;
    }
    if (m_pendingUids.isEmpty()) {
        search(); // mail that arrived meanwhile
        return;
    }
    m_step = Step::Searching;
    setActivity(MailboxStatus::Activity::Syncing);
    m_batch =
        MailboxBatch{m_settings.displayName(), onServer(m_settings.inboxFolder), m_uidValidity, {}};
    m_bodies.clear();
    QList<quint32> toFetch;
    qint64 total = 0;
    while (!m_pendingUids.isEmpty()) {
        const quint32 uid = m_pendingUids.first();
        const qint64 size = m_sizes.value(uid);
        const bool oversized = size > m_settings.maxMessageBytes;
        if (!oversized && !toFetch.isEmpty() && total + size > m_settings.maxBatchBytes)
            break;
        m_pendingUids.removeFirst();
        FetchedEmail email;
        email.uid = uid;
        email.size = size;
        email.oversized = oversized;
        m_batch.emails.append(email);
        if (!oversized) {
            toFetch.append(uid);
            total += size;
        }
    }
    if (toFetch.isEmpty()) {
        fetchBodies({});
        return;
    }
    m_session->send(
        m_session->command("UID FETCH").raw(Imap::uidSet(toFetch)).raw("(UID BODY.PEEK[])").build(),
        [this, toFetch](const ImapResponse &tagged) {
            if (commandFailed(tagged, QStringLiteral("UID FETCH (BODY.PEEK[])")))
                return;
            fetchBodies(toFetch);
        });
}

void MailboxWatcher::fetchBodies(const QList<quint32> &uids)
{
    // Emails expunged by someone else meanwhile are left out.
    m_batch.emails.erase(std::remove_if(m_batch.emails.begin(), m_batch.emails.end(),
                                        [&](const FetchedEmail &email) {
                                            return !email.oversized &&
                                                   !m_bodies.contains(email.uid);
                                        }),
                         m_batch.emails.end());
    for (FetchedEmail &email : m_batch.emails) {
        if (uids.contains(email.uid))
            email.raw = m_bodies.take(email.uid);
    }
    m_bodies.clear();
    if (m_batch.emails.isEmpty()) {
        fetchNextBatch();
        return;
    }
    m_step = Step::AwaitingVerdicts;
    setActivity(MailboxStatus::Activity::AwaitingVerdicts);
    qCDebug(lcImap).noquote() << m_settings.displayName() + u':' << "handing over"
                              << m_batch.emails.size() << "emails";
    Q_EMIT batchReady(m_batch);
}

void MailboxWatcher::submitDestinations(const QHash<quint32, QString> &folders)
{
    if (m_step != Step::AwaitingVerdicts) {
        qCInfo(lcImap).noquote() << m_settings.displayName() + u':'
                                 << "destinations for a batch no longer current; emails stay";
        return;
    }
    m_moves.clear();
    for (const FetchedEmail &email : std::as_const(m_batch.emails)) {
        // Offered once per poll: a later SEARCH in this poll does not hand it over again.
        m_skipped.insert(email.uid);
        const auto it = folders.constFind(email.uid);
        if (it == folders.cend()) // no destination: never moved
            continue;
        auto group = std::find_if(m_moves.begin(), m_moves.end(),
                                  [&](const MoveGroup &g) { return g.folder == *it; });
        if (group == m_moves.end())
            group = m_moves.insert(m_moves.end(), MoveGroup{*it, onServer(*it), {}});
        group->uids.append(email.uid);
    }
    m_batch.emails.clear();
    m_step = Step::Moving;
    setActivity(MailboxStatus::Activity::Syncing);
    m_moveError.clear();
    if (m_moves.isEmpty())
        afterMoves();
    else if (m_session->hasCapability("MOVE"))
        transferBatch("UID MOVE", &MailboxWatcher::afterMoves);
    else
        transferBatch("UID COPY", &MailboxWatcher::deleteCopied);
}

void MailboxWatcher::transferBatch(const QByteArray &command, void (MailboxWatcher::*allDone)())
{
    // One command per destination, pipelined: each names its own UIDs only.
    const bool isMove = command == "UID MOVE";
    m_movesRunning = int(m_moves.size());
    for (int i = 0; i < m_moves.size(); ++i) {
        m_session->send(m_session->command(command)
                            .raw(Imap::uidSet(m_moves.at(i).uids))
                            .mailbox(m_moves.at(i).serverFolder)
                            .build(),
                        [this, i, command, isMove, allDone](const ImapResponse &tagged) {
                            MoveGroup &group = m_moves[i];
                            group.ok = tagged.name == "OK";
                            if (!group.ok)
                                m_moveError =
                                    QStringLiteral("%1 to %2 failed: %3")
                                        .arg(QString::fromLatin1(command), group.serverFolder,
                                             QString::fromUtf8(tagged.text));
                            else if (isMove)
                                Q_EMIT emailsMoved(m_uidValidity, group.uids, group.folder);
                            if (--m_movesRunning == 0)
                                (this->*allDone)();
                        });
    }
}

void MailboxWatcher::deleteCopied()
{
    // Only what was copied is flagged and expunged; a failed copy leaves its emails untouched.
    QList<quint32> copied;
    for (const MoveGroup &group : std::as_const(m_moves)) {
        if (group.ok)
            copied += group.uids;
    }
    if (copied.isEmpty()) {
        afterMoves();
        return;
    }
    const QByteArray set = Imap::uidSet(copied);
    // STORE and EXPUNGE are pipelined; the emails count as moved once both have succeeded.
    const auto settle = [this](const ImapResponse &tagged, const QString &what) {
        if (tagged.name != "OK") {
            m_moveError = what + QStringLiteral(" failed: ") + QString::fromUtf8(tagged.text);
            for (MoveGroup &group : m_moves)
                group.ok = false; // copied, but maybe still in the inbox
        }
        if (--m_movesRunning > 0)
            return;
        for (const MoveGroup &group : std::as_const(m_moves)) {
            if (group.ok)
                Q_EMIT emailsMoved(m_uidValidity, group.uids, group.folder);
        }
        afterMoves();
    };
    m_movesRunning = 2;
    m_session->send(
        m_session->command("UID STORE").raw(set).raw("+FLAGS.SILENT (\\Deleted)").build(),
        [settle](const ImapResponse &tagged) { settle(tagged, QStringLiteral("UID STORE")); });
    // Without UIDPLUS, EXPUNGE also removes other emails flagged \Deleted: the only way left.
    const bool uidPlus = m_session->hasCapability("UIDPLUS");
    const Imap::ImapCommand expunge = uidPlus ? m_session->command("UID EXPUNGE").raw(set).build()
                                              : m_session->command("EXPUNGE").build();
    m_session->send(expunge, [settle, name = QString::fromLatin1(expunge.name)](
                                 const ImapResponse &tagged) { settle(tagged, name); });
}

void MailboxWatcher::afterMoves()
{
    for (const MoveGroup &group : std::as_const(m_moves)) {
        if (group.ok)
            m_status.emailsMoved += quint64(group.uids.size());
    }
    m_moves.clear();
    if (!m_moveError.isEmpty()) {
        failPoll(Error{QStringLiteral("server"), m_settings.displayName() + u": " + m_moveError});
        return;
    }
    fetchNextBatch();
}

void MailboxWatcher::finishPoll()
{
    m_failures = 0;
    m_status.lastSuccessfulPoll = QDateTime::currentDateTimeUtc();
    m_status.lastError.clear();
    Q_EMIT pollFinished(true, QString());
    if (m_stopping || !m_status.pushMode) {
        logout();
        return;
    }
    if (m_checkRequested) {
        startNewCheck();
        return;
    }
    if (m_newMail) {
        search(); // arrived during the last SEARCH
        return;
    }
    enterIdle();
}

void MailboxWatcher::enterIdle()
{
    m_step = Step::Idling;
    m_newMail = false;
    setActivity(MailboxStatus::Activity::Idling);
    m_idleRenewTimer->start(toMs(m_settings.idleRenewSeconds));
    m_session->idle([this](const ImapResponse &tagged) {
        m_idleRenewTimer->stop();
        if (commandFailed(tagged, QStringLiteral("IDLE")))
            return;
        if (m_stopping) {
            logout();
            return;
        }
        if (m_newMail || m_checkRequested)
            startNewCheck();
        else
            enterIdle(); // renewal
    });
}

void MailboxWatcher::startNewCheck()
{
    m_checkRequested = false;
    m_skipped.clear(); // a new check offers every email again
    search();
}

void MailboxWatcher::onIdling()
{
    // Something asked to wake up before the server accepted IDLE.
    if (m_newMail || m_checkRequested || m_stopping || !m_idleRenewTimer->isActive())
        m_session->endIdle();
}

void MailboxWatcher::leaveIdle()
{
    if (m_step == Step::Idling && m_session)
        m_session->endIdle();
}

void MailboxWatcher::checkNow()
{
    m_checkRequested = true;
    switch (m_step) {
    case Step::Idling:
        leaveIdle();
        break;
    case Step::WaitingForPoll:
    case Step::Backoff:
        m_waitTimer->stop();
        connectSession(false);
        break;
    default:
        break; // a poll is running; it runs once more at its end
    }
}

void MailboxWatcher::failPoll(const Error &error)
{
    disposeSession();
    m_idleRenewTimer->stop();
    m_batch.emails.clear();
    m_moves.clear();
    ++m_status.pollErrors;
    m_status.lastError = error.message;
    qCWarning(lcImap).noquote() << m_settings.displayName() + u':' << error.message;
    Q_EMIT pollFinished(false, error.message);
    if (m_stopping) {
        finishStop();
        return;
    }
    scheduleReconnect();
}

void MailboxWatcher::scheduleReconnect()
{
    ++m_failures;
    const double base =
        m_settings.reconnectMinSeconds * std::pow(2.0, std::min(m_failures - 1, 20));
    const double jitter = 0.8 + 0.4 * QRandomGenerator::global()->generateDouble();
    const double delay = std::min(m_settings.reconnectMaxSeconds, base * jitter);
    m_step = Step::Backoff;
    setActivity(MailboxStatus::Activity::Reconnecting);
    qCInfo(lcImap).noquote() << m_settings.displayName() + u':' << "reconnecting in"
                             << QString::number(delay, 'f', 1) << "s";
    m_waitTimer->start(toMs(delay));
}

void MailboxWatcher::logout()
{
    m_step = Step::LoggingOut;
    m_idleRenewTimer->stop();
    if (m_session)
        m_session->logout(); // closed() follows
    else
        onSessionClosed();
}

void MailboxWatcher::stop()
{
    m_stopping = true;
    m_waitTimer->stop();
    if (m_tokens)
        m_tokens->cancel();
    switch (m_step) {
    case Step::Off:
        return;
    case Step::WaitingForPoll:
    case Step::Backoff:
        finishStop();
        return;
    case Step::Idling:
        leaveIdle(); // the IDLE completion logs out
        return;
    case Step::Moving:
    case Step::LoggingOut:
        return; // the move completes first; then fetchNextBatch() logs out
    default:
        logout(); // a batch awaiting verdicts is abandoned: its emails stay in the inbox
        return;
    }
}

void MailboxWatcher::finishStop()
{
    disposeSession();
    m_step = Step::Off;
    m_stopping = false;
    m_batch.emails.clear();
    setActivity(MailboxStatus::Activity::Stopped);
    Q_EMIT stopped();
}

} // namespace Dmarc

#include "moc_mailboxwatcher.cpp"
