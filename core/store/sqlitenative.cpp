#include "sqlitenative.h"

#include <QSqlDriver>
#include <QStringEncoder>

#include <sqlite3.h>

namespace Dmarc {

SqliteStatements::SqliteStatements(const QSqlDatabase &database)
{
    const QVariant handle = database.driver() ? database.driver()->handle() : QVariant();
    if (handle.isValid() && qstrcmp(handle.typeName(), "sqlite3*") == 0)
        m_database = *static_cast<sqlite3 *const *>(handle.constData());
}

SqliteStatements::~SqliteStatements()
{
    sqlite3_finalize(m_statement);
}

QSqlError SqliteStatements::error(int code) const
{
    return QSqlError(QStringLiteral("Unable to execute statement"),
                     QString::fromUtf8(sqlite3_errmsg(m_database)), QSqlError::StatementError,
                     QString::number(code));
}

QByteArrayView SqliteRow::text(int column) const
{
    const auto *text = reinterpret_cast<const char *>(sqlite3_column_text(m_statement, column));
    return QByteArrayView(text, sqlite3_column_bytes(m_statement, column));
}

qint64 SqliteRow::integer(int column) const
{
    return sqlite3_column_int64(m_statement, column);
}

std::optional<QSqlError> SqliteStatements::run(const QString &sql, const QVariantList &values,
                                               const std::function<void(const SqliteRow &)> &row)
{
    if (!m_database)
        return QSqlError(QStringLiteral("Unable to execute statement"),
                         QStringLiteral("the connection is not an open SQLite database"),
                         QSqlError::ConnectionError);
    if (!m_statement || sql != m_sql) {
        sqlite3_finalize(m_statement);
        m_statement = nullptr;
        m_sql.clear();
        const int prepared =
            sqlite3_prepare_v2(m_database, sql.toUtf8().constData(), -1, &m_statement, nullptr);
        if (prepared != SQLITE_OK)
            return error(prepared);
        m_sql = sql;
    }
    if (sqlite3_bind_parameter_count(m_statement) != values.size())
        return QSqlError(QStringLiteral("Unable to execute statement"),
                         QStringLiteral("the values do not match the statement"),
                         QSqlError::StatementError);
    // The text values in UTF-8, the database's encoding, one after another in one buffer:
    // converted here, faster than SQLite converts UTF-16.
    QStringEncoder toUtf8(QStringEncoder::Utf8);
    qsizetype room = 0;
    for (const QVariant &value : values) {
        if (value.metaType().id() == QMetaType::QString)
            room += toUtf8.requiredSpace(static_cast<const QString *>(value.constData())->size());
    }
    if (m_texts.size() < room)
        m_texts.resize(room);
    char *text = m_texts.data();
    for (int i = 0; i < values.size(); ++i) {
        const QVariant &value = values.at(i);
        const int at = i + 1;
        int bound = SQLITE_OK;
        switch (value.isNull() ? QMetaType::UnknownType : value.metaType().id()) {
        case QMetaType::UnknownType:
            bound = sqlite3_bind_null(m_statement, at);
            break;
        case QMetaType::Bool:
        case QMetaType::Int:
        case QMetaType::UInt:
        case QMetaType::LongLong:
        case QMetaType::ULongLong:
            bound = sqlite3_bind_int64(m_statement, at, value.toLongLong());
            break;
        case QMetaType::Double:
            bound = sqlite3_bind_double(m_statement, at, value.toDouble());
            break;
        case QMetaType::QByteArray: {
            // The value lives in `values` until the statement has run. Null is NULL, as Qt's
            // driver binds it.
            const QByteArray *bytes = static_cast<const QByteArray *>(value.constData());
            bound = bytes->isNull()
                        ? sqlite3_bind_null(m_statement, at)
                        : sqlite3_bind_blob64(m_statement, at, bytes->constData(),
                                              sqlite3_uint64(bytes->size()), SQLITE_STATIC);
            break;
        }
        case QMetaType::QString: {
            const QString *string = static_cast<const QString *>(value.constData());
            if (string->isNull()) {
                bound = sqlite3_bind_null(m_statement, at);
                break;
            }
            char *const start = text;
            text = toUtf8.appendToBuffer(text, *string);
            bound = sqlite3_bind_text64(m_statement, at, start, sqlite3_uint64(text - start),
                                        SQLITE_STATIC, SQLITE_UTF8);
            break;
        }
        default: {
            const QString text = value.toString();
            bound = sqlite3_bind_text16(m_statement, at, text.utf16(),
                                        int(text.size() * sizeof(QChar)), SQLITE_TRANSIENT);
            break;
        }
        }
        if (bound != SQLITE_OK) {
            sqlite3_reset(m_statement);
            return error(bound);
        }
    }
    const SqliteRow read(m_statement);
    int stepped = sqlite3_step(m_statement);
    for (; stepped == SQLITE_ROW; stepped = sqlite3_step(m_statement)) {
        if (row)
            row(read);
    }
    std::optional<QSqlError> failed;
    if (stepped != SQLITE_DONE)
        failed = error(stepped);
    sqlite3_reset(m_statement);
    return failed;
}

} // namespace Dmarc
