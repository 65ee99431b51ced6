#include "sourcepages.h"

#include "commitplan.h"
#include "sourcereads.h"
#include "sourcewrites.h"
#include "sqlitenative.h"
#include "store.h"
#include "storedialect.h"
#include "storesql.h"

#include <QHash>
#include <QSet>

#include <algorithm>
#include <cstring>
#include <vector>

namespace Dmarc {

namespace {

// The counters a source keeps per day and per week, in the order of SourcePageRow's reading.
QString joinedCounters(const QString &prefix = QString())
{
    QStringList columns;
    for (const QString &column : sourceDayCounters())
        columns << prefix % column;
    return columns.join(QStringLiteral(", "));
}

QString summedCounters()
{
    QStringList sums;
    for (const QString &column : sourceDayCounters())
        sums << QStringLiteral("SUM(") % column % QStringLiteral(") AS ") % column;
    return sums.join(QStringLiteral(", "));
}

// " WHERE " and the conditions joined by AND; nothing for none.
QString whereClause(const QStringList &conditions)
{
    return conditions.isEmpty()
               ? QString()
               : QStringLiteral(" WHERE ") % conditions.join(QStringLiteral(" AND "));
}

// Conditions on `column` for [first, last] as a WHERE clause; none for two invalid dates.
QString bounds(const QString &column, QDate first, QDate last, QVariantList &values)
{
    return whereClause(dayConditions(column, first, last, values));
}

// Which columns the rows of a range have.
enum class RangeColumns
{
    All,         // from_domain, source_ip, source_name, source_type, last_day, counters...
    MessagesOnly // source_ip, messages
};

// The range's rows: one per week and source for the weeks it holds whole, one per day and source
// at its ends and in the weeks of `pending` (pendingWeeks: their sums are not yet summed again).
QString rangeRows(QDate from, QDate to, const QList<QDate> &pending, QVariantList &values,
                  RangeColumns wanted = RangeColumns::All)
{
    const WeeksAndDays split = weeksAndDays(from, to);
    const bool all = wanted == RangeColumns::All;
    const QString columns = all ? QStringLiteral("SELECT from_domain, source_ip, source_name, "
                                                 "source_type, ")
                                : QStringLiteral("SELECT source_ip, messages");
    QStringList parts;
    const RangeReads reads = rangeReads(split, pending, values);
    if (split.weeks) {
        parts << columns % (all ? QStringLiteral("last_day, ") % joinedCounters() : QString()) %
                     QStringLiteral(" FROM source_weeks") % whereClause(reads.weekConditions);
    }
    for (const auto &[first, last] : reads.days)
        parts << columns %
                     (all ? QStringLiteral("day AS last_day, ") % joinedCounters() : QString()) %
                     QStringLiteral(" FROM source_days") %
                     bounds(QStringLiteral("day"), first, last, values);
    return parts.join(QStringLiteral(" UNION ALL "));
}

// `text` as a LIKE pattern that finds it anywhere, in lower case, its wildcards escaped.
QString containing(const QString &text)
{
    QString escaped = text.toLower();
    escaped.replace(QLatin1Char('\\'), QStringLiteral("\\\\"))
        .replace(QLatin1Char('%'), QStringLiteral("\\%"))
        .replace(QLatin1Char('_'), QStringLiteral("\\_"));
    return QLatin1Char('%') % escaped % QLatin1Char('%');
}

// The ORDER BY of a page; equal rows by address or name, so that pages never overlap.
QString orderBy(const SourcePageQuery &page)
{
    // A share of no messages sorts below every other.
    const auto share = [](const QString &column) {
        return QStringLiteral("COALESCE(1.0 * g.") % column %
               QStringLiteral(" / NULLIF(g.messages, 0), -1)");
    };
    const QString tie =
        page.byName ? QStringLiteral("g.source_name") : QStringLiteral("g.source_ip");
    QString key;
    switch (page.order) {
    case SourcePageOrder::Key:
        key = page.byName ? QStringLiteral("g.addresses") : tie;
        break;
    case SourcePageOrder::PtrName:
        key = page.byName ? tie : QStringLiteral("COALESCE(p.name, '')");
        break;
    case SourcePageOrder::Name:
        key = QStringLiteral("g.source_name");
        break;
    case SourcePageOrder::Type:
        key = QStringLiteral("g.source_type");
        break;
    case SourcePageOrder::Messages:
        key = QStringLiteral("g.messages");
        break;
    case SourcePageOrder::Compliance:
        key = share(QStringLiteral("compliant"));
        break;
    case SourcePageOrder::DkimAligned:
        key = share(QStringLiteral("dkim_aligned"));
        break;
    case SourcePageOrder::SpfAligned:
        key = share(QStringLiteral("spf_aligned"));
        break;
    case SourcePageOrder::Quarantined:
        key = QStringLiteral("g.quarantined");
        break;
    case SourcePageOrder::Rejected:
        key = QStringLiteral("g.rejected");
        break;
    case SourcePageOrder::FirstSeen:
        key = QStringLiteral("g.first_day");
        break;
    case SourcePageOrder::LastSeen:
        key = QStringLiteral("g.last_day");
        break;
    case SourcePageOrder::FromDomains:
        key = QStringLiteral("g.from_domain");
        break;
    }
    const QString direction = page.descending ? QStringLiteral(" DESC") : QStringLiteral(" ASC");
    return QStringLiteral(" ORDER BY ") % key % direction % QStringLiteral(", ") % tie % direction;
}

// The name and type of each address's last day in [from, to] and its from domains there, for
// the addresses of a page: their days found through source_days_by_ip.
Result<void> nameAddresses(const StoreConnection &connection, QDate from, QDate to,
                           QList<SourcePageRow> &rows)
{
    if (rows.isEmpty())
        return {};
    QVariantList values;
    QHash<QString, qsizetype> index;
    for (qsizetype i = 0; i < rows.size(); ++i) {
        index.insert(rows.at(i).ip, i);
        values << storedText(rows.at(i).ip);
    }
    QString sql = QStringLiteral("SELECT source_ip, day, from_domain, source_name, source_type "
                                 "FROM source_days WHERE source_ip IN (") %
                  placeholders(values.size()) % QLatin1Char(')');
    for (const QString &condition : dayConditions(QStringLiteral("day"), from, to, values))
        sql += QStringLiteral(" AND ") % condition;
    sql += QStringLiteral(" ORDER BY source_ip, day, from_domain");
    auto query = runRead(connection, QStringLiteral("cannot read the sources"), sql, values);
    if (!query)
        return query.error();
    while (query->next()) {
        SourcePageRow &row = rows[index.value(query->value(0).toString())];
        const QString fromDomain = query->value(2).toString();
        if (!row.fromDomains.contains(fromDomain))
            row.fromDomains << fromDomain;
        // By day: the last one read names it.
        row.name = query->value(3).toString();
        row.type = query->value(4).toString();
    }
    for (SourcePageRow &row : rows)
        row.fromDomains.sort();
    return {};
}

// The common part of a page's statements, with its values: the range's rows (r), the sums per
// address the filters keep (a, with its first day), and with byName each address's name, that of
// its last day in the range (n).
QString addressesOf(const SourcePageQuery &page, const QList<QDate> &pending, QVariantList &values)
{
    QStringList having;
    QVariantList havingValues;
    if (page.failingOnly)
        having << QStringLiteral("SUM(compliant) < SUM(messages)");
    if (!page.text.isEmpty()) {
        having << QStringLiteral("MAX(CASE WHEN LOWER(source_ip) LIKE ? ESCAPE '\\' OR "
                                 "LOWER(source_name) LIKE ? ESCAPE '\\' OR "
                                 "LOWER(from_domain) LIKE ? ESCAPE '\\' THEN 1 ELSE 0 END) = 1");
        const QString pattern = containing(page.text);
        havingValues << pattern << pattern << pattern;
    }
    const bool newOnly = page.newOnly && page.from.isValid();
    // An address's name, type and first from domain, only for what sorts or groups by them: each
    // is a text compared for every row of the range.
    const bool labelled = page.byName || page.order == SourcePageOrder::Name ||
                          page.order == SourcePageOrder::Type ||
                          page.order == SourcePageOrder::FromDomains;
    QString sql =
        QStringLiteral("WITH r AS (") % rangeRows(page.from, page.to, pending, values) %
        QStringLiteral("), s AS (SELECT source_ip, ") % summedCounters() %
        QStringLiteral(", MAX(last_day) AS last_day") %
        (labelled ? QStringLiteral(", MAX(source_name) AS source_name, MAX(source_type) AS "
                                   "source_type, MIN(from_domain) AS from_domain")
                  : QString()) %
        QStringLiteral(" FROM r GROUP BY source_ip") %
        (having.isEmpty() ? QString()
                          : QStringLiteral(" HAVING ") % having.join(QStringLiteral(" AND "))) %
        QStringLiteral("), a AS (SELECT s.*, i.first_day FROM s JOIN source_ips AS i ON "
                       "i.source_ip = s.source_ip") %
        (newOnly ? QStringLiteral(" WHERE i.first_day >= ?") : QString()) % QLatin1Char(')');
    values += havingValues;
    if (newOnly)
        values << dayText(page.from);
    if (page.byName)
        sql += QStringLiteral(", n AS (SELECT r.source_ip, MAX(r.source_name) AS source_name, "
                              "MAX(r.source_type) AS source_type FROM r JOIN a ON "
                              "a.source_ip = r.source_ip AND a.last_day = r.last_day "
                              "GROUP BY r.source_ip)");
    return sql;
}

// A row of an address read from its columns: the address, its sums, its last day in the range,
// its first day, its PTR name.
SourcePageRow addressRow(const QSqlQuery &query)
{
    SourcePageRow row;
    row.ip = query.value(0).toString();
    row.counters = readSourceCounters(query, 1);
    row.lastSeen = dayOf(query.value(7));
    row.firstSeen = dayOf(query.value(8));
    row.ptrName = query.value(9).toString();
    return row;
}

// The addresses of a page without filters, in its order, and how many addresses the range has.
struct AddressPage
{
    QStringList addresses;
    qsizetype total = 0;
};

// Whether a page without filters sorts `a` before `b`, of which `aMessages` and `bMessages`:
// most messages first (or fewest), equal ones by address in the same direction; or by address.
bool sortsBefore(const SourcePageQuery &page, qint64 aMessages, QByteArrayView a, qint64 bMessages,
                 QByteArrayView b)
{
    if (page.order == SourcePageOrder::Messages && aMessages != bMessages)
        return page.descending ? aMessages > bMessages : aMessages < bMessages;
    const int compared = a.compare(b); // byte by byte, as SQLite compares text
    return page.descending ? compared > 0 : compared < 0;
}

// The messages per address of a range's rows, summed as SQLite hands them over: a month of a
// large domain is some 300,000 rows of 150,000 addresses, which SQLite groups by sorting them
// (twice as slow as the reading itself). The addresses are kept one after another in one
// buffer, the sums in a table of open addressing of 16 bytes an address. Rows wait in batches:
// the slots of a batch's addresses, and the text of those found there, are asked of memory for
// the whole batch before any row is summed, so that the batch's fetches overlap rather than each
// row waiting for its own (the table is megabytes, the rows come in no order of it).
class AddressSums
{
public:
    void add(QByteArrayView address, qint64 messages)
    {
        if (address.size() > kLongest) {
            insert(address, qHash(address), messages);
            return;
        }
        Waiting &row = m_batch[m_waiting++];
        std::memcpy(row.text, address.data(), size_t(address.size()));
        row.size = quint8(address.size());
        row.messages = messages;
        if (m_waiting == kBatch)
            sumBatch();
    }

    // Sums the rows still waiting: after the last add(), before size() and page().
    void finish() { sumBatch(); }

    qsizetype size() const { return m_used; }

    // The addresses [offset, offset + limit) in the page's order.
    QStringList page(const SourcePageQuery &page) const
    {
        std::vector<const Slot *> sorted;
        sorted.reserve(size_t(m_used));
        for (const Slot &slot : m_slots) {
            if (slot.messages >= 0)
                sorted.push_back(&slot);
        }
        const auto end = qMin(m_used, page.offset + page.limit);
        const auto begin = qMin(m_used, page.offset);
        std::partial_sort(
            sorted.begin(), sorted.begin() + end, sorted.end(), [&](const Slot *a, const Slot *b) {
                return sortsBefore(page, a->messages, address(*a), b->messages, address(*b));
            });
        QStringList addresses;
        for (auto i = begin; i < end; ++i)
            addresses << QString::fromUtf8(address(*sorted.at(size_t(i))));
        return addresses;
    }

private:
    static constexpr qsizetype kBatch = 32;
    static constexpr qsizetype kLongest = 48; // an IP address as text is 45 bytes at most

    struct Waiting
    {
        char text[kLongest];
        quint8 size = 0;
        size_t hash = 0;
        qint64 messages = 0;
    };

    static quint16 tagOf(size_t hash)
    {
        return quint16(hash >> (8 * sizeof(size_t) - 16)); // bits no slot's place uses
    }

    void sumBatch()
    {
        while (size_t(m_used + m_waiting) * 4 > m_slots.size() * 3)
            grow();
        const size_t mask = m_slots.size() - 1;
        for (qsizetype i = 0; i < m_waiting; ++i) {
            Waiting &row = m_batch[i];
            row.hash = qHash(QByteArrayView(row.text, row.size));
            __builtin_prefetch(&m_slots[row.hash & mask]);
        }
        for (qsizetype i = 0; i < m_waiting; ++i) {
            const Slot &slot = m_slots[m_batch[i].hash & mask];
            if (slot.messages >= 0 && slot.tag == tagOf(m_batch[i].hash))
                __builtin_prefetch(m_addresses.constData() + slot.offset);
        }
        for (qsizetype i = 0; i < m_waiting; ++i) {
            const Waiting &row = m_batch[i];
            insert(QByteArrayView(row.text, row.size), row.hash, row.messages);
        }
        m_waiting = 0;
    }

    void insert(QByteArrayView address, size_t hash, qint64 messages)
    {
        if (size_t(m_used + 1) * 4 > m_slots.size() * 3)
            grow();
        const quint16 tag = tagOf(hash);
        const size_t mask = m_slots.size() - 1;
        for (size_t i = hash & mask;; i = (i + 1) & mask) {
            Slot &slot = m_slots[i];
            if (slot.messages < 0) {
                slot = Slot{quint32(m_addresses.size()), quint16(address.size()), tag, messages};
                m_addresses.append(address);
                ++m_used;
                return;
            }
            if (slot.tag == tag && this->address(slot) == address) {
                slot.messages += messages;
                return;
            }
        }
    }

    struct Slot
    {
        quint32 offset = 0; // in m_addresses
        quint16 size = 0;
        quint16 tag = 0;      // the top bits of the address's hash, which its place does not show
        qint64 messages = -1; // -1: an empty slot
    };

    QByteArrayView address(const Slot &slot) const
    {
        return QByteArrayView(m_addresses.constData() + slot.offset, slot.size);
    }

    void grow()
    {
        std::vector<Slot> slots(qMax<size_t>(4096, m_slots.size() * 2));
        const size_t mask = slots.size() - 1;
        for (const Slot &slot : m_slots) {
            if (slot.messages < 0)
                continue;
            size_t i = qHash(address(slot)) & mask;
            while (slots[i].messages >= 0)
                i = (i + 1) & mask;
            slots[i] = slot;
        }
        m_slots.swap(slots);
    }

    std::vector<Slot> m_slots;
    QByteArray m_addresses;
    qsizetype m_used = 0;
    Waiting m_batch[kBatch];
    qsizetype m_waiting = 0;
};

// The addresses of a page without filters: on SQLite summed here from the range's rows as SQLite
// reads them (AddressSums), elsewhere grouped and sorted by the engine.
Result<AddressPage> addressPage(const StoreConnection &connection, const SourcePageQuery &page,
                                const QList<QDate> &pending)
{
    QVariantList values;
    const QString rows = rangeRows(page.from, page.to, pending, values, RangeColumns::MessagesOnly);
    const QString what = QStringLiteral("cannot read the sources");
    SqliteStatements sqlite(connection.database());
    if (sqlite.isOpen()) {
        AddressSums sums;
        const auto failed = sqlite.run(
            rows, values, [&sums](const SqliteRow &row) { sums.add(row.text(0), row.integer(1)); });
        if (failed)
            return connection.error(what, *failed);
        sums.finish();
        return AddressPage{sums.page(page), sums.size()};
    }
    values << qint64(page.limit) << qint64(page.offset);
    auto query = runRead(connection, what,
                         QStringLiteral("WITH r AS (") % rows %
                             QStringLiteral("), s AS (SELECT source_ip, SUM(messages) AS "
                                            "messages FROM r GROUP BY source_ip) SELECT "
                                            "g.source_ip, COUNT(*) OVER () FROM s AS g") %
                             orderBy(page) % QStringLiteral(" LIMIT ? OFFSET ?"),
                         values);
    if (!query)
        return query.error();
    AddressPage answer;
    while (query->next()) {
        answer.addresses << query->value(0).toString();
        answer.total = qsizetype(query->value(1).toLongLong());
    }
    return answer;
}

// A page of addresses without filters, most messages first or by address: its addresses found
// by their messages alone (addressPage), then only they summed from their days (the same days
// the range's weeks sum) with their first day and PTR name.
Result<SourcePageRows> pageOfAddresses(const StoreConnection &connection,
                                       const SourcePageQuery &page, const QList<QDate> &pending)
{
    const auto found = addressPage(connection, page, pending);
    if (!found)
        return found.error();
    SourcePageRows answer;
    if (found->addresses.isEmpty())
        return answer; // past the last page
    answer.total = found->total;
    QVariantList values;
    QHash<QString, qsizetype> index;
    for (const QString &address : found->addresses) {
        index.insert(address, index.size());
        values << storedText(address);
    }
    QString sql = QStringLiteral("SELECT d.source_ip, ") % joinedCounters(QStringLiteral("d.")) %
                  QStringLiteral(", d.last_day, i.first_day, p.name FROM (SELECT source_ip, ") %
                  summedCounters() %
                  QStringLiteral(", MAX(day) AS last_day FROM source_days WHERE source_ip IN (") %
                  placeholders(values.size()) % QLatin1Char(')');
    for (const QString &condition :
         dayConditions(QStringLiteral("day"), page.from, page.to, values))
        sql += QStringLiteral(" AND ") % condition;
    sql += QStringLiteral(" GROUP BY source_ip) AS d LEFT JOIN source_ips AS i ON "
                          "i.source_ip = d.source_ip LEFT JOIN ptr_cache AS p ON "
                          "p.ip = d.source_ip");
    auto query = runRead(connection, QStringLiteral("cannot read the sources"), sql, values);
    if (!query)
        return query.error();
    answer.rows.resize(found->addresses.size());
    while (query->next())
        answer.rows[index.value(query->value(0).toString())] = addressRow(*query);
    return answer;
}

// Whether the "new" filter or the order needs each address's first day or PTR name before a
// page is cut.
bool joinsBeforePage(const SourcePageQuery &page)
{
    return (page.newOnly && page.from.isValid()) || page.order == SourcePageOrder::FirstSeen ||
           page.order == SourcePageOrder::PtrName;
}

// The statement of a page as the filters and the order ask, grouping every address of the range
// with all its sums (and by name, with byName). Columns as filteredPage reads them.
QString filteredPageSql(const SourcePageQuery &page, const QList<QDate> &pending,
                        QVariantList &values)
{
    // Each address's first day and PTR name joined before the page is cut only when a filter or
    // the order needs them; else to the page's rows alone.
    const bool joinedFirst = joinsBeforePage(page);
    QString sql = addressesOf(page, pending, values);
    if (!page.byName && !joinedFirst) {
        sql += QStringLiteral(" SELECT g.source_ip, ") % joinedCounters(QStringLiteral("g.")) %
               QStringLiteral(", g.last_day, i.first_day, p.name, g.total FROM (SELECT g.*, "
                              "COUNT(*) OVER () AS total FROM s AS g") %
               orderBy(page) %
               QStringLiteral(" LIMIT ? OFFSET ?) AS g LEFT JOIN source_ips AS i ON "
                              "i.source_ip = g.source_ip LEFT JOIN ptr_cache AS p ON "
                              "p.ip = g.source_ip") %
               orderBy(page);
    } else if (!page.byName) {
        sql += QStringLiteral(" SELECT g.source_ip, ") % joinedCounters(QStringLiteral("g.")) %
               QStringLiteral(", g.last_day, g.first_day, p.name, COUNT(*) OVER () FROM a AS g "
                              "LEFT JOIN ptr_cache AS p ON p.ip = g.source_ip");
    } else {
        // Per name, the sums of the addresses it names.
        QStringList sums;
        for (const QString &column : sourceDayCounters())
            sums << QStringLiteral("SUM(a.") % column % QStringLiteral(") AS ") % column;
        sql += QStringLiteral(" SELECT g.source_name, ") % joinedCounters(QStringLiteral("g.")) %
               QStringLiteral(", g.last_day, g.first_day, g.source_type, g.addresses, "
                              "COUNT(*) OVER () FROM (SELECT n.source_name, ") %
               sums.join(QStringLiteral(", ")) %
               QStringLiteral(", MAX(a.last_day) AS last_day, MIN(a.first_day) AS first_day, "
                              "MAX(n.source_type) AS source_type, MIN(a.from_domain) AS "
                              "from_domain, COUNT(*) AS addresses FROM a JOIN n ON "
                              "n.source_ip = a.source_ip GROUP BY n.source_name) AS g");
    }
    if (page.byName || joinedFirst)
        sql += orderBy(page) % QStringLiteral(" LIMIT ? OFFSET ?");
    values << qint64(page.limit) << qint64(page.offset);
    return sql;
}

// A page as the filters and the order ask.
Result<SourcePageRows> filteredPage(const StoreConnection &connection, const SourcePageQuery &page,
                                    const QList<QDate> &pending)
{
    QVariantList values;
    const QString sql = filteredPageSql(page, pending, values);
    auto query = runRead(connection, QStringLiteral("cannot read the sources"), sql, values);
    if (!query)
        return query.error();
    SourcePageRows answer;
    while (query->next()) {
        if (page.byName) {
            SourcePageRow row;
            row.name = query->value(0).toString();
            row.counters = readSourceCounters(*query, 1);
            row.lastSeen = dayOf(query->value(7));
            row.firstSeen = dayOf(query->value(8));
            row.type = query->value(9).toString();
            row.addresses = qsizetype(query->value(10).toLongLong());
            answer.rows << row;
        } else {
            answer.rows << addressRow(*query);
        }
        answer.total = qsizetype(query->value(page.byName ? 11 : 10).toLongLong());
    }
    return answer;
}

// The from domains in the range of the addresses of each source name of a page.
Result<void> fromDomainsOfNames(const StoreConnection &connection, const SourcePageQuery &page,
                                const QList<QDate> &pending, QList<SourcePageRow> &rows)
{
    if (rows.isEmpty())
        return {};
    QVariantList values;
    const QString addresses = addressesOf(page, pending, values);
    QHash<QString, qsizetype> index;
    for (qsizetype i = 0; i < rows.size(); ++i) {
        index.insert(rows.at(i).name, i);
        values << storedText(rows.at(i).name);
    }
    auto query = runRead(connection, QStringLiteral("cannot read the sources"),
                         addresses %
                             QStringLiteral(" SELECT DISTINCT n.source_name, r.from_domain FROM r "
                                            "JOIN n ON n.source_ip = r.source_ip "
                                            "WHERE n.source_name IN (") %
                             placeholders(rows.size()) % QLatin1Char(')'),
                         values);
    if (!query)
        return query.error();
    while (query->next())
        rows[index.value(query->value(0).toString())].fromDomains << query->value(1).toString();
    for (SourcePageRow &row : rows)
        row.fromDomains.sort();
    return {};
}

// The CREATE TABLE of source_weeks, `options` after its columns.
QString createSourceWeeks(const QString &options)
{
    return QStringLiteral("CREATE TABLE source_weeks (week VARCHAR(10) NOT NULL, "
                          "from_domain TEXT NOT NULL, source_ip TEXT NOT NULL, "
                          "source_name TEXT NOT NULL DEFAULT '', "
                          "source_type VARCHAR(32) NOT NULL DEFAULT '', "
                          "last_day VARCHAR(10) NOT NULL, ") %
           wholeNumberColumns(sourceDayCounters()) %
           QStringLiteral(", PRIMARY KEY (week, from_domain, source_ip))") % options;
}

// The CREATE TABLE of source_ips, `options` after its columns.
QString createSourceIps(const QString &options)
{
    return QStringLiteral("CREATE TABLE source_ips (source_ip TEXT NOT NULL PRIMARY KEY, "
                          "first_day VARCHAR(10) NOT NULL)") %
           options;
}

// Sums source_days into source_weeks: a row per week, from domain and address, named as its
// latest day was. `where` (empty, or " WHERE ...") picks the days.
QString sumIntoWeeks(const StoreDialect &dialect, const QString &where)
{
    const QString week = dialect.weekStart(QStringLiteral("day"));
    return QStringLiteral("INSERT INTO source_weeks (week, from_domain, source_ip, source_name, "
                          "source_type, last_day, ") %
           joinedCounters() %
           QStringLiteral(") SELECT g.week, g.from_domain, g.source_ip, d.source_name, "
                          "d.source_type, g.last_day, ") %
           joinedCounters(QStringLiteral("g.")) % QStringLiteral(" FROM (SELECT ") % week %
           QStringLiteral(" AS week, from_domain, source_ip, MAX(day) AS last_day, ") %
           summedCounters() % QStringLiteral(" FROM source_days") % where %
           QStringLiteral(" GROUP BY ") % week %
           QStringLiteral(", from_domain, source_ip) AS g JOIN source_days AS d ON "
                          "d.day = g.last_day AND d.from_domain = g.from_domain AND "
                          "d.source_ip = g.source_ip");
}

} // namespace

RangeReads rangeReads(const WeeksAndDays &split, const QList<QDate> &pending,
                      QVariantList &weekValues)
{
    RangeReads reads{{}, split.days};
    if (!split.weeks)
        return reads;
    reads.weekConditions =
        dayConditions(QStringLiteral("week"), split.firstWeek, split.lastWeek, weekValues);
    if (!pending.isEmpty()) {
        reads.weekConditions << QStringLiteral("week NOT IN (") % placeholders(pending.size()) %
                                    QLatin1Char(')');
        for (const QDate week : pending) {
            weekValues << dayText(week);
            reads.days << std::pair(week, week.addDays(6));
        }
    }
    return reads;
}

Result<QList<QDate>> pendingWeeks(const StoreConnection &connection, QDate from, QDate to)
{
    const WeeksAndDays split = weeksAndDays(from, to);
    QList<QDate> weeks;
    if (!split.weeks)
        return weeks;
    QVariantList values;
    auto query =
        runRead(connection, QStringLiteral("cannot read the weeks to sum again"),
                QStringLiteral("SELECT week FROM pending_weeks") %
                    bounds(QStringLiteral("week"), split.firstWeek, split.lastWeek, values),
                values);
    if (!query)
        return query.error();
    while (query->next())
        weeks << dayOf(query->value(0));
    return weeks;
}

QStringList sourcePagesMigration(const StoreDialect &dialect)
{
    return {
        createSourceWeeks(QString()),
        sumIntoWeeks(dialect, QString()),
        createSourceIps(QString()),
        QStringLiteral("INSERT INTO source_ips (source_ip, first_day) SELECT source_ip, MIN(day) "
                       "FROM source_days GROUP BY source_ip"),
    };
}

QStringList keyOrderedSourcesMigration(const StoreDialect &dialect)
{
    const QString options = dialect.keyOrderedTable();
    if (options.isEmpty())
        return {};
    QStringList statements;
    // Each table renamed, made again with the same columns in the same order, filled, dropped.
    const std::pair<QString, QString> tables[] = {
        {QStringLiteral("source_days"),
         createSourceDays(QStringLiteral(", ") % sourceDomainsColumn(), options)},
        {QStringLiteral("source_weeks"), createSourceWeeks(options)},
        {QStringLiteral("source_ips"), createSourceIps(options)}};
    for (const auto &[table, create] : tables) {
        const QString old = table % QStringLiteral("_by_rowid");
        statements << QStringLiteral("ALTER TABLE ") % table % QStringLiteral(" RENAME TO ") % old
                   << create
                   << QStringLiteral("INSERT INTO ") % table % QStringLiteral(" SELECT * FROM ") %
                          old
                   << QStringLiteral("DROP TABLE ") % old;
    }
    // The index of source_days went with its old table.
    return statements + sourceReadsMigration(dialect);
}

QStringList pendingSourceWeeksMigration()
{
    return {QStringLiteral(
        "CREATE TABLE source_weeks_pending (week VARCHAR(10) NOT NULL PRIMARY KEY)")};
}

void addSourceWeekSum(StatementBatch &batch, QDate week)
{
    const QString what = QStringLiteral("cannot sum the sources per week");
    const QString day = dayText(week);
    batch.add(what, QStringLiteral("DELETE FROM source_weeks WHERE week = ?"), {day});
    batch.add(
        what,
        sumIntoWeeks(*batch.connection().dialect, QStringLiteral(" WHERE day >= ? AND day <= ?")),
        {day, dayText(week.addDays(6))});
}

void addSourceFirstDays(StatementBatch &batch, const CommitPlan &plan)
{
    const QString ipsSql =
        batch.connection().dialect->insertRows(
            QStringLiteral("source_ips"),
            {QStringLiteral("source_ip"), QStringLiteral("first_day")}, 1) %
        // Only an earlier day is written: the row of an address seen before stays as it is.
        QStringLiteral(" ON CONFLICT (source_ip) DO UPDATE SET first_day = excluded.first_day "
                       "WHERE excluded.first_day < source_ips.first_day");
    batch.addForEach(QStringLiteral("cannot update the first days of the sources"), ipsSql,
                     plan.sourceFirstDays,
                     [](BoundValues &bound, const std::pair<QString, QDate> &row) {
                         bound.addBindValue(storedText(row.first));
                         bound.addBindValue(dayText(row.second));
                     });
}

Result<SourcePageRows> Store::sourcePage(const SourcePageQuery &page) const
{
    const bool unfiltered =
        !page.byName && !joinsBeforePage(page) && !page.failingOnly && page.text.isEmpty() &&
        (page.order == SourcePageOrder::Messages || page.order == SourcePageOrder::Key);
    const StoreConnection store = connection();
    // One read transaction: the page and the names of its addresses agree.
    return store.transaction(StoreConnection::Access::Read, [&]() -> Result<SourcePageRows> {
        const auto pending = pendingWeeks(store, page.from, page.to);
        if (!pending)
            return pending.error();
        auto paged = unfiltered ? pageOfAddresses(store, page, *pending)
                                : filteredPage(store, page, *pending);
        if (!paged)
            return paged.error();
        auto named = page.byName ? fromDomainsOfNames(store, page, *pending, paged->rows)
                                 : nameAddresses(store, page.from, page.to, paged->rows);
        if (!named)
            return named.error();
        return paged;
    });
}

} // namespace Dmarc
