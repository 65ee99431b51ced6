#pragma once

#include "analysis/emailanalysis.h"
#include "report/outcome.h"

#include <QList>
#include <QString>

namespace Dmarc {

// What became of one email once its outcome was committed: what the desktop shows of it.
struct EmailOutcome
{
    QString label; // "uid 17", or the file's path
    EmailVerdict verdict = EmailVerdict::Done;
    bool alreadyDecided = false;  // committed before; only the move was left to do
    EmailAnalysis analysis;       // empty when alreadyDecided
    QList<ReportOutcome> reports; // per analysis.reports
    QList<ReportOutcome> tlsReports; // per analysis.tlsReports
    QList<ReportRefusal> refusals; // why, for each Malformed entry of `reports` (in order)
};

} // namespace Dmarc
