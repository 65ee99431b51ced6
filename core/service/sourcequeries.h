#pragma once

#include "common/result.h"
#include "service/dashboardtypes.h"
#include "service/sourcetypes.h"

#include <QList>
#include <QString>

namespace Dmarc {

class Store;

// The service's side of the sending sources the store keeps (docs/counting.md section 10.8).

// Up to `limit` rows of the Sources view over `range` as `filter` asks, sorted as `order` says
// (equal ones by IP or name), from row `offset` on: the store sorts, filters and limits. The
// registrable domain of each PTR name by the system's Public Suffix List; none when the list
// cannot be read.
Result<SourcePage> sourcePageOf(const Store &store, DayRange range, const SourceFilter &filter,
                                SourceOrder order, qsizetype offset, qsizetype limit);

// The days, reporters and DKIM and SPF domains of the source IP `ip` over `range`.
Result<SourceDetails> sourceDetailsOf(const Store &store, const QString &ip, DayRange range);

// The sources with messages failing DMARC in `range` (its first day valid) that were not seen in
// the 30 days before it: a source name none of whose addresses had a day there, or an address
// named "unknown" that had none. Most failed messages first.
Result<QList<FailingSource>> newFailingSourcesOf(const Store &store, DayRange range);

} // namespace Dmarc
