#pragma once

#include "report/aggregatereport.h"
#include "report/counters.h"

#include <QHash>

namespace Dmarc {

// A domain label (docs/counting.md section 3): trimmed, lower-cased, trailing dot dropped.
QString normalizeDomain(const QString &domain);

// The counters one record adds (docs/counting.md section 3), each +count where its condition holds.
Counters countersFor(const ReportRecord &record);

// Sums the records of one report by label set, in order of first appearance, without keeping
// the records.
class ReportCounter
{
public:
    // Records without <row> are skipped.
    void add(const ReportRecord &record);
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

    QHash<Key, qsizetype> m_index;
    QList<LabelCounts> m_counts;
    quint64 m_records = 0;
    quint64 m_messages = 0;
};

} // namespace Dmarc
