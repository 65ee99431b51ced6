#include "store.h"

#include "common/log.h"
#include "common/logging.h"
#include "legacyimport.h"
#include "storedialect.h"

#include <QAtomicInteger>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTimeZone>

namespace Dmarc {

namespace {

const QStringList kCounterColumns = {QStringLiteral("total"),        QStringLiteral("compliant"),
                                     QStringLiteral("quarantine"),   QStringLiteral("reject"),
                                     QStringLiteral("dkim_aligned"), QStringLiteral("spf_aligned"),
                                     QStringLiteral("dkim_pass"),    QStringLiteral("spf_pass")};
const QStringList kLabelColumns = {QStringLiteral("reporter"), QStringLiteral("from_domain"),
                                   QStringLiteral("dkim_domain"), QStringLiteral("spf_domain")};

QString counterColumnsSql()
{
    QStringList parts;
    for (const QString &column : kCounterColumns)
        parts << column % QStringLiteral(" BIGINT NOT NULL DEFAULT 0");
    return parts.join(QStringLiteral(", "));
}

// Schema version N is reached by running kMigrations[N - 1] on version N - 1.
QList<QStringList> migrations(const StoreDialect &dialect)
{
    const QString autoId = dialect.autoIdColumn();
    const QString counters = counterColumnsSql();
    return {{
        QStringLiteral("CREATE TABLE schema_version (version INTEGER NOT NULL)"),
        QStringLiteral("CREATE TABLE store_meta (meta_key VARCHAR(64) NOT NULL PRIMARY KEY, "
                       "meta_value TEXT NOT NULL)"),
        QStringLiteral("CREATE TABLE counters (id ") % autoId %
            QStringLiteral(", reporter TEXT NOT NULL, from_domain TEXT NOT NULL, "
                           "dkim_domain TEXT NOT NULL, spf_domain TEXT NOT NULL, ") %
            counters % QStringLiteral(", UNIQUE (reporter, from_domain, dkim_domain, spf_domain))"),
        QStringLiteral("CREATE TABLE invalid_reports (id ") % autoId %
            QStringLiteral(", from_email TEXT NOT NULL UNIQUE, "
                           "invalid_count BIGINT NOT NULL DEFAULT 0)"),
        QStringLiteral("CREATE TABLE dedup (org_name TEXT NOT NULL, report_id TEXT NOT NULL, "
                       "first_seen BIGINT NOT NULL, PRIMARY KEY (org_name, report_id))"),
        QStringLiteral("CREATE INDEX dedup_first_seen ON dedup (first_seen)"),
        QStringLiteral("CREATE TABLE decided_emails (account TEXT NOT NULL, mailbox TEXT NOT NULL, "
                       "uid_validity BIGINT NOT NULL, uid BIGINT NOT NULL, "
                       "digest VARCHAR(64) NOT NULL, verdict VARCHAR(16) NOT NULL, "
                       "decided_at BIGINT NOT NULL, "
                       "PRIMARY KEY (account, mailbox, uid_validity, uid))"),
        QStringLiteral("CREATE INDEX decided_emails_decided_at ON decided_emails (decided_at)"),
        QStringLiteral("CREATE TABLE reports_log (id ") % autoId %
            QStringLiteral(", org_name TEXT NOT NULL, report_id TEXT NOT NULL, "
                           "from_email TEXT NOT NULL, date_begin BIGINT NOT NULL, "
                           "date_end BIGINT NOT NULL, records BIGINT NOT NULL, "
                           "messages BIGINT NOT NULL, outcome VARCHAR(16) NOT NULL, "
                           "reason TEXT NOT NULL, processed_at BIGINT NOT NULL)"),
        QStringLiteral("CREATE TABLE daily_history (day VARCHAR(10) NOT NULL, "
                       "reporter TEXT NOT NULL, from_domain TEXT NOT NULL, ") %
            counters %
            QStringLiteral(", reports BIGINT NOT NULL DEFAULT 0, "
                           "PRIMARY KEY (day, reporter, from_domain))"),
        QStringLiteral("CREATE INDEX daily_history_reporter ON daily_history (reporter, day)"),
        QStringLiteral(
            "CREATE INDEX daily_history_from_domain ON daily_history (from_domain, day)"),
        QStringLiteral("INSERT INTO schema_version (version) VALUES (0)"),
    }};
}

// A null QString would be bound as SQL NULL; our text columns hold "" instead.
QString text(const QString &value)
{
    return value.isNull() ? QStringLiteral("") : value;
}

// The reports log wrote "error" for a malformed report before the outcome names were unified.
ReportOutcome logOutcomeFromName(const QString &name)
{
    if (name == QLatin1String("error"))
        return ReportOutcome::Malformed;
    return reportOutcomeFromName(name).value_or(ReportOutcome::Malformed);
}

QString dayOf(qint64 secs)
{
    return QDateTime::fromSecsSinceEpoch(secs, QTimeZone::utc()).date().toString(Qt::ISODate);
}

void bindCounters(QSqlQuery &query, const Counters &c)
{
    for (quint64 value : {c.total, c.compliant, c.quarantine, c.reject, c.dkimAligned, c.spfAligned,
                          c.dkimPass, c.spfPass})
        query.addBindValue(qint64(value));
}

// Reads eight counter columns starting at `first`.
Counters readCounters(const QSqlQuery &query, int first)
{
    Counters c;
    quint64 *fields[] = {&c.total,       &c.compliant,  &c.quarantine, &c.reject,
                         &c.dkimAligned, &c.spfAligned, &c.dkimPass,   &c.spfPass};
    for (int i = 0; i < 8; ++i)
        *fields[i] = quint64(query.value(first + i).toLongLong());
    return c;
}

QString nextConnectionName()
{
    static QAtomicInteger<quint64> counter;
    return QStringLiteral("dmarc-store-") + QString::number(counter.fetchAndAddRelaxed(1));
}

struct HistoryKey
{
    QString day;
    QString reporter;
    QString fromDomain;
    friend bool operator==(const HistoryKey &a, const HistoryKey &b)
    {
        return a.day == b.day && a.reporter == b.reporter && a.fromDomain == b.fromDomain;
    }
    friend size_t qHash(const HistoryKey &key, size_t seed = 0)
    {
        return qHashMulti(seed, key.day, key.reporter, key.fromDomain);
    }
};

struct HistoryDelta
{
    Counters counters;
    quint64 reports = 0;
};

} // namespace

Store::Store(QString connectionName, QString filePath, const StoreOptions &options)
    : m_connectionName(std::move(connectionName))
    , m_filePath(std::move(filePath))
    , m_options(options)
    , m_dialect(std::make_unique<SqliteDialect>())
{}

Store::~Store()
{
    {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
}

Error Store::sqlError(const QString &what, const QString &detail) const
{
    return Error{QStringLiteral("store"),
                 QStringLiteral("storage file %1: %2: %3").arg(m_filePath, what, detail)};
}

Result<void> Store::exec(const QString &sql) const
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    if (!query.exec(sql))
        return sqlError(QStringLiteral("cannot execute statement"), query.lastError().text());
    return {};
}

Result<std::unique_ptr<Store>> Store::open(const QString &directory, const StoreOptions &options)
{
    if (!QDir().mkpath(directory)) {
        return Error{QStringLiteral("store"),
                     QStringLiteral("storage_path %1: cannot create the directory").arg(directory)};
    }
    const QString path = QDir(directory).absoluteFilePath(fileName());
    std::unique_ptr<Store> store(new Store(nextConnectionName(), path, options));
    if (auto result = store->initialise(directory); !result.ok())
        return result.error();
    return store;
}

Result<void> Store::initialise(const QString &directory)
{
    const QFileInfo info(m_filePath);
    if (info.exists()) {
        if (!info.isFile() || !info.isReadable())
            return sqlError(QStringLiteral("cannot open"), QStringLiteral("not a readable file"));
        // Checked explicitly because SQLite would quietly open it read-only (and root ignores
        // the permission bits altogether).
        const auto writeBits =
            QFileDevice::WriteOwner | QFileDevice::WriteGroup | QFileDevice::WriteOther;
        if (!(info.permissions() & writeBits))
            return sqlError(QStringLiteral("cannot open"), QStringLiteral("the file is read-only"));
    }

    QSqlDatabase db = QSqlDatabase::addDatabase(m_dialect->driver(), m_connectionName);
    db.setDatabaseName(m_filePath);
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    if (!db.open())
        return sqlError(QStringLiteral("cannot open"), db.lastError().text());
    for (const QString &statement : m_dialect->connectionSetup()) {
        if (auto result = exec(statement); !result.ok())
            return result;
    }

    QSqlQuery exists(db);
    exists.prepare(m_dialect->tableExistsQuery());
    exists.addBindValue(QStringLiteral("schema_version"));
    if (!exists.exec())
        return sqlError(QStringLiteral("cannot read the schema"), exists.lastError().text());
    int version = 0;
    if (exists.next()) {
        QSqlQuery query(db);
        if (!query.exec(QStringLiteral("SELECT MAX(version) FROM schema_version")) || !query.next())
            return sqlError(QStringLiteral("cannot read the schema version"),
                            query.lastError().text());
        version = query.value(0).toInt();
        if (version > kSchemaVersion) {
            return sqlError(QStringLiteral("cannot open"),
                            QStringLiteral("schema version %1 was written by a newer release "
                                           "(this one knows up to %2); refusing to change it")
                                .arg(version)
                                .arg(kSchemaVersion));
        }
        if (version < 1)
            return sqlError(QStringLiteral("cannot open"),
                            QStringLiteral("invalid schema version %1").arg(version));
    }
    return migrate(version, directory);
}

Result<void> Store::migrate(int fromVersion, const QString &directory)
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    if (!db.transaction())
        return sqlError(QStringLiteral("cannot begin a transaction"), db.lastError().text());
    auto fail = [&](const Error &error) -> Result<void> {
        db.rollback();
        return error;
    };
    const QList<QStringList> steps = migrations(*m_dialect);
    for (int version = fromVersion; version < kSchemaVersion; ++version) {
        for (const QString &statement : steps.at(version)) {
            if (auto result = exec(statement); !result.ok())
                return fail(result.error());
        }
        QSqlQuery query(db);
        query.prepare(QStringLiteral("UPDATE schema_version SET version = ?"));
        query.addBindValue(version + 1);
        if (!query.exec())
            return fail(sqlError(QStringLiteral("cannot migrate"), query.lastError().text()));
        Log::info(lcStore(), QStringLiteral("Storage file at schema version"),
                  {{QStringLiteral("file"), m_filePath},
                   {QStringLiteral("version"), QString::number(version + 1)}});
    }
    if (fromVersion == 0) {
        if (auto result = importLegacy(directory); !result.ok())
            return fail(result.error());
    }
    // A write on every start: a read-only or full disk shows up now, not at the first report.
    QSqlQuery probe(db);
    probe.prepare(m_dialect->upsert(QStringLiteral("store_meta"), {QStringLiteral("meta_key")},
                                    {QStringLiteral("meta_value")}, StoreDialect::Upsert::Replace));
    probe.addBindValue(QStringLiteral("last_opened"));
    probe.addBindValue(QDateTime::currentDateTimeUtc().toString(Qt::ISODate));
    if (!probe.exec())
        return fail(sqlError(QStringLiteral("cannot write"), probe.lastError().text()));
    if (!db.commit())
        return fail(sqlError(QStringLiteral("cannot commit"), db.lastError().text()));
    return {};
}

Result<void> Store::importLegacy(const QString &directory)
{
    const QDir dir(directory);
    if (dir.exists(QStringLiteral("seen-reports.db"))) {
        Log::info(
            lcStore(),
            QStringLiteral("Not reading the Python original's seen-reports.db (a pickle); "
                           "the deduplication window starts empty"),
            {{QStringLiteral("file"), dir.absoluteFilePath(QStringLiteral("seen-reports.db"))}});
    }
    const QString legacyPath = dir.absoluteFilePath(QStringLiteral("metrics.db"));
    if (!QFileInfo::exists(legacyPath))
        return {};
    const auto legacy = readLegacyMetrics(legacyPath);
    if (!legacy.ok())
        return legacy.error();

    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    QSqlQuery counters(db);
    counters.prepare(m_dialect->upsert(QStringLiteral("counters"), kLabelColumns, kCounterColumns,
                                       StoreDialect::Upsert::Add));
    quint64 total = 0;
    for (const LabelCounts &entry : legacy->counters) {
        for (const QString &label : {entry.labels.reporter, entry.labels.fromDomain,
                                     entry.labels.dkimDomain, entry.labels.spfDomain})
            counters.addBindValue(text(label));
        bindCounters(counters, entry.counters);
        if (!counters.exec())
            return sqlError(QStringLiteral("cannot import"), counters.lastError().text());
        total += entry.counters.total;
    }
    QSqlQuery invalid(db);
    invalid.prepare(
        m_dialect->upsert(QStringLiteral("invalid_reports"), {QStringLiteral("from_email")},
                          {QStringLiteral("invalid_count")}, StoreDialect::Upsert::Add));
    quint64 invalidTotal = 0;
    for (const InvalidCount &entry : legacy->invalidReports) {
        invalid.addBindValue(text(entry.fromEmail));
        invalid.addBindValue(qint64(entry.count));
        if (!invalid.exec())
            return sqlError(QStringLiteral("cannot import"), invalid.lastError().text());
        invalidTotal += entry.count;
    }
    Log::info(
        lcStore(),
        QStringLiteral("Imported the Python original's metrics.db; the file is left as it is"),
        {{QStringLiteral("file"), legacyPath},
         {QStringLiteral("label_sets"), QString::number(legacy->counters.size())},
         {QStringLiteral("dmarc_total"), QString::number(total)},
         {QStringLiteral("invalid_senders"), QString::number(legacy->invalidReports.size())},
         {QStringLiteral("invalid_emails"), QString::number(invalidTotal)}});
    return {};
}

namespace {

// Finds the verdict committed earlier for an email: same place, same UID, same content.
class DecidedLookup
{
public:
    explicit DecidedLookup(const QSqlDatabase &db)
        : m_query(db)
    {
        m_query.prepare(QStringLiteral("SELECT digest, verdict FROM decided_emails WHERE "
                                       "account = ? AND mailbox = ? AND uid_validity = ? AND "
                                       "uid = ?"));
    }

    // False when the query failed (query() then tells why).
    bool find(const EmailIdentity &identity, std::optional<EmailVerdict> &verdict)
    {
        m_query.addBindValue(text(identity.account));
        m_query.addBindValue(text(identity.mailbox));
        m_query.addBindValue(qint64(identity.uidValidity));
        m_query.addBindValue(qint64(identity.uid));
        if (!m_query.exec())
            return false;
        verdict.reset();
        if (m_query.next() &&
            m_query.value(0).toString() == QString::fromLatin1(identity.digest.toHex()))
            verdict =
                emailVerdictFromName(m_query.value(1).toString()).value_or(EmailVerdict::Error);
        m_query.finish();
        return true;
    }

    const QSqlQuery &query() const { return m_query; }

private:
    QSqlQuery m_query;
};

} // namespace

Result<QList<std::optional<EmailVerdict>>>
Store::decidedVerdicts(const QList<EmailIdentity> &identities) const
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    // One read transaction for the whole list rather than one per lookup.
    if (!db.transaction())
        return sqlError(QStringLiteral("cannot begin a transaction"), db.lastError().text());
    DecidedLookup lookup(db);
    QList<std::optional<EmailVerdict>> verdicts(identities.size());
    for (qsizetype i = 0; i < identities.size(); ++i) {
        if (!lookup.find(identities.at(i), verdicts[i])) {
            const Error error = sqlError(QStringLiteral("cannot look up an email"),
                                         lookup.query().lastError().text());
            db.rollback();
            return error;
        }
    }
    if (!db.commit()) {
        const Error error =
            sqlError(QStringLiteral("cannot end a read transaction"), db.lastError().text());
        db.rollback();
        return error;
    }
    return verdicts;
}

Result<QList<EmailCommitResult>> Store::commit(const QList<EmailCommit> &batch, qint64 nowSecs)
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    if (!db.transaction())
        return sqlError(QStringLiteral("cannot begin a transaction"), db.lastError().text());
    auto fail = [&](const QString &what, const QSqlQuery &query) -> Error {
        const Error error = sqlError(what, query.lastError().text());
        db.rollback();
        return error;
    };

    const qint64 dedupCutoff = nowSecs - m_options.dedupMaxSeconds;
    QSqlQuery pruneDedup(db);
    pruneDedup.prepare(QStringLiteral("DELETE FROM dedup WHERE first_seen <= ?"));
    pruneDedup.addBindValue(dedupCutoff);
    if (!pruneDedup.exec())
        return fail(QStringLiteral("cannot prune the deduplication window"), pruneDedup);
    QSqlQuery pruneDecided(db);
    pruneDecided.prepare(QStringLiteral("DELETE FROM decided_emails WHERE decided_at <= ?"));
    pruneDecided.addBindValue(nowSecs - m_options.decidedRetentionSeconds);
    if (!pruneDecided.exec())
        return fail(QStringLiteral("cannot prune decided emails"), pruneDecided);

    DecidedLookup findDecided(db);
    QSqlQuery findDedup(db);
    findDedup.prepare(QStringLiteral("SELECT first_seen FROM dedup WHERE org_name = ? AND "
                                     "report_id = ? AND first_seen > ?"));
    QSqlQuery insertDedup(db);
    insertDedup.prepare(m_dialect->upsert(
        QStringLiteral("dedup"), {QStringLiteral("org_name"), QStringLiteral("report_id")},
        {QStringLiteral("first_seen")}, StoreDialect::Upsert::Replace));
    QSqlQuery insertDecided(db);
    insertDecided.prepare(m_dialect->upsert(
        QStringLiteral("decided_emails"),
        {QStringLiteral("account"), QStringLiteral("mailbox"), QStringLiteral("uid_validity"),
         QStringLiteral("uid")},
        {QStringLiteral("digest"), QStringLiteral("verdict"), QStringLiteral("decided_at")},
        StoreDialect::Upsert::Replace));

    QList<EmailCommitResult> results;
    results.reserve(batch.size());
    // Deltas are gathered over the whole batch, then written once per key.
    QList<LabelSet> labelOrder;
    QHash<LabelSet, Counters> counterDeltas;
    QList<QString> invalidOrder;
    QHash<QString, quint64> invalidDeltas;
    QList<HistoryKey> historyOrder;
    QHash<HistoryKey, HistoryDelta> historyDeltas;
    QList<ReportLogEntry> logRows;
    QSet<QPair<QString, QString>> countedInBatch;
    QHash<QString, EmailVerdict> decidedInBatch;

    for (const EmailCommit &email : batch) {
        const EmailIdentity &id = email.identity;
        EmailCommitResult result;
        result.verdict = email.analysis.verdict();

        const QString key = id.account % QChar(0) % id.mailbox % QChar(0) %
                            QString::number(id.uidValidity) % QChar(0) % QString::number(id.uid);
        std::optional<EmailVerdict> decided;
        if (!findDecided.find(id, decided))
            return fail(QStringLiteral("cannot look up an email"), findDecided.query());
        if (decided) {
            result.verdict = *decided;
            result.alreadyDecided = true;
        }
        if (const auto earlier = decidedInBatch.constFind(key);
            !result.alreadyDecided && earlier != decidedInBatch.cend()) {
            result.verdict = *earlier;
            result.alreadyDecided = true;
        }
        if (result.alreadyDecided) {
            results << result;
            continue;
        }
        decidedInBatch.insert(key, result.verdict);

        const EmailAnalysis &analysis = email.analysis;
        for (const ReportCounts &report : analysis.reports) {
            ReportOutcome outcome = ReportOutcome::Counted;
            if (!report.reportId.isEmpty()) {
                const QPair<QString, QString> identity(report.orgName, report.reportId);
                if (countedInBatch.contains(identity)) {
                    outcome = ReportOutcome::Duplicate;
                } else {
                    findDedup.addBindValue(text(report.orgName));
                    findDedup.addBindValue(text(report.reportId));
                    findDedup.addBindValue(dedupCutoff);
                    if (!findDedup.exec())
                        return fail(QStringLiteral("cannot look up a report"), findDedup);
                    if (findDedup.next())
                        outcome = ReportOutcome::Duplicate;
                    findDedup.finish();
                }
                if (outcome == ReportOutcome::Counted) {
                    countedInBatch.insert(identity);
                    insertDedup.addBindValue(text(report.orgName));
                    insertDedup.addBindValue(text(report.reportId));
                    insertDedup.addBindValue(nowSecs);
                    if (!insertDedup.exec())
                        return fail(QStringLiteral("cannot record a report"), insertDedup);
                }
            }
            result.reports << outcome;

            ReportLogEntry row;
            row.orgName = report.orgName;
            row.reportId = report.reportId;
            row.dateBegin = report.dateBegin;
            row.dateEnd = report.dateEnd;
            row.records = report.records;
            row.messages = report.messages;
            row.outcome = outcome;
            row.fromEmail = analysis.fromEmail;
            row.processedAt = nowSecs;
            logRows << row;
            if (outcome == ReportOutcome::Duplicate)
                continue;

            const QString day = dayOf(report.dateBegin);
            QSet<HistoryKey> reportKeys;
            for (const LabelCounts &counts : report.counts) {
                auto it = counterDeltas.find(counts.labels);
                if (it == counterDeltas.end()) {
                    labelOrder << counts.labels;
                    it = counterDeltas.insert(counts.labels, Counters());
                }
                *it += counts.counters;

                const HistoryKey historyKey{day, counts.labels.reporter, counts.labels.fromDomain};
                auto history = historyDeltas.find(historyKey);
                if (history == historyDeltas.end()) {
                    historyOrder << historyKey;
                    history = historyDeltas.insert(historyKey, HistoryDelta());
                }
                history->counters += counts.counters;
                if (!reportKeys.contains(historyKey)) {
                    reportKeys.insert(historyKey);
                    ++history->reports;
                }
            }
        }

        for (const PayloadFailure &failure : analysis.failures) {
            ReportLogEntry row;
            row.outcome = ReportOutcome::Malformed;
            row.reason = failure.part % QStringLiteral(": ") % failure.error.message;
            row.fromEmail = analysis.fromEmail;
            row.processedAt = nowSecs;
            logRows << row;
        }
        if (analysis.candidates == 0) {
            ReportLogEntry row;
            row.outcome = ReportOutcome::Malformed;
            row.reason = QStringLiteral("no report found in the email");
            row.fromEmail = analysis.fromEmail;
            row.processedAt = nowSecs;
            logRows << row;
        }
        if (analysis.invalid()) {
            auto it = invalidDeltas.find(analysis.fromEmail);
            if (it == invalidDeltas.end()) {
                invalidOrder << analysis.fromEmail;
                it = invalidDeltas.insert(analysis.fromEmail, 0);
            }
            ++*it;
        }

        insertDecided.addBindValue(text(id.account));
        insertDecided.addBindValue(text(id.mailbox));
        insertDecided.addBindValue(qint64(id.uidValidity));
        insertDecided.addBindValue(qint64(id.uid));
        insertDecided.addBindValue(QString::fromLatin1(id.digest.toHex()));
        insertDecided.addBindValue(QString(outcomeName(result.verdict)));
        insertDecided.addBindValue(nowSecs);
        if (!insertDecided.exec())
            return fail(QStringLiteral("cannot record an email"), insertDecided);
        results << result;
    }

    QSqlQuery counters(db);
    counters.prepare(m_dialect->upsert(QStringLiteral("counters"), kLabelColumns, kCounterColumns,
                                       StoreDialect::Upsert::Add));
    for (const LabelSet &labels : labelOrder) {
        for (const QString &label :
             {labels.reporter, labels.fromDomain, labels.dkimDomain, labels.spfDomain})
            counters.addBindValue(text(label));
        bindCounters(counters, counterDeltas.value(labels));
        if (!counters.exec())
            return fail(QStringLiteral("cannot update the counters"), counters);
    }
    QSqlQuery invalid(db);
    invalid.prepare(
        m_dialect->upsert(QStringLiteral("invalid_reports"), {QStringLiteral("from_email")},
                          {QStringLiteral("invalid_count")}, StoreDialect::Upsert::Add));
    for (const QString &fromEmail : invalidOrder) {
        invalid.addBindValue(text(fromEmail));
        invalid.addBindValue(qint64(invalidDeltas.value(fromEmail)));
        if (!invalid.exec())
            return fail(QStringLiteral("cannot update the invalid counts"), invalid);
    }
    QSqlQuery history(db);
    history.prepare(m_dialect->upsert(
        QStringLiteral("daily_history"),
        {QStringLiteral("day"), QStringLiteral("reporter"), QStringLiteral("from_domain")},
        kCounterColumns + QStringList{QStringLiteral("reports")}, StoreDialect::Upsert::Add));
    for (const HistoryKey &key : historyOrder) {
        const HistoryDelta &delta = historyDeltas[key];
        history.addBindValue(key.day);
        history.addBindValue(text(key.reporter));
        history.addBindValue(text(key.fromDomain));
        bindCounters(history, delta.counters);
        history.addBindValue(qint64(delta.reports));
        if (!history.exec())
            return fail(QStringLiteral("cannot update the history"), history);
    }
    QSqlQuery log(db);
    log.prepare(QStringLiteral("INSERT INTO reports_log (org_name, report_id, from_email, "
                               "date_begin, date_end, records, messages, outcome, reason, "
                               "processed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    for (const ReportLogEntry &row : logRows) {
        log.addBindValue(text(row.orgName));
        log.addBindValue(text(row.reportId));
        log.addBindValue(text(row.fromEmail));
        log.addBindValue(row.dateBegin);
        log.addBindValue(row.dateEnd);
        log.addBindValue(qint64(row.records));
        log.addBindValue(qint64(row.messages));
        log.addBindValue(QString(outcomeName(row.outcome)));
        log.addBindValue(text(row.reason));
        log.addBindValue(row.processedAt);
        if (!log.exec())
            return fail(QStringLiteral("cannot write the reports log"), log);
    }
    if (!logRows.isEmpty()) {
        QSqlQuery pruneLog(db);
        pruneLog.prepare(QStringLiteral("DELETE FROM reports_log WHERE id <= "
                                        "(SELECT MAX(id) FROM reports_log) - ?"));
        pruneLog.addBindValue(m_options.reportsLogLimit);
        if (!pruneLog.exec())
            return fail(QStringLiteral("cannot prune the reports log"), pruneLog);
    }

    if (!db.commit()) {
        const Error error = sqlError(QStringLiteral("cannot commit"), db.lastError().text());
        db.rollback();
        return error;
    }
    return results;
}

Result<StoreSnapshot> Store::snapshot() const
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.setForwardOnly(true);
    StoreSnapshot snapshot;
    if (!query.exec(QStringLiteral("SELECT reporter, from_domain, dkim_domain, spf_domain, ") %
                    kCounterColumns.join(QStringLiteral(", ")) %
                    QStringLiteral(" FROM counters ORDER BY id")))
        return sqlError(QStringLiteral("cannot read the counters"), query.lastError().text());
    while (query.next()) {
        snapshot.counters << LabelCounts{
            LabelSet{query.value(0).toString(), query.value(1).toString(),
                     query.value(2).toString(), query.value(3).toString()},
            readCounters(query, 4)};
    }
    if (!query.exec(QStringLiteral("SELECT from_email, invalid_count FROM invalid_reports "
                                   "ORDER BY id")))
        return sqlError(QStringLiteral("cannot read the invalid counts"), query.lastError().text());
    while (query.next())
        snapshot.invalidReports << InvalidCount{query.value(0).toString(),
                                                quint64(query.value(1).toLongLong())};
    return snapshot;
}

Result<QList<HistoryRow>> Store::history(const HistoryFilter &filter) const
{
    QStringList conditions;
    QVariantList values;
    if (filter.from.isValid()) {
        conditions << QStringLiteral("day >= ?");
        values << filter.from.toString(Qt::ISODate);
    }
    if (filter.to.isValid()) {
        conditions << QStringLiteral("day <= ?");
        values << filter.to.toString(Qt::ISODate);
    }
    if (!filter.reporter.isEmpty()) {
        conditions << QStringLiteral("reporter = ?");
        values << filter.reporter;
    }
    if (!filter.fromDomain.isEmpty()) {
        conditions << QStringLiteral("from_domain = ?");
        values << filter.fromDomain;
    }
    QString sql = QStringLiteral("SELECT day, reporter, from_domain, ") %
                  kCounterColumns.join(QStringLiteral(", ")) %
                  QStringLiteral(", reports FROM daily_history");
    if (!conditions.isEmpty())
        sql += QStringLiteral(" WHERE ") % conditions.join(QStringLiteral(" AND "));
    sql += QStringLiteral(" ORDER BY day, reporter, from_domain");

    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.setForwardOnly(true);
    query.prepare(sql);
    for (const QVariant &value : values)
        query.addBindValue(value);
    if (!query.exec())
        return sqlError(QStringLiteral("cannot read the history"), query.lastError().text());
    QList<HistoryRow> rows;
    while (query.next()) {
        rows << HistoryRow{QDate::fromString(query.value(0).toString(), Qt::ISODate),
                           query.value(1).toString(), query.value(2).toString(),
                           readCounters(query, 3), quint64(query.value(11).toLongLong())};
    }
    return rows;
}

Result<QList<GroupedCounts>> Store::totalsBy(LabelDimension dimension) const
{
    const QString column = kLabelColumns.at(int(dimension));
    QStringList sums;
    for (const QString &counter : kCounterColumns)
        sums << QStringLiteral("SUM(") % counter % QLatin1Char(')');
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.setForwardOnly(true);
    if (!query.exec(QStringLiteral("SELECT ") % column % QStringLiteral(", ") %
                    sums.join(QStringLiteral(", ")) % QStringLiteral(" FROM counters GROUP BY ") %
                    column % QStringLiteral(" ORDER BY SUM(total) DESC, ") % column))
        return sqlError(QStringLiteral("cannot read the totals"), query.lastError().text());
    QList<GroupedCounts> groups;
    while (query.next())
        groups << GroupedCounts{query.value(0).toString(), readCounters(query, 1)};
    return groups;
}

Result<QList<ReportLogEntry>> Store::recentReports(int limit) const
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.setForwardOnly(true);
    query.prepare(QStringLiteral("SELECT org_name, report_id, date_begin, date_end, records, "
                                 "messages, outcome, reason, from_email, processed_at FROM "
                                 "reports_log ORDER BY id DESC LIMIT ?"));
    query.addBindValue(limit);
    if (!query.exec())
        return sqlError(QStringLiteral("cannot read the reports log"), query.lastError().text());
    QList<ReportLogEntry> entries;
    while (query.next()) {
        ReportLogEntry entry;
        entry.orgName = query.value(0).toString();
        entry.reportId = query.value(1).toString();
        entry.dateBegin = query.value(2).toLongLong();
        entry.dateEnd = query.value(3).toLongLong();
        entry.records = quint64(query.value(4).toLongLong());
        entry.messages = quint64(query.value(5).toLongLong());
        entry.outcome = logOutcomeFromName(query.value(6).toString());
        entry.reason = query.value(7).toString();
        entry.fromEmail = query.value(8).toString();
        entry.processedAt = query.value(9).toLongLong();
        entries << entry;
    }
    return entries;
}

Result<void> Store::releaseMemory() const
{
    for (const QString &statement : m_dialect->releaseMemory()) {
        if (auto result = exec(statement); !result)
            return result;
    }
    return {};
}

Result<qint64> Store::dedupEntryCount() const
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    if (!query.exec(QStringLiteral("SELECT COUNT(*) FROM dedup")) || !query.next())
        return sqlError(QStringLiteral("cannot count"), query.lastError().text());
    return query.value(0).toLongLong();
}

} // namespace Dmarc
