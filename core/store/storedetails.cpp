#include "storedetails.h"

#include "storedialect.h"

#include <QVariant>

namespace Dmarc {

namespace {

// The columns of report_details after log_id, in the order of PolicyPublished's fields below.
const QStringList &policyColumns()
{
    static const QStringList columns = {QStringLiteral("policy_domain"),
                                        QStringLiteral("adkim"),
                                        QStringLiteral("aspf"),
                                        QStringLiteral("p"),
                                        QStringLiteral("sp"),
                                        QStringLiteral("np"),
                                        QStringLiteral("pct"),
                                        QStringLiteral("fo"),
                                        QStringLiteral("testing"),
                                        QStringLiteral("discovery_method")};
    return columns;
}

QList<QString PolicyPublished::*> policyFields()
{
    return {&PolicyPublished::domain,  &PolicyPublished::adkim,
            &PolicyPublished::aspf,    &PolicyPublished::p,
            &PolicyPublished::sp,      &PolicyPublished::np,
            &PolicyPublished::pct,     &PolicyPublished::fo,
            &PolicyPublished::testing, &PolicyPublished::discoveryMethod};
}

// The text columns of report_rows after source_ip and message_count, in ReportRow's order.
QList<QString ReportRow::*> rowTextFields()
{
    return {&ReportRow::disposition, &ReportRow::policyDkim, &ReportRow::policySpf,
            &ReportRow::headerFrom,  &ReportRow::dkimDomain, &ReportRow::dkimResult,
            &ReportRow::spfDomain,   &ReportRow::spfResult};
}

const QStringList &rowTextColumns()
{
    static const QStringList columns = {
        QStringLiteral("disposition"), QStringLiteral("policy_dkim"), QStringLiteral("policy_spf"),
        QStringLiteral("header_from"), QStringLiteral("dkim_domain"), QStringLiteral("dkim_result"),
        QStringLiteral("spf_domain"),  QStringLiteral("spf_result")};
    return columns;
}

// A report's records as the text of report_details.records: a row of text a record
// (appendTextRow), its address, messages, then its text columns.
QString recordsText(const QList<ReportRow> &records)
{
    QString text;
    for (const ReportRow &row : records) {
        QStringList fields{row.sourceIp, QString::number(row.count)};
        for (QString ReportRow::*field : rowTextFields())
            fields << row.*field;
        appendTextRow(text, fields);
    }
    return text;
}

QString textColumns(const QStringList &names)
{
    QStringList columns;
    for (const QString &name : names)
        columns << name % QStringLiteral(" TEXT NOT NULL");
    return columns.join(QStringLiteral(", "));
}

const QString kActivityColumns =
    QStringLiteral("id, at, account, host, event, label, from_email, counted, duplicates, folder, "
                   "detail, tls_counted, failures_counted");

Result<QList<ReportLogEntry>> readEntries(const StoreConnection &connection, const QString &where,
                                          qint64 key)
{
    QSqlQuery query(connection.database());
    query.setForwardOnly(true);
    query.prepare(QStringLiteral("SELECT ") % reportsLogColumns() %
                  QStringLiteral(" FROM reports_log WHERE ") % where %
                  QStringLiteral(" ORDER BY id"));
    query.addBindValue(key);
    if (!query.exec())
        return connection.error(QStringLiteral("cannot read the reports log"), query);
    QList<ReportLogEntry> entries;
    while (query.next())
        entries << readReportLogEntry(query);
    return entries;
}

Result<std::optional<ReportDetails>> readDetails(const StoreConnection &connection, qint64 id)
{
    QSqlQuery query(connection.database());
    query.setForwardOnly(true);
    query.prepare(QStringLiteral("SELECT reporter_email, records, ") %
                  policyColumns().join(QStringLiteral(", ")) %
                  QStringLiteral(" FROM report_details WHERE log_id = ?"));
    query.addBindValue(id);
    if (!query.exec())
        return connection.error(QStringLiteral("cannot read a report's details"), query);
    if (!query.next())
        return std::optional<ReportDetails>();
    ReportDetails details;
    details.reporterEmail = query.value(0).toString();
    int column = 2;
    for (QString PolicyPublished::*field : policyFields())
        details.policy.*field = query.value(column++).toString();
    const QString records = query.value(1).toString();
    for (const QList<QStringView> &fields : textRows(records)) {
        if (fields.size() != 2 + rowTextFields().size())
            continue;
        ReportRow row;
        row.sourceIp = fields.at(0).toString();
        row.count = fields.at(1).toULongLong();
        int text = 2;
        for (QString ReportRow::*field : rowTextFields())
            row.*field = fields.at(text++).toString();
        details.rows << row;
    }
    return std::optional<ReportDetails>(std::move(details));
}

Result<std::optional<LoggedEmail>> readEmail(const StoreConnection &connection, qint64 id)
{
    QSqlQuery query(connection.database());
    query.setForwardOnly(true);
    query.prepare(QStringLiteral("SELECT account, mailbox, uid, from_email, subject, size, "
                                 "part_count FROM logged_emails WHERE id = ?"));
    query.addBindValue(id);
    if (!query.exec())
        return connection.error(QStringLiteral("cannot read an email of the reports log"), query);
    if (!query.next())
        return std::optional<LoggedEmail>();
    LoggedEmail email{query.value(0).toString(),
                      query.value(1).toString(),
                      quint32(query.value(2).toLongLong()),
                      query.value(3).toString(),
                      query.value(4).toString(),
                      query.value(5).toLongLong(),
                      {},
                      qsizetype(query.value(6).toLongLong())};
    query.prepare(QStringLiteral("SELECT section, content_type, file_name, size, kind FROM "
                                 "email_parts WHERE email_id = ? ORDER BY position"));
    query.addBindValue(id);
    if (!query.exec())
        return connection.error(QStringLiteral("cannot read the parts of an email"), query);
    while (query.next()) {
        email.parts << EmailPart{query.value(0).toString(), query.value(1).toString(),
                                 query.value(2).toString(), query.value(3).toLongLong(),
                                 partKindFromName(query.value(4).toString())};
    }
    return std::optional<LoggedEmail>(std::move(email));
}

} // namespace

QStringList reportDetailsMigration(const StoreDialect &dialect)
{
    return {
        QStringLiteral("ALTER TABLE reports_log ADD COLUMN email_id BIGINT NOT NULL DEFAULT 0"),
        QStringLiteral("CREATE INDEX reports_log_email ON reports_log (email_id)"),
        QStringLiteral("CREATE TABLE logged_emails (id ") % dialect.autoIdColumn() %
            QStringLiteral(", account TEXT NOT NULL, mailbox TEXT NOT NULL, uid BIGINT NOT NULL, "
                           "from_email TEXT NOT NULL, subject TEXT NOT NULL, "
                           "size BIGINT NOT NULL, part_count BIGINT NOT NULL)"),
        QStringLiteral("CREATE TABLE email_parts (email_id BIGINT NOT NULL, "
                       "position INTEGER NOT NULL, section TEXT NOT NULL, "
                       "content_type TEXT NOT NULL, file_name TEXT NOT NULL, "
                       "size BIGINT NOT NULL, kind VARCHAR(16) NOT NULL, "
                       "PRIMARY KEY (email_id, position))"),
        QStringLiteral("CREATE TABLE report_details (log_id BIGINT NOT NULL PRIMARY KEY, "
                       "reporter_email TEXT NOT NULL, ") %
            textColumns(policyColumns()) % QLatin1Char(')'),
        QStringLiteral("CREATE TABLE report_rows (log_id BIGINT NOT NULL, "
                       "position INTEGER NOT NULL, source_ip TEXT NOT NULL, "
                       "message_count BIGINT NOT NULL, ") %
            textColumns(rowTextColumns()) % QStringLiteral(", PRIMARY KEY (log_id, position))"),
        QStringLiteral("CREATE TABLE activity (id ") % dialect.autoIdColumn() %
            QStringLiteral(", at BIGINT NOT NULL, account TEXT NOT NULL, host TEXT NOT NULL, "
                           "event VARCHAR(32) NOT NULL, label TEXT NOT NULL, "
                           "from_email TEXT NOT NULL, counted BIGINT NOT NULL, "
                           "duplicates BIGINT NOT NULL, folder TEXT NOT NULL, "
                           "detail TEXT NOT NULL)"),
    };
}

QStringList reportRecordsMigration(const StoreDialect &dialect)
{
    // Each record of report_rows becomes a row of the text (recordsText), in its order.
    const auto kept = [](const QString &column) {
        QString sql = QStringLiteral("r.") % column;
        for (const QChar separator : {kFieldSeparator, kRowEnd})
            sql = QStringLiteral("REPLACE(") % sql % QStringLiteral(", '") % separator %
                  QStringLiteral("', '") % QChar(QChar::ReplacementCharacter) %
                  QStringLiteral("')");
        return sql;
    };
    QStringList fields{kept(QStringLiteral("source_ip")),
                       QStringLiteral("CAST(r.message_count AS TEXT)")};
    for (const QString &column : rowTextColumns())
        fields << kept(column);
    const QString record =
        fields.join(QStringLiteral(" || '") % kFieldSeparator % QStringLiteral("' || ")) %
        QStringLiteral(" || '") % kRowEnd % QLatin1Char('\'');
    return {
        QStringLiteral("ALTER TABLE report_details ADD COLUMN records TEXT NOT NULL DEFAULT ''"),
        QStringLiteral("UPDATE report_details SET records = COALESCE((SELECT ") %
            dialect.joinedText(record, QStringLiteral("r.position")) %
            QStringLiteral(" FROM report_rows AS r WHERE r.log_id = report_details.log_id), '')"),
        QStringLiteral("DROP TABLE report_rows"),
    };
}

QStringList activityKindsMigration()
{
    // Lines kept before keep the sum of every kind in `counted` and read as before.
    return {QStringLiteral("ALTER TABLE activity ADD COLUMN tls_counted BIGINT NOT NULL DEFAULT 0"),
            QStringLiteral(
                "ALTER TABLE activity ADD COLUMN failures_counted BIGINT NOT NULL DEFAULT 0")};
}

Result<qint64> nextId(const StoreConnection &connection, const QString &table)
{
    qint64 id = 0;
    StatementBatch batch(connection);
    batch.add(QStringLiteral("cannot read the keys of ") % table,
              QStringLiteral("SELECT COALESCE(MAX(id), 0) + 1 FROM ") % table, {},
              [&id](const QSqlQuery &query) { id = query.value(0).toLongLong(); });
    if (auto read = batch.run(); !read)
        return read.error();
    return id;
}

QList<qint64> addLoggedEmails(StatementBatch &batch, const QList<LoggedEmailRows> &emails,
                              qsizetype rowCount, qint64 firstId)
{
    QList<qint64> emailOfRow(rowCount, 0);
    struct Part
    {
        qint64 email;
        qsizetype position;
        const EmailPart *part;
    };
    QList<Part> parts;
    qint64 id = firstId;
    batch.addForEach(
        QStringLiteral("cannot write an email of the reports log"),
        QStringLiteral("INSERT INTO logged_emails (id, account, mailbox, uid, from_email, subject, "
                       "size, part_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
        emails, [&](BoundValues &bound, const LoggedEmailRows &logged) {
            const LoggedEmail &email = logged.email;
            for (qsizetype row = 0; row < logged.logRows; ++row)
                emailOfRow[logged.firstLogRow + row] = id;
            for (qsizetype p = 0; p < email.parts.size(); ++p)
                parts << Part{id, p, &email.parts.at(p)};
            bound.addBindValue(id++);
            bound.addBindValue(storedText(email.account));
            bound.addBindValue(storedText(email.mailbox));
            bound.addBindValue(qint64(email.uid));
            bound.addBindValue(storedText(email.fromEmail));
            bound.addBindValue(storedText(email.subject));
            bound.addBindValue(email.size);
            bound.addBindValue(qint64(email.partCount));
        });
    batch.addForEach(
        QStringLiteral("cannot write the parts of an email"),
        QStringLiteral("INSERT INTO email_parts (email_id, position, section, content_type, "
                       "file_name, size, kind) VALUES (?, ?, ?, ?, ?, ?, ?)"),
        parts, [](BoundValues &bound, const Part &part) {
            bound.addBindValue(part.email);
            bound.addBindValue(qint64(part.position));
            bound.addBindValue(storedText(part.part->section));
            bound.addBindValue(storedText(part.part->contentType));
            bound.addBindValue(storedText(part.part->fileName));
            bound.addBindValue(part.part->size);
            bound.addBindValue(QString(partKindName(part.part->kind)));
        });
    return emailOfRow;
}

void addReportDetails(StatementBatch &batch, const QList<ReportLogEntry> &rows, qint64 firstId)
{
    struct Detailed
    {
        qint64 id;
        const ReportDetails *details;
    };
    QList<Detailed> detailed;
    for (qsizetype i = 0; i < rows.size(); ++i) {
        if (rows.at(i).details)
            detailed << Detailed{firstId + i, &*rows.at(i).details};
    }
    batch.addForEach(
        QStringLiteral("cannot write a report's details"),
        QStringLiteral("INSERT INTO report_details (log_id, reporter_email, records, ") %
            policyColumns().join(QStringLiteral(", ")) % QStringLiteral(") VALUES (") %
            placeholders(3 + policyColumns().size()) % QLatin1Char(')'),
        detailed, [](BoundValues &bound, const Detailed &entry) {
            bound.addBindValue(entry.id);
            bound.addBindValue(storedText(entry.details->reporterEmail));
            bound.addBindValue(storedText(recordsText(entry.details->rows)));
            for (QString PolicyPublished::*field : policyFields())
                bound.addBindValue(storedText(entry.details->policy.*field));
        });
}

void addReportsLogKeys(StatementBatch &batch, qsizetype surplus, ReportsLogKeys *keys)
{
    // A MIN or a MAX of its own, which both engines read from the key's index.
    const auto addKeys = [&batch](const QString &table, qint64 *oldest, qint64 *first) {
        batch.add(QStringLiteral("cannot read the keys of ") % table,
                  QStringLiteral("SELECT (SELECT MIN(id) FROM ") % table %
                      QStringLiteral("), (SELECT MAX(id) FROM ") % table % QLatin1Char(')'),
                  {}, [oldest, first](const QSqlQuery &query) {
                      if (query.value(1).isNull())
                          return;
                      *oldest = query.value(0).toLongLong();
                      *first = query.value(1).toLongLong() + 1;
                  });
    };
    addKeys(QStringLiteral("reports_log"), &keys->oldestEntry, &keys->firstEntry);
    addKeys(QStringLiteral("logged_emails"), &keys->oldestEmail, &keys->firstEmail);
    // Emails are appended with their entries, so the oldest kept entry with an email has the
    // oldest email.
    batch.add(QStringLiteral("cannot read the emails of the reports log"),
              QStringLiteral("SELECT email_id FROM reports_log WHERE email_id > 0 AND "
                             "id > (SELECT COALESCE(MAX(id), 0) FROM reports_log) + ? "
                             "ORDER BY id LIMIT 1"),
              {qint64(surplus)}, [keys](const QSqlQuery &query) {
                  keys->oldestKeptEmail = query.value(0).toLongLong();
              });
}

void addReportsLogPrune(StatementBatch &batch, const ReportsLogKeys &keys, qint64 keptEntry,
                        std::optional<qint64> keptEmail)
{
    const QString what = QStringLiteral("cannot prune the reports log");
    const auto drop = [&](const QString &table, const QString &key, qint64 from, qint64 to) {
        batch.add(what,
                  QStringLiteral("DELETE FROM ") % table % QStringLiteral(" WHERE ") % key %
                      QStringLiteral(" >= ? AND ") % key % QStringLiteral(" < ?"),
                  {from, to});
    };
    if (keys.oldestEntry < keptEntry) {
        drop(QStringLiteral("reports_log"), QStringLiteral("id"), keys.oldestEntry, keptEntry);
        drop(QStringLiteral("report_details"), QStringLiteral("log_id"), keys.oldestEntry,
             keptEntry);
    }
    if (keptEmail && keys.oldestEmail < *keptEmail) {
        drop(QStringLiteral("email_parts"), QStringLiteral("email_id"), keys.oldestEmail,
             *keptEmail);
        drop(QStringLiteral("logged_emails"), QStringLiteral("id"), keys.oldestEmail, *keptEmail);
    }
}

QString reportsLogColumns()
{
    return QStringLiteral("org_name, report_id, date_begin, date_end, records, messages, outcome, "
                          "reason, from_email, processed_at, id");
}

ReportLogEntry readReportLogEntry(const QSqlQuery &query)
{
    ReportLogEntry entry;
    entry.orgName = query.value(0).toString();
    entry.reportId = query.value(1).toString();
    entry.dateBegin = query.value(2).toLongLong();
    entry.dateEnd = query.value(3).toLongLong();
    entry.records = quint64(query.value(4).toLongLong());
    entry.messages = quint64(query.value(5).toLongLong());
    entry.outcome =
        reportOutcomeFromName(query.value(6).toString()).value_or(ReportOutcome::Malformed);
    entry.reason = query.value(7).toString();
    entry.fromEmail = query.value(8).toString();
    entry.processedAt = query.value(9).toLongLong();
    entry.id = query.value(10).toLongLong();
    return entry;
}

Result<std::optional<LoggedReportRecord>> readLoggedReport(const StoreConnection &connection,
                                                           qint64 id)
{
    const auto entries = readEntries(connection, QStringLiteral("id = ?"), id);
    if (!entries)
        return entries.error();
    if (entries->isEmpty())
        return std::optional<LoggedReportRecord>();
    LoggedReportRecord record;
    record.entry = entries->constFirst();
    auto details = readDetails(connection, id);
    if (!details)
        return details.error();
    record.entry.details = std::move(*details);
    QSqlQuery query(connection.database());
    query.prepare(QStringLiteral("SELECT email_id FROM reports_log WHERE id = ?"));
    query.addBindValue(id);
    if (!query.exec() || !query.next())
        return connection.error(QStringLiteral("cannot read the reports log"), query);
    if (const qint64 emailId = query.value(0).toLongLong(); emailId > 0) {
        auto email = readEmail(connection, emailId);
        if (!email)
            return email.error();
        record.email = std::move(*email);
        auto others = readEntries(connection, QStringLiteral("email_id = ?"), emailId);
        if (!others)
            return others.error();
        others->removeIf([id](const ReportLogEntry &entry) { return entry.id == id; });
        record.otherEntriesOfEmail = std::move(*others);
    }
    return std::optional<LoggedReportRecord>(std::move(record));
}

Result<void> writeActivity(const StoreConnection &connection, QList<ActivityRecord> &records,
                           int keep)
{
    const auto firstId = nextId(connection, QStringLiteral("activity"));
    if (!firstId)
        return firstId.error();
    qint64 id = *firstId;
    for (ActivityRecord &record : records)
        record.id = id++;
    const auto written =
        execForEach(connection, QStringLiteral("cannot write the recent activity"),
                    QStringLiteral("INSERT INTO activity (") % kActivityColumns %
                        QStringLiteral(") VALUES (") % placeholders(13) % QLatin1Char(')'),
                    records, [](BoundValues &bound, const ActivityRecord &record) {
                        bound.addBindValue(record.id);
                        bound.addBindValue(record.at);
                        for (const QString &text : {record.account, record.host, record.event,
                                                    record.label, record.fromEmail})
                            bound.addBindValue(storedText(text));
                        bound.addBindValue(qint64(record.counted));
                        bound.addBindValue(qint64(record.duplicates));
                        bound.addBindValue(storedText(record.folder));
                        bound.addBindValue(storedText(record.detail));
                        bound.addBindValue(qint64(record.tlsCounted));
                        bound.addBindValue(qint64(record.failuresCounted));
                    });
    if (!written)
        return written;
    return execWith(connection, QStringLiteral("cannot prune the recent activity"),
                    QStringLiteral("DELETE FROM activity WHERE id <= "
                                   "(SELECT MAX(id) FROM activity) - ?"),
                    keep);
}

Result<QList<ActivityRecord>> readActivity(const StoreConnection &connection, int limit)
{
    QSqlQuery query(connection.database());
    query.setForwardOnly(true);
    query.prepare(QStringLiteral("SELECT ") % kActivityColumns %
                  QStringLiteral(" FROM activity ORDER BY id DESC LIMIT ?"));
    query.addBindValue(limit);
    if (!query.exec())
        return connection.error(QStringLiteral("cannot read the recent activity"), query);
    QList<ActivityRecord> records;
    while (query.next()) {
        records.prepend(ActivityRecord{
            query.value(0).toLongLong(), query.value(1).toLongLong(), query.value(2).toString(),
            query.value(3).toString(), query.value(4).toString(), query.value(5).toString(),
            query.value(6).toString(), quint64(query.value(7).toLongLong()),
            quint64(query.value(8).toLongLong()), query.value(9).toString(),
            query.value(10).toString(), quint64(query.value(11).toLongLong()),
            quint64(query.value(12).toLongLong())});
    }
    return records;
}

} // namespace Dmarc
