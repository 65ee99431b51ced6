#pragma once

#include "report/counters.h"

#include <QDate>
#include <QList>
#include <QString>
#include <QStringList>

namespace Dmarc {

// What the Sources view asks for (docs/counting.md section 10.8).
struct SourceFilter
{
    bool failingOnly = false; // rows with messages that failed DMARC
    bool newOnly = false;     // IPs first seen in the range: none of their days lies before it
    bool byName = false;      // one row per source name instead of one per IP
    QString text; // when not empty: IPs whose address, a name or a from domain in the range
                  // holds it, whatever the case
};

// The column the Sources view's rows are sorted by, in the order of its columns. Name and type
// sort an IP by the largest name it had in the range, from domains by the first of them, the
// registrable domain by the PTR name.
enum class SourceSort
{
    Key, // the IP, or the number of IPs of a source name
    PtrName,
    RegistrableDomain,
    Name,
    Type,
    Messages,
    Compliance,
    DkimAligned,
    SpfAligned,
    Quarantined,
    Rejected,
    FirstSeen,
    LastSeen,
    FromDomains
};

// How the Sources view's rows are sorted.
struct SourceOrder
{
    SourceSort by = SourceSort::Messages;
    bool descending = true;
};

// One row of the Sources view over a range of days: a source IP, or with
// SourceFilter::byName every IP of one source name.
struct SourceTotals
{
    QString ip;                // "" for a row of a source name
    QString ptrName;           // the IP's PTR name when the store has one
    QString registrableDomain; // of the PTR name, by the Public Suffix List
    QString name;              // as the last commit of its last day named it
    QString type;
    Counters counters;       // all but dkimPass and spfPass
    QDate firstSeen;         // the first day the store has of it
    QDate lastSeen;          // its last day in the range
    QStringList fromDomains; // sorted
    int addresses = 1;       // the IPs of the row
};

// Rows of the Sources view from `offset` on, and how many rows every page together holds.
struct SourcePage
{
    QList<SourceTotals> rows;
    qsizetype offset = 0;
    qsizetype total = 0;
};

// One day of a source IP with one from domain.
struct SourceDayTotals
{
    QDate day;
    QString fromDomain;
    QString name;
    Counters counters;
};

// The messages of one source IP a reporter, a DKIM domain or an SPF domain covered.
struct SourceDomainTotals
{
    QString domain;
    quint64 messages = 0;
};

// What lies behind one row of the Sources view over a range of days.
struct SourceDetails
{
    QString ip;
    QList<SourceDayTotals> days; // by day, then from domain
    // Each most messages first.
    QList<SourceDomainTotals> reporters;
    QList<SourceDomainTotals> dkimDomains;
    QList<SourceDomainTotals> spfDomains;
};

// A source failing DMARC that was not seen in the 30 days before (docs/counting.md section
// 10.8): a source name, or the IP of a source no rule named ("unknown").
struct FailingSource
{
    QString key;             // the source name, or the IP
    quint64 failed = 0;      // its messages that failed DMARC in the range
    QStringList fromDomains; // sorted
};

} // namespace Dmarc
