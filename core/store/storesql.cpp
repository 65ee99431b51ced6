#include "storesql.h"

#include "storedialect.h"
#include "storetypes.h"

#include <QSet>
#include <QVariant>

#include <algorithm>

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

namespace {

// Rows of values in one statement at most: well below SQLite's 32,766 bound values and
// PostgreSQL's 65,535.
constexpr qsizetype kValuesAtOnce = 20000;
constexpr qsizetype kRowsAtOnce = 500;

// The names in "(a, b, c)" starting at `open`, the index of "(", and the index after ")".
QStringList columnList(const QString &sql, qsizetype open, qsizetype *end)
{
    const qsizetype close = sql.indexOf(QLatin1Char(')'), open);
    if (open < 0 || close < 0)
        return {};
    *end = close + 1;
    QStringList names = sql.mid(open + 1, close - open - 1).split(QLatin1Char(','));
    for (QString &name : names)
        name = name.trimmed();
    return names;
}

} // namespace

QString RowsStatement::sql(qsizetype rows) const
{
    QStringList all;
    all.reserve(rows);
    for (qsizetype i = 0; i < rows; ++i)
        all << row;
    return head % all.join(QStringLiteral(", ")) % tail;
}

std::optional<RowsStatement> rowsStatement(const QString &sql)
{
    static const QString insert = QStringLiteral("INSERT INTO ");
    static const QString valuesWord = QStringLiteral(" VALUES ");
    static const QString conflict = QStringLiteral(" ON CONFLICT ");
    if (!sql.startsWith(insert))
        return std::nullopt;
    qsizetype afterColumns = 0;
    const QStringList columns = columnList(sql, sql.indexOf(QLatin1Char('(')), &afterColumns);
    if (!sql.mid(afterColumns).startsWith(valuesWord))
        return std::nullopt;
    RowsStatement statement;
    const qsizetype rowStart = afterColumns + valuesWord.size();
    qsizetype rowEnd = 0;
    const QStringList placeholders = columnList(sql, rowStart, &rowEnd);
    if (sql.at(rowStart) != QLatin1Char('(') || placeholders.size() != columns.size() ||
        placeholders.count(QStringLiteral("?")) != placeholders.size())
        return std::nullopt;
    statement.head = sql.left(rowStart);
    statement.row = sql.mid(rowStart, rowEnd - rowStart);
    statement.tail = sql.mid(rowEnd);
    statement.values = placeholders.size();
    if (statement.tail.startsWith(conflict)) {
        qsizetype afterKeys = 0;
        for (const QString &key :
             columnList(statement.tail, statement.tail.indexOf(QLatin1Char('(')), &afterKeys)) {
            const qsizetype at = columns.indexOf(key);
            if (at < 0)
                return std::nullopt;
            statement.keys << at;
        }
    } else if (!statement.tail.isEmpty()) {
        return std::nullopt;
    }
    statement.rowsAtOnce = std::max<qsizetype>(
        1, std::min(kRowsAtOnce, kValuesAtOnce / std::max<qsizetype>(1, statement.values)));
    return statement;
}

Result<void> execRows(const StoreConnection &connection, const QString &what,
                      const RowsStatement &statement, const QVariantList &values)
{
    const qsizetype rows = values.size() / statement.values;
    QSqlQuery query(connection.database());
    qsizetype prepared = 0; // rows of the statement prepared last
    QSet<QString> keys;     // of the rows in the statement being gathered
    qsizetype first = 0;    // its first row
    const auto run = [&](qsizetype end) -> Result<void> {
        const qsizetype count = end - first;
        if (count != prepared) {
            if (!query.prepare(statement.sql(count)))
                return connection.error(what, query);
            prepared = count;
        }
        for (qsizetype i = first * statement.values; i < end * statement.values; ++i)
            query.addBindValue(values.at(i));
        if (!query.exec())
            return connection.error(what, query);
        first = end;
        keys.clear();
        return {};
    };
    for (qsizetype r = 0; r < rows; ++r) {
        if (!statement.keys.isEmpty()) {
            QString key;
            for (const qsizetype at : statement.keys)
                key += values.at(r * statement.values + at).toString() % QChar(0x1f);
            if (keys.contains(key)) {
                if (auto ran = run(r); !ran)
                    return ran;
            }
            keys.insert(key);
        }
        if (r - first + 1 == statement.rowsAtOnce) {
            if (auto ran = run(r + 1); !ran)
                return ran;
        }
    }
    if (first < rows)
        return run(rows);
    return {};
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
