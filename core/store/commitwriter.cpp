#include "commitwriter.h"

#include "sourcepages.h"
#include "sourcewrites.h"
#include "storedetails.h"
#include "storedialect.h"
#include "storesql.h"

#include <QMap>
#include <QSet>
#include <QVariant>

#include <algorithm>

namespace Dmarc {

namespace {

// Keys per lookup statement: well below SQLite's limit of bound values.
constexpr qsizetype kKeysPerQuery = 200;

// Runs the statement `sql(n)` for the keys, n at a time, handing each row found to `read`.
template<typename Key, typename Sql, typename Bind, typename Read>
Result<void> lookUp(const StoreConnection &connection, const QString &what, const QList<Key> &keys,
                    Sql sql, Bind bind, Read read)
{
    QSqlQuery query(connection.database());
    query.setForwardOnly(true);
    for (qsizetype first = 0; first < keys.size(); first += kKeysPerQuery) {
        const qsizetype count = std::min(kKeysPerQuery, keys.size() - first);
        if (!query.prepare(sql(count)))
            return connection.error(what, query);
        for (qsizetype i = first; i < first + count; ++i)
            bind(query, keys.at(i));
        if (!query.exec())
            return connection.error(what, query);
        while (query.next())
            read(query);
    }
    return {};
}

} // namespace

Result<QHash<EmailIdentity, DecidedEmail>> readDecidedEmails(const StoreConnection &connection,
                                                             const QList<EmailIdentity> &identities)
{
    QHash<EmailIdentity, DecidedEmail> decided;
    const auto read = lookUp(
        connection, QStringLiteral("cannot look up an email"), identities,
        [&](qsizetype count) -> QString {
            return QStringLiteral("SELECT d.account, d.mailbox, d.uid_validity, d.uid, d.digest, "
                                  "d.verdict, d.decided_at FROM ") %
                   connection.dialect->boundRows(count, 4) %
                   QStringLiteral(" AS k JOIN decided_emails AS d ON d.account = k.column1 AND "
                                  "d.mailbox = k.column2 AND "
                                  "d.uid_validity = CAST(k.column3 AS BIGINT) AND "
                                  "d.uid = CAST(k.column4 AS BIGINT)");
        },
        [](QSqlQuery &query, const EmailIdentity &identity) {
            query.addBindValue(storedText(identity.account));
            query.addBindValue(storedText(identity.mailbox));
            query.addBindValue(qint64(identity.uidValidity));
            query.addBindValue(qint64(identity.uid));
        },
        [&](const QSqlQuery &query) {
            DecidedEmail row;
            row.identity = EmailIdentity{query.value(0).toString(), query.value(1).toString(),
                                         quint32(query.value(2).toLongLong()),
                                         quint32(query.value(3).toLongLong()),
                                         QByteArray::fromHex(query.value(4).toString().toLatin1())};
            row.verdict =
                emailVerdictFromName(query.value(5).toString()).value_or(EmailVerdict::Error);
            row.decidedAt = query.value(6).toLongLong();
            decided.insert(row.identity, row);
        });
    if (!read)
        return read.error();
    return decided;
}

Result<CommitState> readCommitState(const StoreConnection &connection,
                                    const QList<EmailCommit> &batch)
{
    QList<EmailIdentity> identities;
    QSet<DedupKey> keySet;
    QSet<LabelSet> labelSets;
    QSet<SourcePair> sourcePairs;
    const auto want = [&keySet](const DedupKey &key) {
        if (!key.reportId.isEmpty())
            keySet.insert(key);
    };
    for (const EmailCommit &email : batch) {
        identities << email.identity;
        for (qsizetype r = 0; r < email.analysis.reports.size(); ++r) {
            const ReportCounts &report = email.analysis.reports.at(r);
            want(DedupKey{report.orgName, report.reportId});
            for (const LabelCounts &counts : report.counts)
                labelSets.insert(counts.labels);
            const QList<SourceLabel> names = email.sourceLabels.value(r);
            for (qsizetype i = 0; i < report.sources.size() && i < names.size(); ++i)
                sourcePairs.insert(SourcePair{report.sources.at(i).fromDomain, names.at(i).name});
        }
        for (const TlsReport &report : email.analysis.tlsReports)
            want(DedupKey{report.organizationName, report.reportId, ReportKind::Tls});
    }
    auto decided = readDecidedEmails(connection, identities);
    if (!decided)
        return decided.error();
    CommitState state;
    state.decided = std::move(decided).value();
    for (const ReportKind kind : {ReportKind::Aggregate, ReportKind::Tls}) {
        QList<DedupKey> keys;
        for (const DedupKey &key : std::as_const(keySet)) {
            if (key.kind == kind)
                keys << key;
        }
        const auto read = lookUp(
            connection, QStringLiteral("cannot look up a report"), keys,
            [&](qsizetype count) -> QString {
                return QStringLiteral("SELECT d.org_name, d.report_id, d.first_seen FROM ") %
                       connection.dialect->boundRows(count, 2) % QStringLiteral(" AS k JOIN ") %
                       dedupTable(kind) %
                       QStringLiteral(" AS d ON d.org_name = k.column1 AND "
                                      "d.report_id = k.column2");
            },
            [](QSqlQuery &query, const DedupKey &key) {
                query.addBindValue(storedText(key.orgName));
                query.addBindValue(storedText(key.reportId));
            },
            [&](const QSqlQuery &query) {
                state.dedupFirstSeen.insert(
                    DedupKey{query.value(0).toString(), query.value(1).toString(), kind},
                    query.value(2).toLongLong());
            });
        if (!read)
            return read.error();
    }
    // What limits.max_label_sets is checked against (docs/counting.md section 9.1).
    QSqlQuery count(connection.database());
    if (!count.exec(QStringLiteral("SELECT COUNT(*) FROM counters")) || !count.next())
        return connection.error(QStringLiteral("cannot count the label sets"), count);
    state.labelSets = count.value(0).toLongLong();
    const auto stored = lookUp(
        connection, QStringLiteral("cannot look up a label set"), labelSets.values(),
        [&](qsizetype n) -> QString {
            return QStringLiteral("SELECT c.reporter, c.from_domain, c.dkim_domain, c.spf_domain "
                                  "FROM ") %
                   connection.dialect->boundRows(n, 4) %
                   QStringLiteral(" AS k JOIN counters AS c ON c.reporter = k.column1 AND "
                                  "c.from_domain = k.column2 AND c.dkim_domain = k.column3 AND "
                                  "c.spf_domain = k.column4");
        },
        [](QSqlQuery &query, const LabelSet &labels) { bindLabels(query, labels); },
        [&](const QSqlQuery &query) {
            state.storedLabelSets.insert(
                LabelSet{query.value(0).toString(), query.value(1).toString(),
                         query.value(2).toString(), query.value(3).toString()});
        });
    if (!stored)
        return stored.error();
    // The same for the source pairs (docs/counting.md section 10.7).
    if (!count.exec(QStringLiteral("SELECT COUNT(*) FROM source_counters")) || !count.next())
        return connection.error(QStringLiteral("cannot count the source pairs"), count);
    state.sourcePairs = count.value(0).toLongLong();
    const auto storedPairs = lookUp(
        connection, QStringLiteral("cannot look up a source"), sourcePairs.values(),
        [&](qsizetype n) -> QString {
            return QStringLiteral("SELECT c.from_domain, c.source FROM ") %
                   connection.dialect->boundRows(n, 2) %
                   QStringLiteral(" AS k JOIN source_counters AS c ON c.from_domain = k.column1 "
                                  "AND c.source = k.column2");
        },
        [](QSqlQuery &query, const SourcePair &pair) {
            query.addBindValue(storedText(pair.fromDomain));
            query.addBindValue(storedText(pair.source));
        },
        [&](const QSqlQuery &query) {
            state.storedSourcePairs.insert(
                SourcePair{query.value(0).toString(), query.value(1).toString()});
        });
    if (!storedPairs)
        return storedPairs.error();
    return state;
}

Result<void> CommitWriter::apply(const CommitPlan &plan) const
{
    if (auto pruned = prune(plan); !pruned)
        return pruned;
    const StoreDialect &dialect = *m_connection.dialect;
    for (const ReportKind kind : {ReportKind::Aggregate, ReportKind::Tls}) {
        QList<DedupEntry> entries;
        for (const DedupEntry &entry : plan.dedup) {
            if (entry.key.kind == kind)
                entries << entry;
        }
        const auto recorded = execForEach(
            m_connection, QStringLiteral("cannot record a report"),
            dialect.upsert(dedupTable(kind),
                           {QStringLiteral("org_name"), QStringLiteral("report_id")},
                           {QStringLiteral("first_seen")}, StoreDialect::Upsert::Replace),
            entries, [](QSqlQuery &query, const DedupEntry &entry) {
                query.addBindValue(storedText(entry.key.orgName));
                query.addBindValue(storedText(entry.key.reportId));
                query.addBindValue(entry.firstSeen);
            });
        if (!recorded)
            return recorded;
    }
    const auto recorded =
        execForEach(m_connection, QStringLiteral("cannot record an email"),
                    dialect.upsert(QStringLiteral("decided_emails"),
                                   {QStringLiteral("account"), QStringLiteral("mailbox"),
                                    QStringLiteral("uid_validity"), QStringLiteral("uid")},
                                   {QStringLiteral("digest"), QStringLiteral("verdict"),
                                    QStringLiteral("decided_at")},
                                   StoreDialect::Upsert::Replace),
                    plan.decided, [](QSqlQuery &query, const DecidedEmail &email) {
                        query.addBindValue(storedText(email.identity.account));
                        query.addBindValue(storedText(email.identity.mailbox));
                        query.addBindValue(qint64(email.identity.uidValidity));
                        query.addBindValue(qint64(email.identity.uid));
                        query.addBindValue(QString::fromLatin1(email.identity.digest.toHex()));
                        query.addBindValue(QString(outcomeName(email.verdict)));
                        query.addBindValue(email.decidedAt);
                    });
    if (!recorded)
        return recorded;
    if (auto added = addCounters(plan.counters); !added)
        return added;
    if (auto added = addInvalidCounts(plan.invalidCounts); !added)
        return added;
    if (auto added = addHistory(plan.history); !added)
        return added;
    if (auto added = addPeriodCounters(QStringLiteral("daily_counters"), QStringLiteral("day"),
                                       plan.dailyCounters);
        !added)
        return added;
    if (auto added = addPeriodCounters(QStringLiteral("weekly_counters"), QStringLiteral("week"),
                                       plan.weeklyCounters);
        !added)
        return added;
    if (auto added = writeSources(m_connection, plan); !added)
        return added;
    if (auto added = writeSourceSummaries(m_connection, plan); !added)
        return added;
    for (int table = 0; table < kCountTables; ++table) {
        if (auto added = addCounts(CountTable(table), plan.counts[size_t(table)]); !added)
            return added;
    }
    return appendReportsLog(plan);
}

Result<void> CommitWriter::prune(const CommitPlan &plan) const
{
    for (const ReportKind kind : {ReportKind::Aggregate, ReportKind::Tls}) {
        if (auto pruned =
                execWith(m_connection, QStringLiteral("cannot prune the deduplication window"),
                         QStringLiteral("DELETE FROM ") % dedupTable(kind) %
                             QStringLiteral(" WHERE first_seen <= ?"),
                         plan.dedupExpiredUpTo);
            !pruned)
            return pruned;
    }
    return execWith(m_connection, QStringLiteral("cannot prune decided emails"),
                    QStringLiteral("DELETE FROM decided_emails WHERE decided_at <= ?"),
                    plan.decidedExpiredUpTo);
}

Result<void> CommitWriter::addCounters(const QList<LabelCounts> &deltas) const
{
    return execForEach(m_connection, QStringLiteral("cannot update the counters"),
                       m_connection.dialect->upsert(QStringLiteral("counters"), labelColumns(),
                                                    counterColumns(), StoreDialect::Upsert::Add),
                       deltas, [](QSqlQuery &query, const LabelCounts &delta) {
                           bindLabels(query, delta.labels);
                           bindCounters(query, delta.counters);
                       });
}

Result<void> CommitWriter::addInvalidCounts(const QList<InvalidCount> &deltas) const
{
    return execForEach(m_connection, QStringLiteral("cannot update the invalid counts"),
                       m_connection.dialect->upsert(
                           QStringLiteral("invalid_reports"), {QStringLiteral("from_email")},
                           {QStringLiteral("invalid_count")}, StoreDialect::Upsert::Add),
                       deltas, [](QSqlQuery &query, const InvalidCount &delta) {
                           query.addBindValue(storedText(delta.fromEmail));
                           query.addBindValue(qint64(delta.count));
                       });
}

Result<void> CommitWriter::addCounts(CountTable table, const QList<CountRow> &deltas) const
{
    const CountTableSpec &spec = countTables().at(int(table));
    return execForEach(m_connection, QStringLiteral("cannot update the counts of ") % spec.name,
                       m_connection.dialect->upsert(spec.name, spec.labelColumns, spec.valueColumns,
                                                    StoreDialect::Upsert::Add),
                       deltas, [](QSqlQuery &query, const CountRow &delta) {
                           for (const QString &label : delta.labels)
                               query.addBindValue(storedText(label));
                           for (const quint64 value : delta.values)
                               query.addBindValue(qint64(value));
                       });
}

Result<void> CommitWriter::addHistory(const QList<HistoryRow> &deltas) const
{
    auto added = execForEach(
        m_connection, QStringLiteral("cannot update the history"),
        m_connection.dialect->upsert(
            QStringLiteral("daily_history"),
            {QStringLiteral("day"), QStringLiteral("reporter"), QStringLiteral("from_domain")},
            counterColumns() + QStringList{QStringLiteral("reports")}, StoreDialect::Upsert::Add),
        deltas, [](QSqlQuery &query, const HistoryRow &delta) {
            query.addBindValue(delta.day.toString(Qt::ISODate));
            query.addBindValue(storedText(delta.reporter));
            query.addBindValue(storedText(delta.fromDomain));
            bindCounters(query, delta.counters);
            query.addBindValue(qint64(delta.reports));
        });
    if (!added)
        return added;
    // The same summed per day.
    QMap<QDate, HistoryRow> days;
    for (const HistoryRow &delta : deltas) {
        HistoryRow &day = days[delta.day];
        day.day = delta.day;
        day.counters += delta.counters;
        day.reports += delta.reports;
    }
    return execForEach(
        m_connection, QStringLiteral("cannot update the history"),
        m_connection.dialect->upsert(QStringLiteral("daily_totals"), {QStringLiteral("day")},
                                     counterColumns() + QStringList{QStringLiteral("reports")},
                                     StoreDialect::Upsert::Add),
        days.values(), [](QSqlQuery &query, const HistoryRow &day) {
            query.addBindValue(day.day.toString(Qt::ISODate));
            bindCounters(query, day.counters);
            query.addBindValue(qint64(day.reports));
        });
}

Result<void> CommitWriter::addPeriodCounters(const QString &table, const QString &period,
                                             const QList<DailyLabelCounts> &deltas) const
{
    // Many rows per statement, each row's label set found in counters by a join: the period,
    // the counters, then the labels.
    const qsizetype counterCount = counterColumns().size();
    QStringList values{QStringLiteral("k.column1"), QStringLiteral("c.id")};
    for (qsizetype i = 0; i < counterCount; ++i)
        values << QStringLiteral("CAST(k.column%1 AS BIGINT)").arg(i + 2);
    QStringList joins;
    for (qsizetype i = 0; i < labelColumns().size(); ++i)
        joins << QStringLiteral("c.%1 = k.column%2")
                     .arg(labelColumns().at(i))
                     .arg(i + 2 + counterCount);
    QSqlQuery query(m_connection.database());
    qsizetype prepared = 0;
    for (qsizetype first = 0; first < deltas.size(); first += kKeysPerQuery) {
        const qsizetype count = std::min(kKeysPerQuery, deltas.size() - first);
        if (count != prepared) {
            const QString select =
                QStringLiteral("SELECT ") % values.join(QStringLiteral(", ")) %
                QStringLiteral(" FROM ") %
                m_connection.dialect->boundRows(count, int(1 + counterCount + 4)) %
                QStringLiteral(" AS k JOIN counters AS c ON ") %
                joins.join(QStringLiteral(" AND ")) % QStringLiteral(" WHERE 1 = 1");
            if (!query.prepare(m_connection.dialect->upsertSelected(
                    table, {period, QStringLiteral("label_set")}, counterColumns(), select,
                    StoreDialect::Upsert::Add)))
                return m_connection.error(QStringLiteral("cannot update the counters of ") % table,
                                          query);
            prepared = count;
        }
        for (qsizetype i = first; i < first + count; ++i) {
            const DailyLabelCounts &delta = deltas.at(i);
            query.addBindValue(delta.day.toString(Qt::ISODate));
            bindCounters(query, delta.counts.counters);
            bindLabels(query, delta.counts.labels);
        }
        if (!query.exec())
            return m_connection.error(QStringLiteral("cannot update the counters of ") % table,
                                      query);
    }
    return {};
}

Result<void> CommitWriter::appendReportsLog(const CommitPlan &plan) const
{
    const QList<ReportLogEntry> &rows = plan.reportsLog;
    if (rows.isEmpty())
        return {};
    // Keys given here, not by the engine: the details and the emails refer to them.
    const auto firstId = nextId(m_connection, QStringLiteral("reports_log"));
    if (!firstId)
        return firstId.error();
    const auto emailIds = writeLoggedEmails(m_connection, plan.loggedEmails, rows.size());
    if (!emailIds)
        return emailIds.error();
    qint64 id = *firstId;
    auto appended = execForEach(
        m_connection, QStringLiteral("cannot write the reports log"),
        QStringLiteral("INSERT INTO reports_log (id, email_id, org_name, report_id, from_email, "
                       "date_begin, date_end, records, messages, outcome, reason, processed_at) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        rows, [&](QSqlQuery &query, const ReportLogEntry &row) {
            query.addBindValue(id);
            query.addBindValue(emailIds->at(id - *firstId));
            ++id;
            query.addBindValue(storedText(row.orgName));
            query.addBindValue(storedText(row.reportId));
            query.addBindValue(storedText(row.fromEmail));
            query.addBindValue(row.dateBegin);
            query.addBindValue(row.dateEnd);
            query.addBindValue(qint64(row.records));
            query.addBindValue(qint64(row.messages));
            query.addBindValue(QString(outcomeName(row.outcome)));
            query.addBindValue(storedText(row.reason));
            query.addBindValue(row.processedAt);
        });
    if (!appended)
        return appended;
    if (auto written = writeReportDetails(m_connection, rows, *firstId); !written)
        return written;
    auto pruned = execWith(m_connection, QStringLiteral("cannot prune the reports log"),
                           QStringLiteral("DELETE FROM reports_log WHERE id <= "
                                          "(SELECT MAX(id) FROM reports_log) - ?"),
                           plan.reportsLogKeep);
    if (!pruned)
        return pruned;
    return pruneReportDetails(m_connection);
}

} // namespace Dmarc
