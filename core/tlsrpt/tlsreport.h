#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace Dmarc {

// The SMTP TLS report model (RFC 8460), reduced to what is counted (docs/counting.md section 8.2).

// Failed sessions of one result type.
struct TlsFailureCount
{
    QString resultType; // one of the RFC 8460 result types, lower-cased; else "other"
    quint64 sessions = 0;
};

// The sessions a report counts for one (policy_domain, policy_type).
struct TlsPolicyCounts
{
    QString policyDomain; // trimmed, lower-cased, trailing dot dropped; "" when missing
    QString policyType;   // "sts", "tlsa", "no-policy-found", else "other"
    quint64 successfulSessions = 0;
    quint64 failedSessions = 0;
    QList<TlsFailureCount> failures; // per result type, in order of first appearance
};

struct TlsReport
{
    QString organizationName; // the reporter label: trimmed; "" when missing or not a string
    QString reportId;         // trimmed; "" when missing (never deduplicated then)
    qint64 dateBegin = 0;     // date-range, seconds since the epoch; 0 when missing or unreadable
    qint64 dateEnd = 0;
    QList<TlsPolicyCounts> policies; // summed per label set, in order of first appearance
    QString source;                  // where it came from, e.g. "part 2 (report.json.gz)"
    QStringList notes;               // what unpacking recovered from, for `inspect`
};

} // namespace Dmarc
