#include "report/reportcounter.h"

#include "report/outcome.h"

namespace Dmarc {

namespace {

bool isKeyword(const QString &value, QLatin1String keyword)
{
    return value.compare(keyword, Qt::CaseInsensitive) == 0;
}

bool isPass(const QString &value)
{
    return isKeyword(value, QLatin1String("pass"));
}

} // namespace

QString normalizeDomain(const QString &domain)
{
    // Most domains arrive normalised already: return them without allocating.
    bool clean = domain.isEmpty() || (!domain.front().isSpace() && !domain.back().isSpace() &&
                                      domain.back() != QLatin1Char('.'));
    for (qsizetype i = 0; clean && i < domain.size(); ++i) {
        const QChar c = domain.at(i);
        clean = c.unicode() < 0x80 ? !(c >= QLatin1Char('A') && c <= QLatin1Char('Z'))
                                   : c.toLower() == c;
    }
    if (clean)
        return domain;
    QString normalized = domain.trimmed().toLower();
    if (normalized.endsWith(QLatin1Char('.')))
        normalized.chop(1);
    return normalized;
}

bool isOwnDomain(const QString &policyDomain, const QStringList &domains)
{
    if (domains.isEmpty())
        return true;
    const QString domain = normalizeDomain(policyDomain);
    for (const QString &own : domains) {
        const QString suffix = normalizeDomain(own);
        if (domain == suffix ||
            (domain.endsWith(suffix) && domain.at(domain.size() - suffix.size() - 1) == u'.'))
            return true;
    }
    return false;
}

Counters countersFor(const ReportRecord &record)
{
    const quint64 n = record.count;
    Counters counters;
    counters.total = n;
    const bool dkimAligned = record.hasPolicyEvaluated && isPass(record.policyDkim);
    const bool spfAligned = record.hasPolicyEvaluated && isPass(record.policySpf);
    if (dkimAligned)
        counters.dkimAligned = n;
    if (spfAligned)
        counters.spfAligned = n;
    if (dkimAligned || spfAligned)
        counters.compliant = n;
    if (record.hasPolicyEvaluated && isKeyword(record.disposition, QLatin1String("quarantine")))
        counters.quarantine = n;
    if (record.hasPolicyEvaluated && isKeyword(record.disposition, QLatin1String("reject")))
        counters.reject = n;
    if (!record.dkim.isEmpty() && isPass(record.dkim.constFirst().result))
        counters.dkimPass = n;
    if (!record.spf.isEmpty() && isPass(record.spf.constFirst().result))
        counters.spfPass = n;
    return counters;
}

bool ReportCounter::add(const ReportRecord &record)
{
    if (!record.hasRow)
        return true;
    Key key{normalizeDomain(record.headerFrom),
            record.dkim.isEmpty() ? QString() : normalizeDomain(record.dkim.constFirst().domain),
            record.spf.isEmpty() ? QString() : normalizeDomain(record.spf.constFirst().domain)};
    auto it = m_index.constFind(key);
    if (it == m_index.constEnd()) {
        if (m_counts.size() >= m_maxLabelSets)
            return false;
        LabelCounts entry;
        entry.labels.fromDomain = key.fromDomain;
        entry.labels.dkimDomain = key.dkimDomain;
        entry.labels.spfDomain = key.spfDomain;
        m_counts.append(entry);
        it = m_index.insert(std::move(key), m_counts.size() - 1);
    }
    const Counters counters = countersFor(record);
    m_counts[*it].counters += counters;
    addSource(record, m_counts.at(*it).labels.fromDomain, counters);
    if (m_rows.size() < kShownRecords) {
        const DkimAuthResult dkim = record.dkim.value(0); // empty when there is none
        const SpfAuthResult spf = record.spf.value(0);
        m_rows.append(ReportRow{record.sourceIp, record.count, record.disposition,
                                record.policyDkim, record.policySpf, record.headerFrom, dkim.domain,
                                dkim.result, spf.domain, spf.result});
    }
    ++m_records;
    m_messages += record.count;
    return true;
}

void ReportCounter::addSource(const ReportRecord &record, const QString &fromDomain,
                              const Counters &counters)
{
    SourceKey key{record.sourceIp, {fromDomain, QString(), QString()}};
    for (const DkimAuthResult &dkim : record.dkim) {
        if (isPass(dkim.result)) {
            key.domains.dkimDomain = normalizeDomain(dkim.domain);
            break;
        }
    }
    for (const SpfAuthResult &spf : record.spf) {
        if (isPass(spf.result)) {
            key.domains.spfDomain = normalizeDomain(spf.domain);
            break;
        }
    }
    auto it = m_sourceIndex.constFind(key);
    if (it == m_sourceIndex.constEnd()) {
        if (m_sources.size() >= m_maxLabelSets) {
            m_sourcesLeftOut += record.count;
            return;
        }
        m_sources.append(SourceCounts{key.sourceIp, key.domains.fromDomain, key.domains.dkimDomain,
                                      key.domains.spfDomain, Counters()});
        it = m_sourceIndex.insert(std::move(key), m_sources.size() - 1);
    }
    m_sources[*it].counters += counters;
}

Error ReportCounter::limitError() const
{
    return Error{QString(outcomeName(Refusal::LabelSetsPerReport)),
                 QStringLiteral("the report has more than %1 label sets "
                                "(limits.max_label_sets_per_report); reading stopped after %2 "
                                "records")
                     .arg(m_maxLabelSets)
                     .arg(m_records)};
}

ReportCounts ReportCounter::result(const ReportMetadata &metadata,
                                   const PolicyPublished &policy) const
{
    ReportCounts report;
    report.orgName = metadata.orgName;
    report.reportId = metadata.reportId;
    report.policyDomain = policy.domain;
    report.policy = policy.p;
    report.dateBegin = metadata.dateRange.begin;
    report.dateEnd = metadata.dateRange.end;
    report.records = m_records;
    report.messages = m_messages;
    report.counts = m_counts;
    report.sources = m_sources;
    report.sourcesLeftOut = m_sourcesLeftOut;
    report.details = ReportDetails{metadata.email, policy, m_rows};
    // A report's records share one reporter, which may be read after them.
    for (LabelCounts &entry : report.counts)
        entry.labels.reporter = metadata.orgName;
    return report;
}

} // namespace Dmarc
