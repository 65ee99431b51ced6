#include "ptrrecords.h"

#include <QSqlQuery>
#include <QVariant>

namespace Dmarc {

QStringList ptrCacheMigration()
{
    return {QStringLiteral("CREATE TABLE ptr_cache (ip VARCHAR(45) NOT NULL PRIMARY KEY, "
                           "outcome VARCHAR(16) NOT NULL, name TEXT NOT NULL, "
                           "expires BIGINT NOT NULL)")};
}

Result<QList<PtrRecord>> readPtrRecords(const StoreConnection &connection, const QStringList &ips)
{
    const QString what = QStringLiteral("cannot read the reverse DNS cache");
    QList<PtrRecord> records;
    QSqlQuery query(connection.database());
    query.setForwardOnly(true);
    if (!query.prepare(QStringLiteral("SELECT outcome, name, expires FROM ptr_cache WHERE ip = ?")))
        return connection.error(what, query);
    for (const QString &ip : ips) {
        query.addBindValue(storedText(ip));
        if (!query.exec())
            return connection.error(what, query);
        if (query.next())
            records.append(PtrRecord{ip, query.value(0).toString(), query.value(1).toString(),
                                     query.value(2).toLongLong()});
        query.finish();
    }
    return records;
}

Result<void> writePtrRecords(const StoreConnection &connection, const QList<PtrRecord> &records)
{
    return execForEach(
        connection, QStringLiteral("cannot write the reverse DNS cache"),
        connection.dialect->upsert(
            QStringLiteral("ptr_cache"), {QStringLiteral("ip")},
            {QStringLiteral("outcome"), QStringLiteral("name"), QStringLiteral("expires")},
            StoreDialect::Upsert::Replace),
        records, [](BoundValues &bound, const PtrRecord &record) {
            bound.addBindValue(storedText(record.ip));
            bound.addBindValue(storedText(record.outcome));
            bound.addBindValue(storedText(record.name));
            bound.addBindValue(record.expires);
        });
}

} // namespace Dmarc
