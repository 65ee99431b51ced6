#include "storesql.h"

#include "storedialect.h"
#include "storetypes.h"

#include <QVariant>

namespace Dmarc {

Error StoreConnection::error(const QString &what, const QString &detail) const
{
    return Error{QStringLiteral("store"), QStringLiteral("%1: %2: %3").arg(location, what, detail)};
}

Error StoreConnection::error(const QString &what, const QSqlError &failed) const
{
    Error described = error(what, failed.text());
    described.code = dialect->errorCode(failed);
    if (described.code == QLatin1String("store_unreachable")) {
        QSqlDatabase db = database();
        db.close();
    }
    return described;
}

Result<void> StoreConnection::begin(Access access) const
{
    QSqlDatabase db = database();
    if (access == Access::Read) {
        if (!db.transaction())
            return error(QStringLiteral("cannot begin a transaction"), db.lastError());
        return {};
    }
    // A write transaction takes the write lock at once: what it reads then stays true until it
    // commits, also when another process writes to the same database.
    QSqlQuery query(db);
    const QStringList statements = dialect->beginWrite();
    for (qsizetype i = 0; i < statements.size(); ++i) {
        if (!query.exec(statements.at(i))) {
            const Error failed = error(QStringLiteral("cannot begin a transaction"), query);
            if (i > 0 && db.isOpen())
                db.rollback();
            return failed;
        }
    }
    return {};
}

const QStringList &counterColumns()
{
    static const QStringList columns = {
        QStringLiteral("total"),     QStringLiteral("compliant"),    QStringLiteral("quarantine"),
        QStringLiteral("reject"),    QStringLiteral("dkim_aligned"), QStringLiteral("spf_aligned"),
        QStringLiteral("dkim_pass"), QStringLiteral("spf_pass")};
    return columns;
}

const QStringList &labelColumns()
{
    static const QStringList columns = {QStringLiteral("reporter"), QStringLiteral("from_domain"),
                                        QStringLiteral("dkim_domain"),
                                        QStringLiteral("spf_domain")};
    return columns;
}

Result<void> execWith(const StoreConnection &connection, const QString &what, const QString &sql,
                      const QVariant &value)
{
    return execForEach(connection, what, sql, QVariantList{value},
                       [](QSqlQuery &query, const QVariant &v) { query.addBindValue(v); });
}

void bindLabels(QSqlQuery &query, const LabelSet &labels)
{
    for (const QString &label :
         {labels.reporter, labels.fromDomain, labels.dkimDomain, labels.spfDomain})
        query.addBindValue(storedText(label));
}

void bindCounters(QSqlQuery &query, const Counters &c)
{
    for (quint64 value : {c.total, c.compliant, c.quarantine, c.reject, c.dkimAligned, c.spfAligned,
                          c.dkimPass, c.spfPass})
        query.addBindValue(qint64(value));
}

Counters readCounters(const QSqlQuery &query, int first)
{
    Counters c;
    quint64 *fields[] = {&c.total,       &c.compliant,  &c.quarantine, &c.reject,
                         &c.dkimAligned, &c.spfAligned, &c.dkimPass,   &c.spfPass};
    for (int i = 0; i < 8; ++i)
        *fields[i] = quint64(query.value(first + i).toLongLong());
    return c;
}

const QList<CountTableSpec> &countTables()
{
    static const QList<CountTableSpec> tables = [] {
        QList<CountTableSpec> allTime = {
            {QStringLiteral("tls_sessions"),
             {QStringLiteral("reporter"), QStringLiteral("policy_domain"),
              QStringLiteral("policy_type")},
             {QStringLiteral("successful"), QStringLiteral("failed")}},
            {QStringLiteral("tls_failure_details"),
             {QStringLiteral("reporter"), QStringLiteral("policy_domain"),
              QStringLiteral("policy_type"), QStringLiteral("result_type")},
             {QStringLiteral("sessions")}},
            {QStringLiteral("tls_reports"),
             {QStringLiteral("reporter"), QStringLiteral("policy_domain")},
             {QStringLiteral("reports")}},
            {QStringLiteral("tls_invalid_reports"),
             {QStringLiteral("from_email")},
             {QStringLiteral("invalid_count")}},
            {QStringLiteral("failure_reports"),
             {QStringLiteral("reported_domain"), QStringLiteral("auth_failure"),
              QStringLiteral("identity_alignment"), QStringLiteral("delivery_result")},
             {QStringLiteral("reports")}},
        };
        // The ...ByDay tables: the same with the day (YYYY-MM-DD, UTC) as the first label.
        for (const CountTable table :
             {CountTable::TlsSessions, CountTable::TlsFailureDetails, CountTable::FailureReports}) {
            CountTableSpec daily = allTime.at(int(table));
            daily.name += QStringLiteral("_by_day");
            daily.labelColumns.prepend(QStringLiteral("day"));
            allTime << daily;
        }
        return allTime;
    }();
    return tables;
}

QString dedupTable(ReportKind kind)
{
    return kind == ReportKind::Tls ? QStringLiteral("tls_dedup") : QStringLiteral("dedup");
}

} // namespace Dmarc
