#pragma once

#include "report/aggregatereport.h"

#include <QHashFunctions>
#include <QList>
#include <QString>
#include <QStringList>

#include <tuple>

namespace Dmarc {

// The four labels of every dmarc_* counter family (docs/counting.md section 3).
struct LabelSet
{
    QString reporter;   // org_name, trimmed, as written
    QString fromDomain; // header_from, trimmed, lower-cased, trailing dot dropped
    QString dkimDomain; // domain of the first DKIM result, same normalisation; "" if none
    QString spfDomain;  // domain of the first SPF result, same normalisation; "" if none

    friend bool operator==(const LabelSet &a, const LabelSet &b)
    {
        return std::tie(a.reporter, a.fromDomain, a.dkimDomain, a.spfDomain) ==
               std::tie(b.reporter, b.fromDomain, b.dkimDomain, b.spfDomain);
    }
    friend bool operator!=(const LabelSet &a, const LabelSet &b) { return !(a == b); }
    friend bool operator<(const LabelSet &a, const LabelSet &b)
    {
        return std::tie(a.reporter, a.fromDomain, a.dkimDomain, a.spfDomain) <
               std::tie(b.reporter, b.fromDomain, b.dkimDomain, b.spfDomain);
    }
    friend size_t qHash(const LabelSet &labels, size_t seed = 0)
    {
        return qHashMulti(seed, labels.reporter, labels.fromDomain, labels.dkimDomain,
                          labels.spfDomain);
    }
};

// The eight counters of one label set.
struct Counters
{
    quint64 total = 0;
    quint64 compliant = 0;
    quint64 quarantine = 0;
    quint64 reject = 0;
    quint64 dkimAligned = 0;
    quint64 spfAligned = 0;
    quint64 dkimPass = 0;
    quint64 spfPass = 0;

    Counters &operator+=(const Counters &other)
    {
        total += other.total;
        compliant += other.compliant;
        quarantine += other.quarantine;
        reject += other.reject;
        dkimAligned += other.dkimAligned;
        spfAligned += other.spfAligned;
        dkimPass += other.dkimPass;
        spfPass += other.spfPass;
        return *this;
    }
    friend bool operator==(const Counters &a, const Counters &b)
    {
        return std::tie(a.total, a.compliant, a.quarantine, a.reject, a.dkimAligned, a.spfAligned,
                        a.dkimPass, a.spfPass) == std::tie(b.total, b.compliant, b.quarantine,
                                                           b.reject, b.dkimAligned, b.spfAligned,
                                                           b.dkimPass, b.spfPass);
    }
    friend bool operator!=(const Counters &a, const Counters &b) { return !(a == b); }
};

struct LabelCounts
{
    LabelSet labels;
    Counters counters;
};

// Invalid reports counted for one sender address (dmarc_invalid_reports_total).
struct InvalidCount
{
    QString fromEmail;
    quint64 count = 0;
};

// One record of a report as the report view lists it: the first DKIM and SPF results only.
struct ReportRow
{
    QString sourceIp;
    quint64 count = 0;
    QString disposition; // policy_evaluated: disposition, dkim, spf
    QString policyDkim;
    QString policySpf;
    QString headerFrom;
    QString dkimDomain; // auth_results: the first DKIM and the first SPF result
    QString dkimResult;
    QString spfDomain;
    QString spfResult;

    friend bool operator==(const ReportRow &a, const ReportRow &b)
    {
        return std::tie(a.sourceIp, a.count, a.disposition, a.policyDkim, a.policySpf, a.headerFrom,
                        a.dkimDomain, a.dkimResult, a.spfDomain, a.spfResult) ==
               std::tie(b.sourceIp, b.count, b.disposition, b.policyDkim, b.policySpf, b.headerFrom,
                        b.dkimDomain, b.dkimResult, b.spfDomain, b.spfResult);
    }
};

// Records of a report kept for the report view; the rest are counted, not listed.
constexpr qsizetype kShownRecords = 200;

// What the report view shows of a report beyond its counts.
struct ReportDetails
{
    QString reporterEmail; // report_metadata/email
    PolicyPublished policy;
    QList<ReportRow> rows; // the first kShownRecords records with a <row>
};

// The records of one report that came from one source, summed (docs/counting.md section 10.1):
// the same row/source_ip, from_domain and passing DKIM and SPF domains.
struct SourceCounts
{
    QString sourceIp;   // row/source_ip, trimmed, as written ("" when missing)
    QString fromDomain; // as the from_domain label
    QString dkimDomain; // the first DKIM domain whose result is pass, normalised; "" if none
    QString spfDomain;  // the first SPF domain whose result is pass, normalised; "" if none
    Counters counters;
};

// One parsed report reduced to what gets committed: its identity, its date range and its counts
// per label set (in order of first appearance in the report).
struct ReportCounts
{
    QString orgName;  // trimmed; "" when missing
    QString reportId; // trimmed; "" when missing (never deduplicated then)
    QString policyDomain;
    QString policy;       // policy_published/p, as written
    QString source;       // where it came from, e.g. "part 2 (r.zip), member r.xml"
    qint64 dateBegin = 0; // date_range/begin, seconds since the epoch (0 when missing)
    qint64 dateEnd = 0;
    quint64 records = 0;  // records counted (records without <row> are skipped)
    quint64 messages = 0; // sum of the records' counts
    QList<LabelCounts> counts;
    // Its sources in order of first appearance, as many as it may have label sets; the messages
    // of records from further sources are in sourcesLeftOut.
    QList<SourceCounts> sources;
    quint64 sourcesLeftOut = 0;
    QStringList notes; // what unpacking and reading recovered from (docs/counting.md 1.6, 2.7)
    ReportDetails details;
};

} // namespace Dmarc
