#pragma once

#include "common/result.h"
#include "databasesettings.h"

#include <QHash>
#include <QString>
#include <QStringList>

#include <memory>

namespace Dmarc {

// A PostgreSQL session of its own, apart from the store's connection, on which an instance
// holds one advisory lock per account it watches (docs/architecture.md, section 3). The
// server releases every lock of a session when the session ends: when the instance stops,
// crashes or loses the connection, the locks go with it and another instance can take them.
// The session is named after the instance (its application_name), so every instance can tell
// who holds which account. PostgreSQL only. Not thread-safe: use it from one thread.
class LeaseSession
{
public:
    // The advisory locks' first key ("DMRL"); the second is the account's key().
    static constexpr qint32 kLeaseClass = 0x444D524C;

    // Connects as `instance`. A session whose peer falls silent is ended by the server after
    // about `silenceSeconds` (TCP keepalives), and with it its locks.
    static Result<std::unique_ptr<LeaseSession>> open(const DatabaseSettings &database,
                                                      const QString &instance,
                                                      int silenceSeconds);
    ~LeaseSession(); // closes the connection, which ends the session and frees its locks
    LeaseSession(const LeaseSession &) = delete;
    LeaseSession &operator=(const LeaseSession &) = delete;

    // The lock of one account: a stable number from its name (the same in every instance).
    static qint32 key(const QString &account);

    // Takes the lease of `account`: true when this session holds it now (also when it did
    // already), false when another session holds it.
    Result<bool> tryTake(const QString &account);
    Result<void> release(const QString &account);
    // A cheap round trip that shows the session is alive.
    Result<void> ping();
    // The instance holding the lease of each of `accounts` that someone holds.
    Result<QHash<QString, QString>> holders(const QStringList &accounts);

private:
    explicit LeaseSession(QString connectionName);

    QString m_connectionName;
    QHash<QString, bool> m_held;
};

} // namespace Dmarc
