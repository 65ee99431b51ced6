#include "basicauth.h"

#include "common/log.h"
#include "common/logging.h"

#include <QCryptographicHash>

#include <algorithm>

namespace Dmarc {

namespace {

constexpr qint64 kRememberMs = 60 * 1000;
constexpr int kMaxRemembered = 64;
constexpr int kMaxFailureShift = 4; // the delay grows to 16 times the first one
constexpr int kMaxClients = 4096;   // addresses remembered for their failures
constexpr int kMaxProven = 256;
constexpr int kUnprovenCheckSpacingMs = 500;

} // namespace

BasicAuth::BasicAuth(const QByteArray &user, const PasswordHash &hash, int failureDelayMs,
                     QObject *parent)
    : QObject(parent)
    , m_user(user)
    , m_hash(std::make_shared<const PasswordHash>(hash))
    , m_failureDelayMs(failureDelayMs)
    , m_budgetTimer(new QTimer(this))
{
    // One core at most for the hash, however many guess.
    m_pool.setMaxThreadCount(1);
    m_budgetTimer->setSingleShot(true);
    connect(m_budgetTimer, &QTimer::timeout, this, &BasicAuth::budgetRenewed);
}

BasicAuth::~BasicAuth()
{
    m_pool.clear();
    m_pool.waitForDone();
}

bool BasicAuth::remembered(const QByteArray &digest)
{
    const auto it = m_verified.constFind(digest);
    if (it == m_verified.cend())
        return false;
    if (!it->hasExpired())
        return true;
    m_verified.erase(it);
    return false;
}

void BasicAuth::check(const QHostAddress &client, const QByteArray &authorization, QObject *context,
                      Done done)
{
    // The scheme is case-insensitive (RFC 9110 section 11.1).
    if (!authorization.left(6).toLower().startsWith("basic ")) {
        done(false);
        return;
    }
    const QByteArray digest = QCryptographicHash::hash(authorization, QCryptographicHash::Sha256);
    if (remembered(digest)) {
        done(true);
        return;
    }
    const auto decoded = QByteArray::fromBase64Encoding(authorization.mid(6).trimmed(),
                                                        QByteArray::AbortOnBase64DecodingErrors);
    const qsizetype colon = decoded ? decoded.decoded.indexOf(':') : -1;
    if (colon < 0) {
        done(false);
        return;
    }
    m_clients[client].queue.append(Pending{digest, decoded.decoded.left(colon),
                                           decoded.decoded.mid(colon + 1), context,
                                           std::move(done)});
    next(client);
}

void BasicAuth::next(const QHostAddress &client)
{
    // Looked up again after each callback, which may have come back here through check().
    for (;;) {
        const auto it = m_clients.find(client);
        if (it == m_clients.end() || it->checking)
            return;
        if (it->queue.isEmpty()) {
            if (it->failures == 0)
                m_clients.erase(it);
            return;
        }
        // Another connection of this client may have had the same header checked meanwhile.
        if (!it->queue.first().context || remembered(it->queue.first().digest)) {
            Pending pending = it->queue.takeFirst();
            if (pending.context)
                pending.done(true);
            continue;
        }
        if (!it->notBefore.hasExpired()) {
            if (!it->timerSet) {
                it->timerSet = true;
                QTimer::singleShot(it->notBefore.remainingTime(), this, [this, client] {
                    m_clients[client].timerSet = false;
                    next(client);
                });
            }
            return;
        }
        if (!m_proven.contains(client) && !m_budget.hasExpired()) {
            if (!m_awaitingBudget.contains(client))
                m_awaitingBudget.append(client);
            if (!m_budgetTimer->isActive())
                m_budgetTimer->start(int(m_budget.remainingTime()));
            return;
        }
        start(client, *it);
        return;
    }
}

void BasicAuth::budgetRenewed()
{
    // Addresses without failures first, then in the order they came.
    const auto clean = std::find_if(
        m_awaitingBudget.cbegin(), m_awaitingBudget.cend(),
        [this](const QHostAddress &address) { return m_clients.value(address).failures == 0; });
    const qsizetype index =
        clean == m_awaitingBudget.cend() ? 0 : clean - m_awaitingBudget.cbegin();
    if (index >= m_awaitingBudget.size())
        return;
    next(m_awaitingBudget.takeAt(index));
    if (!m_awaitingBudget.isEmpty() && !m_budgetTimer->isActive())
        m_budgetTimer->start(int(qMax<qint64>(0, m_budget.remainingTime())));
}

void BasicAuth::start(const QHostAddress &client, Client &state)
{
    if (!m_proven.contains(client))
        m_budget = QDeadlineTimer(kUnprovenCheckSpacingMs);
    state.checking = true;
    m_pool.start([this, client, pending = state.queue.takeFirst(), user = m_user, hash = m_hash] {
        const bool userMatches = equalsInConstantTime(pending.user, user);
        const bool passwordMatches = hash->verify(pending.password);
        const bool ok = userMatches && passwordMatches;
        QMetaObject::invokeMethod(
            this, [this, client, pending, ok] { finished(client, pending, ok); },
            Qt::QueuedConnection);
    });
}

void BasicAuth::finished(const QHostAddress &client, const Pending &pending, bool ok)
{
    Client &state = m_clients[client];
    state.checking = false;
    if (ok) {
        if (m_verified.size() >= kMaxRemembered)
            m_verified.clear();
        m_verified.insert(pending.digest, QDeadlineTimer(kRememberMs));
        state.failures = 0;
        state.notBefore = QDeadlineTimer(0);
        if (m_proven.size() >= kMaxProven)
            m_proven.clear();
        m_proven.insert(client);
    } else {
        ++state.failures;
        state.notBefore =
            QDeadlineTimer(qint64(m_failureDelayMs) << qMin(state.failures - 1, kMaxFailureShift));
        Log::info(lcHttp(), QStringLiteral("Refused a request with wrong basic auth credentials"),
                  {{QStringLiteral("client"), client.toString()},
                   {QStringLiteral("failures_in_a_row"), QString::number(state.failures)}});
    }
    if (pending.context)
        pending.done(ok);
    next(client);
    if (m_clients.size() > kMaxClients)
        forgetIdleClients();
}

void BasicAuth::forgetIdleClients()
{
    for (auto it = m_clients.begin(); it != m_clients.end();) {
        if (!it->checking && it->queue.isEmpty() && it->notBefore.hasExpired())
            it = m_clients.erase(it);
        else
            ++it;
    }
}

} // namespace Dmarc
