#include "leasesession.h"

#include <QCryptographicHash>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

#include <algorithm>
#include <atomic>

namespace Dmarc {

namespace {

Error failure(const QString &what, const QSqlError &error)
{
    return Error{QStringLiteral("lease"), what + QStringLiteral(": ") + error.text()};
}

} // namespace

LeaseSession::LeaseSession(QString connectionName)
    : m_connectionName(std::move(connectionName))
{
}

LeaseSession::~LeaseSession()
{
    {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
}

Result<std::unique_ptr<LeaseSession>> LeaseSession::open(const DatabaseSettings &database,
                                                         const QString &instance,
                                                         int silenceSeconds)
{
    static std::atomic<int> sessions{0};
    const QString name = QStringLiteral("dmarc-lease-%1").arg(sessions++);
    std::unique_ptr<LeaseSession> session(new LeaseSession(name));
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
    db.setHostName(database.host);
    db.setPort(database.port);
    db.setDatabaseName(database.name);
    db.setUserName(database.user);
    db.setPassword(database.password);
    // Our own application_name, after the store's: the name others see as the holder.
    QString options = database.connectOptions();
    QString shownName = instance;
    shownName.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
    shownName.replace(QLatin1Char('\''), QStringLiteral("\\'"));
    db.setConnectOptions(options + QStringLiteral(";application_name='") + shownName +
                         QLatin1Char('\''));
    if (!db.open())
        return failure(QStringLiteral("cannot connect to ") + database.shownUrl(), db.lastError());
    // Without these the server keeps a silent peer's session, and its locks, for hours.
    const int interval = std::max(1, silenceSeconds / 3);
    QSqlQuery query(db);
    for (const QString &setting :
         {QStringLiteral("SET tcp_keepalives_idle = %1").arg(interval),
          QStringLiteral("SET tcp_keepalives_interval = %1").arg(interval),
          QStringLiteral("SET tcp_keepalives_count = 2")}) {
        if (!query.exec(setting))
            return failure(setting, query.lastError());
    }
    return session;
}

qint32 LeaseSession::key(const QString &account)
{
    const QByteArray digest =
        QCryptographicHash::hash(account.toUtf8(), QCryptographicHash::Sha256);
    const auto byte = [&digest](int i) { return quint32(quint8(digest.at(i))); };
    // Non-negative, so that pg_locks (which shows the key as an unsigned oid) shows it unchanged.
    return qint32(((byte(0) << 24) | (byte(1) << 16) | (byte(2) << 8) | byte(3)) & 0x7fffffffu);
}

Result<bool> LeaseSession::tryTake(const QString &account)
{
    // Advisory locks stack within a session: taken once only, so that one release frees it.
    if (m_held.value(account))
        return true;
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("SELECT pg_try_advisory_lock(?, ?)"));
    query.addBindValue(kLeaseClass);
    query.addBindValue(key(account));
    if (!query.exec() || !query.next())
        return failure(QStringLiteral("cannot take the lease of ") + account, query.lastError());
    const bool taken = query.value(0).toBool();
    if (taken)
        m_held.insert(account, true);
    return taken;
}

Result<void> LeaseSession::release(const QString &account)
{
    if (!m_held.take(account))
        return {};
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("SELECT pg_advisory_unlock(?, ?)"));
    query.addBindValue(kLeaseClass);
    query.addBindValue(key(account));
    if (!query.exec())
        return failure(QStringLiteral("cannot release the lease of ") + account,
                       query.lastError());
    return {};
}

Result<void> LeaseSession::ping()
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    if (!query.exec(QStringLiteral("SELECT 1")))
        return failure(QStringLiteral("the lease session is gone"), query.lastError());
    return {};
}

Result<QHash<QString, QString>> LeaseSession::holders(const QStringList &accounts)
{
    QHash<qint64, QString> byKey;
    for (const QString &account : accounts)
        byKey.insert(key(account), account);
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral(
        "SELECT l.objid::bigint, a.application_name FROM pg_locks l "
        "JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2 "
        "AND l.classid::bigint = ? "
        "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"));
    query.addBindValue(qint64(kLeaseClass));
    if (!query.exec())
        return failure(QStringLiteral("cannot read who holds the leases"), query.lastError());
    QHash<QString, QString> holders;
    while (query.next()) {
        const auto account = byKey.constFind(query.value(0).toLongLong());
        if (account != byKey.cend())
            holders.insert(*account, query.value(1).toString());
    }
    return holders;
}

} // namespace Dmarc
