#include "storesql.h"

#include "sqlitenative.h"
#include "storedialect.h"
#include "storetypes.h"

#include <QSet>
#include <QSqlDriver>
#include <QSqlField>
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
    StatementBatch batch(*this);
    const QStringList statements = dialect->beginWrite();
    for (const QString &statement : statements)
        batch.add(QStringLiteral("cannot begin a transaction"), statement);
    auto begun = batch.run();
    // A transaction begun by the first statement ends with the failure of a later one.
    if (!begun && statements.size() > 1 && db.isOpen())
        db.rollback();
    return begun;
}

const QStringList &counterColumns()
{
    static const QStringList columns = {
        QStringLiteral("total"),     QStringLiteral("compliant"),    QStringLiteral("quarantine"),
        QStringLiteral("reject"),    QStringLiteral("dkim_aligned"), QStringLiteral("spf_aligned"),
        QStringLiteral("dkim_pass"), QStringLiteral("spf_pass")};
    return columns;
}

QString wholeNumberColumns(const QStringList &columns)
{
    QStringList parts;
    for (const QString &column : columns)
        parts << column % QStringLiteral(" BIGINT NOT NULL DEFAULT 0");
    return parts.join(QStringLiteral(", "));
}

QString createDailyHistory()
{
    return QStringLiteral("CREATE TABLE daily_history (day VARCHAR(10) NOT NULL, "
                          "reporter TEXT NOT NULL, from_domain TEXT NOT NULL, ") %
           wholeNumberColumns(counterColumns()) %
           QStringLiteral(", reports BIGINT NOT NULL DEFAULT 0, "
                          "PRIMARY KEY (day, reporter, from_domain))");
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
// PostgreSQL's 65,535 (which arrays of rows do not come near: a value a column).
constexpr qsizetype kValuesAtOnce = 20000;
constexpr qsizetype kRowsAtOnce = 2000;

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

QString RowsStatement::sql(qsizetype rows, const StoreDialect &dialect) const
{
    return head % dialect.insertedRows(rows, int(values)) % tail;
}

qsizetype rowsPerStatement(const StoreDialect &dialect, qsizetype valuesPerRow, qsizetype most)
{
    return std::clamp<qsizetype>(
        dialect.valuesPerStatement() / std::max<qsizetype>(1, valuesPerRow), 1, most);
}

void appendTextRow(QString &text, const QStringList &fields)
{
    bool first = true;
    for (const QString &field : fields) {
        if (!first)
            text += kFieldSeparator;
        first = false;
        if (field.contains(kFieldSeparator) || field.contains(kRowEnd)) {
            QString kept = field;
            text += kept.replace(kFieldSeparator, QChar::ReplacementCharacter)
                        .replace(kRowEnd, QChar::ReplacementCharacter);
        } else {
            text += field;
        }
    }
    text += kRowEnd;
}

QList<QList<QStringView>> textRows(QStringView text)
{
    QList<QList<QStringView>> rows;
    for (const QStringView row : text.split(kRowEnd, Qt::SkipEmptyParts))
        rows << row.split(kFieldSeparator);
    return rows;
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
    statement.head = sql.left(afterColumns + 1);
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

void StatementBatch::add(const QString &what, const QString &sql, const QVariantList &values,
                         const Read &read)
{
    m_statements << Statement{what, sql, values, read};
}

void StatementBatch::addRowsTable(const QString &what, const QString &sql, int columns,
                                  QVariantList values, const Read &read)
{
    const bool arrays = m_connection.dialect->rowBinding() == StoreDialect::RowBinding::Arrays;
    m_statements << Statement{what, sql, std::move(values), read, arrays ? columns : 0};
}

void StatementBatch::addRows(const QString &what, const QString &sql, qsizetype rows,
                             QVariantList values)
{
    const qsizetype perRow = values.size() / rows;
    const auto statement = rows > 1 ? rowsStatement(sql) : std::nullopt;
    // The values of rows [first, end), moved into a statement of their own.
    const auto valuesOf = [&values, perRow](qsizetype first, qsizetype end) {
        QVariantList taken;
        taken.reserve((end - first) * perRow);
        for (qsizetype i = first * perRow; i < end * perRow; ++i)
            taken.append(std::move(values[i]));
        return taken;
    };
    if (!statement || statement->values != perRow) {
        for (qsizetype r = 0; r < rows; ++r)
            add(what, sql, valuesOf(r, r + 1));
        return;
    }
    const qsizetype rowsAtOnce =
        rowsPerStatement(*m_connection.dialect, perRow, statement->rowsAtOnce);
    // The keys of the rows in the statement being gathered, by their hash: two keys of the same
    // hash end the statement as two equal ones would, which is only one statement more.
    QSet<size_t> keys;
    qsizetype first = 0; // its first row
    const auto gathered = [&](qsizetype end) {
        addRowsTable(what, statement->sql(end - first, *m_connection.dialect), int(perRow),
                     valuesOf(first, end));
        first = end;
        keys.clear();
    };
    for (qsizetype r = 0; r < rows; ++r) {
        if (!statement->keys.isEmpty()) {
            size_t key = 0;
            for (const qsizetype at : statement->keys)
                key = qHashMulti(key, values.at(r * perRow + at).toString());
            if (keys.contains(key))
                gathered(r);
            keys.insert(key);
        }
        if (r - first + 1 == rowsAtOnce)
            gathered(r + 1);
    }
    if (first < rows)
        gathered(rows);
}

Result<void> StatementBatch::run()
{
    if (m_statements.isEmpty())
        return {};
    auto ran = m_connection.dialect->runsStatementsAsText() ? runAsText() : runPrepared();
    m_statements.clear();
    return ran;
}

namespace {

// The text of a value of type QString, without the conversion QVariant::toString() makes.
const QString &heldText(const QVariant &value)
{
    return *static_cast<const QString *>(value.constData());
}

// Whether the driver would bind `value` as NULL.
bool isNullValue(const QVariant &value)
{
    if (value.isNull())
        return true;
    switch (value.metaType().id()) {
    case QMetaType::QString:
        return heldText(value).isNull();
    case QMetaType::QByteArray:
        return static_cast<const QByteArray *>(value.constData())->isNull();
    default:
        return false;
    }
}

bool isWholeNumber(const QVariant &value)
{
    switch (value.metaType().id()) {
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::LongLong:
    case QMetaType::ULongLong:
        return true;
    default:
        return false;
    }
}

// A whole number (isWholeNumber) in decimal.
QString wholeNumberText(const QVariant &value)
{
    if (value.metaType().id() == QMetaType::ULongLong)
        return QString::number(value.toULongLong());
    return QString::number(value.toLongLong());
}

// `value` as the driver writes it into SQL (what Qt's PostgreSQL driver sends for a bound value
// anyway). A whole number, and a text without a quote or a backslash, are written here as the
// driver writes them: its search for quotes to double took a tenth of a commit's CPU time.
QString writtenValue(const QVariant &value, const QSqlDriver &driver)
{
    const bool null = isNullValue(value);
    if (!null && isWholeNumber(value))
        return wholeNumberText(value);
    if (!null && value.metaType().id() == QMetaType::QString) {
        const QString &text = heldText(value);
        if (!text.contains(QLatin1Char('\'')) && !text.contains(QLatin1Char('\\')))
            return QLatin1Char('\'') % text % QLatin1Char('\'');
    }
    QSqlField field;
    field.setMetaType(value.metaType());
    if (!null)
        field.setValue(value);
    return driver.formatValue(field);
}

// The values of rows of `columns` values as one array a column, each written as a typed array
// literal: bigint[] for a column of whole numbers, else text[].
QStringList writtenArrays(const QVariantList &values, int columns, const QSqlDriver &driver)
{
    QStringList arrays;
    for (int column = 0; column < columns; ++column) {
        bool numbers = true;
        QString elements;
        for (qsizetype i = column; i < values.size(); i += columns) {
            const QVariant &value = values.at(i);
            if (!elements.isEmpty())
                elements += QLatin1Char(',');
            if (isNullValue(value)) {
                elements += QStringLiteral("NULL");
            } else if (isWholeNumber(value)) {
                elements += wholeNumberText(value);
            } else {
                // Quoted, so that no text reads as NULL, a separator or a nested array.
                numbers = false;
                const QString text = value.metaType().id() == QMetaType::QString ? heldText(value)
                                                                                 : value.toString();
                elements += QLatin1Char('"');
                if (text.contains(QLatin1Char('\\')) || text.contains(QLatin1Char('"'))) {
                    for (const QChar c : text) {
                        if (c == QLatin1Char('\\') || c == QLatin1Char('"'))
                            elements += QLatin1Char('\\');
                        elements += c;
                    }
                } else {
                    elements += text;
                }
                elements += QLatin1Char('"');
            }
        }
        arrays << writtenValue(QString(QLatin1Char('{') % elements % QLatin1Char('}')), driver) %
                      (numbers ? QStringLiteral("::bigint[]") : QStringLiteral("::text[]"));
    }
    return arrays;
}

// Appends `sql` to `text` with each placeholder outside quotes replaced by its value, already
// written as SQL; false when the values do not match the placeholders.
bool appendWithValues(QString &text, const QString &sql, const QStringList &values)
{
    qsizetype next = 0;   // the value for the next placeholder
    qsizetype copied = 0; // of sql
    QChar quote;
    for (qsizetype i = 0; i < sql.size(); ++i) {
        const QChar c = sql.at(i);
        if (!quote.isNull()) {
            if (c == quote)
                quote = QChar();
        } else if (c == QLatin1Char('\'') || c == QLatin1Char('"')) {
            quote = c;
        } else if (c == QLatin1Char('?')) {
            if (next == values.size())
                return false;
            text += QStringView(sql).mid(copied, i - copied);
            copied = i + 1;
            const QString &written = values.at(next++);
            // In parentheses, a negative number cannot turn "- ?" into the start of a comment.
            if (written.startsWith(QLatin1Char('-')))
                text += QLatin1Char('(') % written % QLatin1Char(')');
            else
                text += written;
        }
    }
    text += QStringView(sql).mid(copied);
    return next == values.size();
}

} // namespace

Result<void> StatementBatch::runAsText()
{
    QSqlDatabase db = m_connection.database();
    QString text;
    for (const Statement &statement : std::as_const(m_statements)) {
        if (!text.isEmpty())
            text += QStringLiteral(";\n");
        QStringList written;
        if (statement.arrayColumns > 0) {
            written = writtenArrays(statement.values, statement.arrayColumns, *db.driver());
        } else {
            for (const QVariant &value : statement.values)
                written << writtenValue(value, *db.driver());
        }
        if (!appendWithValues(text, statement.sql, written))
            return m_connection.error(statement.what,
                                      QStringLiteral("the values do not match the statement"));
    }
    // Each statement gives a result of its own, in order, up to the first that failed.
    QSqlQuery query(db);
    bool ok = query.exec(text);
    for (qsizetype i = 0; i < m_statements.size(); ++i) {
        if (i > 0)
            ok = query.nextResult();
        const Statement &statement = m_statements.at(i);
        if (!ok)
            return m_connection.error(statement.what, query);
        if (statement.read) {
            while (query.next())
                statement.read(query);
        }
    }
    return {};
}

Result<void> StatementBatch::runPrepared()
{
    QSqlDatabase db = m_connection.database();
    // Writes go straight to SQLite; a statement that reads hands Qt's query to its `read`.
    SqliteStatements writes(db);
    QSqlQuery query(db);
    query.setForwardOnly(true);
    const QString *prepared = nullptr; // the statement prepared last, reused for the same text
    for (const Statement &statement : std::as_const(m_statements)) {
        if (!statement.read) {
            if (const auto failed = writes.run(statement.sql, statement.values))
                return m_connection.error(statement.what, *failed);
            continue;
        }
        if (!prepared || *prepared != statement.sql) {
            if (!query.prepare(statement.sql))
                return m_connection.error(statement.what, query);
            prepared = &statement.sql;
        }
        for (const QVariant &value : statement.values)
            query.addBindValue(value);
        if (!query.exec())
            return m_connection.error(statement.what, query);
        if (statement.read) {
            while (query.next())
                statement.read(query);
        }
    }
    return {};
}

Result<void> execWith(const StoreConnection &connection, const QString &what, const QString &sql,
                      const QVariant &value)
{
    StatementBatch batch(connection);
    batch.add(what, sql, {value});
    return batch.run();
}

Result<QSqlQuery> runRead(const StoreConnection &connection, const QString &what,
                          const QString &sql, const QVariantList &values)
{
    QSqlQuery query(connection.database());
    query.setForwardOnly(true);
    if (!query.prepare(sql))
        return connection.error(what, query);
    for (const QVariant &value : values)
        query.addBindValue(value);
    if (!query.exec())
        return connection.error(what, query);
    return query;
}

QString dayText(QDate day)
{
    int year = 0;
    int month = 0;
    int dayOfMonth = 0;
    day.getDate(&year, &month, &dayOfMonth);
    if (!day.isValid() || year < 1 || year > 9999)
        return day.toString(Qt::ISODate);
    // Written digit by digit: QDate::toString goes through the calendar and the locale, and a
    // commit writes a day for each of its many rows.
    const auto digit = [](int value) { return QChar(u'0' + value % 10); };
    const QChar text[] = {digit(year / 1000), digit(year / 100), digit(year / 10),
                          digit(year),        QLatin1Char('-'),  digit(month / 10),
                          digit(month),       QLatin1Char('-'),  digit(dayOfMonth / 10),
                          digit(dayOfMonth)};
    return QString(text, 10);
}

QDate dayOf(const QVariant &value)
{
    return QDate::fromString(value.toString(), Qt::ISODate);
}

QString placeholders(qsizetype count)
{
    QStringList marks;
    for (qsizetype i = 0; i < count; ++i)
        marks << QStringLiteral("?");
    return marks.join(QStringLiteral(", "));
}

QStringList dayConditions(const QString &column, QDate from, QDate to, QVariantList &values)
{
    QStringList conditions;
    if (from.isValid()) {
        conditions << column % QStringLiteral(" >= ?");
        values << dayText(from);
    }
    if (to.isValid()) {
        conditions << column % QStringLiteral(" <= ?");
        values << dayText(to);
    }
    return conditions;
}

void bindLabels(BoundValues &values, const LabelSet &labels)
{
    for (const QString &label :
         {labels.reporter, labels.fromDomain, labels.dkimDomain, labels.spfDomain})
        values.addBindValue(storedText(label));
}

void bindCounters(BoundValues &values, const Counters &c)
{
    for (quint64 value : {c.total, c.compliant, c.quarantine, c.reject, c.dkimAligned, c.spfAligned,
                          c.dkimPass, c.spfPass})
        values.addBindValue(qint64(value));
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
