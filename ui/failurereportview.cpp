#include "failurereportview.h"

#include "dashboardtables.h"
#include "service/dashboardqueries.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace Dmarc::Ui {

namespace {

QString keyHeader(FailureReportGroupBy by)
{
    return by == FailureReportGroupBy::Day ? FailureReportView::tr("Day of arrival (UTC)")
                                           : FailureReportView::tr("Reported domain");
}

} // namespace

FailureReportView::FailureReportView(QWidget *parent)
    : GroupedView(tr("&Group by:"), QStringLiteral("failureGroupBox"), parent)
    , m_reports(new FailureReportsModel(keyHeader(FailureReportGroupBy::ReportedDomain), this))
{
    for (const FailureReportGroupBy by :
         {FailureReportGroupBy::ReportedDomain, FailureReportGroupBy::Day})
        addGroup(keyHeader(by), int(by));

    QSortFilterProxyModel *proxy = makeProxy(m_reports, this);
    QTableView *table = makeTable(proxy, this);
    table->setObjectName(QStringLiteral("failureReports"));
    table->sortByColumn(FailureReportsModel::Reports, Qt::DescendingOrder);
    table->horizontalHeader()->setStretchLastSection(true);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(makeHeaderRow(proxy));
    layout->addWidget(table, 1);
}

void FailureReportView::ask(DashboardQueries &queries, DayRange range)
{
    const FailureReportGroupBy by = groupBy();
    queries.failureReports(range, by, this,
                           [this, by](const Result<QList<FailureReportTotals>> &rows) {
                               if (rows)
                                   m_reports->setRows(*rows, keyHeader(by));
                               else
                                   Q_EMIT readFailed(rows.error().message);
                           });
}

} // namespace Dmarc::Ui
