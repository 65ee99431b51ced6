#include "commitwriter.h"

#include "sourcepages.h"
#include "sourcewrites.h"
#include "storedetails.h"
#include "storedialect.h"
#include "storesql.h"

#include <QRandomGenerator>
#include <QSet>
#include <QVariant>

#include <algorithm>

namespace Dmarc {

namespace {

// Keys per lookup statement at most. SQLite takes fewer (StoreDialect::valuesPerStatement); an
// array a column (PostgreSQL) costs the same to parse for any number, and fewer statements
// join fewer times (the counters per day and week read the counters once a statement).
constexpr qsizetype kKeysPerQuery = 2000;

// Adds the statement `sql(n)` for the keys (`columns` values each), n at a time, handing each
// row found to `read`.
template<typename Key, typename Sql, typename Bind, typename Read>
void addLookUps(StatementBatch &batch, const QString &what, const QList<Key> &keys, int columns,
                Sql sql, Bind bind, Read read)
{
    const qsizetype atOnce = rowsPerStatement(*batch.connection().dialect, columns, kKeysPerQuery);
    for (qsizetype first = 0; first < keys.size(); first += atOnce) {
        const qsizetype count = std::min(atOnce, keys.size() - first);
        BoundValues binder;
        for (qsizetype i = first; i < first + count; ++i)
            bind(binder, keys.at(i));
        batch.addRowsTable(what, sql(count), columns, binder.take(), read);
    }
}

// Adds the lookup of the decided-email rows stored for `identities` into `decided`.
void addDecidedEmailsLookUp(StatementBatch &batch, const QList<EmailIdentity> &identities,
                            QHash<EmailIdentity, DecidedEmail> &decided)
{
    const StoreDialect &dialect = *batch.connection().dialect;
    addLookUps(
        batch, QStringLiteral("cannot look up an email"), identities, 4,
        [&](qsizetype count) -> QString {
            return QStringLiteral("SELECT d.account, d.mailbox, d.uid_validity, d.uid, d.digest, "
                                  "d.verdict, d.decided_at FROM ") %
                   dialect.boundRows(count, 4) %
                   QStringLiteral(" AS k JOIN decided_emails AS d ON d.account = k.column1 AND "
                                  "d.mailbox = k.column2 AND "
                                  "d.uid_validity = CAST(k.column3 AS BIGINT) AND "
                                  "d.uid = CAST(k.column4 AS BIGINT)");
        },
        [](BoundValues &bound, const EmailIdentity &identity) {
            bound.addBindValue(storedText(identity.account));
            bound.addBindValue(storedText(identity.mailbox));
            bound.addBindValue(qint64(identity.uidValidity));
            bound.addBindValue(qint64(identity.uid));
        },
        [&decided](const QSqlQuery &query) {
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
}

// The keys whose text the store keeps in another form (storedText()), by that form: a row read
// back then names the batch's own key.
template<typename Key, typename Stored>
QHash<Key, Key> byStoredForm(const QSet<Key> &keys, Stored stored)
{
    QHash<Key, Key> forms;
    for (const Key &key : keys) {
        const Key form = stored(key);
        if (!(form == key))
            forms.insert(form, key);
    }
    return forms;
}

} // namespace

Result<QHash<EmailIdentity, DecidedEmail>> readDecidedEmails(const StoreConnection &connection,
                                                             const QList<EmailIdentity> &identities)
{
    QHash<EmailIdentity, DecidedEmail> decided;
    StatementBatch batch(connection);
    addDecidedEmailsLookUp(batch, identities, decided);
    if (auto read = batch.run(); !read)
        return read.error();
    return decided;
}

KnownRows::KnownRows()
    : m_seed(size_t(QRandomGenerator::system()->generate64()))
{}

size_t KnownRows::keyOfFields(std::initializer_list<QStringView> fields) const
{
    size_t key = m_seed;
    for (const QStringView field : fields)
        key = qHash(field, key);
    return key;
}

void KnownRows::learn(const CommitState &state, const CommitPlan &plan)
{
    // A kind that is full forgets all it holds before it takes a new row.
    const auto room = [](auto &known, size_t key) {
        if (known.size() >= kLimit && !known.contains(key))
            known.clear();
    };
    const auto add = [&room](QSet<size_t> &known, size_t key) {
        room(known, key);
        known.insert(key);
    };
    for (const LabelSet &labels : state.storedLabelSets)
        add(m_labelSets, keyOf(labels));
    for (const LabelCounts &counts : plan.counters)
        add(m_labelSets, keyOf(counts.labels));
    for (const SourcePair &pair : state.storedSourcePairs)
        add(m_sourcePairs, keyOf(pair));
    for (const SourceCounter &counter : plan.sourceCounters)
        add(m_sourcePairs, keyOf(counter.pair));
    for (const auto &[address, day] : plan.sourceFirstDays) {
        const size_t key = keyOf(address);
        room(m_firstDays, key);
        QDate &known = m_firstDays[key];
        if (!known.isValid() || day < known)
            known = day;
    }
}

void KnownRows::forget()
{
    m_labelSets.clear();
    m_sourcePairs.clear();
    m_firstDays.clear();
}

Result<CommitState> readCommitState(const StoreConnection &connection,
                                    const QList<EmailCommit> &batch, const KnownRows &known)
{
    CommitState state;
    QList<EmailIdentity> identities;
    QSet<DedupKey> keySet;
    QSet<LabelSet> labelSets; // to look up
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
            for (const LabelCounts &counts : report.counts) {
                if (known.holds(counts.labels))
                    state.storedLabelSets.insert(counts.labels);
                else
                    labelSets.insert(counts.labels);
            }
            const QList<SourceLabel> names = email.sourceLabels.value(r);
            for (qsizetype i = 0; i < report.sources.size() && i < names.size(); ++i) {
                const SourcePair pair{report.sources.at(i).fromDomain, names.at(i).name};
                if (known.holds(pair))
                    state.storedSourcePairs.insert(pair);
                else
                    sourcePairs.insert(pair);
                if (const QDate day = known.firstDay(names.at(i).ip); day.isValid())
                    state.knownFirstDays.insert(names.at(i).ip, day);
            }
        }
        for (const TlsReport &report : email.analysis.tlsReports)
            want(DedupKey{report.organizationName, report.reportId, ReportKind::Tls});
    }
    const QHash<DedupKey, DedupKey> keyForms = byStoredForm(keySet, [](const DedupKey &key) {
        return DedupKey{storedText(key.orgName), storedText(key.reportId), key.kind};
    });
    const QHash<LabelSet, LabelSet> labelForms =
        byStoredForm(labelSets, [](const LabelSet &labels) {
            return LabelSet{storedText(labels.reporter), storedText(labels.fromDomain),
                            storedText(labels.dkimDomain), storedText(labels.spfDomain)};
        });
    const QHash<SourcePair, SourcePair> pairForms =
        byStoredForm(sourcePairs, [](const SourcePair &pair) {
            return SourcePair{storedText(pair.fromDomain), storedText(pair.source)};
        });
    // Every lookup at once: one round trip to a server.
    StatementBatch reads(connection);
    addDecidedEmailsLookUp(reads, identities, state.decided);
    for (const ReportKind kind : {ReportKind::Aggregate, ReportKind::Tls}) {
        QList<DedupKey> keys;
        for (const DedupKey &key : std::as_const(keySet)) {
            if (key.kind == kind)
                keys << key;
        }
        addLookUps(
            reads, QStringLiteral("cannot look up a report"), keys, 2,
            [&](qsizetype count) -> QString {
                return QStringLiteral("SELECT d.org_name, d.report_id, d.first_seen FROM ") %
                       connection.dialect->boundRows(count, 2) % QStringLiteral(" AS k JOIN ") %
                       dedupTable(kind) %
                       QStringLiteral(" AS d ON d.org_name = k.column1 AND "
                                      "d.report_id = k.column2");
            },
            [](BoundValues &bound, const DedupKey &key) {
                bound.addBindValue(storedText(key.orgName));
                bound.addBindValue(storedText(key.reportId));
            },
            [&state, &keyForms, kind](const QSqlQuery &query) {
                const DedupKey key{query.value(0).toString(), query.value(1).toString(), kind};
                state.dedupFirstSeen.insert(keyForms.value(key, key), query.value(2).toLongLong());
            });
    }
    addLookUps(
        reads, QStringLiteral("cannot look up a label set"), labelSets.values(), 4,
        [&](qsizetype n) -> QString {
            return QStringLiteral("SELECT c.reporter, c.from_domain, c.dkim_domain, c.spf_domain "
                                  "FROM ") %
                   connection.dialect->boundRows(n, 4) %
                   QStringLiteral(" AS k JOIN counters AS c ON c.reporter = k.column1 AND "
                                  "c.from_domain = k.column2 AND c.dkim_domain = k.column3 AND "
                                  "c.spf_domain = k.column4");
        },
        [](BoundValues &bound, const LabelSet &labels) { bindLabels(bound, labels); },
        [&state, &labelForms](const QSqlQuery &query) {
            const LabelSet labels{query.value(0).toString(), query.value(1).toString(),
                                  query.value(2).toString(), query.value(3).toString()};
            state.storedLabelSets.insert(labelForms.value(labels, labels));
        });
    addLookUps(
        reads, QStringLiteral("cannot look up a source"), sourcePairs.values(), 2,
        [&](qsizetype n) -> QString {
            return QStringLiteral("SELECT c.from_domain, c.source FROM ") %
                   connection.dialect->boundRows(n, 2) %
                   QStringLiteral(" AS k JOIN source_counters AS c ON c.from_domain = k.column1 "
                                  "AND c.source = k.column2");
        },
        [](BoundValues &bound, const SourcePair &pair) {
            bound.addBindValue(storedText(pair.fromDomain));
            bound.addBindValue(storedText(pair.source));
        },
        [&state, &pairForms](const QSqlQuery &query) {
            const SourcePair pair{query.value(0).toString(), query.value(1).toString()};
            state.storedSourcePairs.insert(pairForms.value(pair, pair));
        });
    if (auto read = reads.run(); !read)
        return read.error();
    // What limits.max_label_sets is checked against (docs/counting.md section 9.1), and the
    // same for the source pairs (section 10.7). The plan reads a count only for a label set or
    // pair the store does not hold, so a table is counted (a scan of it) only then.
    const auto holdsAll = [](const auto &wanted, const auto &stored) {
        return std::all_of(wanted.cbegin(), wanted.cend(),
                           [&stored](const auto &key) { return stored.contains(key); });
    };
    if (!holdsAll(labelSets, state.storedLabelSets)) {
        reads.add(
            QStringLiteral("cannot count the label sets"),
            QStringLiteral("SELECT COUNT(*) FROM counters"), {},
            [&state](const QSqlQuery &query) { state.labelSets = query.value(0).toLongLong(); });
    }
    if (!holdsAll(sourcePairs, state.storedSourcePairs)) {
        reads.add(
            QStringLiteral("cannot count the source pairs"),
            QStringLiteral("SELECT COUNT(*) FROM source_counters"), {},
            [&state](const QSqlQuery &query) { state.sourcePairs = query.value(0).toLongLong(); });
    }
    if (auto counted = reads.run(); !counted)
        return counted.error();
    return state;
}

Result<void> CommitWriter::apply(const CommitPlan &plan) const
{
    // The keys of the reports log's new entries and of their emails, read under the write lock,
    // with the oldest email of the entries the log keeps.
    ReportsLogKeys keys;
    if (!plan.reportsLog.isEmpty()) {
        StatementBatch reads(m_connection);
        addReportsLogKeys(reads, plan.reportsLog.size() - plan.reportsLogKeep, &keys);
        if (auto read = reads.run(); !read)
            return read;
    }
    // Then every write of the plan at once: one round trip to a server.
    StatementBatch batch(m_connection);
    addPrune(batch, plan);
    const StoreDialect &dialect = *m_connection.dialect;
    for (const ReportKind kind : {ReportKind::Aggregate, ReportKind::Tls}) {
        QList<DedupEntry> entries;
        for (const DedupEntry &entry : plan.dedup) {
            if (entry.key.kind == kind)
                entries << entry;
        }
        batch.addForEach(QStringLiteral("cannot record a report"),
                         dialect.upsert(dedupTable(kind),
                                        {QStringLiteral("org_name"), QStringLiteral("report_id")},
                                        {QStringLiteral("first_seen")},
                                        StoreDialect::Upsert::Replace),
                         entries, [](BoundValues &bound, const DedupEntry &entry) {
                             bound.addBindValue(storedText(entry.key.orgName));
                             bound.addBindValue(storedText(entry.key.reportId));
                             bound.addBindValue(entry.firstSeen);
                         });
    }
    batch.addForEach(QStringLiteral("cannot record an email"),
                     dialect.upsert(QStringLiteral("decided_emails"),
                                    {QStringLiteral("account"), QStringLiteral("mailbox"),
                                     QStringLiteral("uid_validity"), QStringLiteral("uid")},
                                    {QStringLiteral("digest"), QStringLiteral("verdict"),
                                     QStringLiteral("decided_at")},
                                    StoreDialect::Upsert::Replace),
                     plan.decided, [](BoundValues &bound, const DecidedEmail &email) {
                         bound.addBindValue(storedText(email.identity.account));
                         bound.addBindValue(storedText(email.identity.mailbox));
                         bound.addBindValue(qint64(email.identity.uidValidity));
                         bound.addBindValue(qint64(email.identity.uid));
                         bound.addBindValue(QString::fromLatin1(email.identity.digest.toHex()));
                         bound.addBindValue(QString(outcomeName(email.verdict)));
                         bound.addBindValue(email.decidedAt);
                     });
    addCounters(batch, plan.counters);
    addInvalidCounts(batch, plan.invalidCounts);
    addHistory(batch, plan.history);
    addDailyCounters(batch, plan.dailyCounters);
    // The weeks are summed again later, from their days (Store::sumWeeks): a commit writes a row
    // a week, not one a week and label set or source.
    batch.addForEach(
        QStringLiteral("cannot mark the weeks counted"),
        dialect.insertRows(QStringLiteral("pending_weeks"), {QStringLiteral("week")}, 1) %
            QStringLiteral(" ON CONFLICT (week) DO NOTHING"),
        plan.pendingWeeks,
        [](BoundValues &bound, QDate week) { bound.addBindValue(dayText(week)); });
    for (int table = 0; table < kCountTables; ++table)
        addCounts(batch, CountTable(table), plan.counts[size_t(table)]);
    appendReportsLog(batch, plan, keys);
    addSources(batch, plan);
    addSourceFirstDays(batch, plan);
    return batch.run();
}

void CommitWriter::addPrune(StatementBatch &batch, const CommitPlan &plan)
{
    for (const ReportKind kind : {ReportKind::Aggregate, ReportKind::Tls}) {
        batch.add(QStringLiteral("cannot prune the deduplication window"),
                  QStringLiteral("DELETE FROM ") % dedupTable(kind) %
                      QStringLiteral(" WHERE first_seen <= ?"),
                  {plan.dedupExpiredUpTo});
    }
    batch.add(QStringLiteral("cannot prune decided emails"),
              QStringLiteral("DELETE FROM decided_emails WHERE decided_at <= ?"),
              {plan.decidedExpiredUpTo});
}

Result<void> CommitWriter::addCounters(const QList<LabelCounts> &deltas) const
{
    StatementBatch batch(m_connection);
    addCounters(batch, deltas);
    return batch.run();
}

Result<void> CommitWriter::addInvalidCounts(const QList<InvalidCount> &deltas) const
{
    StatementBatch batch(m_connection);
    addInvalidCounts(batch, deltas);
    return batch.run();
}

void CommitWriter::addCounters(StatementBatch &batch, const QList<LabelCounts> &deltas)
{
    batch.addForEach(QStringLiteral("cannot update the counters"),
                     batch.connection().dialect->upsert(QStringLiteral("counters"), labelColumns(),
                                                        counterColumns(),
                                                        StoreDialect::Upsert::Add),
                     deltas, [](BoundValues &bound, const LabelCounts &delta) {
                         bindLabels(bound, delta.labels);
                         bindCounters(bound, delta.counters);
                     });
}

void CommitWriter::addInvalidCounts(StatementBatch &batch, const QList<InvalidCount> &deltas)
{
    batch.addForEach(QStringLiteral("cannot update the invalid counts"),
                     batch.connection().dialect->upsert(
                         QStringLiteral("invalid_reports"), {QStringLiteral("from_email")},
                         {QStringLiteral("invalid_count")}, StoreDialect::Upsert::Add),
                     deltas, [](BoundValues &bound, const InvalidCount &delta) {
                         bound.addBindValue(storedText(delta.fromEmail));
                         bound.addBindValue(qint64(delta.count));
                     });
}

void CommitWriter::addCounts(StatementBatch &batch, CountTable table, const QList<CountRow> &deltas)
{
    const CountTableSpec &spec = countTables().at(int(table));
    batch.addForEach(QStringLiteral("cannot update the counts of ") % spec.name,
                     batch.connection().dialect->upsert(spec.name, spec.labelColumns,
                                                        spec.valueColumns,
                                                        StoreDialect::Upsert::Add),
                     deltas, [](BoundValues &bound, const CountRow &delta) {
                         for (const QString &label : delta.labels)
                             bound.addBindValue(storedText(label));
                         for (const quint64 value : delta.values)
                             bound.addBindValue(qint64(value));
                     });
}

void CommitWriter::addHistory(StatementBatch &batch, const QList<HistoryRow> &days)
{
    batch.addForEach(QStringLiteral("cannot update the history"),
                     batch.connection().dialect->upsert(
                         QStringLiteral("daily_totals"), {QStringLiteral("day")},
                         counterColumns() + QStringList{QStringLiteral("reports")},
                         StoreDialect::Upsert::Add),
                     days, [](BoundValues &bound, const HistoryRow &day) {
                         bound.addBindValue(dayText(day.day));
                         bindCounters(bound, day.counters);
                         bound.addBindValue(qint64(day.reports));
                     });
}

void CommitWriter::addDailyCounters(StatementBatch &batch, const QList<DailyLabelCounts> &deltas)
{
    // Many rows per statement, each row's label set found in counters by a join: the day, the
    // counters, then the labels.
    const StoreDialect &dialect = *batch.connection().dialect;
    const qsizetype counterCount = counterColumns().size();
    QStringList values{QStringLiteral("k.column1"), QStringLiteral("c.id")};
    for (qsizetype i = 0; i < counterCount; ++i)
        values << QStringLiteral("CAST(k.column%1 AS BIGINT)").arg(i + 2);
    QStringList joins;
    for (qsizetype i = 0; i < labelColumns().size(); ++i)
        joins << QStringLiteral("c.%1 = k.column%2")
                     .arg(labelColumns().at(i))
                     .arg(i + 2 + counterCount);
    const auto sql = [&](qsizetype count) {
        const QString select = QStringLiteral("SELECT ") % values.join(QStringLiteral(", ")) %
                               QStringLiteral(" FROM ") %
                               dialect.boundRows(count, int(1 + counterCount + 4)) %
                               QStringLiteral(" AS k JOIN counters AS c ON ") %
                               joins.join(QStringLiteral(" AND ")) % QStringLiteral(" WHERE 1 = 1");
        return dialect.upsertSelected(QStringLiteral("daily_counters"),
                                      {QStringLiteral("day"), QStringLiteral("label_set")},
                                      counterColumns(), select, StoreDialect::Upsert::Add);
    };
    QString statement; // for as many rows as the last one
    qsizetype statementRows = 0;
    const qsizetype atOnce = rowsPerStatement(dialect, 1 + counterCount + 4, kKeysPerQuery);
    for (qsizetype first = 0; first < deltas.size(); first += atOnce) {
        const qsizetype count = std::min(atOnce, deltas.size() - first);
        if (count != statementRows) {
            statement = sql(count);
            statementRows = count;
        }
        BoundValues binder;
        for (qsizetype i = first; i < first + count; ++i) {
            const DailyLabelCounts &delta = deltas.at(i);
            binder.addBindValue(dayText(delta.day));
            bindCounters(binder, delta.counts.counters);
            bindLabels(binder, delta.counts.labels);
        }
        batch.addRowsTable(QStringLiteral("cannot update the counters per day"), statement,
                           int(1 + counterCount + 4), binder.take());
    }
}

void CommitWriter::appendReportsLog(StatementBatch &batch, const CommitPlan &plan,
                                    const ReportsLogKeys &keys)
{
    const QList<ReportLogEntry> &rows = plan.reportsLog;
    if (rows.isEmpty())
        return;
    // Keys given here, not by the engine: the details and the emails refer to them.
    const QList<qint64> emailIds =
        addLoggedEmails(batch, plan.loggedEmails, rows.size(), keys.firstEmail);
    qint64 id = keys.firstEntry;
    batch.addForEach(
        QStringLiteral("cannot write the reports log"),
        QStringLiteral("INSERT INTO reports_log (id, email_id, org_name, report_id, from_email, "
                       "date_begin, date_end, records, messages, outcome, reason, processed_at) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        rows, [&](BoundValues &bound, const ReportLogEntry &row) {
            bound.addBindValue(id);
            bound.addBindValue(emailIds.at(id - keys.firstEntry));
            ++id;
            bound.addBindValue(storedText(row.orgName));
            bound.addBindValue(storedText(row.reportId));
            bound.addBindValue(storedText(row.fromEmail));
            bound.addBindValue(row.dateBegin);
            bound.addBindValue(row.dateEnd);
            bound.addBindValue(qint64(row.records));
            bound.addBindValue(qint64(row.messages));
            bound.addBindValue(QString(outcomeName(row.outcome)));
            bound.addBindValue(storedText(row.reason));
            bound.addBindValue(row.processedAt);
        });
    addReportDetails(batch, rows, keys.firstEntry);
    // The log keeps its newest entries, those from `keptEntry` on; the oldest email they refer
    // to is the oldest of the old entries kept or else of the new ones.
    const qint64 keptEntry = keys.firstEntry + rows.size() - plan.reportsLogKeep;
    std::optional<qint64> keptEmail = keys.oldestKeptEmail;
    for (qsizetype i = std::max<qint64>(0, keptEntry - keys.firstEntry);
         i < rows.size() && !keptEmail; ++i) {
        if (emailIds.at(i) > 0)
            keptEmail = emailIds.at(i);
    }
    addReportsLogPrune(batch, keys, keptEntry, keptEmail);
}

} // namespace Dmarc
