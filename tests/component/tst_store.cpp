#include "commitfixtures.h"
#include "store/legacyimport.h"
#include "store/store.h"
#include "storebackend.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSemaphore>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QTimeZone>

#include <sys/stat.h>

using namespace Dmarc;
using namespace Dmarc::Test;

namespace {

// The suite runs on both backends (storebackend.h). Cases about what only SQLite has (files,
// their modes, the folder lock, the application_id in the file header) say so and are skipped
// on PostgreSQL.

Result<std::unique_ptr<Store>> openIn(const QString &dir, const StoreOptions &options = {})
{
    return Store::open(locationOf(dir), options);
}

std::unique_ptr<Store> openStore(const QString &dir, qint64 dedupSeconds = 7 * kDay)
{
    StoreOptions options;
    options.dedupMaxSeconds = dedupSeconds;
    auto store = openIn(dir, options);
    if (!store.ok())
        qWarning("%s", qPrintable(store.error().message));
    return store.ok() ? std::move(store).value() : nullptr;
}

// A store in `dir` that counted one report (google.com's "old", 3 messages of kLabels), then
// taken down to schema `version`.
bool oneReportAtVersion(const QString &dir, int version)
{
    {
        auto store = openStore(dir);
        if (!store || !store
                           ->commit({emailCommit(1, {reportCounts(QStringLiteral("google.com"),
                                                                  QStringLiteral("old"), 3)})},
                                    kNow)
                           .ok())
            return false;
    }
    const auto downgraded = downgradeStore(QDir(dir).filePath(Store::fileName()), version);
    if (!downgraded)
        qWarning("%s", qPrintable(downgraded.error().message));
    return downgraded.ok();
}

Counters countersOf(Store &store, const LabelSet &labels)
{
    const auto snapshot = store.snapshot();
    if (!snapshot.ok()) {
        qWarning("DEBUG %s %s", qPrintable(snapshot.error().code),
                 qPrintable(snapshot.error().message));
        return Counters();
    }
    for (const LabelCounts &entry : snapshot->counters) {
        if (entry.labels == labels)
            return entry.counters;
    }
    return Counters();
}

quint64 invalidOf(Store &store, const QString &fromEmail)
{
    const auto snapshot = store.snapshot();
    if (!snapshot.ok()) {
        qWarning("%s", qPrintable(snapshot.error().message));
        return 0;
    }
    for (const InvalidCount &entry : snapshot->invalidReports) {
        if (entry.fromEmail == fromEmail)
            return entry.count;
    }
    return 0;
}

QStringList countsOf(Store &store, CountTable table)
{
    const auto snapshot = store.snapshot();
    QStringList rows;
    for (const CountRow &row : snapshot->counts[size_t(table)]) {
        QStringList values;
        for (const quint64 value : row.values)
            values << QString::number(value);
        rows << row.labels.join(QLatin1Char('/')) % QLatin1Char('=') %
                    values.join(QLatin1Char(','));
    }
    return rows;
}

void writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(file.write(bytes), bytes.size());
}

// Runs `statements` on the SQLite file at `path` over a connection of its own; the answer to
// the last one's first column, if any.
QVariant rawSql(const QString &path, const QStringList &statements)
{
    QVariant answer;
    {
        QSqlDatabase db = rawDatabase(path, QStringLiteral("raw"));
        if (!db.open())
            qWarning("%s", qPrintable(db.lastError().text()));
        QSqlQuery query(db);
        for (const QString &statement : statements) {
            if (!query.exec(statement))
                qWarning("%s: %s", qPrintable(statement), qPrintable(query.lastError().text()));
        }
        if (query.next())
            answer = query.value(0);
        query.finish();
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("raw"));
    return answer;
}

// The rows `sql` reads from the SQLite file at `path`, each its columns joined by '|'.
QStringList rowsOf(const QString &path, const QString &sql)
{
    QStringList rows;
    {
        QSqlDatabase db = rawDatabase(path, QStringLiteral("rows"));
        if (!db.open())
            qWarning("%s", qPrintable(db.lastError().text()));
        QSqlQuery query(db);
        if (!query.exec(sql))
            qWarning("%s: %s", qPrintable(sql), qPrintable(query.lastError().text()));
        while (query.next()) {
            QStringList columns;
            for (int i = 0; i < query.record().count(); ++i)
                columns << query.value(i).toString();
            rows << columns.join(QLatin1Char('|'));
        }
        query.finish();
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("rows"));
    return rows;
}

QStringList sourceDaysOf(const QString &path)
{
    return rowsOf(path, QStringLiteral("SELECT day, from_domain, source_ip, source_name, "
                                       "source_type, messages, compliant, dkim_aligned, "
                                       "spf_aligned, quarantined, rejected FROM source_days "
                                       "ORDER BY day, from_domain, source_ip"));
}

// What the drill-down reads of the reporters and passing domains of the sources `ips`
// (Store::sourceDomainsOf, every day), each "from_domain|ip|kind|domain|messages", sorted.
QStringList sourceDomainsOf(const Store &store, const QStringList &ips)
{
    const char *const kinds[] = {"reporter", "dkim", "spf"};
    QStringList rows;
    for (const QString &ip : ips) {
        const auto domains = store.sourceDomainsOf(ip, QDate(), QDate());
        if (!domains)
            return {domains.error().message};
        for (const SourceDayDomain &domain : *domains) {
            rows << QStringList{domain.fromDomain, ip, QLatin1String(kinds[int(domain.kind)]),
                                domain.domain, QString::number(domain.messages)}
                        .join(QLatin1Char('|'));
        }
    }
    rows.sort();
    return rows;
}

QStringList sourceCountersOf(Store &store)
{
    const auto snapshot = store.snapshot();
    if (!snapshot)
        return {snapshot.error().message};
    QStringList rows;
    for (const SourceCounter &counter : snapshot->sourceCounters)
        rows << counter.pair.fromDomain % QLatin1Char('/') % counter.pair.source %
                    QLatin1Char('=') % QString::number(counter.total) % QLatin1Char(',') %
                    QString::number(counter.compliant);
    return rows;
}

// The number that marks the database of the store file `path` as ours: the SQLite
// application_id, or the row of store_meta on PostgreSQL.
qint64 ownerOf(const QString &path)
{
    return rawSql(path, {onPostgres() ? QStringLiteral("SELECT CAST(meta_value AS BIGINT) FROM "
                                                       "store_meta WHERE meta_key = "
                                                       "'application_id'")
                                      : QStringLiteral("PRAGMA application_id")})
        .toLongLong();
}

// All a database holds: the SQLite file's bytes, or every table with its rows on PostgreSQL.
QByteArray contentOf(const QString &path)
{
    if (!onPostgres()) {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }
    QByteArray content;
    {
        QSqlDatabase db = rawDatabase(path, QStringLiteral("content"));
        if (!db.open())
            qWarning("%s", qPrintable(db.lastError().text()));
        QSqlQuery tables(db);
        tables.exec(QStringLiteral("SELECT tablename FROM pg_tables WHERE schemaname = "
                                   "current_schema() ORDER BY tablename"));
        while (tables.next()) {
            const QString table = tables.value(0).toString();
            content += table.toUtf8() + ":\n";
            QSqlQuery rows(db);
            rows.exec(QStringLiteral("SELECT * FROM ") + table);
            while (rows.next()) {
                for (int i = 0; i < rows.record().count(); ++i)
                    content += rows.value(i).toString().toUtf8() + '|';
                content += '\n';
            }
        }
        tables.finish();
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("content"));
    return content;
}

QByteArray sha256Of(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256).toHex();
}

// The permission bits of a file or folder, as in `ls -l`: 0600, 0700.
int modeOf(const QString &path)
{
    const QFileDevice::Permissions p = QFileInfo(path).permissions();
    const std::pair<QFileDevice::Permission, int> bits[] = {
        {QFileDevice::ReadOwner, 0400}, {QFileDevice::WriteOwner, 0200},
        {QFileDevice::ExeOwner, 0100},  {QFileDevice::ReadGroup, 040},
        {QFileDevice::WriteGroup, 020}, {QFileDevice::ExeGroup, 010},
        {QFileDevice::ReadOther, 04},   {QFileDevice::WriteOther, 02},
        {QFileDevice::ExeOther, 01}};
    int mode = 0;
    for (const auto &[permission, bit] : bits) {
        if (p & permission)
            mode |= bit;
    }
    return mode;
}

} // namespace

Q_DECLARE_METATYPE(Dmarc::Counters)

// How the counters per week of TestStore::rangesOfWeeksAndDaysAreExact came to be.
enum class Weeks
{
    Marked,
    Summed,
    MarkedAgain,
    Migrated
};
Q_DECLARE_METATYPE(Weeks)

class TestStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase_data() { addStoreBackendRows(); }

    void init()
    {
        const auto chosen = useStoreBackendOfRow();
        QVERIFY2(chosen, chosen ? "" : qPrintable(chosen.error().message));
    }

    void cleanupTestCase() { stopStoreBackends(); }

    void createsOneFileWithSchema()
    {
        QTemporaryDir dir;
        auto store = openStore(dir.path());
        QVERIFY(store);
        if (onPostgres()) {
            // Named by its URL, without the password; no file.
            QVERIFY(store->filePath().isEmpty());
            QCOMPARE(store->location(), QStringLiteral("database ") + whereOf(dir.path()));
            QVERIFY(!store->location().contains(postgresServer().password()));
            QVERIFY(QDir(dir.path()).isEmpty());
        } else {
            QCOMPARE(store->filePath(), whereOf(dir.path()));
            QVERIFY(QFile::exists(store->filePath()));
        }
        QCOMPARE(store->snapshot()->counters.size(), 0);
    }

    void countsAndSurvivesRestart()
    {
        QTemporaryDir dir;
        {
            auto store = openStore(dir.path());
            const auto results = store->commit(
                {emailCommit(1,
                             {reportCounts(QStringLiteral("google.com"), QStringLiteral("r1"), 3)}),
                 emailCommit(
                     2, {reportCounts(QStringLiteral("google.com"), QStringLiteral("r2"), 2)})},
                kNow);
            QVERIFY2(results.ok(), results.ok() ? "" : qPrintable(results.error().message));
            QCOMPARE(results->size(), 2);
            QCOMPARE(results->at(0).reports, QList<ReportOutcome>{ReportOutcome::Counted});
            QCOMPARE(results->at(0).verdict, EmailVerdict::Done);
            QVERIFY(!results->at(0).alreadyDecided);
        }
        auto store = openStore(dir.path());
        QCOMPARE(countersOf(*store, kLabels), counters(5, 5));
    }

    // docs/counting.md section 4, row by row.
    void deduplicates()
    {
        QTemporaryDir dir;
        auto store = openStore(dir.path());
        const QString org = QStringLiteral("google.com");
        // The same report twice in one email: the first counts.
        auto first = store->commit({emailCommit(1, {reportCounts(org, QStringLiteral("a"), 1),
                                                    reportCounts(org, QStringLiteral("a"), 5)})},
                                   kNow);
        QCOMPARE(first->at(0).reports,
                 (QList<ReportOutcome>{ReportOutcome::Counted, ReportOutcome::Duplicate}));
        // Again in a later email, with different content: a duplicate.
        auto second =
            store->commit({emailCommit(2, {reportCounts(org, QStringLiteral("a"), 9)})}, kNow + 10);
        QCOMPARE(second->at(0).reports, QList<ReportOutcome>{ReportOutcome::Duplicate});
        QCOMPARE(second->at(0).verdict, EmailVerdict::Done);
        // Same id from another organisation: a different report.
        auto other = store->commit(
            {emailCommit(3, {reportCounts(QStringLiteral("yahoo.com"), QStringLiteral("a"), 1)})},
            kNow + 10);
        QCOMPARE(other->at(0).reports, QList<ReportOutcome>{ReportOutcome::Counted});
        // No report_id: never a duplicate, also within one batch.
        auto noId = store->commit(
            {emailCommit(4, {reportCounts(org, QString(), 1), reportCounts(org, QString(), 1)}),
             emailCommit(5, {reportCounts(org, QString(), 1)})},
            kNow + 20);
        QCOMPARE(noId->at(0).reports,
                 (QList<ReportOutcome>{ReportOutcome::Counted, ReportOutcome::Counted}));
        QCOMPARE(noId->at(1).reports, QList<ReportOutcome>{ReportOutcome::Counted});
        // Duplicates across emails of one batch.
        auto batch = store->commit({emailCommit(6, {reportCounts(org, QStringLiteral("b"), 1)}),
                                    emailCommit(7, {reportCounts(org, QStringLiteral("b"), 1)})},
                                   kNow + 30);
        QCOMPARE(batch->at(1).reports, QList<ReportOutcome>{ReportOutcome::Duplicate});
        QCOMPARE(countersOf(*store, kLabels).total, quint64(1 + 1 + 1 + 1 + 1 + 1));
        QCOMPARE(*store->dedupEntryCount(), qint64(3));
    }

    // Text reaches the store as it came, whatever it holds, and is found again by the lookups
    // of later commits (PostgreSQL takes many rows as one array a column, written as text).
    void storesAnyTextExactly()
    {
        QTemporaryDir dir;
        const QString quoted = QStringLiteral("a\"b\\c{d},e'f");
        const LabelSet labels{quoted, QStringLiteral("NULL"), QString(),
                              QStringLiteral(" \u00fc\u20ac }{\\\\ ") +
                                  QString::fromUtf8("\xf0\x9d\x84\x9e")};
        const auto email = [&](quint32 uid, const QString &id) {
            EmailCommit commit = emailCommit(uid, {reportCounts(quoted, id, 2, labels)});
            commit.identity.account = QStringLiteral("NULL");
            commit.identity.mailbox = quoted;
            return commit;
        };
        {
            auto store = openStore(dir.path());
            const auto first = store->commit({email(1, QStringLiteral("{\"x\", NULL}"))}, kNow);
            QVERIFY2(first.ok(), first.ok() ? "" : qPrintable(first.error().message));
            QCOMPARE(first->at(0).reports, QList<ReportOutcome>{ReportOutcome::Counted});
        }
        auto store = openStore(dir.path());
        const auto again = store->commit({email(1, QStringLiteral("{\"x\", NULL}")),
                                          email(2, QStringLiteral("{\"x\", NULL}")),
                                          email(3, QStringLiteral("y"))},
                                         kNow + 10);
        QVERIFY2(again.ok(), again.ok() ? "" : qPrintable(again.error().message));
        QVERIFY(again->at(0).alreadyDecided);
        QCOMPARE(again->at(1).reports, QList<ReportOutcome>{ReportOutcome::Duplicate});
        QCOMPARE(again->at(2).reports, QList<ReportOutcome>{ReportOutcome::Counted});
        QCOMPARE(countersOf(*store, labels), counters(4, 4));
        const auto log = store->recentReports(10);
        QCOMPARE(log->size(), 3);
        QCOMPARE(log->at(2).orgName, quoted);
        QCOMPARE(log->at(2).reportId, QStringLiteral("{\"x\", NULL}"));
    }

    // U+0000, which hostile mail can bring (a JSON report's "\u0000", a header's encoded
    // word) and PostgreSQL's text cannot hold, is kept as U+FFFD on both backends: the commit
    // succeeds, and the same report and label set are found again.
    void keepsTextWithNul()
    {
        QTemporaryDir dir;
        const QString nul = QStringLiteral("a") + QChar(0) + QStringLiteral("b");
        const QString kept = QStringLiteral("a\ufffdb");
        const LabelSet labels{nul, QStringLiteral("mydomain.de"), nul, QString()};
        const auto email = [&](quint32 uid, const QString &id) {
            EmailCommit commit = emailCommit(uid, {reportCounts(nul, id, 2, labels)});
            commit.analysis.subject = nul;
            commit.analysis.tlsReports << tlsReport(nul, nul);
            return commit;
        };
        // The label set found again is not a new one past the limit.
        StoreOptions options;
        options.maxLabelSets = 1;
        auto store = std::move(openIn(dir.path(), options)).value();
        const auto first = store->commit({email(1, nul)}, kNow);
        QVERIFY2(first.ok(), first.ok() ? "" : qPrintable(first.error().message));
        QCOMPARE(first->at(0).reports, QList<ReportOutcome>{ReportOutcome::Counted});
        const auto again = store->commit({email(2, nul), email(3, QStringLiteral("c"))}, kNow + 10);
        QVERIFY2(again.ok(), again.ok() ? "" : qPrintable(again.error().message));
        QCOMPARE(again->at(0).reports, QList<ReportOutcome>{ReportOutcome::Duplicate});
        QCOMPARE(again->at(0).tlsReports, QList<ReportOutcome>{ReportOutcome::Duplicate});
        QCOMPARE(again->at(1).reports, QList<ReportOutcome>{ReportOutcome::Counted});
        const LabelSet keptLabels{kept, QStringLiteral("mydomain.de"), kept, QString()};
        QCOMPARE(countersOf(*store, keptLabels), counters(4, 4));
        const auto log = store->recentReports(10);
        QCOMPARE(log->at(log->size() - 1).reportId, kept);
        const auto logged = store->loggedReport(log->at(log->size() - 1).id);
        QVERIFY(logged && *logged && (*logged)->email);
        QCOMPARE((*logged)->email->subject, kept);
    }

    void failedReportDoesNotEnterDedup()
    {
        QTemporaryDir dir;
        auto store = openStore(dir.path());
        // The email had a broken candidate: its readable reports count, it is invalid once,
        // and only counted reports enter the dedup window.
        const PayloadFailure broken{QStringLiteral("part 2 (b.xml)"),
                                    Error{QStringLiteral("malformed"), QStringLiteral("line 3")}};
        auto results = store->commit(
            {emailCommit(1, {reportCounts(QStringLiteral("google.com"), QStringLiteral("ok"))},
                         {broken})},
            kNow);
        QCOMPARE(results->at(0).verdict, EmailVerdict::Error);
        QCOMPARE(results->at(0).reports, QList<ReportOutcome>{ReportOutcome::Counted});
        QCOMPARE(invalidOf(*store, QStringLiteral("noreply@google.com")), quint64(1));
        QCOMPARE(*store->dedupEntryCount(), qint64(1));
        // No candidate at all: invalid, error.
        EmailCommit empty = emailCommit(2, {});
        empty.analysis.fromEmail = QString();
        results = store->commit({empty}, kNow);
        QCOMPARE(results->at(0).verdict, EmailVerdict::Error);
        QCOMPARE(invalidOf(*store, QString()), quint64(1));
        const auto log = store->recentReports(10);
        QCOMPARE(log->size(), 3);
        QCOMPARE(log->at(0).outcome, ReportOutcome::Malformed);
        QCOMPARE(log->at(1).outcome, ReportOutcome::Malformed);
        QVERIFY(log->at(1).reason.contains(QLatin1String("line 3")));
        QCOMPARE(log->at(2).outcome, ReportOutcome::Counted);
        QCOMPARE(log->at(2).reportId, QStringLiteral("ok"));
    }

    void dedupExpiresAndRestartKeepsTheWindow()
    {
        QTemporaryDir dir;
        const qint64 window = 3;
        const auto commitReport = [](Store &store, quint32 uid, qint64 now) {
            auto r = store.commit(
                {emailCommit(uid, {reportCounts(QStringLiteral("o"), QStringLiteral("x"))})}, now);
            return r.ok() ? r->at(0).reports.value(0) : ReportOutcome::Duplicate;
        };
        {
            auto store = openStore(dir.path(), window);
            QCOMPARE(commitReport(*store, 1, 100), ReportOutcome::Counted);
            QCOMPARE(commitReport(*store, 2, 102), ReportOutcome::Duplicate);
        }
        {
            // After a restart, still inside the window.
            auto store = openStore(dir.path(), window);
            QCOMPARE(commitReport(*store, 3, 102), ReportOutcome::Duplicate);
            // now - first_seen >= ttl: expired (upstream ExpiringSet), counted again.
            QCOMPARE(commitReport(*store, 4, 103), ReportOutcome::Counted);
        }
        auto store = openStore(dir.path(), window);
        QCOMPARE(commitReport(*store, 5, 105), ReportOutcome::Duplicate);
        // Expired entries are pruned.
        QVERIFY(store->commit({}, 1000).ok());
        QCOMPARE(*store->dedupEntryCount(), qint64(0));
        QCOMPARE(countersOf(*store, kLabels).total, quint64(2));
    }

    void decidedEmailIsNotCountedAgain()
    {
        QTemporaryDir dir;
        EmailCommit invalid = emailCommit(9, {reportCounts(QStringLiteral("o"), QString())});
        invalid.analysis.failures << PayloadFailure{QStringLiteral("part 1"), Error{}};
        invalid.analysis.candidates = 2;
        {
            auto store = openStore(dir.path());
            QCOMPARE(store->decidedVerdicts({invalid.identity})->at(0),
                     std::optional<EmailVerdict>());
            QVERIFY(store->commit({invalid}, kNow).ok());
        }
        // The program died before the IMAP move: the next run finds the email decided.
        auto store = openStore(dir.path());
        QCOMPARE(store->decidedVerdicts({invalid.identity})->at(0),
                 std::optional<EmailVerdict>(EmailVerdict::Error));
        const auto again = store->commit({invalid, invalid}, kNow + 60);
        QVERIFY(again->at(0).alreadyDecided);
        QVERIFY(again->at(1).alreadyDecided);
        QCOMPARE(again->at(0).verdict, EmailVerdict::Error);
        QVERIFY(again->at(0).reports.isEmpty());
        QCOMPARE(countersOf(*store, kLabels).total, quint64(1));
        QCOMPARE(invalidOf(*store, QStringLiteral("noreply@google.com")), quint64(1));
        // Same UID but different content (e.g. a server that reused UIDs): a new email.
        EmailCommit changed = invalid;
        changed.identity.digest = "other";
        QCOMPARE(store->decidedVerdicts({changed.identity})->at(0), std::optional<EmailVerdict>());
        QVERIFY(!store->commit({changed}, kNow + 60)->at(0).alreadyDecided);
        QCOMPARE(invalidOf(*store, QStringLiteral("noreply@google.com")), quint64(2));
    }

    void historyAndDashboardQueries()
    {
        QTemporaryDir dir;
        auto store = openStore(dir.path());
        const LabelSet yahoo{QStringLiteral("Yahoo"), QStringLiteral("b.example"),
                             QStringLiteral("dkim.example"), QString()};
        ReportCounts two = reportCounts(QStringLiteral("google.com"), QStringLiteral("1"), 2);
        two.counts << LabelCounts{kLabels,
                                  counters(3, 1)}; // two label rows, same day/reporter/domain
        ReportCounts older = reportCounts(QStringLiteral("Yahoo"), QStringLiteral("2"), 4, yahoo);
        older.dateBegin = kNow - 3 * kDay;
        QVERIFY(store->commit({emailCommit(1, {two, older})}, kNow).ok());

        const auto all = store->dailyTotals(QDate(), QDate());
        QCOMPARE(all->size(), 2);
        QCOMPARE(all->at(0).day, QDate(2023, 11, 11));
        QCOMPARE(all->at(0).counters.total, quint64(4));
        QCOMPARE(all->at(1).day, QDate(2023, 11, 13));
        QCOMPARE(all->at(1).counters.total, quint64(5));
        QCOMPARE(all->at(1).reports, quint64(1));
        QCOMPARE(store->dailyTotals(QDate(2023, 11, 12), QDate())->size(), 1);
        QCOMPARE(store->dailyTotals(QDate(), QDate(2023, 11, 12))->value(0).counters.total,
                 quint64(4));

        // Per label set over a range of days: the two label rows of one report on one day are
        // one label set there.
        const auto lastDays = store->countersPerLabelSet(QDate(2023, 11, 12), QDate(2023, 11, 13));
        QCOMPARE(lastDays->size(), 1);
        QCOMPARE(lastDays->at(0).labels, kLabels);
        QCOMPARE(lastDays->at(0).counters.total, quint64(5));
        const auto allDays = store->countersPerLabelSet(QDate(), QDate());
        QCOMPARE(allDays->size(), 2);
        QCOMPARE(allDays->at(1).labels, yahoo);
        QCOMPARE(allDays->at(1).counters.total, quint64(4));
        QVERIFY(store->countersPerLabelSet(QDate(2023, 11, 14), QDate())->isEmpty());
        QCOMPARE(store->recentReports(1)->at(0).reportId, QStringLiteral("2"));
    }

    // A range of days sums the counters per week for the weeks it holds whole and those per day
    // for the days at its ends and for the weeks not summed again since a commit added to them:
    // every range gives the sums of its days, whether the weeks are still to be summed (a commit
    // adds to the days alone and marks the week), were summed again from their days
    // (Store::sumWeeks), were marked again by a late report after that, or were filled from the
    // days when the store reached schema version 9.
    void rangesOfWeeksAndDaysAreExact_data()
    {
        QTest::addColumn<Weeks>("weeks");
        QTest::newRow("marked by the commits") << Weeks::Marked;
        QTest::newRow("summed again") << Weeks::Summed;
        QTest::newRow("marked again by a late report") << Weeks::MarkedAgain;
        QTest::newRow("filled by the migration") << Weeks::Migrated;
    }

    void rangesOfWeeksAndDaysAreExact()
    {
        QFETCH(Weeks, weeks);
        QTemporaryDir dir;
        const QList<LabelSet> labelSets = {
            kLabels,
            LabelSet{QStringLiteral("Yahoo"), QStringLiteral("b.example"),
                     QStringLiteral("dkim.example"), QString()},
            LabelSet{QStringLiteral("Outlook.com"), QStringLiteral("mydomain.de"), QString(),
                     QStringLiteral("bounce.example")}};
        // The 40 days up to the day before kNow (Thursday 5 October to Monday 13 November 2023)
        // in two commits, some days and label sets counted by both.
        struct Counted
        {
            QDate day;
            int labelSet;
            Counters counters;
        };
        QList<Counted> counted;
        QList<EmailCommit> batches[2];
        for (int back = 1; back <= 40; ++back) {
            for (int batch = 0; batch < 2; ++batch) {
                if (batch == 1 && back % 3 != 0)
                    continue;
                const int labelSet = (back + batch + 2) % 3; // first counted in list order
                ReportCounts report =
                    reportCounts(QStringLiteral("r"), QStringLiteral("%1-%2").arg(back).arg(batch),
                                 quint64(back * 10 + batch), labelSets.at(labelSet));
                report.dateBegin = kNow - back * kDay;
                report.counts[0].counters.quarantine = quint64(back);
                batches[batch] << emailCommit(quint32(batch * 100 + back), {report});
                counted << Counted{
                    QDateTime::fromSecsSinceEpoch(report.dateBegin, QTimeZone::utc()).date(),
                    labelSet, report.counts.at(0).counters};
            }
        }
        const QString path = dir.filePath(Store::fileName());
        {
            auto store = openStore(dir.path());
            QVERIFY(store);
            for (const QList<EmailCommit> &batch : batches)
                QVERIFY(store->commit(batch, kNow).ok());
            if (weeks == Weeks::Summed || weeks == Weeks::MarkedAgain)
                QCOMPARE(store->sumWeeks(QDate(2100, 1, 1)).value(), 7);
            if (weeks == Weeks::MarkedAgain) {
                ReportCounts late =
                    reportCounts(QStringLiteral("r"), QStringLiteral("late"), 9, labelSets.at(1));
                late.dateBegin = kNow - 30 * kDay;
                QVERIFY(store->commit({emailCommit(1000, {late})}, kNow).ok());
                counted << Counted{
                    QDateTime::fromSecsSinceEpoch(late.dateBegin, QTimeZone::utc()).date(), 1,
                    late.counts.at(0).counters};
            }
        }
        if (weeks == Weeks::Migrated) {
            const auto downgraded = downgradeStore(path, 8);
            QVERIFY2(downgraded, downgraded ? "" : qPrintable(downgraded.error().message));
        }
        auto store = openStore(dir.path());
        QVERIFY(store);
        // Keyed by the Monday of each week: 2 October to 13 November.
        QStringList mondays;
        for (QDate monday(2023, 10, 2); monday <= QDate(2023, 11, 13); monday = monday.addDays(7))
            mondays << monday.toString(Qt::ISODate);
        QCOMPARE(rowsOf(path, QStringLiteral("SELECT DISTINCT week FROM weekly_counters "
                                             "ORDER BY week")),
                 weeks == Weeks::Marked ? QStringList() : mondays);
        const QStringList pending =
            rowsOf(path, QStringLiteral("SELECT week FROM pending_weeks ORDER BY week"));
        switch (weeks) {
        case Weeks::Marked:
            QCOMPARE(pending, mondays);
            break;
        case Weeks::MarkedAgain:
            QCOMPARE(pending, QStringList{QStringLiteral("2023-10-09")});
            break;
        case Weeks::Summed:
        case Weeks::Migrated:
            QCOMPARE(pending, QStringList());
            break;
        }
        QList<QDate> bounds{QDate()};
        for (QDate day(2023, 10, 3); day <= QDate(2023, 11, 15); day = day.addDays(1))
            bounds << day;
        for (const QDate &from : std::as_const(bounds)) {
            for (const QDate &to : std::as_const(bounds)) {
                if (from.isValid() && to.isValid() && to < from)
                    continue;
                // The label sets in the order first counted: that of labelSets.
                QList<LabelCounts> expected;
                for (int l = 0; l < labelSets.size(); ++l) {
                    LabelCounts sum{labelSets.at(l), {}};
                    bool any = false;
                    for (const Counted &c : std::as_const(counted)) {
                        if (c.labelSet == l && (!from.isValid() || c.day >= from) &&
                            (!to.isValid() || c.day <= to)) {
                            sum.counters += c.counters;
                            any = true;
                        }
                    }
                    if (any)
                        expected << sum;
                }
                const auto read = store->countersPerLabelSet(from, to);
                if (!read)
                    QFAIL(qPrintable(read.error().message));
                const QString range =
                    from.toString(Qt::ISODate) % QStringLiteral(" to ") % to.toString(Qt::ISODate);
                QVERIFY2(read->size() == expected.size(), qPrintable(range));
                for (qsizetype i = 0; i < expected.size(); ++i) {
                    QVERIFY2(read->at(i).labels == expected.at(i).labels, qPrintable(range));
                    QVERIFY2(read->at(i).counters == expected.at(i).counters, qPrintable(range));
                }
            }
        }
    }

    // The commit reads what was decided inside its own transaction: a second store on the same
    // file sees what the first committed, whatever it was told before.
    void secondStoreOnOneFileSeesTheFirst()
    {
        QTemporaryDir dir;
        auto first = openStore(dir.path());
        auto second = openStore(dir.path());
        const EmailCommit counted =
            emailCommit(1, {reportCounts(QStringLiteral("o"), QStringLiteral("x"))});
        QCOMPARE(second->decidedVerdicts({counted.identity})->at(0), std::optional<EmailVerdict>());
        QVERIFY(!first->commit({counted}, kNow)->at(0).alreadyDecided);
        QVERIFY(second->commit({counted}, kNow)->at(0).alreadyDecided);
        const auto again = second->commit(
            {emailCommit(2, {reportCounts(QStringLiteral("o"), QStringLiteral("x"))})}, kNow + 1);
        QCOMPARE(again->at(0).reports, QList<ReportOutcome>{ReportOutcome::Duplicate});
        QCOMPARE(countersOf(*first, kLabels).total, quint64(1));
    }

    // More emails and reports than one lookup statement takes.
    void largeBatch()
    {
        QTemporaryDir dir;
        auto store = openStore(dir.path());
        QList<EmailCommit> batch;
        QList<EmailCommit> sameReports;
        for (quint32 uid = 1; uid <= 450; ++uid) {
            batch << emailCommit(uid, {reportCounts(QStringLiteral("o"), QString::number(uid))});
            sameReports << emailCommit(1000 + uid,
                                       {reportCounts(QStringLiteral("o"), QString::number(uid))});
        }
        const auto first = store->commit(batch, kNow);
        QVERIFY2(first.ok(), first.ok() ? "" : qPrintable(first.error().message));
        QCOMPARE(first->size(), 450);
        QCOMPARE(first->last().reports, QList<ReportOutcome>{ReportOutcome::Counted});
        const auto again = store->commit(batch + sameReports, kNow + 1);
        QVERIFY2(again.ok(), again.ok() ? "" : qPrintable(again.error().message));
        for (qsizetype i = 0; i < 450; ++i) {
            QVERIFY(again->at(i).alreadyDecided);
            QCOMPARE(again->at(450 + i).reports, QList<ReportOutcome>{ReportOutcome::Duplicate});
        }
        QCOMPARE(*store->dedupEntryCount(), qint64(450));
        QCOMPARE(countersOf(*store, kLabels).total, quint64(450));
    }

    // Schema version 2 rewrites the reports log's old name for a malformed report.
    void migratesOldOutcomeNames()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(Store::fileName());
        {
            auto store = openStore(dir.path());
            QVERIFY(store->commit({emailCommit(1, {})}, kNow).ok());
        }
        {
            QSqlDatabase db = rawDatabase(path, QStringLiteral("raw"));
            QVERIFY(db.open());
            QSqlQuery query(db);
            QVERIFY(query.exec(QStringLiteral("UPDATE reports_log SET outcome = 'error'")));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("raw"));
        const auto downgraded = downgradeStore(path, 1);
        QVERIFY2(downgraded, downgraded ? "" : qPrintable(downgraded.error().message));
        auto store = openStore(dir.path());
        QVERIFY(store);
        QCOMPARE(store->recentReports(10)->at(0).outcome, ReportOutcome::Malformed);
        QString stored;
        int version = 0;
        {
            QSqlDatabase db = rawDatabase(path, QStringLiteral("raw"));
            QVERIFY(db.open());
            QSqlQuery query(db);
            QVERIFY(query.exec(QStringLiteral("SELECT outcome FROM reports_log")) && query.next());
            stored = query.value(0).toString();
            QVERIFY(query.exec(QStringLiteral("SELECT version FROM schema_version")) &&
                    query.next());
            version = query.value(0).toInt();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("raw"));
        QCOMPARE(stored, QStringLiteral("malformed"));
        QCOMPARE(version, Store::kSchemaVersion);
    }

    // Schema version 6 keeps a report's details and its email with each new line of the reports
    // log; a line logged before has neither, and the log and the counters stay.
    void migratesToReportDetails()
    {
        QTemporaryDir dir;
        QVERIFY(oneReportAtVersion(dir.path(), 5));
        auto store = openStore(dir.path());
        QVERIFY(store);
        QCOMPARE(countersOf(*store, kLabels), counters(3, 3));
        const qint64 oldId = store->recentReports(1)->at(0).id;
        const auto old = store->loggedReport(oldId);
        QVERIFY(old && *old);
        QCOMPARE((*old)->entry.reportId, QStringLiteral("old"));
        QVERIFY(!(*old)->entry.details);
        QVERIFY(!(*old)->email);

        ReportCounts report = reportCounts(QStringLiteral("google.com"), QStringLiteral("new"), 2);
        report.details.reporterEmail = QStringLiteral("noreply-dmarc-support@google.com");
        report.details.policy.p = QStringLiteral("reject");
        report.details.rows = {ReportRow{
            QStringLiteral("192.0.2.1"), 2, QStringLiteral("none"), QStringLiteral("pass"),
            QStringLiteral("fail"), QStringLiteral("mydomain.de"), QStringLiteral("mydomain.de"),
            QStringLiteral("pass"), QStringLiteral("my-spf-domain.de"), QStringLiteral("fail")}};
        EmailCommit email = emailCommit(2, {report});
        email.analysis.parts = {EmailPart{QStringLiteral("1"), QStringLiteral("application/gzip"),
                                          QStringLiteral("r.xml.gz"), 512,
                                          EmailPart::Kind::Report}};
        email.analysis.partCount = 1;
        QVERIFY(store->commit({email}, kNow + 1).ok());
        const auto fresh = store->loggedReport(store->recentReports(1)->at(0).id);
        QVERIFY(fresh && *fresh);
        QVERIFY((*fresh)->entry.details);
        QCOMPARE((*fresh)->entry.details->reporterEmail,
                 QStringLiteral("noreply-dmarc-support@google.com"));
        QCOMPARE((*fresh)->entry.details->policy.p, QStringLiteral("reject"));
        QCOMPARE((*fresh)->entry.details->rows, report.details.rows);
        QVERIFY((*fresh)->email);
        QCOMPARE((*fresh)->email->uid, quint32(2));
        QCOMPARE((*fresh)->email->parts, email.analysis.parts);
    }

    // Schema version 19 no longer keeps the history per reporter and from domain: the table is
    // gone, and the history per day, which the dashboard reads, stays as it was.
    void dropsTheHistoryPerReporter()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(Store::fileName());
        QVERIFY(oneReportAtVersion(dir.path(), 18));
        const QString history = QStringLiteral("SELECT COUNT(*) FROM daily_history");
        // Other sums than the day's, which a migration that summed the history again would take.
        QCOMPARE(rawSql(path, {QStringLiteral("INSERT INTO daily_history (day, reporter, "
                                              "from_domain, total, reports) VALUES "
                                              "('2023-11-13', 'google.com', 'mydomain.de', 5, 2)"),
                               history})
                     .toInt(),
                 1);
        auto store = openStore(dir.path());
        QVERIFY(store);
        const QString tables =
            onPostgres() ? QStringLiteral("SELECT COUNT(*) FROM pg_class WHERE relname LIKE "
                                          "'daily_history%'")
                         : QStringLiteral("SELECT COUNT(*) FROM sqlite_master WHERE name LIKE "
                                          "'daily_history%'");
        QCOMPARE(rawSql(path, {tables}).toInt(), 0);
        const auto days = store->dailyTotals(QDate(), QDate());
        QVERIFY(days);
        QCOMPARE(days->size(), 1);
        QCOMPARE(days->at(0).day, QDate(2023, 11, 13));
        QCOMPARE(days->at(0).counters.total, quint64(3));
        QCOMPARE(days->at(0).reports, quint64(1));
    }

    // Schema version 5 sums the history per reporter and from domain of an older store into the
    // history per day.
    void migratesTheHistoryToDays()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(Store::fileName());
        QVERIFY(oneReportAtVersion(dir.path(), 4));
        rawSql(path, {QStringLiteral("INSERT INTO daily_history (day, reporter, from_domain, "
                                     "total, compliant, reports) VALUES "
                                     "('2023-11-12', 'google.com', 'a.example', 5, 4, 2), "
                                     "('2023-11-12', 'Yahoo', 'b.example', 7, 1, 1), "
                                     "('2023-11-13', 'Yahoo', 'a.example', 2, 2, 1)")});
        auto store = openStore(dir.path());
        QVERIFY(store);
        const auto totals = store->dailyTotals(QDate(), QDate());
        QVERIFY(totals);
        QStringList days;
        for (const HistoryRow &day : *totals)
            days << day.day.toString(Qt::ISODate) % QLatin1Char(' ') %
                        QString::number(day.counters.total) % QLatin1Char('/') %
                        QString::number(day.counters.compliant) % QLatin1Char('/') %
                        QString::number(day.reports);
        QCOMPARE(days, (QStringList{QStringLiteral("2023-11-12 12/5/3"),
                                    QStringLiteral("2023-11-13 2/2/1")}));
    }

    // Schema version 17 keeps a report's records as one text in its details: those of a store
    // before it are read back as they were, in their order, a separator in a field (which no
    // XML text holds) as U+FFFD; a report logged after it is read back the same.
    void migratesReportRecordsToText()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(Store::fileName());
        ReportCounts report = reportCounts(QStringLiteral("google.com"), QStringLiteral("old"), 3);
        report.details.rows = {
            ReportRow{QStringLiteral("192.0.2.1"), 2, QStringLiteral("none"),
                      QStringLiteral("pass"), QStringLiteral("fail"), QStringLiteral("mydomain.de"),
                      QStringLiteral("mydomain.de"), QStringLiteral("pass"),
                      QStringLiteral("my-spf-domain.de"), QStringLiteral("fail")},
            ReportRow{QStringLiteral("2001:db8::1"), 1, QStringLiteral("reject"),
                      QStringLiteral("fail"), QStringLiteral("fail"), QStringLiteral("m\u00fc.de"),
                      QString(), QString(), QStringLiteral("a\x1f'b\x1e"),
                      QStringLiteral("softfail")}};
        {
            auto store = openStore(dir.path());
            QVERIFY(store && store->commit({emailCommit(1, {report})}, kNow).ok());
        }
        const auto downgraded = downgradeStore(path, 16);
        QVERIFY2(downgraded, downgraded ? "" : qPrintable(downgraded.error().message));
        // The rows as version 16 wrote them, the second first.
        const auto quoted = [](QString text) -> QString {
            return QLatin1Char('\'') % text.replace(QLatin1Char('\''), QLatin1String("''")) %
                   QLatin1Char('\'');
        };
        QStringList inserts;
        for (int position : {1, 0}) {
            const ReportRow &row = report.details.rows.at(position);
            QStringList values{QString::number(position), quoted(row.sourceIp),
                               QString::number(row.count)};
            for (const QString &text :
                 {row.disposition, row.policyDkim, row.policySpf, row.headerFrom, row.dkimDomain,
                  row.dkimResult, row.spfDomain, row.spfResult})
                values << quoted(text);
            inserts << QStringLiteral("INSERT INTO report_rows (position, source_ip, "
                                      "message_count, disposition, policy_dkim, policy_spf, "
                                      "header_from, dkim_domain, dkim_result, spf_domain, "
                                      "spf_result, log_id) SELECT ") %
                           values.join(QStringLiteral(", ")) %
                           QStringLiteral(", MAX(log_id) FROM report_details");
        }
        rawSql(path, inserts);
        QCOMPARE(rawSql(path, {QStringLiteral("SELECT COUNT(*) FROM report_rows")}).toInt(), 2);

        auto store = openStore(dir.path());
        QVERIFY(store);
        const auto old = store->loggedReport(store->recentReports(1)->at(0).id);
        QVERIFY(old && *old && (*old)->entry.details);
        QList<ReportRow> expected = report.details.rows;
        expected[1].spfDomain = QStringLiteral("a\ufffd'b\ufffd");
        QCOMPARE((*old)->entry.details->rows, expected);

        report.reportId = QStringLiteral("new");
        QVERIFY(store->commit({emailCommit(2, {report})}, kNow + 1).ok());
        const auto fresh = store->loggedReport(store->recentReports(1)->at(0).id);
        QVERIFY(fresh && *fresh && (*fresh)->entry.details);
        QCOMPARE((*fresh)->entry.details->rows, expected);
    }

    // docs/counting.md section 10.7: the named sources of counted reports, summed exactly over
    // reports and commits, kept across a restart; the same IP as two from domains is two rows,
    // an IPv6 address and a missing one ("") are sources of their own, a duplicate adds nothing.
    void keepsSources()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(Store::fileName());
        const QString org = QStringLiteral("google.com");
        const QString ip = QStringLiteral("192.0.2.1");
        const QString ipv6 = QStringLiteral("2001:db8::1");
        {
            auto store = openStore(dir.path());
            const ReportCounts first =
                withSource(withSource(reportCounts(org, QStringLiteral("a"), 10), ip, 6, 6,
                                      QStringLiteral("mydomain.de")),
                           ipv6, 4);
            const auto committed = store->commit(
                {withSourceNames(emailCommit(1, {first}), {{ip, QStringLiteral("own domain")}})},
                kNow);
            QVERIFY2(committed.ok(), committed.ok() ? "" : qPrintable(committed.error().message));
            ReportCounts second =
                withSource(withSource(withSource(reportCounts(QStringLiteral("Yahoo"),
                                                              QStringLiteral("b"), 10),
                                                 ip, 5, 2, QStringLiteral("sendgrid.net")),
                                      ip, 3, 3, QString(), QStringLiteral("other.example")),
                           QString(), 2);
            ReportCounts again = withSource(reportCounts(org, QStringLiteral("a"), 100), ip, 100);
            const auto results =
                store->commit({withSourceNames(emailCommit(2, {second, again}),
                                               {{ip, QStringLiteral("SendGrid")}})},
                              kNow + 60);
            QVERIFY(results.ok());
            QCOMPARE(results->at(0).reports,
                     (QList<ReportOutcome>{ReportOutcome::Counted, ReportOutcome::Duplicate}));
        }
        auto store = openStore(dir.path());
        QCOMPARE(sourceCountersOf(*store),
                 (QStringList{QStringLiteral("mydomain.de/own domain=6,6"),
                              QStringLiteral("mydomain.de/unknown=6,0"),
                              QStringLiteral("mydomain.de/SendGrid=5,2"),
                              QStringLiteral("other.example/SendGrid=3,3")}));
        QCOMPARE(sourceDaysOf(path),
                 (QStringList{QStringLiteral("2023-11-13|mydomain.de||unknown|other|2|0|0|0|0|0"),
                              QStringLiteral("2023-11-13|mydomain.de|192.0.2.1|SendGrid|other|11|"
                                             "8|8|0|0|0"),
                              QStringLiteral("2023-11-13|mydomain.de|2001:db8::1|unknown|other|4|"
                                             "0|0|0|0|0"),
                              QStringLiteral("2023-11-13|other.example|192.0.2.1|SendGrid|other|"
                                             "3|3|3|0|0|0")}));
        QCOMPARE(sourceDomainsOf(*store, {QString(), ip, ipv6}),
                 (QStringList{QStringLiteral("mydomain.de|192.0.2.1|dkim|mydomain.de|6"),
                              QStringLiteral("mydomain.de|192.0.2.1|dkim|sendgrid.net|5"),
                              QStringLiteral("mydomain.de|192.0.2.1|reporter|Yahoo|5"),
                              QStringLiteral("mydomain.de|192.0.2.1|reporter|google.com|6"),
                              QStringLiteral("mydomain.de|2001:db8::1|reporter|google.com|4"),
                              QStringLiteral("mydomain.de||reporter|Yahoo|2"),
                              QStringLiteral("other.example|192.0.2.1|reporter|Yahoo|3")}));
    }

    // A store looks up only what its commits have not yet shown it holds (label sets, source
    // pairs, the first days of addresses). It learns from a commit only once it is committed,
    // and a first day it knows keeps out neither an earlier day nor another exporter's: here
    // two stores share one database, as two exporters do.
    void learnsOnlyWhatItCommitted()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(Store::fileName());
        StoreOptions options;
        options.maxLabelSets = 1;
        auto opened = openIn(dir.path(), options);
        QVERIFY(opened);
        Store &store = **opened;
        const QString ip = QStringLiteral("192.0.2.7");
        const LabelSet other{kLabels.reporter, kLabels.fromDomain, QStringLiteral("dkim.example"),
                             QString()};
        const auto email = [&ip](quint32 uid, const QString &id, const LabelSet &labels,
                                 int daysBefore) {
            ReportCounts report =
                withSource(reportCounts(QStringLiteral("google.com"), id, 2, labels), ip, 2);
            report.dateBegin = kNow - daysBefore * kDay;
            return withSourceNames(emailCommit(uid, {report}));
        };
        const auto firstDay = [&] {
            return rowsOf(path, QStringLiteral("SELECT first_day FROM source_ips"));
        };
        const auto outcomes = [](const Result<QList<EmailCommitResult>> &results) {
            return results ? results->value(0).reports : QList<ReportOutcome>();
        };

        // A commit that fails at its writes: its label set and first day are not stored, so
        // the next commits must not take them as stored.
        rawSql(path, {QStringLiteral("ALTER TABLE daily_totals RENAME TO daily_totals_away")});
        QVERIFY(!store.commit({email(1, QStringLiteral("l"), kLabels, 3)}, kNow));
        rawSql(path, {QStringLiteral("ALTER TABLE daily_totals_away RENAME TO daily_totals")});
        QCOMPARE(outcomes(store.commit({email(2, QStringLiteral("k"), other, 3)}, kNow)),
                 QList<ReportOutcome>{ReportOutcome::Counted});
        QCOMPARE(firstDay(), QStringList{QStringLiteral("2023-11-11")});
        // The failed commit's label set is new, past the limit of one.
        QCOMPARE(outcomes(store.commit({email(3, QStringLiteral("l"), kLabels, 3)}, kNow)),
                 QList<ReportOutcome>{ReportOutcome::Malformed});
        QCOMPARE(store.snapshot()->counters.size(), 1);

        auto second = openIn(dir.path(), options);
        QVERIFY(second);
        // A later day changes nothing, whoever commits it; an earlier one is the first day,
        // whatever either store last saw.
        QVERIFY((*second)->commit({email(4, QStringLiteral("b1"), other, 1)}, kNow));
        QCOMPARE(firstDay(), QStringList{QStringLiteral("2023-11-11")});
        QVERIFY(store.commit({email(5, QStringLiteral("a5"), other, 5)}, kNow));
        QCOMPARE(firstDay(), QStringList{QStringLiteral("2023-11-09")});
        QVERIFY((*second)->commit({email(6, QStringLiteral("b4"), other, 4)}, kNow));
        QCOMPARE(firstDay(), QStringList{QStringLiteral("2023-11-09")});
        QCOMPARE(sourceCountersOf(store), QStringList{QStringLiteral("mydomain.de/unknown=8,0")});
        QCOMPARE(countersOf(store, other).total, quint64(8));
    }

    // A store that connects again forgets what it knew the database holds: the database may be
    // a restored copy that lost rows. Only a server's connection is lost and opened again.
    void forgetsWhatItKnewWhenItConnectsAgain()
    {
        if (!onPostgres())
            QSKIP("an SQLite file's connection is never lost");
        QTemporaryDir dir;
        const QString path = dir.filePath(Store::fileName());
        auto store = openStore(dir.path());
        QVERIFY(store);
        const auto email = [](quint32 uid, const QString &id) {
            return withSourceNames(
                emailCommit(uid, {withSource(reportCounts(QStringLiteral("google.com"), id, 2),
                                             QStringLiteral("192.0.2.7"), 2)}));
        };
        const QString firstDays = QStringLiteral("SELECT first_day FROM source_ips");
        QVERIFY(store->commit({email(1, QStringLiteral("a"))}, kNow));
        QCOMPARE(rowsOf(path, firstDays), QStringList{QStringLiteral("2023-11-13")});
        // The database loses the address, and the store its session.
        rawSql(path, {QStringLiteral("DELETE FROM source_ips"),
                      QStringLiteral("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                     "WHERE datname = current_database() AND application_name = "
                                     "'dmarc-metrics-exporter' AND pid <> pg_backend_pid()")});
        QVERIFY(!store->commit({email(2, QStringLiteral("b"))}, kNow));
        QVERIFY(store->commit({email(3, QStringLiteral("c"))}, kNow));
        QCOMPARE(rowsOf(path, firstDays), QStringList{QStringLiteral("2023-11-13")});
    }

    // Schema version 7 adds the tables of the sources; what version 6 held stays, and sources
    // are kept from then on.
    void migratesToSources()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(Store::fileName());
        const QString org = QStringLiteral("google.com");
        const QString ip = QStringLiteral("192.0.2.1");
        {
            auto store = openStore(dir.path());
            QVERIFY(
                store
                    ->commit(
                        {withSourceNames(emailCommit(
                            1, {withSource(reportCounts(org, QStringLiteral("old"), 3), ip, 3)}))},
                        kNow)
                    .ok());
        }
        const auto downgraded = downgradeStore(path, 6);
        QVERIFY2(downgraded, downgraded ? "" : qPrintable(downgraded.error().message));
        auto store = openStore(dir.path());
        QVERIFY(store);
        QCOMPARE(rawSql(path, {QStringLiteral("SELECT version FROM schema_version")}).toInt(),
                 Store::kSchemaVersion);
        QCOMPARE(countersOf(*store, kLabels), counters(3, 3));
        QCOMPARE(sourceDaysOf(path), QStringList());
        QCOMPARE(sourceCountersOf(*store), QStringList());
        QVERIFY(
            store
                ->commit(
                    {withSourceNames(emailCommit(
                        2, {withSource(reportCounts(org, QStringLiteral("new"), 2), ip, 2, 2)}))},
                    kNow + 1)
                .ok());
        QCOMPARE(sourceDaysOf(path),
                 QStringList{QStringLiteral("2023-11-13|mydomain.de|192.0.2.1|unknown|other|2|2|2|"
                                            "0|0|0")});
        QCOMPARE(sourceCountersOf(*store), QStringList{QStringLiteral("mydomain.de/unknown=2,2")});
        QCOMPARE(countersOf(*store, kLabels), counters(5, 5));
    }

    // Schema version 13 keeps a source day's reporters and DKIM and SPF domains in its row: the
    // rows of source_day_domains move there, read as before, and commits add to them.
    void migratesSourceDomains()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(Store::fileName());
        const QString ip = QStringLiteral("192.0.2.1");
        const ReportCounts report =
            withSource(reportCounts(QStringLiteral("google.com"), QStringLiteral("old"), 3), ip, 3);
        {
            auto store = openStore(dir.path());
            QVERIFY(store->commit({withSourceNames(emailCommit(1, {report}))}, kNow).ok());
        }
        const auto downgraded = downgradeStore(path, 12);
        QVERIFY2(downgraded, downgraded ? "" : qPrintable(downgraded.error().message));
        // What version 12 held of that commit, and a second source day of the address.
        const QString insert = QStringLiteral(
            "INSERT INTO source_day_domains (day, from_domain, source_ip, kind, domain, messages) "
            "VALUES ");
        rawSql(path, {insert % QStringLiteral("('2023-11-13', 'mydomain.de', '192.0.2.1', "
                                              "'reporter', 'google.com', 3)"),
                      QStringLiteral("INSERT INTO source_days (day, from_domain, source_ip, "
                                     "source_name, source_type, messages) VALUES ('2023-11-12', "
                                     "'mydomain.de', '192.0.2.1', 'SendGrid', 'esp', 7)"),
                      insert % QStringLiteral("('2023-11-12', 'mydomain.de', '192.0.2.1', "
                                              "'reporter', 'Yahoo', 7)"),
                      insert % QStringLiteral("('2023-11-12', 'mydomain.de', '192.0.2.1', "
                                              "'dkim', 'sendgrid.net', 6)"),
                      insert % QStringLiteral("('2023-11-12', 'mydomain.de', '192.0.2.1', "
                                              "'spf', 'sendgrid.net', 5)")});
        auto store = openStore(dir.path());
        QVERIFY(store);
        QCOMPARE(rawSql(path, {QStringLiteral("SELECT version FROM schema_version")}).toInt(),
                 Store::kSchemaVersion);
        const QStringList before{QStringLiteral("mydomain.de|192.0.2.1|dkim|sendgrid.net|6"),
                                 QStringLiteral("mydomain.de|192.0.2.1|reporter|Yahoo|7"),
                                 QStringLiteral("mydomain.de|192.0.2.1|reporter|google.com|3"),
                                 QStringLiteral("mydomain.de|192.0.2.1|spf|sendgrid.net|5")};
        QCOMPARE(sourceDomainsOf(*store, {ip}), before);
        QVERIFY(!rawSql(path, {QStringLiteral("SELECT COUNT(*) FROM source_days WHERE "
                                              "domains = ''")})
                     .toBool());
        ReportCounts again =
            withSource(reportCounts(QStringLiteral("google.com"), QStringLiteral("new"), 2), ip, 2,
                       2, QStringLiteral("mydomain.de"));
        QVERIFY(store->commit({withSourceNames(emailCommit(2, {again}))}, kNow + 1).ok());
        QCOMPARE(sourceDomainsOf(*store, {ip}),
                 (QStringList{QStringLiteral("mydomain.de|192.0.2.1|dkim|mydomain.de|2"),
                              QStringLiteral("mydomain.de|192.0.2.1|dkim|sendgrid.net|6"),
                              QStringLiteral("mydomain.de|192.0.2.1|reporter|Yahoo|7"),
                              QStringLiteral("mydomain.de|192.0.2.1|reporter|google.com|5"),
                              QStringLiteral("mydomain.de|192.0.2.1|spf|sendgrid.net|5")}));
    }

    // Schema version 3 adds the TLS and failure-report tables; what version 2 held stays.
    void migratesToTlsCounts()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(Store::fileName());
        {
            auto store = openStore(dir.path());
            QVERIFY(store
                        ->commit({emailCommit(1, {reportCounts(QStringLiteral("google.com"),
                                                               QStringLiteral("a"), 3)}),
                                  emailCommit(2, {})},
                                 kNow)
                        .ok());
        }
        const auto downgraded = downgradeStore(path, 2);
        QVERIFY2(downgraded, downgraded ? "" : qPrintable(downgraded.error().message));
        auto store = openStore(dir.path());
        QVERIFY(store);
        QCOMPARE(countersOf(*store, kLabels), counters(3, 3));
        QCOMPARE(invalidOf(*store, QStringLiteral("noreply@google.com")), quint64(1));
        QCOMPARE(store->dedupEntryCount().value(), qint64(1));
        // The aggregate report "a" blocks no TLS report "a".
        const auto results = store->commit(
            {withReports(emailCommit(3, {}),
                         {tlsReport(QStringLiteral("google.com"), QStringLiteral("a"))})},
            kNow);
        QVERIFY(results.ok());
        QCOMPARE(results->at(0).tlsReports, QList<ReportOutcome>{ReportOutcome::Counted});
    }

    // docs/counting.md section 8: the TLS and failure-report counts, their dedup window and the
    // TLS invalid counts survive a restart.
    void tlsAndFailureCountsSurviveRestart()
    {
        QTemporaryDir dir;
        const QString org = QStringLiteral("google.com");
        PayloadFailure failed{QStringLiteral("part 2"),
                              Error{QStringLiteral("malformed"), QStringLiteral("not JSON")},
                              ReportKind::Tls};
        {
            auto store = openStore(dir.path());
            const auto results = store->commit(
                {withReports(emailCommit(1, {}), {tlsReport(org, QStringLiteral("t1"), 7, 1)},
                             {failureReport()}),
                 withReports(emailCommit(2, {}, {failed}), {tlsReport(org, QStringLiteral("t1"))})},
                kNow);
            QVERIFY(results.ok());
            QCOMPARE(results->at(1).tlsReports, QList<ReportOutcome>{ReportOutcome::Duplicate});
            QCOMPARE(results->at(1).verdict, EmailVerdict::Error);
        }
        auto store = openStore(dir.path());
        QCOMPARE(countsOf(*store, CountTable::TlsSessions),
                 QStringList{QStringLiteral("google.com/mydomain.de/sts=7,1")});
        QCOMPARE(countsOf(*store, CountTable::TlsFailureDetails),
                 QStringList{QStringLiteral("google.com/mydomain.de/sts/certificate-expired=1")});
        QCOMPARE(countsOf(*store, CountTable::TlsReports),
                 QStringList{QStringLiteral("google.com/mydomain.de=1")});
        QCOMPARE(countsOf(*store, CountTable::TlsInvalidReports),
                 QStringList{QStringLiteral("noreply@google.com=1")});
        QCOMPARE(countsOf(*store, CountTable::FailureReports),
                 QStringList{QStringLiteral("mydomain.de/dmarc/none/reject=1")});
        QCOMPARE(invalidOf(*store, QStringLiteral("noreply@google.com")), quint64(0));
        // The TLS dedup window is stored: the same report later is a duplicate.
        const auto again = store->commit(
            {withReports(emailCommit(3, {}), {tlsReport(org, QStringLiteral("t1"))})}, kNow + 60);
        QVERIFY(again.ok());
        QCOMPARE(again->at(0).tlsReports, QList<ReportOutcome>{ReportOutcome::Duplicate});
        QCOMPARE(countsOf(*store, CountTable::TlsSessions),
                 QStringList{QStringLiteral("google.com/mydomain.de/sts=7,1")});
    }

    // The reports log keeps its newest entries; the details of the entries it drops go with
    // them, and an email goes once no entry kept is of it.
    void reportsLogIsBounded()
    {
        QTemporaryDir dir;
        StoreOptions options;
        options.reportsLogLimit = 5;
        auto store = std::move(openIn(dir.path(), options)).value();
        // Email n has reports n-a and n-b, each with a record, and one part.
        const auto email = [](quint32 uid) {
            QList<ReportCounts> reports;
            for (const char *suffix : {"-a", "-b"}) {
                ReportCounts report =
                    reportCounts(QStringLiteral("o"), QString::number(uid) + QLatin1String(suffix));
                ReportRow row;
                row.sourceIp = QStringLiteral("192.0.2.1");
                row.count = 1;
                report.details.rows = {row};
                reports << report;
            }
            EmailCommit commit = emailCommit(uid, reports);
            commit.analysis.parts = {
                EmailPart{QStringLiteral("1"), QStringLiteral("application/gzip"),
                          QStringLiteral("r.xml.gz"), 512, EmailPart::Kind::Report}};
            commit.analysis.partCount = 1;
            return commit;
        };
        const auto rowsOf = [&dir](const QString &table) {
            return rawSql(dir.filePath(Store::fileName()),
                          {QStringLiteral("SELECT COUNT(*) FROM ") + table})
                .toInt();
        };
        // The log holds five entries with their details, the oldest `oldestId` of email
        // `oldestUid`, and the three emails of those.
        const auto keeps = [&](const QString &oldestId, quint32 oldestUid) {
            const auto log = store->recentReports(100);
            QCOMPARE(log->size(), 5);
            QCOMPARE(log->at(4).reportId, oldestId);
            QCOMPARE(rowsOf(QStringLiteral("report_details")), 5);
            QCOMPARE(rowsOf(QStringLiteral("logged_emails")), 3);
            QCOMPARE(rowsOf(QStringLiteral("email_parts")), 3);
            const auto oldest = store->loggedReport(log->at(4).id);
            QVERIFY(oldest && *oldest && (*oldest)->email);
            QCOMPARE((*oldest)->email->uid, oldestUid);
            QCOMPARE((*oldest)->entry.details->rows.size(), 1);
        };
        for (quint32 uid = 1; uid <= 4; ++uid)
            QVERIFY(store->commit({email(uid)}, kNow).ok());
        // Eight entries logged, five kept: 2-b, 3-a, 3-b, 4-a, 4-b, and emails 2 to 4.
        keeps(QStringLiteral("2-b"), 2);
        if (QTest::currentTestFailed())
            return;
        // A batch of more entries than the log keeps: only its own newest stay.
        QVERIFY(store->commit({email(5), email(6), email(7)}, kNow).ok());
        keeps(QStringLiteral("5-b"), 5);
    }

    // Schema version 16: on PostgreSQL the tables that commits update keep room in their pages
    // for the rows' new versions (docs/architecture.md, section 3).
    void leavesRoomForUpdates()
    {
        if (!onPostgres())
            QSKIP("SQLite updates a row in place");
        QTemporaryDir dir;
        const QString path = dir.filePath(Store::fileName());
        const QString roomy = QStringLiteral(
            "SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class WHERE relkind = 'r' "
            "AND 'fillfactor=70' = ANY(reloptions)");
        const QString expected = QStringLiteral("counters,daily_counters,"
                                                "daily_totals,source_counters,source_days,"
                                                "weekly_counters");
        QVERIFY(openStore(dir.path()));
        QCOMPARE(rawSql(path, {roomy}).toString(), expected);
        const auto downgraded = downgradeStore(path, 15);
        QVERIFY2(downgraded, downgraded ? "" : qPrintable(downgraded.error().message));
        rawSql(path, {QStringLiteral("ALTER TABLE source_days RESET (fillfactor)")});
        QCOMPARE(rawSql(path, {roomy}).toString(),
                 QString(expected).remove(QStringLiteral("source_days,")));
        QVERIFY(openStore(dir.path()));
        QCOMPARE(rawSql(path, {roomy}).toString(), expected);
    }

    void importsLegacyMetrics_data()
    {
        QTest::addColumn<QString>("fixture");
        QTest::addColumn<QString>("invalidFrom");
        QTest::addColumn<quint64>("invalidCount");
        QTest::newRow("legacy list")
            << QStringLiteral("metrics-db-legacy-list.json") << QString() << quint64(0);
        QTest::newRow("0.11 dict")
            << QStringLiteral("metrics-db-v0.11-dict.json")
            << QStringLiteral("invalid <invalid@example.invalid>") << quint64(1);
        QTest::newRow("1.3 written") << QStringLiteral("metrics-db-v1.3-written.json")
                                     << QStringLiteral("someone@example.com") << quint64(42);
    }

    void importsLegacyMetrics()
    {
        QFETCH(QString, fixture);
        QFETCH(QString, invalidFrom);
        QFETCH(quint64, invalidCount);
        QTemporaryDir dir;
        const QString legacyPath = dir.filePath(QStringLiteral("metrics.db"));
        QVERIFY(
            QFile::copy(QStringLiteral(DMARC_TEST_DATA_DIR "/upstream/") + fixture, legacyPath));
        QVERIFY(QFile::copy(QStringLiteral(DMARC_TEST_DATA_DIR "/upstream/seen-reports-sample.db"),
                            dir.filePath(QStringLiteral("seen-reports.db"))));
        QFile legacy(legacyPath);
        QVERIFY(legacy.open(QIODevice::ReadOnly));
        const QByteArray original = legacy.readAll();
        legacy.close();

        const LabelSet labels{QStringLiteral("google.com"), QStringLiteral("mydomain.de"),
                              QStringLiteral("dkim-domain.org"), QStringLiteral("spf-domain.org")};
        Counters expected;
        expected.total = 42;
        expected.quarantine = 4;
        expected.compliant = 24;
        expected.dkimAligned = 5;
        expected.dkimPass = 10;
        expected.spfAligned = 4;
        expected.spfPass = 8;
        {
            auto store = openStore(dir.path());
            QVERIFY(store);
            const auto snapshot = store->snapshot();
            QCOMPARE(snapshot->counters.size(), 1);
            QCOMPARE(snapshot->counters.at(0).labels, labels);
            QCOMPARE(snapshot->counters.at(0).counters, expected);
            QCOMPARE(snapshot->invalidReports.size(), invalidCount ? 1 : 0);
            QCOMPARE(invalidOf(*store, invalidFrom), invalidCount);
            QVERIFY(store
                        ->commit({emailCommit(1, {reportCounts(QStringLiteral("x"),
                                                               QStringLiteral("1"), 1, labels)})},
                                 kNow)
                        .ok());
        }
        // A second start does not import again; the old file is untouched.
        auto store = openStore(dir.path());
        QCOMPARE(countersOf(*store, labels).total, quint64(43));
        QCOMPARE(invalidOf(*store, invalidFrom), invalidCount);
        QVERIFY(legacy.open(QIODevice::ReadOnly));
        QCOMPARE(legacy.readAll(), original);
        QCOMPARE(*store->dedupEntryCount(), qint64(1)); // the pickle is not read
        // The store made from the import is marked as ours like any new one.
        QCOMPARE(ownerOf(dir.filePath(Store::fileName())), qint64(Store::kApplicationId));
    }

    void rejectsBadLegacyMetrics_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::newRow("not json") << QByteArray("{\"metrics\": [");
        QTest::newRow("unknown disposition") << QByteArray(
            "[[{\"reporter\":\"a\"},{\"total_count\":1,\"disposition_counts\":{\"pass\":1}}]]");
        QTest::newRow("negative") << QByteArray("[[{\"reporter\":\"a\"},{\"total_count\":-1}]]");
        QTest::newRow("no metrics") << QByteArray("{\"invalid_reports\":[]}");
        QTest::newRow("bad invalid") << QByteArray("{\"metrics\":[],\"invalid_reports\":[[1]]}");
    }

    void rejectsBadLegacyMetrics()
    {
        QFETCH(QByteArray, json);
        QTemporaryDir dir;
        writeFile(dir.filePath(QStringLiteral("metrics.db")), json);
        const auto store = openIn(dir.path());
        QVERIFY(!store.ok());
        QVERIFY2(store.error().message.contains(dir.filePath(QStringLiteral("metrics.db"))),
                 qPrintable(store.error().message));
        // Nothing was half-created: after fixing the file, the import happens.
        writeFile(dir.filePath(QStringLiteral("metrics.db")), QByteArray("[]"));
        QVERIFY(openIn(dir.path()).ok());
    }

    void refusesBrokenStores_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("corrupt") << QStringLiteral("corrupt") << QStringLiteral("cannot");
        QTest::newRow("newer schema") << QStringLiteral("newer") << QStringLiteral("newer release");
        QTest::newRow("read-only") << QStringLiteral("readonly") << QStringLiteral("read-only");
        QTest::newRow("directory")
            << QStringLiteral("directory") << QStringLiteral("not a readable file");
    }

    void refusesBrokenStores()
    {
        QFETCH(QString, kind);
        QFETCH(QString, mentions);
        QTemporaryDir dir;
        const QString path = dir.filePath(Store::fileName());
        QByteArray before;
        if (onPostgres() &&
            (kind == QLatin1String("corrupt") || kind == QLatin1String("directory")))
            QSKIP("What is at the store file's path: SQLite only");
        if (kind == QLatin1String("corrupt")) {
            before = QByteArray("this is not an SQLite database, but it is someone's file\n")
                         .repeated(100);
            writeFile(path, before);
        } else if (kind == QLatin1String("directory")) {
            QVERIFY(QDir().mkpath(path));
        } else {
            QVERIFY(openStore(dir.path()));
            if (kind == QLatin1String("newer")) {
                QSqlDatabase db = rawDatabase(path, QStringLiteral("raw"));
                QVERIFY(db.open());
                QVERIFY(
                    QSqlQuery(db).exec(QStringLiteral("UPDATE schema_version SET version = 99")));
                db.close();
            } else if (onPostgres()) {
                // Transactions of new sessions may read, not write (SQLSTATE 25006).
                rawSql(path,
                       {QStringLiteral("ALTER DATABASE ") % locationOf(dir.path()).database.name %
                        QStringLiteral(" SET default_transaction_read_only = on")});
            } else {
                QVERIFY(QFile::setPermissions(path, QFile::ReadOwner | QFile::ReadGroup));
            }
            QSqlDatabase::removeDatabase(QStringLiteral("raw"));
            before = contentOf(path);
        }
        const auto store = openIn(dir.path());
        QVERIFY(!store.ok());
        QVERIFY2(store.error().message.contains(whereOf(dir.path())),
                 qPrintable(store.error().message));
        QVERIFY2(store.error().message.contains(mentions), qPrintable(store.error().message));
        if (kind == QLatin1String("readonly") && onPostgres())
            QCOMPARE(store.error().code, QStringLiteral("store_readonly"));
        if (kind != QLatin1String("directory"))
            QCOMPARE(contentOf(path), before); // never replaced or truncated
    }

    // A new store carries our application_id; an older store of ours (the schema, no id) is
    // adopted and marked, its counts kept.
    void marksTheDatabaseAsOurs()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(Store::fileName());
        {
            auto store = openStore(dir.path());
            QVERIFY(store);
            QVERIFY(store
                        ->commit({emailCommit(1, {reportCounts(QStringLiteral("google.com"),
                                                               QStringLiteral("a"), 3)})},
                                 kNow)
                        .ok());
        }
        QCOMPARE(ownerOf(path), qint64(Store::kApplicationId));
        rawSql(path, {onPostgres() ? QStringLiteral("DELETE FROM store_meta WHERE meta_key = "
                                                    "'application_id'")
                                   : QStringLiteral("PRAGMA application_id = 0")});
        QCOMPARE(ownerOf(path), 0);
        auto store = openStore(dir.path());
        QVERIFY(store);
        QCOMPARE(countersOf(*store, kLabels).total, quint64(3));
        QCOMPARE(ownerOf(path), qint64(Store::kApplicationId));
    }

    void refusesForeignDatabasesUntouched_data()
    {
        QTest::addColumn<QStringList>("setup");
        QTest::addColumn<QString>("mentions");
        QTest::addColumn<QString>("only"); // the backend of the case, if it has one
        // The owner in SQLite's file header, and in store_meta on PostgreSQL.
        QTest::newRow("other application_id")
            << QStringList{QStringLiteral("PRAGMA application_id = 1196641350"),
                           QStringLiteral("CREATE TABLE notes (body TEXT)")}
            << QStringLiteral("application_id 0x47534c46") << QStringLiteral("sqlite");
        QTest::newRow("other application_id, no tables")
            << QStringList{QStringLiteral("PRAGMA application_id = 42")}
            << QStringLiteral("belongs to another program") << QStringLiteral("sqlite");
        QTest::newRow("other owner in store_meta")
            << QStringList{QStringLiteral("CREATE TABLE store_meta (meta_key VARCHAR(64) NOT "
                                          "NULL PRIMARY KEY, meta_value TEXT NOT NULL)"),
                           QStringLiteral("INSERT INTO store_meta VALUES ('application_id', "
                                          "'1196641350')"),
                           QStringLiteral("CREATE TABLE notes (body TEXT)")}
            << QStringLiteral("application_id 0x47534c46") << QStringLiteral("postgresql");
        QTest::newRow("tables of another program")
            << QStringList{QStringLiteral("CREATE TABLE notes (body TEXT)"),
                           QStringLiteral("INSERT INTO notes VALUES ('keep me')")}
            << QStringLiteral("tables: notes") << QString();
        // Clashes with one of our table names, without the rest of our schema.
        QTest::newRow("clashing table")
            << QStringList{QStringLiteral("CREATE TABLE counters (name TEXT, hits INTEGER)"),
                           QStringLiteral("CREATE TABLE schema_version (v TEXT)")}
            << QStringLiteral("tables: counters, schema_version") << QString();
    }

    // Someone's database where the store would be: refused with a clear error, and nothing of
    // it changes (no schema, no owner; on SQLite not one byte of the file, not even the journal
    // mode).
    void refusesForeignDatabasesUntouched()
    {
        QFETCH(QStringList, setup);
        QFETCH(QString, mentions);
        QFETCH(QString, only);
        if (!only.isEmpty() && only != QLatin1String(onPostgres() ? "postgresql" : "sqlite"))
            QSKIP("Where the owner is kept differs between the backends");
        QTemporaryDir dir;
        const QString path = dir.filePath(Store::fileName());
        rawSql(path, setup);
        const QByteArray before = contentOf(path);
        QVERIFY(!before.isEmpty() || !onPostgres());
        const QByteArray digest = sha256Of(path);
        const auto store = openIn(dir.path());
        QVERIFY(!store.ok());
        QVERIFY2(store.error().message.contains(whereOf(dir.path())),
                 qPrintable(store.error().message));
        QVERIFY2(store.error().message.contains(mentions), qPrintable(store.error().message));
        QVERIFY2(store.error().message.contains(QLatin1String("left unchanged")),
                 qPrintable(store.error().message));
        QCOMPARE(contentOf(path), before);
        if (!onPostgres()) {
            QVERIFY(!digest.isEmpty());
            QCOMPARE(sha256Of(path), digest);
            QVERIFY(!QFile::exists(path + QStringLiteral("-wal")));
        }
    }

    // With the usual umask 022 the folder, the database, its -wal and -shm and the lock are the
    // owner's alone; an older store's wider bits are tightened at the next start.
    void filesArePrivateWhateverTheUmask()
    {
        if (onPostgres())
            QSKIP("Files and their modes: SQLite only");
        QTemporaryDir dir;
        const QString folder = dir.filePath(QStringLiteral("state"));
        const mode_t previous = ::umask(022);
        auto store = openStore(folder);
        ::umask(previous);
        QVERIFY(store);
        QVERIFY(store->commit({emailCommit(1, {})}, kNow).ok());
        const QString path = store->filePath();
        QCOMPARE(modeOf(folder), 0700);
        const QStringList files{
            path, path + QStringLiteral("-wal"), path + QStringLiteral("-shm"),
            QDir(folder).filePath(QStringLiteral("dmarc-metrics-exporter.lock"))};
        for (const QString &file : files) {
            QVERIFY2(QFile::exists(file), qPrintable(file));
            QVERIFY2(modeOf(file) == 0600,
                     qPrintable(file + QStringLiteral(": %1").arg(modeOf(file), 0, 8)));
        }
        store.reset();

        const auto wide = QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                          QFileDevice::ReadGroup | QFileDevice::ReadOther;
        QVERIFY(QFile::setPermissions(path, wide));
        QVERIFY(QFile::setPermissions(folder, wide | QFileDevice::ExeOwner | QFileDevice::ExeGroup |
                                                  QFileDevice::ExeOther));
        store = openStore(folder);
        QVERIFY(store);
        QCOMPARE(modeOf(folder), 0700);
        QCOMPARE(modeOf(path), 0600);
    }

    // The lock file of a process that is gone (its PID in the file, no lock held) is taken
    // over; the file then names this process.
    void staleLockIsTakenOver()
    {
        if (onPostgres())
            QSKIP("The folder lock: SQLite only (a database is shared)");
        QTemporaryDir dir;
        QProcess gone;
        gone.start(QStringLiteral("true"), {});
        QVERIFY(gone.waitForStarted());
        const qint64 pid = gone.processId();
        QVERIFY(gone.waitForFinished());
        const QString lock = dir.filePath(QStringLiteral("dmarc-metrics-exporter.lock"));
        writeFile(lock, QByteArray::number(pid) + '\n');
        {
            auto store = openStore(dir.path());
            QVERIFY(store);
        }
        QFile file(lock);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), QByteArray::number(QCoreApplication::applicationPid()) + '\n');
    }

    // Two exporters commit at the same time, round after round, batches that hold the same
    // email (same identity and content), the same report in emails of their own (two mailboxes
    // that both received it) and reports of their own: the email is decided once, every report
    // is counted once, and the counters are exact.
    void concurrentCommitsCountOnce()
    {
        QTemporaryDir dir;
        const StoreLocation location = locationOf(dir.path());
        QVERIFY(openStore(dir.path())); // the schema, so that both start together
        constexpr int kRounds = 40;
        const QString org = QStringLiteral("google.com");
        QList<EmailCommitResult> results[2];
        QStringList errors[2];
        QSemaphore arrived;
        QSemaphore go[2];
        const auto exporter = [&](int me) {
            auto store = Store::open(location);
            if (!store) {
                errors[me] << store.error().message;
                return;
            }
            for (int round = 0; round < kRounds; ++round) {
                // Both wait until the other is ready: the commits of a round start together.
                arrived.release();
                go[me].acquire();
                EmailCommit shared =
                    emailCommit(quint32(round + 1),
                                {reportCounts(org, QStringLiteral("shared-%1").arg(round))});
                EmailCommit overlap =
                    emailCommit(quint32(1000 + round),
                                {reportCounts(org, QStringLiteral("both-%1").arg(round))});
                overlap.identity.mailbox = QStringLiteral("INBOX-%1").arg(me);
                EmailCommit own = emailCommit(
                    quint32(2000 + round),
                    {reportCounts(org, QStringLiteral("own-%1-%2").arg(me).arg(round))});
                own.identity.mailbox = QStringLiteral("INBOX-%1").arg(me);
                const auto committed = (*store)->commit({shared, overlap, own}, kNow + round);
                if (!committed)
                    errors[me] << committed.error().message;
                else
                    results[me] << *committed;
            }
        };
        std::unique_ptr<QThread> threads[2] = {
            std::unique_ptr<QThread>(QThread::create(exporter, 0)),
            std::unique_ptr<QThread>(QThread::create(exporter, 1))};
        for (auto &thread : threads)
            thread->start();
        for (int round = 0; round < kRounds; ++round) {
            QVERIFY(arrived.tryAcquire(2, 60000));
            go[0].release();
            go[1].release();
        }
        for (auto &thread : threads)
            QVERIFY(thread->wait(60000));
        QCOMPARE(errors[0], QStringList());
        QCOMPARE(errors[1], QStringList());
        QCOMPARE(results[0].size(), 3 * kRounds);
        QCOMPARE(results[1].size(), 3 * kRounds);
        for (int round = 0; round < kRounds; ++round) {
            const EmailCommitResult &shared0 = results[0].at(3 * round);
            const EmailCommitResult &shared1 = results[1].at(3 * round);
            // One of them decided the email; the other found it decided.
            QVERIFY2(shared0.alreadyDecided != shared1.alreadyDecided,
                     qPrintable(QString::number(round)));
            const EmailCommitResult &decider = shared0.alreadyDecided ? shared1 : shared0;
            QCOMPARE(decider.reports, QList<ReportOutcome>{ReportOutcome::Counted});
            const QList<ReportOutcome> both =
                results[0].at(3 * round + 1).reports + results[1].at(3 * round + 1).reports;
            QCOMPARE(both.count(ReportOutcome::Counted), 1);
            QCOMPARE(both.count(ReportOutcome::Duplicate), 1);
            QCOMPARE(results[0].at(3 * round + 2).reports,
                     QList<ReportOutcome>{ReportOutcome::Counted});
            QCOMPARE(results[1].at(3 * round + 2).reports,
                     QList<ReportOutcome>{ReportOutcome::Counted});
        }
        auto store = openStore(dir.path());
        QCOMPARE(countersOf(*store, kLabels).total, quint64(4 * kRounds));
        QCOMPARE(*store->dedupEntryCount(), qint64(4 * kRounds));
        // The reports log has every report of the emails decided, the duplicate too.
        QCOMPARE(store->recentReports(10 * kRounds)->size(), 5 * kRounds);
    }

    // Two exporters starting together on a new store: one creates the schema, the other finds
    // it made; both then work on the one store.
    void twoOpeningANewStoreCreateItOnce()
    {
        if (!onPostgres())
            QSKIP("On SQLite the folder lock keeps a second exporter off the store");
        QTemporaryDir dir;
        const StoreLocation location = locationOf(dir.path());
        QStringList errors[2];
        QSemaphore ready;
        QSemaphore go;
        const auto exporter = [&](int me) {
            ready.release();
            go.acquire();
            auto store = Store::open(location);
            if (!store) {
                errors[me] << store.error().message;
                return;
            }
            const auto committed = (*store)->commit(
                {emailCommit(quint32(me + 1),
                             {reportCounts(QStringLiteral("google.com"), QString::number(me), 2)})},
                kNow);
            if (!committed)
                errors[me] << committed.error().message;
        };
        std::unique_ptr<QThread> threads[2] = {
            std::unique_ptr<QThread>(QThread::create(exporter, 0)),
            std::unique_ptr<QThread>(QThread::create(exporter, 1))};
        for (auto &thread : threads)
            thread->start();
        QVERIFY(ready.tryAcquire(2, 60000));
        go.release(2);
        for (auto &thread : threads)
            QVERIFY(thread->wait(60000));
        QCOMPARE(errors[0], QStringList());
        QCOMPARE(errors[1], QStringList());
        const QString path = dir.filePath(Store::fileName());
        QCOMPARE(rawSql(path, {QStringLiteral("SELECT COUNT(*) FROM schema_version")}).toInt(), 1);
        QCOMPARE(rawSql(path, {QStringLiteral("SELECT version FROM schema_version")}).toInt(),
                 Store::kSchemaVersion);
        auto store = openStore(dir.path());
        QCOMPARE(countersOf(*store, kLabels).total, quint64(4));
    }

    // The server ends the store's session in the middle of a commit, after the commit wrote its
    // dedup entry and its email and while it waits for a counters row another session holds:
    // the batch fails as "store_unreachable" with nothing of it kept, and the next commit opens
    // a new connection and counts it once.
    void lostConnectionFailsTheBatchCleanly()
    {
        if (!onPostgres())
            QSKIP("A connection to a server: PostgreSQL only");
        QTemporaryDir dir;
        const QString path = dir.filePath(Store::fileName());
        const QString database = locationOf(dir.path()).database.name;
        auto store = openStore(dir.path());
        const QString org = QStringLiteral("google.com");
        QVERIFY(store->commit({emailCommit(1, {reportCounts(org, QStringLiteral("first"))})}, kNow)
                    .ok());
        const QList<EmailCommit> batch{
            emailCommit(2, {reportCounts(org, QStringLiteral("second"))})};
        {
            QSqlDatabase holder = rawDatabase(path, QStringLiteral("holder"));
            QVERIFY(holder.open());
            QVERIFY(holder.transaction());
            QSqlQuery hold(holder);
            QVERIFY(hold.exec(QStringLiteral("UPDATE counters SET total = total")));
            // Ends the store's session once it waits for the row.
            std::unique_ptr<QThread> ender(QThread::create([database] {
                {
                    QSqlDatabase db =
                        postgresServer().connection(QStringLiteral("ender"), database);
                    if (db.open()) {
                        QSqlQuery end(db);
                        QDeadlineTimer deadline(60000);
                        bool ended = false;
                        while (!ended && !deadline.hasExpired()) {
                            ended = end.exec(QStringLiteral(
                                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                        "WHERE datname = current_database() AND application_name "
                                        "= 'dmarc-metrics-exporter' AND wait_event_type = "
                                        "'Lock'")) &&
                                    end.next() && end.value(0).toBool();
                        }
                    }
                    db.close();
                }
                QSqlDatabase::removeDatabase(QStringLiteral("ender"));
            }));
            ender->start();
            const auto failed = store->commit(batch, kNow + 1);
            QVERIFY(ender->wait(60000));
            QVERIFY(!failed.ok());
            QCOMPARE(failed.error().code, QStringLiteral("store_unreachable"));
            QVERIFY2(!failed.error().message.contains(postgresServer().password()),
                     qPrintable(failed.error().message));
            holder.rollback();
            holder.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("holder"));
        // Nothing of the batch: neither its report nor its email.
        QCOMPARE(rawSql(path, {QStringLiteral("SELECT COUNT(*) FROM dedup")}).toInt(), 1);
        QCOMPARE(rawSql(path, {QStringLiteral("SELECT COUNT(*) FROM decided_emails")}).toInt(), 1);
        QCOMPARE(rawSql(path, {QStringLiteral("SELECT COUNT(*) FROM reports_log")}).toInt(), 1);
        QCOMPARE(countersOf(*store, kLabels).total, quint64(1));
        // The next commit connects again.
        const auto again = store->commit(batch, kNow + 2);
        QVERIFY2(again.ok(), again.ok() ? "" : qPrintable(again.error().message));
        QVERIFY(!again->at(0).alreadyDecided);
        QCOMPARE(again->at(0).reports, QList<ReportOutcome>{ReportOutcome::Counted});
        QCOMPARE(countersOf(*store, kLabels).total, quint64(2));
    }
};

QTEST_GUILESS_MAIN(TestStore)
#include "tst_store.moc"
