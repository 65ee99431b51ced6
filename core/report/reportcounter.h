#pragma once

#include "common/result.h"
#include "report/aggregatereport.h"
#include "report/counters.h"

#include <QHash>
#include <QStringList>

#include <limits>

namespace Dmarc {

// A domain label (docs/counting.md section 3): trimmed, lower-cased, trailing dot dropped.
QString normalizeDomain(const QString &domain);

// Whether a report's policy domain is one of `domains` or a subdomain of one (docs/counting.md
// section 9.2); every domain is when `domains` is empty. Both sides are normalised.
bool isOwnDomain(const QString &policyDomain, const QStringList &domains);

// The counters one record adds (docs/counting.md section 3), each +count where its condition holds.
Counters countersFor(const ReportRecord &record);

// Sums the records of one report by label set, in order of first appearance, keeping no more
// than the first kShownRecords records (as rows, for the report view).
class ReportCounter
{
public:
    // At most `maxLabelSets` label sets (docs/counting.md section 9.1), and as many sources
    // (section 10.1); no limit by default.
    explicit ReportCounter(qsizetype maxLabelSets = std::numeric_limits<qsizetype>::max())
        : m_maxLabelSets(maxLabelSets)
    {}

    // Records without <row> are skipped. False when the record would add a label set past the
    // limit: it is not counted, and the report is to be refused with limitError().
    bool add(const ReportRecord &record);
    // Why the report is refused once add() returned false: the limit and the figures.
    Error limitError() const;
    // The report's counts; the reporter label is the report's org_name.
    ReportCounts result(const ReportMetadata &metadata, const PolicyPublished &policy) const;

private:
    struct Key
    {
        QString fromDomain;
        QString dkimDomain;
        QString spfDomain;
        friend bool operator==(const Key &a, const Key &b)
        {
            return a.fromDomain == b.fromDomain && a.dkimDomain == b.dkimDomain &&
                   a.spfDomain == b.spfDomain;
        }
        friend size_t qHash(const Key &key, size_t seed = 0)
        {
            return qHashMulti(seed, key.fromDomain, key.dkimDomain, key.spfDomain);
        }
    };

    struct SourceKey
    {
        QString sourceIp;
        Key domains; // from_domain and the passing DKIM and SPF domains
        friend bool operator==(const SourceKey &a, const SourceKey &b)
        {
            return a.sourceIp == b.sourceIp && a.domains == b.domains;
        }
        friend size_t qHash(const SourceKey &key, size_t seed = 0)
        {
            return qHashMulti(seed, key.sourceIp, key.domains);
        }
    };
    void addSource(const ReportRecord &record, const QString &fromDomain, const Counters &counters);

    qsizetype m_maxLabelSets;
    QHash<Key, qsizetype> m_index;
    QList<LabelCounts> m_counts;
    QHash<SourceKey, qsizetype> m_sourceIndex;
    QList<SourceCounts> m_sources;
    quint64 m_sourcesLeftOut = 0;
    QList<ReportRow> m_rows;
    quint64 m_records = 0;
    quint64 m_messages = 0;
};

} // namespace Dmarc
