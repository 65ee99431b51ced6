#pragma once

#include "dashboardmodels.h"
#include "groupedview.h"

namespace Dmarc::Ui {

// The dashboard's failure-reports tab: the DMARC failure reports that arrived in the
// dashboard's range per reported domain or day, with their auth failures, identity alignments
// and delivery results. Nothing of a report's personal data is kept, so none is shown.
class FailureReportView : public GroupedView
{
    Q_OBJECT
public:
    explicit FailureReportView(QWidget *parent = nullptr);

    FailureReportGroupBy groupBy() const { return FailureReportGroupBy(group()); }
    void setGroupBy(FailureReportGroupBy by) { setGroup(int(by)); }

    const FailureReportsModel *reports() const { return m_reports; }

protected:
    void ask(DashboardQueries &queries, DayRange range) override;

private:
    FailureReportsModel *m_reports;
};

} // namespace Dmarc::Ui
