#pragma once

#include "store/databasesettings.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>

#include <memory>

class QTimer;

namespace Dmarc {

class LeaseSession;

// Which accounts this instance watches when several instances share one PostgreSQL store
// (docs/architecture.md, section 3): each account is watched by the instance holding its
// lease, an advisory lock on a session of its own (LeaseSession). The others serve their
// metrics and try again every third of `takeoverSeconds`; the session's keepalives end a silent
// holder's session within half of it, so an account is taken over within `takeoverSeconds`
// after its holder stopped, crashed or fell silent. A lost session loses every lease at once.
class AccountLeases : public QObject
{
    Q_OBJECT
public:
    AccountLeases(DatabaseSettings database, QString instance, int takeoverSeconds,
                  QObject *parent = nullptr);
    ~AccountLeases() override; // ends the session: the leases go at once

    // "host:pid", the name of an instance that was not given one.
    static QString defaultInstanceName();

    QString instance() const { return m_instance; }
    // Replaces the accounts to hold: tries to take each now, releases those no longer listed.
    void setAccounts(const QStringList &accounts);
    bool holds(const QString &account) const { return m_held.contains(account); }
    // The instance that watches `account`, as last seen; empty when nobody holds its lease.
    QString holder(const QString &account) const { return m_holders.value(account); }

Q_SIGNALS:
    // This instance took (true) or lost (false) the lease of `account`.
    void leaseChanged(const QString &account, bool held);
    // holder() changed for some account.
    void holdersChanged();

private:
    void attempt();
    void keepAlive();
    void loseAll(const QString &why);

    DatabaseSettings m_database;
    QString m_instance;
    int m_takeoverSeconds;
    QStringList m_accounts;
    QSet<QString> m_held;
    bool m_unreachable = false; // said once until a session opens again
    QHash<QString, QString> m_holders;
    std::unique_ptr<LeaseSession> m_session;
    QTimer *m_attempts;
    QTimer *m_keepAlive;
};

} // namespace Dmarc
