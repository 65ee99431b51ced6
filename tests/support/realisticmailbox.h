#pragma once

// A realistic mailbox of DMARC aggregate report emails, generated from a seed: many reporters,
// many From, DKIM and SPF domains, a chosen number of distinct label sets, reports from 1 KB to
// about 1 MB of XML, zip, gzip and plain XML attachments, and a few invalid emails (no report,
// corrupt archive, malformed XML). The same shape always gives the same bytes.

#include "reportfixtures.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QSet>
#include <QString>

#include <algorithm>
#include <optional>

namespace Dmarc::Test {

// Where the records' source addresses come from.
enum class SourceAddresses
{
    // Every record an address of its own: the heaviest case for the store, each record a source
    // never seen before.
    EveryRecordNew,
    // As a domain sees them: most records (85 %) from a pool of 3,000 sending servers used
    // again and again, each sender (the DKIM domain, else the SPF domain, else the From domain)
    // sending from its busiest servers most (Zipf-like), the rest from addresses seen once
    // (spoofers, forwarders).
    KnownSenders,
};

struct MailboxShape
{
    quint64 seed = 1;
    int emails = 2000;
    // Distinct label sets (reporter, from, DKIM, SPF domain) the valid emails bring, exactly.
    // Label sets of different generations never overlap.
    int labelSets = 2000;
    int generation = 0;
    // Report ids start with it: batches with different prefixes are never duplicates.
    QByteArray reportIdPrefix = "rm";
    int invalidPerMille = 30; // emails without a countable report (error folder)
    // Only the addresses differ between the two: the records are otherwise the same.
    SourceAddresses addresses = SourceAddresses::EveryRecordNew;
};

struct RealisticMailbox
{
    QList<QByteArray> emails;
    int valid = 0;
    int invalid = 0;
    int labelSets = 0;
    qint64 records = 0;
    int addresses = 0;     // distinct source addresses of the records
    qint64 xmlBytes = 0;   // XML of every report, uncompressed
    qint64 emailBytes = 0; // the emails as delivered
    qint64 largestXml = 0;
    int zip = 0, gzip = 0, xml = 0; // attachments by container (invalid emails included)
};

namespace RealisticDetail {

// splitmix64: the same numbers on every platform and standard library.
class Random
{
public:
    explicit Random(quint64 seed)
        : m_state(seed)
    {}
    quint64 next()
    {
        quint64 z = (m_state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    int below(int n) { return n <= 0 ? 0 : int(next() % quint64(n)); }
    int between(int lo, int hi) { return lo + below(hi - lo + 1); } // inclusive
    double unit() { return double(next() >> 11) / double(1ULL << 53); }
    template<typename T>
    const T &pick(const QList<T> &list)
    {
        return list.at(below(int(list.size())));
    }

private:
    quint64 m_state;
};

struct Reporter
{
    QByteArray orgName;
    QByteArray email;
    int weight;
};

inline QList<Reporter> reporters()
{
    // 40 reporters, weighted roughly as a mid-sized sender sees them.
    const char *const names[][2] = {
        {"google.com", "noreply-dmarc-support@google.com"},
        {"Outlook.com", "dmarcreport@microsoft.com"},
        {"Yahoo", "dmarchelp@yahooinc.com"},
        {"Mail.Ru", "dmarc_support@corp.mail.ru"},
        {"WEB.DE", "noreply-dmarc@web.de"},
        {"GMX", "noreply-dmarc@gmx.net"},
        {"Enterprise Outlook", "dmarcreport@microsoft.com"},
        {"comcast.net", "dmarc_reports@comcast.net"},
        {"AMAZON-SES", "postmaster@amazonses.com"},
        {"Fastmail Pty Ltd", "dmarc-reports@fastmail.com"},
        {"t-online.de", "dmarc-noreply@t-online.de"},
        {"Zoho Corporation", "noreply-dmarc@zoho.com"},
        {"Proofpoint", "dmarc_rua@emaildefense.proofpoint.com"},
        {"Mimecast", "dmarc-reports@mimecast.org"},
        {"Cisco Secure Email", "dmarc@ironport.com"},
        {"Trustwave", "dmarc@trustwave.com"},
        {"seznam.cz a.s.", "dmarc@seznam.cz"},
        {"Yandex", "dmarc-noreply@yandex.ru"},
        {"QQ Mail", "dmarc@qq.com"},
        {"NetEase", "dmarc@126.com"},
        {"Orange", "dmarc-reports@orange.fr"},
        {"free.fr", "dmarc@free.fr"},
        {"libero.it", "dmarc@libero.it"},
        {"Telenet", "dmarc@telenet.be"},
        {"posteo.de", "dmarc@posteo.de"},
        {"mailbox.org", "dmarc-reports@mailbox.org"},
        {"Tutanota", "dmarc@tutanota.de"},
        {"Proton AG", "postmaster@proton.me"},
        {"Apple Inc.", "dmarc_agg@icloud.com"},
        {"cox.net", "dmarc@cox.net"},
        {"charter.net", "dmarc@charter.net"},
        {"att.net", "abuse_dmarc@att.net"},
        {"xs4all.nl", "dmarc@xs4all.nl"},
        {"Ziggo", "dmarc@ziggo.nl"},
        {"Swisscom", "dmarc@bluewin.ch"},
        {"rambler.ru", "dmarc@rambler-co.ru"},
        {"Naver", "dmarc@naver.com"},
        {"Rediffmail", "dmarc@rediffmail.com"},
        {"Barracuda Networks", "dmarc@barracuda.com"},
        {"dmarc.example-isp.net", "reports@dmarc.example-isp.net"},
    };
    const int weights[] = {30, 18, 10, 5, 5, 5, 6, 3, 3, 2, 4, 2, 3, 3, 2, 1, 1, 2, 1, 1,
                           2,  1,  1,  1, 1, 1, 1, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    QList<Reporter> list;
    for (int i = 0; i < 40; ++i)
        list.append({names[i][0], names[i][1], weights[i]});
    return list;
}

inline int weightedPick(Random &random, const QList<Reporter> &list)
{
    int total = 0;
    for (const Reporter &r : list)
        total += r.weight;
    int at = random.below(total);
    for (int i = 0; i < list.size(); ++i) {
        if ((at -= list.at(i).weight) < 0)
            return i;
    }
    return 0;
}

struct Triple
{
    QByteArray from, dkim, spf; // dkim/spf empty: no such result
};

inline QByteArray sourceIp(Random &random)
{
    if (random.below(10) == 0) {
        return QByteArray("2001:db8:") + QByteArray::number(random.below(0xffff), 16) + ':' +
               QByteArray::number(random.below(0xffff), 16) +
               "::" + QByteArray::number(random.between(1, 0xffff), 16);
    }
    return QByteArray::number(random.between(1, 223)) + '.' +
           QByteArray::number(random.below(256)) + '.' + QByteArray::number(random.below(256)) +
           '.' + QByteArray::number(random.between(1, 254));
}

// The pool of sending servers of SourceAddresses::KnownSenders, with a random stream of its
// own so that the records are otherwise the same as with every address new.
class SenderPool
{
public:
    static constexpr int kServers = 3000;
    static constexpr int kSeenOncePercent = 15;

    explicit SenderPool(quint64 seed)
        : m_random(seed ^ 0x5eed5eed5eedULL)
    {
        double sum = 0;
        for (int rank = 0; rank < kServers; ++rank) {
            m_servers << sourceIp(m_random);
            sum += 1.0 / (rank + 1);
            m_cumulative << sum;
        }
    }

    // The address of a record of `t`'s sender.
    QByteArray pick(const Triple &t)
    {
        if (m_random.below(100) < kSeenOncePercent)
            return sourceIp(m_random);
        const QByteArray &sender = !t.dkim.isEmpty() ? t.dkim : !t.spf.isEmpty() ? t.spf : t.from;
        const double at = m_random.unit() * m_cumulative.constLast();
        const int rank =
            int(std::lower_bound(m_cumulative.cbegin(), m_cumulative.cend(), at) -
                m_cumulative.cbegin());
        // FNV-1a: each sender's busiest server is a server of its own.
        quint64 hash = 0xcbf29ce484222325ULL;
        for (const char c : sender)
            hash = (hash ^ quint8(c)) * 0x100000001b3ULL;
        return m_servers.at(int((hash + quint64(rank)) % kServers));
    }

private:
    Random m_random;
    QList<QByteArray> m_servers;
    QList<double> m_cumulative; // of the Zipf weights 1/(rank + 1)
};

// A record of `t`; its address from `pool`, or new when there is none.
inline QByteArray recordXml(Random &random, const Triple &t, SenderPool *pool,
                            QSet<QByteArray> &addresses)
{
    const int roll = random.below(100);
    const QByteArray disposition = roll < 85 ? "none" : roll < 95 ? "quarantine" : "reject";
    const bool dkimPass = !t.dkim.isEmpty() && random.below(100) < 80;
    const bool spfPass = random.below(100) < 75;
    const int count = random.below(4) == 0 ? random.between(1, 5000) : random.between(1, 20);
    const QByteArray fresh = sourceIp(random);
    const QByteArray ip = pool ? pool->pick(t) : fresh;
    addresses.insert(ip);
    QByteArray out = "  <record>\n    <row>\n      <source_ip>" + ip +
                     "</source_ip>\n      <count>" + QByteArray::number(count) +
                     "</count>\n      <policy_evaluated>\n        <disposition>" + disposition +
                     "</disposition>\n        <dkim>" + (dkimPass ? "pass" : "fail") +
                     "</dkim>\n        <spf>" + (spfPass ? "pass" : "fail") +
                     "</spf>\n      </policy_evaluated>\n    </row>\n    <identifiers>\n"
                     "      <header_from>" +
                     t.from + "</header_from>\n    </identifiers>\n    <auth_results>\n";
    if (!t.dkim.isEmpty()) {
        out += "      <dkim>\n        <domain>" + t.dkim + "</domain>\n        <selector>s" +
               QByteArray::number(random.below(4)) + "</selector>\n        <result>" +
               (dkimPass ? "pass" : "fail") + "</result>\n      </dkim>\n";
    }
    if (!t.spf.isEmpty()) {
        out += "      <spf>\n        <domain>" + t.spf +
               "</domain>\n        <scope>mfrom</scope>\n        <result>" +
               (spfPass ? "pass" : "softfail") + "</result>\n      </spf>\n";
    }
    return out + "    </auth_results>\n  </record>\n";
}

inline QByteArray documentXml(const Reporter &reporter, const QByteArray &reportId,
                              const QByteArray &policyDomain, qint64 begin,
                              const QByteArray &records)
{
    return "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<feedback>\n  <version>1.0</version>\n"
           "  <report_metadata>\n    <org_name>" +
           reporter.orgName + "</org_name>\n    <email>" + reporter.email +
           "</email>\n    <report_id>" + reportId +
           "</report_id>\n    <date_range>\n      <begin>" + QByteArray::number(begin) +
           "</begin>\n      <end>" + QByteArray::number(begin + 86399) +
           "</end>\n    </date_range>\n  </report_metadata>\n  <policy_published>\n"
           "    <domain>" +
           policyDomain +
           "</domain>\n    <adkim>r</adkim>\n    <aspf>r</aspf>\n    <p>none</p>\n"
           "    <sp>none</sp>\n    <pct>100</pct>\n  </policy_published>\n" +
           records + "</feedback>\n";
}

inline QByteArray reportEmail(const Reporter &reporter, const QByteArray &policyDomain,
                              const QByteArray &reportId, const QList<Part> &parts)
{
    const QByteArray headers = "From: " + reporter.email + "\r\nTo: dmarc-rua@" + policyDomain +
                               "\r\nSubject: Report domain: " + policyDomain +
                               " Submitter: " + reporter.orgName + " Report-ID: " + reportId +
                               "\r\nMessage-ID: <" + reportId + "@reports.example>";
    return multipart(headers, parts, "b-" + reportId);
}

} // namespace RealisticDetail

inline RealisticMailbox realisticMailbox(const MailboxShape &shape)
{
    using namespace RealisticDetail;
    Random random(shape.seed * 1000003ULL + quint64(shape.generation));
    const QList<Reporter> allReporters = reporters();
    const QByteArray gen = QByteArray::number(shape.generation);

    // Which emails are invalid, and the reporter of every email.
    QList<int> emailReporter(shape.emails);
    QList<int> invalidKind(shape.emails, 0); // 0 valid, 1 no report, 2 corrupt archive, 3 bad XML
    QList<int> emailsOf(allReporters.size(), 0);
    for (int i = 0; i < shape.emails; ++i) {
        emailReporter[i] = weightedPick(random, allReporters);
        if (random.below(1000) < shape.invalidPerMille)
            invalidKind[i] = 1 + random.below(3);
        else
            ++emailsOf[emailReporter.at(i)];
    }

    // The label sets: From domains of this generation, DKIM and SPF domains either theirs or
    // shared senders' and forwarders'.
    const QList<QByteArray> senders = {"sendgrid.net",     "amazonses.com",     "mcsv.net",
                                       "mailgun.org",      "sparkpostmail.com", "mktomail.com",
                                       "exacttarget.com",  "zendesk.com",       "salesforce.com",
                                       "hubspotemail.net", "mandrillapp.com",   "postmarkapp.com"};
    const int fromCount = std::max(8, shape.labelSets / 20);
    QList<QByteArray> fromDomains;
    const char *const stems[] = {"shop",    "news", "mail",    "info",  "billing",
                                 "support", "corp", "service", "login", "promo"};
    const char *const tlds[] = {".example", ".example.com", ".example.org", ".example.net",
                                ".test"};
    for (int i = 0; i < fromCount; ++i) {
        fromDomains << QByteArray(stems[i % 10]) + "-g" + gen + "-" + QByteArray::number(i) +
                           tlds[(i / 10) % 5];
    }
    const int forwarderCount = std::max(4, shape.labelSets / 40);
    QList<QByteArray> forwarders;
    for (int i = 0; i < forwarderCount; ++i)
        forwarders << "relay" + QByteArray::number(i) + ".forwarder" + QByteArray::number(i % 7) +
                          ".example.net";

    QList<int> reporterPool; // reporters with valid emails, as often as they have them
    for (int r = 0; r < allReporters.size(); ++r) {
        for (int k = 0; k < emailsOf.at(r); ++k)
            reporterPool << r;
    }
    QList<QList<Triple>> setsOf(allReporters.size());
    QSet<QByteArray> seen;
    int made = 0;
    for (int attempts = 0; made < shape.labelSets && !reporterPool.isEmpty(); ++attempts) {
        const int r = random.pick(reporterPool);
        Triple t;
        t.from = random.pick(fromDomains);
        // Later attempts use a fresh subdomain so that every count can be reached.
        if (attempts > shape.labelSets * 4)
            t.from = "s" + QByteArray::number(attempts) + "." + t.from;
        const int dkimRoll = random.below(100);
        t.dkim = dkimRoll < 50   ? t.from
                 : dkimRoll < 80 ? random.pick(senders)
                 : dkimRoll < 94 ? random.pick(forwarders)
                                 : QByteArray();
        const int spfRoll = random.below(100);
        t.spf = spfRoll < 40   ? t.from
                : spfRoll < 60 ? "bounce." + t.from
                : spfRoll < 85 ? random.pick(senders)
                : spfRoll < 98 ? random.pick(forwarders)
                               : QByteArray();
        const QByteArray key =
            allReporters.at(r).orgName + '|' + t.from + '|' + t.dkim + '|' + t.spf;
        if (seen.contains(key))
            continue;
        seen.insert(key);
        setsOf[r].append(t);
        ++made;
    }

    RealisticMailbox box;
    box.labelSets = made;
    std::optional<SenderPool> pool;
    if (shape.addresses == SourceAddresses::KnownSenders)
        pool.emplace(shape.seed);
    QSet<QByteArray> addresses;
    QList<int> emailIndexOf(allReporters.size(), 0);
    const qint64 dayZero = 1704067200; // 2024-01-01
    for (int i = 0; i < shape.emails; ++i) {
        const Reporter &reporter = allReporters.at(emailReporter.at(i));
        const QByteArray reportId = shape.reportIdPrefix + "-" + gen + "-" + QByteArray::number(i) +
                                    "-" + QByteArray::number(random.next() % 1000000000ULL);
        const qint64 begin = dayZero + 86400 * (i % 90);
        QByteArray policyDomain = random.pick(fromDomains);

        if (invalidKind.at(i) == 1) {
            // A notice instead of a report.
            box.emails << multipart(
                "From: " + reporter.email + "\r\nTo: dmarc-rua@" + policyDomain +
                    "\r\nSubject: Delivery Status Notification",
                {Part{"Content-Type: text/plain; charset=utf-8",
                      "The report for " + policyDomain + " could not be generated.\r\n"}},
                "b-" + reportId);
            ++box.invalid;
            continue;
        }

        // Records (about 640 bytes of XML each): mostly a few, some dozens, a few hundreds,
        // one email in 700 a report of about 1 MB.
        const double roll = random.unit();
        int records = roll < 0.80     ? random.between(1, 3)
                      : roll < 0.95   ? random.between(4, 20)
                      : roll < 0.995  ? random.between(21, 100)
                      : roll < 0.9985 ? random.between(101, 600)
                                      : random.between(1500, 1650);
        QByteArray body;
        if (invalidKind.at(i) == 0) {
            const int r = emailReporter.at(i);
            const QList<Triple> &sets = setsOf.at(r);
            // This email's share of its reporter's label sets, then repeats of any of them.
            QList<const Triple *> mine;
            for (int k = emailIndexOf.at(r); k < sets.size(); k += emailsOf.at(r))
                mine << &sets.at(k);
            ++emailIndexOf[r];
            if (!mine.isEmpty())
                policyDomain = mine.first()->from;
            records = std::max(records, int(mine.size()));
            for (int k = 0; k < records; ++k) {
                const Triple &t =
                    k < mine.size() ? *mine.at(k) : sets.at(random.below(int(sets.size())));
                body += recordXml(random, t, pool ? &*pool : nullptr, addresses);
            }
            box.records += records;
        } else {
            Triple t{policyDomain, policyDomain, "bounce." + policyDomain};
            for (int k = 0; k < records; ++k)
                body += recordXml(random, t, pool ? &*pool : nullptr, addresses);
        }
        QByteArray xml = documentXml(reporter, reportId, policyDomain, begin, body);
        box.xmlBytes += xml.size();
        box.largestXml = std::max(box.largestXml, qint64(xml.size()));
        if (invalidKind.at(i) == 3)
            xml.truncate(xml.size() * 2 / 3); // ends inside an element

        const QByteArray baseName = reporter.orgName.toLower().replace(' ', '_') + "!" +
                                    policyDomain + "!" + QByteArray::number(begin) + "!" +
                                    QByteArray::number(begin + 86399);
        const int container = random.below(100);
        Part part;
        if (container < 45) {
            QByteArray data = zip({{QString::fromLatin1(baseName + ".xml"), xml}});
            if (invalidKind.at(i) == 2)
                data.truncate(data.size() / 2);
            part = attachment("application/zip", baseName + ".zip", data);
            ++box.zip;
        } else if (container < 88) {
            QByteArray data = Dmarc::Test::gzip(xml);
            if (invalidKind.at(i) == 2)
                data.truncate(data.size() / 2);
            part = attachment("application/gzip", baseName + ".xml.gz", data);
            ++box.gzip;
        } else {
            if (invalidKind.at(i) == 2)
                xml = "PK\x03\x04" + xml.left(40); // claims to be a zip
            part = attachment("text/xml", baseName + ".xml", xml);
            ++box.xml;
        }
        if (invalidKind.at(i) == 0)
            ++box.valid;
        else
            ++box.invalid;
        box.emails << reportEmail(
            reporter, policyDomain, reportId,
            {Part{"Content-Type: text/plain; charset=utf-8",
                  "This is an aggregate report from " + reporter.orgName + ".\r\n"},
             part});
    }
    for (const QByteArray &email : std::as_const(box.emails))
        box.emailBytes += email.size();
    box.addresses = int(addresses.size());
    return box;
}

} // namespace Dmarc::Test
