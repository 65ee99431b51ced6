#include "accountleases.h"

#include "common/log.h"
#include "common/logging.h"
#include "store/leasesession.h"

#include <QCoreApplication>
#include <QSysInfo>
#include <QTimer>

#include <algorithm>
#include <utility>

namespace Dmarc {

AccountLeases::AccountLeases(DatabaseSettings database, QString instance, int takeoverSeconds,
                             QObject *parent)
    : QObject(parent)
    , m_database(std::move(database))
    , m_instance(std::move(instance))
    , m_takeoverSeconds(std::max(1, takeoverSeconds))
    , m_attempts(new QTimer(this))
    , m_keepAlive(new QTimer(this))
{
    m_attempts->setInterval(m_takeoverSeconds * 1000 / 3);
    m_keepAlive->setInterval(m_takeoverSeconds * 1000 / 6);
    connect(m_attempts, &QTimer::timeout, this, &AccountLeases::attempt);
    connect(m_keepAlive, &QTimer::timeout, this, &AccountLeases::keepAlive);
}

AccountLeases::~AccountLeases() = default;

QString AccountLeases::defaultInstanceName()
{
    return QSysInfo::machineHostName() + QLatin1Char(':') +
           QString::number(QCoreApplication::applicationPid());
}

void AccountLeases::setAccounts(const QStringList &accounts)
{
    for (const QString &account : std::as_const(m_accounts)) {
        if (accounts.contains(account) || !m_held.remove(account))
            continue;
        if (auto released = m_session->release(account); !released) {
            loseAll(released.error().message);
            break;
        }
    }
    m_accounts = accounts;
    m_attempts->start();
    m_keepAlive->start();
    attempt();
}

void AccountLeases::attempt()
{
    if (!m_session) {
        auto session = LeaseSession::open(m_database, m_instance, m_takeoverSeconds / 2);
        if (!session) {
            if (!std::exchange(m_unreachable, true))
                Log::warning(lcStore(), QStringLiteral("Cannot open the session for account "
                                                       "leases; trying again"),
                             {{QStringLiteral("error"), session.error().message}});
            return;
        }
        m_session = std::move(*session);
        m_unreachable = false;
    }
    for (const QString &account : std::as_const(m_accounts)) {
        if (m_held.contains(account))
            continue;
        auto taken = m_session->tryTake(account);
        if (!taken) {
            loseAll(taken.error().message);
            return;
        }
        if (*taken) {
            m_held.insert(account);
            Log::info(lcStore(), QStringLiteral("Account lease taken: this instance watches it"),
                      {{QStringLiteral("account"), account},
                       {QStringLiteral("instance"), m_instance}});
            Q_EMIT leaseChanged(account, true);
        }
    }
    auto holders = m_session->holders(m_accounts);
    if (!holders) {
        loseAll(holders.error().message);
        return;
    }
    if (*holders != m_holders) {
        m_holders = std::move(*holders);
        Q_EMIT holdersChanged();
    }
}

void AccountLeases::keepAlive()
{
    if (!m_session)
        return;
    if (auto alive = m_session->ping(); !alive)
        loseAll(alive.error().message);
}

void AccountLeases::loseAll(const QString &why)
{
    m_session.reset();
    const QStringList lost = m_held.values();
    m_held.clear();
    Log::warning(lcStore(), QStringLiteral("Account leases lost with their session"),
                 {{QStringLiteral("accounts"), lost.join(QLatin1Char(','))},
                  {QStringLiteral("error"), why}});
    for (const QString &account : lost)
        Q_EMIT leaseChanged(account, false);
    if (!m_holders.isEmpty()) {
        m_holders.clear();
        Q_EMIT holdersChanged();
    }
}

} // namespace Dmarc
