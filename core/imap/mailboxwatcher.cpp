#include "mailboxwatcher.h"

#include "common/logging.h"
#include "imap/foldersetupjob.h"
#include "imap/imapsession.h"
#include "imap/movejob.h"
#include "imap/sessionopener.h"

#include <QRandomGenerator>
#include <QTimer>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iterator>
#include <utility>

namespace Dmarc {

using Imap::ImapResponse;
using Imap::ImapSession;

namespace {

std::chrono::milliseconds toMs(double seconds)
{
    return std::chrono::milliseconds(qint64(std::max(0.0, seconds) * 1000));
}

// The class of a failure by the code of its error (ImapSession, the token source, the steps).
MailboxStatus::Failure failureOf(const Error &error)
{
    using Failure = MailboxStatus::Failure;
    if (error.code == QLatin1String("auth_failed"))
        return Failure::LoginRefused;
    if (error.code == QLatin1String("certificate"))
        return Failure::Certificate;
    for (const char *network : {"unreachable", "timeout", "connection", "server_bye"}) {
        if (error.code == QLatin1String(network))
            return Failure::Network;
    }
    return Failure::Other;
}

} // namespace

MailboxWatcher::MailboxWatcher(const ImapSettings &settings, QObject *parent)
    : QObject(parent)
    , m_settings(settings)
    , m_opener(new Imap::SessionOpener(settings, this))
    , m_waitTimer(new QTimer(this))
    , m_idleRenewTimer(new QTimer(this))
{
    m_waitTimer->setSingleShot(true);
    m_idleRenewTimer->setSingleShot(true);
    connect(m_waitTimer, &QTimer::timeout, this, &MailboxWatcher::connectSession);
    connect(m_idleRenewTimer, &QTimer::timeout, this, &MailboxWatcher::leaveIdle);
    connect(m_opener, &Imap::SessionOpener::finished, this, &MailboxWatcher::onSessionOpened);
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
    if (m_status.activity != MailboxStatus::Activity::Stopped)
        return;
    m_stopping = false;
    m_failures = 0;
    m_loginRefusals = 0;
    connectSession();
}

void MailboxWatcher::connectSession()
{
    m_checkRequested = false;
    m_status.nextAttempt = QDateTime();
    setActivity(MailboxStatus::Activity::Connecting);
    m_opener->start();
}

template<typename Step, typename Value>
void MailboxWatcher::runStep(Step *step, void (MailboxWatcher::*done)(const Result<Value> &))
{
    m_step = step;
    connect(step, &Step::finished, this, [this, step, done](const Result<Value> &result) {
        m_step = nullptr;
        step->deleteLater();
        (this->*done)(result);
    });
    step->start();
}

void MailboxWatcher::onSessionOpened(const Result<ImapSession *> &session)
{
    if (!session) {
        failPoll(session.error());
        return;
    }
    m_loginRefusals = 0;
    m_session = session.value();
    m_session->setParent(this);
    connect(m_session, &ImapSession::failed, this, &MailboxWatcher::failPoll);
    connect(m_session, &ImapSession::closed, this, &MailboxWatcher::onSessionClosed);
    connect(m_session, &ImapSession::untagged, this, &MailboxWatcher::onUntagged);
    connect(m_session, &ImapSession::idling, this, &MailboxWatcher::onIdling);
    m_status.connected = true;
    m_status.pushMode = m_settings.idle && m_session->hasCapability("IDLE");
    m_exists = 0;
    setActivity(MailboxStatus::Activity::Syncing);
    runStep(new Imap::FolderSetupJob(m_session, m_settings, this), &MailboxWatcher::onFoldersReady);
}

void MailboxWatcher::abandonStep()
{
    if (!m_step)
        return;
    // Its commands are dropped with the session (or by LOGOUT): it would never finish.
    disconnect(m_step, nullptr, this, nullptr);
    m_step->deleteLater();
    m_step = nullptr;
}

void MailboxWatcher::disposeSession()
{
    abandonStep();
    if (m_session)
        std::exchange(m_session, nullptr)->discard();
    m_status.connected = false;
}

void MailboxWatcher::onSessionClosed()
{
    disposeSession();
    if (m_stopping) {
        finishStop();
        return;
    }
    setActivity(MailboxStatus::Activity::Waiting);
    m_waitTimer->start(m_checkRequested ? std::chrono::milliseconds(0)
                                        : toMs(m_settings.pollIntervalSeconds));
}

void MailboxWatcher::onUntagged(const ImapResponse &response)
{
    if (response.name == "EXISTS" && response.number) {
        const bool grew = *response.number > m_exists;
        m_exists = *response.number;
        if (!grew)
            return;
        // Also while a command runs: mail that arrives during the last SEARCH of a check is
        // reported once, and IDLE would not tell it again.
        m_newMail = true;
        if (auto *fetch = qobject_cast<Imap::FetchBatchJob *>(m_step))
            fetch->noteMailArrived();
        leaveIdle();
    } else if (response.name == "EXPUNGE" && m_exists > 0) {
        --m_exists;
    } else if (response.name == "OK" && response.code && response.code->name == "UIDVALIDITY" &&
               !qobject_cast<Imap::FolderSetupJob *>(m_step)) {
        // Outside the SELECT of the folder setup, a new UIDVALIDITY means the selected mailbox
        // was replaced: the UIDs this session knows may name other emails now, so none of them
        // may be moved (docs/architecture.md section 3). Start over with a fresh SELECT.
        const quint32 validity = quint32(response.code->arguments.value(0).number);
        if (m_uidValidity != 0 && validity != m_uidValidity) {
            failPoll(Error{QStringLiteral("server"),
                           QStringLiteral("%1: UIDVALIDITY changed from %2 to %3 while the inbox "
                                          "was selected")
                               .arg(m_settings.displayName())
                               .arg(m_uidValidity)
                               .arg(validity)});
            return;
        }
        m_uidValidity = validity;
    }
}

void MailboxWatcher::onFoldersReady(const Result<Imap::FolderSetup> &setup)
{
    if (!setup) {
        failStep(setup.error());
        return;
    }
    if (m_uidValidity != 0 && m_uidValidity != setup->uidValidity)
        qCInfo(lcImap).noquote() << m_settings.displayName() + u':' << "UIDVALIDITY changed from"
                                 << m_uidValidity << "to" << setup->uidValidity;
    m_folderOnServer = setup->onServer;
    m_uidValidity = setup->uidValidity;
    m_queue = Imap::InboxQueue();
    fetchNextBatch();
}

void MailboxWatcher::fetchNextBatch()
{
    setActivity(MailboxStatus::Activity::Syncing);
    const QString inbox = m_folderOnServer.value(m_settings.inboxFolder, m_settings.inboxFolder);
    runStep(new Imap::FetchBatchJob(
                m_session, m_settings,
                MailboxBatch{m_settings.displayName(), inbox, m_uidValidity, {}}, m_queue, this),
            &MailboxWatcher::onBatchFetched);
}

void MailboxWatcher::onBatchFetched(const Result<Imap::NextBatch> &next)
{
    if (!next) {
        failStep(next.error());
        return;
    }
    m_queue = next->queue;
    if (next->batch.emails.isEmpty()) {
        finishPoll(next->mailArrived);
        return;
    }
    m_awaiting.clear();
    for (const FetchedEmail &email : next->batch.emails)
        m_awaiting.append(email.uid);
    setActivity(MailboxStatus::Activity::AwaitingVerdicts);
    Q_EMIT batchReady(next->batch);
}

void MailboxWatcher::submitDestinations(const QHash<quint32, QString> &folders)
{
    if (m_status.activity != MailboxStatus::Activity::AwaitingVerdicts) {
        qCInfo(lcImap).noquote() << m_settings.displayName() + u':'
                                 << "destinations for a batch no longer current; emails stay";
        return;
    }
    QList<Imap::FolderMove> moves;
    for (const quint32 uid : std::as_const(m_awaiting)) {
        const auto it = folders.constFind(uid);
        if (it == folders.cend()) // no destination: never moved
            continue;
        auto move = std::find_if(moves.begin(), moves.end(),
                                 [&](const Imap::FolderMove &m) { return m.folder == *it; });
        if (move == moves.end())
            move = moves.insert(moves.end(),
                                Imap::FolderMove{*it, m_folderOnServer.value(*it, *it), {}});
        move->uids.append(uid);
    }
    m_awaiting.clear();
    setActivity(MailboxStatus::Activity::Syncing);
    auto *job = new Imap::MoveJob(m_session, moves, this);
    connect(job, &Imap::MoveJob::moved, this,
            [this](const QList<quint32> &uids, const QString &folder) {
                m_status.emailsMoved += quint64(uids.size());
                Q_EMIT emailsMoved(m_uidValidity, uids, folder);
            });
    runStep(job, &MailboxWatcher::onMovesDone);
}

void MailboxWatcher::onMovesDone(const Result<void> &moves)
{
    if (!moves)
        failStep(moves.error());
    else if (m_stopping)
        logout();
    else
        fetchNextBatch();
}

void MailboxWatcher::finishPoll(bool mailArrived)
{
    m_failures = 0;
    m_status.lastSuccessfulPoll = QDateTime::currentDateTimeUtc();
    m_status.lastError.clear();
    m_status.failure = MailboxStatus::Failure::None;
    m_status.refusedCertificate.reset();
    Q_EMIT pollFinished(true, QString());
    if (m_stopping || !m_status.pushMode)
        logout();
    else if (m_checkRequested)
        startNewCheck();
    else if (mailArrived)
        fetchNextBatch(); // arrived during the last SEARCH
    else
        enterIdle();
}

void MailboxWatcher::enterIdle()
{
    m_newMail = false;
    setActivity(MailboxStatus::Activity::Idling);
    m_idleRenewTimer->start(toMs(m_settings.idleRenewSeconds));
    m_session->idle([this](const ImapResponse &tagged) {
        m_idleRenewTimer->stop();
        if (const Result<void> idled = Imap::commandResult(tagged, QStringLiteral("IDLE")); !idled)
            failStep(idled.error());
        else if (m_stopping)
            logout();
        else if (m_newMail || m_checkRequested)
            startNewCheck();
        else
            enterIdle(); // renewal
    });
}

void MailboxWatcher::startNewCheck()
{
    m_checkRequested = false;
    m_queue = Imap::InboxQueue(); // a new check offers every email again
    fetchNextBatch();
}

void MailboxWatcher::onIdling()
{
    // Something asked to wake up before the server accepted IDLE.
    if (m_newMail || m_checkRequested || m_stopping || !m_idleRenewTimer->isActive())
        m_session->endIdle();
}

void MailboxWatcher::leaveIdle()
{
    if (m_status.activity == MailboxStatus::Activity::Idling && m_session)
        m_session->endIdle();
}

void MailboxWatcher::checkNow()
{
    m_checkRequested = true;
    switch (m_status.activity) {
    case MailboxStatus::Activity::Idling:
        leaveIdle();
        break;
    case MailboxStatus::Activity::Waiting:
    case MailboxStatus::Activity::Reconnecting:
        m_waitTimer->stop();
        connectSession();
        break;
    default:
        break; // a check is running; it runs once more at its end
    }
}

void MailboxWatcher::failStep(const Error &error)
{
    // The steps do not know the account; the log and the status do.
    failPoll(Error{error.code, m_settings.displayName() + u": " + error.message});
}

void MailboxWatcher::failPoll(const Error &error)
{
    disposeSession();
    m_idleRenewTimer->stop();
    m_awaiting.clear();
    ++m_status.pollErrors;
    m_status.lastError = error.message;
    m_status.failure = failureOf(error);
    m_status.refusedCertificate = m_status.failure == MailboxStatus::Failure::Certificate
                                      ? m_opener->refusedCertificate()
                                      : std::nullopt;
    qCWarning(lcImap).noquote() << m_settings.displayName() + u':' << error.message;
    Q_EMIT pollFinished(false, error.message);
    if (m_stopping) {
        finishStop();
        return;
    }
    scheduleReconnect();
}

double MailboxWatcher::loginRetryDelaySeconds(int refusals)
{
    static constexpr int minutes[] = {1, 2, 5, 10, 15};
    constexpr int steps = int(std::size(minutes));
    return 60.0 * minutes[std::clamp(refusals, 1, steps) - 1];
}

void MailboxWatcher::scheduleReconnect()
{
    ++m_failures;
    double delay = 0;
    if (m_status.failure == MailboxStatus::Failure::LoginRefused) {
        delay = loginRetryDelaySeconds(++m_loginRefusals);
    } else {
        const double base =
            m_settings.reconnectMinSeconds * std::pow(2.0, std::min(m_failures - 1, 20));
        const double jitter = 0.8 + 0.4 * QRandomGenerator::global()->generateDouble();
        delay = std::min(m_settings.reconnectMaxSeconds, base * jitter);
    }
    m_status.nextAttempt = QDateTime::currentDateTimeUtc().addMSecs(toMs(delay).count());
    setActivity(MailboxStatus::Activity::Reconnecting);
    qCInfo(lcImap).noquote() << m_settings.displayName() + u':' << "reconnecting in"
                             << QString::number(delay, 'f', 1) << "s";
    m_waitTimer->start(toMs(delay));
}

void MailboxWatcher::logout()
{
    abandonStep();
    m_idleRenewTimer->stop();
    m_session->logout(); // closed() follows
}

bool MailboxWatcher::isLoggingOut() const
{
    return m_session && !m_session->isReady();
}

void MailboxWatcher::stop()
{
    m_stopping = true;
    m_waitTimer->stop();
    switch (m_status.activity) {
    case MailboxStatus::Activity::Stopped:
        return;
    case MailboxStatus::Activity::Connecting:
        m_opener->cancel();
        finishStop();
        return;
    case MailboxStatus::Activity::Waiting:
    case MailboxStatus::Activity::Reconnecting:
        finishStop();
        return;
    case MailboxStatus::Activity::Idling:
        leaveIdle(); // the IDLE completion logs out
        return;
    case MailboxStatus::Activity::Syncing:
        // A running move completes first, then logs out.
        if (qobject_cast<Imap::MoveJob *>(m_step) || isLoggingOut())
            return;
        break;
    case MailboxStatus::Activity::AwaitingVerdicts:
        break; // the batch is abandoned: its emails stay in the inbox
    }
    logout();
}

void MailboxWatcher::finishStop()
{
    disposeSession();
    m_stopping = false;
    m_awaiting.clear();
    setActivity(MailboxStatus::Activity::Stopped);
    Q_EMIT stopped();
}

} // namespace Dmarc

#include "moc_mailboxwatcher.cpp"
