#include "commitfixtures.h"
#include "store/store.h"
#include "storebackend.h"

#include <QDateTime>
#include <QMap>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

using namespace Dmarc;
using namespace Dmarc::Test;

namespace {

const QString kMine = QStringLiteral("mydomain.de");
const QString kOther = QStringLiteral("other.example");

// What a test committed of one address on one day with one from domain.
struct Committed
{
    QDate day;
    int batch = 0; // committed in this order
    QString ip;
    QString fromDomain;
    QString name;
    Counters counters;
};

QString text(const SourcePageRow &row)
{
    const Counters &c = row.counters;
    return QStringList{row.ip.isEmpty() ? QString::number(row.addresses) : row.ip,
                       row.name,
                       QString::number(c.total),
                       QString::number(c.compliant),
                       QString::number(c.dkimAligned),
                       QString::number(c.spfAligned),
                       QString::number(c.quarantine),
                       QString::number(c.reject),
                       row.firstSeen.toString(Qt::ISODate),
                       row.lastSeen.toString(Qt::ISODate),
                       row.fromDomains.join(QLatin1Char(','))}
        .join(QLatin1Char('|'));
}

bool inRange(QDate day, QDate from, QDate to)
{
    return (!from.isValid() || day >= from) && (!to.isValid() || day <= to);
}

// The addresses of the rows `keep` keeps, in their order.
template<typename Keep>
QStringList addressesOf(const QList<SourcePageRow> &rows, Keep keep)
{
    QStringList addresses;
    for (const SourcePageRow &row : rows) {
        if (keep(row))
            addresses << row.ip;
    }
    return addresses;
}

QStringList sorted(QStringList list)
{
    list.sort();
    return list;
}

// The rows of every page of `query`, read `limit` rows at a time; empty with a failure.
QList<SourcePageRow> allPages(const Store &store, SourcePageQuery query, qsizetype limit,
                              qsizetype *total = nullptr)
{
    QList<SourcePageRow> rows;
    query.limit = limit;
    for (query.offset = 0;; query.offset += limit) {
        const auto page = store.sourcePage(query);
        if (!page) {
            qWarning("%s", qPrintable(page.error().message));
            return {};
        }
        rows += page->rows;
        if (total && query.offset == 0)
            *total = page->total;
        if (page->rows.size() < limit)
            return rows;
    }
}

QStringList rowsOf(const QString &path, const QString &sql)
{
    QStringList rows;
    {
        QSqlDatabase db = rawDatabase(path, QStringLiteral("rows"));
        if (db.open()) {
            QSqlQuery query(db);
            query.exec(sql);
            while (query.next()) {
                QStringList values;
                for (int i = 0; i < query.record().count(); ++i)
                    values << query.value(i).toString();
                rows << values.join(QLatin1Char('|'));
            }
        }
    }
    QSqlDatabase::removeDatabase(QStringLiteral("rows"));
    return rows;
}

} // namespace

// The Sources view's pages (docs/counting.md section 10.8) on both backends: every range, page
// size, order and filter gives the sums of the days committed, whether the sums per week and
// the first days were written by the commits or filled from source_days by the migration.
class TestSourcePages : public QObject
{
    Q_OBJECT

private:
    QList<Committed> m_committed;

    // Five addresses over the 40 days up to the day before kNow (Thursday 5 October to Monday
    // 13 November 2023) in two commits; 192.0.2.1 is named "office", then "SendGrid" by the
    // second commit, 192.0.2.4 sends as two from domains.
    void commitSources(const QString &dir)
    {
        const QStringList ips{QStringLiteral("192.0.2.1"), QStringLiteral("192.0.2.2"),
                              QStringLiteral("2001:db8::3"), QStringLiteral("192.0.2.4"),
                              QStringLiteral("198.51.100.5")};
        QList<EmailCommit> batches[2];
        for (int back = 1; back <= 40; ++back) {
            for (int batch = 0; batch < 2; ++batch) {
                if (batch == 1 && back % 3 != 0)
                    continue;
                ReportCounts report =
                    reportCounts(QStringLiteral("r"), QStringLiteral("%1-%2").arg(back).arg(batch));
                report.dateBegin = kNow - back * kDay;
                const QDate day =
                    QDateTime::fromSecsSinceEpoch(report.dateBegin, QTimeZone::utc()).date();
                QHash<QString, QString> names;
                for (int i = 0; i < ips.size(); ++i) {
                    if ((back + i + batch) % (i + 1) != 0 || (i == 4 && back > 10))
                        continue;
                    const quint64 messages = quint64((back * (i + 3)) % 17 + 1);
                    const quint64 compliant = i % 2 == 0 ? messages : messages / 2;
                    const QString from = i == 3 && back % 2 == 0 ? kOther : kMine;
                    report = withSource(report, ips.at(i), messages, compliant, QString(), from);
                    const QString name = i == 0 ? (batch == 0 ? QStringLiteral("office")
                                                              : QStringLiteral("SendGrid"))
                                                : QStringLiteral("unknown");
                    names.insert(ips.at(i), name);
                    m_committed << Committed{day,  batch, ips.at(i), from, name,
                                             counters(messages, compliant)};
                }
                batches[batch] << withSourceNames(
                    emailCommit(quint32(batch * 100 + back), {report}), names);
            }
        }
        auto store = Store::open(locationOf(dir));
        QVERIFY2(store, store ? "" : qPrintable(store.error().message));
        for (const QList<EmailCommit> &batch : batches) {
            const auto committed = (*store)->commit(batch, kNow);
            QVERIFY2(committed, committed ? "" : qPrintable(committed.error().message));
        }
    }

    // Sums every week of the store in `dir` from its days, as the exporter does once a week has
    // ended.
    void sumAllWeeks(const QString &dir)
    {
        auto store = Store::open(locationOf(dir));
        QVERIFY2(store, store ? "" : qPrintable(store.error().message));
        const auto summed = (*store)->sumWeeks(QDate(2100, 1, 1));
        QVERIFY2(summed, summed ? "" : qPrintable(summed.error().message));
        QVERIFY(*summed > 5);
    }

    // The rows per address of [from, to] from what was committed, by address.
    QList<SourcePageRow> expectedAddresses(QDate from, QDate to) const
    {
        QMap<QString, SourcePageRow> rows;
        QMap<QString, std::pair<QDate, int>> namedBy; // the day and batch that named it
        for (const Committed &c : m_committed) {
            if (!inRange(c.day, from, to))
                continue;
            SourcePageRow &row = rows[c.ip];
            row.ip = c.ip;
            row.counters += c.counters;
            row.lastSeen = std::max(row.lastSeen, c.day);
            if (!row.fromDomains.contains(c.fromDomain))
                row.fromDomains << c.fromDomain;
            const std::pair<QDate, int> by{c.day, c.batch};
            if (!namedBy.contains(c.ip) || namedBy.value(c.ip) < by) {
                namedBy.insert(c.ip, by);
                row.name = c.name;
                row.type = QStringLiteral("other");
            }
        }
        for (const Committed &c : m_committed) {
            if (rows.contains(c.ip) &&
                (!rows[c.ip].firstSeen.isValid() || c.day < rows[c.ip].firstSeen))
                rows[c.ip].firstSeen = c.day;
        }
        QList<SourcePageRow> list;
        for (SourcePageRow &row : rows) {
            row.fromDomains.sort();
            row.counters.dkimPass = 0;
            row.counters.spfPass = 0;
            list << row;
        }
        return list;
    }

    void checkPages(const Store &store)
    {
        QList<QDate> bounds{QDate()};
        for (QDate day(2023, 10, 3); day <= QDate(2023, 11, 15); day = day.addDays(3))
            bounds << day;
        bounds << QDate(2023, 10, 16) << QDate(2023, 10, 29); // a week whole
        for (const QDate &from : std::as_const(bounds)) {
            for (const QDate &to : std::as_const(bounds)) {
                if (from.isValid() && to.isValid() && to < from)
                    continue;
                const QString range = from.toString(Qt::ISODate) % QStringLiteral(" to ") %
                                      to.toString(Qt::ISODate);
                const QList<SourcePageRow> expected = expectedAddresses(from, to);
                SourcePageQuery query;
                query.from = from;
                query.to = to;
                // Most messages first, a page of two at a time, equal ones by address.
                qsizetype total = -1;
                const QList<SourcePageRow> pages = allPages(store, query, 2, &total);
                QStringList got;
                for (qsizetype i = 0; i < pages.size(); ++i) {
                    got << text(pages.at(i));
                    if (i > 0) {
                        const SourcePageRow &a = pages.at(i - 1);
                        const SourcePageRow &b = pages.at(i);
                        QVERIFY2(a.counters.total > b.counters.total ||
                                     (a.counters.total == b.counters.total && a.ip > b.ip),
                                 qPrintable(range));
                    }
                }
                got.sort();
                QStringList want;
                for (const SourcePageRow &row : expected)
                    want << text(row);
                want.sort();
                if (got != want)
                    qWarning("%s", qPrintable(range));
                QCOMPARE(got, want);
                QCOMPARE(total, expected.isEmpty() ? 0 : expected.size());

                // By address, ascending; the filters.
                query.order = SourcePageOrder::Key;
                query.descending = false;
                const auto every = [](const SourcePageRow &) { return true; };
                QCOMPARE(addressesOf(allPages(store, query, 3), every),
                         sorted(addressesOf(expected, every)));
                query.failingOnly = true;
                QCOMPARE(addressesOf(allPages(store, query, 100), every),
                         sorted(addressesOf(expected, [](const SourcePageRow &row) {
                             return row.counters.compliant < row.counters.total;
                         })));
                query.failingOnly = false;
                query.newOnly = true;
                QCOMPARE(addressesOf(allPages(store, query, 100), every),
                         sorted(addressesOf(expected, [from](const SourcePageRow &row) {
                             return !from.isValid() || row.firstSeen >= from;
                         })));
                query.newOnly = false;
                query.text = QStringLiteral("OTHER.example");
                QCOMPARE(addressesOf(allPages(store, query, 100), every),
                         addressesOf(expected, [](const SourcePageRow &row) {
                             return row.fromDomains.contains(kOther);
                         }));
            }
        }
        // Per name, all time: the sums of the addresses it names.
        SourcePageQuery names;
        names.byName = true;
        names.order = SourcePageOrder::Name;
        names.descending = false;
        QStringList got;
        for (const SourcePageRow &row : allPages(store, names, 1))
            got << row.name % QLatin1Char('=') % QString::number(row.counters.total) %
                       QLatin1Char('/') % QString::number(row.addresses) % QLatin1Char('/') %
                       row.fromDomains.join(QLatin1Char(','));
        // Each address under the name of its last day.
        QMap<QString, quint64> sums;
        QMap<QString, QSet<QString>> addresses;
        QMap<QString, QSet<QString>> domains;
        for (const SourcePageRow &row : expectedAddresses(QDate(), QDate())) {
            sums[row.name] += row.counters.total;
            addresses[row.name].insert(row.ip);
            for (const QString &domain : row.fromDomains)
                domains[row.name].insert(domain);
        }
        QStringList want;
        for (auto it = sums.cbegin(); it != sums.cend(); ++it) {
            QStringList fromDomains(domains.value(it.key()).cbegin(), domains.value(it.key()).cend());
            fromDomains.sort();
            want << it.key() % QLatin1Char('=') % QString::number(*it) % QLatin1Char('/') %
                        QString::number(addresses.value(it.key()).size()) % QLatin1Char('/') %
                        fromDomains.join(QLatin1Char(','));
        }
        QCOMPARE(got, want);
    }

private Q_SLOTS:
    void initTestCase_data() { addStoreBackendRows(); }

    void init()
    {
        const auto used = useStoreBackendOfRow();
        QVERIFY2(used, used ? "" : qPrintable(used.error().message));
        m_committed.clear();
    }

    void cleanupTestCase() { stopStoreBackends(); }

    void pagesAreExact()
    {
        QTemporaryDir dir;
        commitSources(dir.path());
        auto store = Store::open(locationOf(dir.path()));
        QVERIFY2(store, store ? "" : qPrintable(store.error().message));
        checkPages(**store);
    }

    // A commit marks the weeks it adds source days to (pending_weeks) and adds nothing to
    // source_weeks; sumWeeks sums the weeks that have ended from their days and leaves the
    // current one marked; a late report of a summed week marks it again. The pages are exact at
    // every step: a marked week is read from its days.
    void weeksAreSummedFromTheirDays()
    {
        QTemporaryDir dir;
        commitSources(dir.path());
        const QString path = dir.filePath(Store::fileName());
        const QString pendingSql = QStringLiteral("SELECT week FROM pending_weeks ORDER BY week");
        const QString weeksSql = QStringLiteral("SELECT COUNT(DISTINCT week) FROM source_weeks");
        QCOMPARE(rowsOf(path, pendingSql),
                 (QStringList{QStringLiteral("2023-10-02"), QStringLiteral("2023-10-09"),
                              QStringLiteral("2023-10-16"), QStringLiteral("2023-10-23"),
                              QStringLiteral("2023-10-30"), QStringLiteral("2023-11-06"),
                              QStringLiteral("2023-11-13")}));
        QCOMPARE(rowsOf(path, weeksSql), QStringList{QStringLiteral("0")});
        auto store = Store::open(locationOf(dir.path()));
        QVERIFY2(store, store ? "" : qPrintable(store.error().message));
        checkPages(**store);

        // On Tuesday 14 November the week of Monday 13 November has not ended.
        auto summed = (*store)->sumWeeks(QDate(2023, 11, 14));
        QVERIFY2(summed, summed ? "" : qPrintable(summed.error().message));
        QCOMPARE(*summed, 6);
        QCOMPARE(rowsOf(path, pendingSql), QStringList{QStringLiteral("2023-11-13")});
        QCOMPARE(rowsOf(path, weeksSql), QStringList{QStringLiteral("6")});
        // A week of 192.0.2.1 is named as its last day was, whichever commit came later: the
        // second commit named Saturday 21 October "SendGrid", the first Sunday 22 October
        // "office"; it named Sunday 5 November "SendGrid".
        QCOMPARE(rowsOf(path, QStringLiteral("SELECT week, source_name, last_day FROM "
                                             "source_weeks WHERE week IN ('2023-10-16', "
                                             "'2023-10-30') AND source_ip = '192.0.2.1' "
                                             "ORDER BY week")),
                 (QStringList{QStringLiteral("2023-10-16|office|2023-10-22"),
                              QStringLiteral("2023-10-30|SendGrid|2023-11-05")}));
        checkPages(**store);

        // A late report of Wednesday 18 October.
        ReportCounts late = reportCounts(QStringLiteral("r"), QStringLiteral("late"));
        late.dateBegin =
            QDateTime(QDate(2023, 10, 18), QTime(0, 0), QTimeZone::utc()).toSecsSinceEpoch();
        late = withSource(late, QStringLiteral("192.0.2.2"), 7, 7);
        const auto committed = (*store)->commit(
            {withSourceNames(emailCommit(900, {late}),
                             {{QStringLiteral("192.0.2.2"), QStringLiteral("unknown")}})},
            kNow);
        QVERIFY2(committed, committed ? "" : qPrintable(committed.error().message));
        m_committed << Committed{QDate(2023, 10, 18),         2,
                                 QStringLiteral("192.0.2.2"), kMine,
                                 QStringLiteral("unknown"),   counters(7, 7)};
        QCOMPARE(rowsOf(path, pendingSql),
                 (QStringList{QStringLiteral("2023-10-16"), QStringLiteral("2023-11-13")}));
        checkPages(**store);
        summed = (*store)->sumWeeks(QDate(2023, 11, 14));
        QVERIFY2(summed, summed ? "" : qPrintable(summed.error().message));
        QCOMPARE(*summed, 1);
        QCOMPARE(rowsOf(path, pendingSql), QStringList{QStringLiteral("2023-11-13")});
        checkPages(**store);
    }

    // The first order's pages of a range of many addresses (summed in the program on SQLite, in
    // batches and in a table that grows as it fills; by the engine on PostgreSQL): 5,000
    // addresses on three days, most messages first and equal ones by address, or by address;
    // every page and the count exact.
    void manyAddressesArePagedExactly()
    {
        QTemporaryDir dir;
        {
            auto store = Store::open(locationOf(dir.path()));
            QVERIFY2(store, store ? "" : qPrintable(store.error().message));
        }
        const QString path = dir.filePath(Store::fileName());
        // Row i: address i / 3 on day 15 + i % 3 of March 2021 (a Monday to a Wednesday, read
        // from the days), (i * 7919) % 500 + 1 messages.
        rowsOf(path,
               QStringLiteral(
                   "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < "
                   "14999) INSERT INTO source_days (day, from_domain, source_ip, source_name, "
                   "source_type, messages, compliant) SELECT '2021-03-1' || CAST(5 + i % 3 AS "
                   "TEXT), 'mydomain.de', '10.' || CAST(i / 3 / 250 AS TEXT) || '.' || "
                   "CAST(i / 3 % 250 AS TEXT) || '.1', 'unknown', '', (i * 7919) % 500 + 1, 0 "
                   "FROM n"));
        QMap<QString, quint64> sums;
        for (int i = 0; i < 15000; ++i)
            sums[QStringLiteral("10.%1.%2.1").arg(i / 3 / 250).arg(i / 3 % 250)] +=
                quint64((i * 7919) % 500 + 1);
        QList<std::pair<QString, quint64>> expected(sums.keyValueBegin(), sums.keyValueEnd());
        QStringList byAddress;
        for (const auto &[address, messages] : std::as_const(expected))
            byAddress << address % QLatin1Char('=') % QString::number(messages);
        std::sort(expected.begin(), expected.end(), [](const auto &a, const auto &b) {
            return a.second != b.second ? a.second > b.second : a.first > b.first;
        });
        QStringList byMessages;
        for (const auto &[address, messages] : std::as_const(expected))
            byMessages << address % QLatin1Char('=') % QString::number(messages);

        auto store = Store::open(locationOf(dir.path()));
        QVERIFY2(store, store ? "" : qPrintable(store.error().message));
        SourcePageQuery query;
        query.from = QDate(2021, 3, 15);
        query.to = QDate(2021, 3, 17);
        const auto lines = [](const QList<SourcePageRow> &rows) {
            QStringList lines;
            for (const SourcePageRow &row : rows)
                lines << row.ip % QLatin1Char('=') % QString::number(row.counters.total);
            return lines;
        };
        qsizetype total = 0;
        QCOMPARE(lines(allPages(**store, query, 200, &total)), byMessages);
        QCOMPARE(total, 5000);
        query.order = SourcePageOrder::Key;
        query.descending = false;
        QCOMPARE(lines(allPages(**store, query, 700)), byAddress);
    }

    // The schema version that adds the sums per week and the first days fills them from
    // source_days as the sums of the weeks and the commits write them.
    void migrationFillsWhatCommitsWrite()
    {
        QTemporaryDir dir;
        commitSources(dir.path());
        sumAllWeeks(dir.path());
        const QString path = dir.filePath(Store::fileName());
        const QString weeksSql =
            QStringLiteral("SELECT week, from_domain, source_ip, source_name, source_type, "
                           "last_day, messages, compliant, dkim_aligned, spf_aligned, "
                           "quarantined, rejected FROM source_weeks "
                           "ORDER BY week, from_domain, source_ip");
        const QString ipsSql =
            QStringLiteral("SELECT source_ip, first_day FROM source_ips ORDER BY source_ip");
        const QStringList weeks = rowsOf(path, weeksSql);
        const QStringList ips = rowsOf(path, ipsSql);
        QCOMPARE(ips.size(), 5);
        QVERIFY(weeks.size() > 5);
        // Schema version 12 adds them.
        const auto downgraded = downgradeStore(path, 11);
        QVERIFY2(downgraded, downgraded ? "" : qPrintable(downgraded.error().message));
        auto store = Store::open(locationOf(dir.path()));
        QVERIFY2(store, store ? "" : qPrintable(store.error().message));
        QCOMPARE(rowsOf(path, weeksSql), weeks);
        QCOMPARE(rowsOf(path, ipsSql), ips);
        checkPages(**store);
    }

    // Schema version 14 makes source_days, source_weeks and source_ips again, on SQLite in the
    // order of their keys: every row is kept, also in tables of many megabytes (dropping such a table failed
    // with "database or disk is full" when SQLite kept statement journals of up to 4 MiB in
    // memory).
    void keyOrderedTablesKeepEveryRow()
    {
        QTemporaryDir dir;
        commitSources(dir.path());
        sumAllWeeks(dir.path());
        const QString path = dir.filePath(Store::fileName());
        // 20,000 more days (6 MB): 28 days of February 2020 for 715 addresses, 300 bytes each.
        rowsOf(path, QStringLiteral(
                         "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE "
                         "i < 19999) INSERT INTO source_days (day, from_domain, source_ip, "
                         "source_name, source_type, messages, compliant, domains) SELECT "
                         "'2020-02-' || CASE WHEN i % 28 < 9 THEN '0' ELSE '' END || "
                         "CAST(i % 28 + 1 AS TEXT), 'mydomain.de', '10.' || "
                         "CAST(i / 28 / 250 AS TEXT) || '.' || CAST(i / 28 % 250 AS TEXT) || "
                         "'.1', 'unknown', '', i % 7 + 1, i % 3, '") %
                         QString(300, QLatin1Char('x')) % QStringLiteral("' FROM n"));
        const QString daysSql =
            QStringLiteral("SELECT day, from_domain, source_ip, source_name, source_type, "
                           "messages, compliant, dkim_aligned, spf_aligned, quarantined, "
                           "rejected, domains FROM source_days ORDER BY day, from_domain, "
                           "source_ip");
        const QString weeksSql =
            QStringLiteral("SELECT week, from_domain, source_ip, source_name, last_day, messages, "
                           "compliant FROM source_weeks ORDER BY week, from_domain, source_ip");
        const QString ipsSql =
            QStringLiteral("SELECT source_ip, first_day FROM source_ips ORDER BY source_ip");
        const QStringList days = rowsOf(path, daysSql);
        const QStringList weeks = rowsOf(path, weeksSql);
        const QStringList ips = rowsOf(path, ipsSql);
        QCOMPARE(ips.size(), 5);
        QVERIFY(days.size() > 20000);
        QVERIFY(weeks.size() > 5);
        const auto downgraded = downgradeStore(path, 13);
        QVERIFY2(downgraded, downgraded ? "" : qPrintable(downgraded.error().message));
        auto store = Store::open(locationOf(dir.path()));
        QVERIFY2(store, store ? "" : qPrintable(store.error().message));
        QCOMPARE(rowsOf(path, QStringLiteral("SELECT version FROM schema_version")),
                 QStringList{QString::number(Store::kSchemaVersion)});
        QCOMPARE(rowsOf(path, daysSql), days);
        QCOMPARE(rowsOf(path, weeksSql), weeks);
        QCOMPARE(rowsOf(path, ipsSql), ips);
        if (!onPostgres()) {
            QCOMPARE(rowsOf(path, QStringLiteral("SELECT name FROM sqlite_master WHERE sql LIKE "
                                                 "'%WITHOUT ROWID' ORDER BY name")),
                     (QStringList{QStringLiteral("source_days"), QStringLiteral("source_ips"),
                                  QStringLiteral("source_weeks")}));
            QCOMPARE(rowsOf(path, QStringLiteral("SELECT tbl_name FROM sqlite_master WHERE "
                                                 "name = 'source_days_by_ip'")),
                     QStringList{QStringLiteral("source_days")});
        }
        checkPages(**store);
    }
};

QTEST_GUILESS_MAIN(TestSourcePages)
#include "tst_sourcepages.moc"
