#pragma once

// Builders for what the store commits: reports reduced to their counts, and emails around them
// as the analysis hands them over.

#include "store/storetypes.h"

#include <QHash>

namespace Dmarc::Test {

constexpr qint64 kDay = 24 * 3600;
constexpr qint64 kNow = 1700000000; // 2023-11-14 22:13:20 UTC

// The label set of the upstream sample report.
inline const LabelSet kLabels{QStringLiteral("google.com"), QStringLiteral("mydomain.de"),
                              QStringLiteral("mydomain.de"), QStringLiteral("my-spf-domain.de")};

// `total` messages, `compliant` of them aligned by DKIM, all with a raw SPF pass.
inline Counters counters(quint64 total, quint64 compliant = 0, quint64 quarantine = 0)
{
    Counters c;
    c.total = total;
    c.compliant = compliant;
    c.quarantine = quarantine;
    c.dkimAligned = compliant;
    c.dkimPass = compliant;
    c.spfPass = total;
    return c;
}

// A report of one record of `total` compliant messages, begun the day before kNow.
inline ReportCounts reportCounts(const QString &org, const QString &id, quint64 total = 1,
                                 const LabelSet &labels = kLabels)
{
    ReportCounts r;
    r.orgName = org;
    r.reportId = id;
    r.dateBegin = kNow - kDay;
    r.dateEnd = kNow - 1;
    r.records = 1;
    r.messages = total;
    r.counts << LabelCounts{labels, counters(total, total)};
    return r;
}

// UID `uid` of main/INBOX; its candidates are its reports and its failures.
inline EmailCommit emailCommit(quint32 uid, QList<ReportCounts> reports,
                               QList<PayloadFailure> failures = {},
                               const QString &from = QStringLiteral("noreply@google.com"))
{
    EmailCommit commit;
    commit.identity = EmailIdentity{QStringLiteral("main"), QStringLiteral("INBOX"), 7, uid,
                                    QByteArray::number(uid).repeated(4)};
    commit.analysis.fromEmail = from;
    commit.analysis.candidates = int(reports.size() + failures.size());
    commit.analysis.reports = std::move(reports);
    commit.analysis.failures = std::move(failures);
    return commit;
}

// A TLS report of one sts policy for mydomain.de: `successful` sessions, and `failed` ones that
// all failed with certificate-expired.
inline TlsReport tlsReport(const QString &org, const QString &id, quint64 successful = 10,
                           quint64 failed = 2)
{
    TlsReport r;
    r.organizationName = org;
    r.reportId = id;
    r.dateBegin = kNow - kDay;
    r.dateEnd = kNow - 1;
    TlsPolicyCounts policy{
        QStringLiteral("mydomain.de"), QStringLiteral("sts"), successful, failed, {}};
    if (failed > 0)
        policy.failures << TlsFailureCount{QStringLiteral("certificate-expired"), failed};
    r.policies << policy;
    return r;
}

inline FailureReport failureReport(const QString &authFailure = QStringLiteral("dmarc"))
{
    return FailureReport{QStringLiteral("mydomain.de"), authFailure, QStringLiteral("none"),
                         QStringLiteral("reject"), QStringLiteral("part 2")};
}

// `commit` with TLS and failure reports beside what it holds, each a candidate.
inline EmailCommit withReports(EmailCommit commit, const QList<TlsReport> &tls,
                               const QList<FailureReport> &failureReports = {})
{
    commit.analysis.candidates += int(tls.size() + failureReports.size());
    commit.analysis.tlsReports += tls;
    commit.analysis.failureReports += failureReports;
    return commit;
}

// `report` with one more source: `total` messages from `ip` (as written) as its first label
// set's from_domain, `compliant` of them DMARC compliant and DKIM aligned, `dkimDomain` the
// DKIM domain that passed.
inline ReportCounts withSource(ReportCounts report, const QString &ip, quint64 total,
                               quint64 compliant = 0, const QString &dkimDomain = QString(),
                               const QString &fromDomain = QString())
{
    const QString from = fromDomain.isEmpty() ? report.counts.value(0).labels.fromDomain
                                              : fromDomain;
    report.sources << SourceCounts{ip, from, dkimDomain, QString(), counters(total, compliant)};
    return report;
}

// `commit` with the sources of its reports named as the service would hand them over: the IP
// taken as written, the name `names` gives for it ("unknown" when none), type "other".
inline EmailCommit withSourceNames(EmailCommit commit, const QHash<QString, QString> &names = {})
{
    commit.sourceLabels.clear();
    for (const ReportCounts &report : std::as_const(commit.analysis.reports)) {
        QList<SourceLabel> &labels = commit.sourceLabels.emplace_back();
        for (const SourceCounts &source : report.sources) {
            labels << SourceLabel{source.sourceIp,
                                  names.value(source.sourceIp, QStringLiteral("unknown")),
                                  QStringLiteral("other")};
        }
    }
    return commit;
}

} // namespace Dmarc::Test
