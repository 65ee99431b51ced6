#pragma once

#include "report/counters.h"
#include "storetypes.h"

#include <QDate>
#include <QString>
#include <QStringList>

class QSqlQuery;

namespace Dmarc {

class StoreDialect;

// What the dashboard's Sources view and the tray read of the sending sources (docs/counting.md
// section 10.8). The store sums and looks up; naming by PTR and grouping are the service's.

// One source IP's days with one from domain over a range of days.
struct SourceRangeRow
{
    QString fromDomain;
    SourceLabel source; // the name and type of its last day in the range
    Counters counters;  // all but dkimPass and spfPass
    QDate firstDay;     // its first and last day in the range
    QDate lastDay;
    QDate firstSeen;  // its first day in the store, with any from domain
    QDate seenBefore; // its last day before the range, with any from domain; invalid if none
    QString ptrName;  // the PTR name the store has for the IP, if any
};

// The six counters of source_days (sourceDayCounters()) read from column `first` on.
Counters readSourceCounters(const QSqlQuery &query, int first);

// The index that finds a source IP's days (its first day, its days before a range).
QStringList sourceReadsMigration(const StoreDialect &dialect);

} // namespace Dmarc
