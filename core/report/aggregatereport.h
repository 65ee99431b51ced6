#pragma once

#include <QList>
#include <QString>

namespace Dmarc {

// The DMARC aggregate report model, RFC 7489 appendix C and RFC 9990, read by local name.
// Every text value is trimmed and kept as written (keywords keep their case); "" when missing.

struct DateRange
{
    qint64 begin = 0; // seconds since the epoch; 0 when missing or not a number
    qint64 end = 0;
};

struct ReportMetadata
{
    QString orgName;
    QString email;
    QString extraContactInfo;
    QString reportId;
    DateRange dateRange;
    QString generator; // RFC 9990
    QList<QString> errors;
};

struct PolicyPublished
{
    QString domain;
    QString adkim;
    QString aspf;
    QString p;
    QString sp;
    QString np;  // RFC 9990
    QString pct; // RFC 7489
    QString fo;
    QString testing;         // RFC 9990
    QString discoveryMethod; // RFC 9990
};

struct PolicyOverrideReason
{
    QString type;
    QString comment;
};

struct DkimAuthResult
{
    QString domain;
    QString selector;
    QString result;
    QString humanResult;
};

struct SpfAuthResult
{
    QString domain;
    QString scope;
    QString result;
    QString humanResult;
};

struct ReportRecord
{
    bool hasRow = false; // a record without <row> is not counted
    bool hasPolicyEvaluated = false;
    QString sourceIp;
    quint64 count = 1;   // missing or empty <count> is 1
    QString disposition; // policy_evaluated/disposition
    QString policyDkim;  // policy_evaluated/dkim
    QString policySpf;   // policy_evaluated/spf
    QList<PolicyOverrideReason> reasons;
    QString headerFrom;
    QString envelopeFrom;
    QString envelopeTo;
    QList<DkimAuthResult> dkim; // all of them, in document order
    QList<SpfAuthResult> spf;
};

struct AggregateReport
{
    QString version;
    ReportMetadata metadata;
    PolicyPublished policy;
    QList<ReportRecord> records;
};

} // namespace Dmarc
