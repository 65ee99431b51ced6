#include "tlsview.h"

#include "dashboardtables.h"
#include "service/dashboardqueries.h"

#include <QHeaderView>
#include <QLabel>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace Dmarc::Ui {

namespace {

QString keyHeader(TlsGroupBy by)
{
    switch (by) {
    case TlsGroupBy::PolicyDomain:
        return TlsView::tr("Policy domain");
    case TlsGroupBy::Reporter:
        return TlsView::tr("Reporter");
    case TlsGroupBy::Day:
        break;
    }
    return TlsView::tr("Day (UTC)");
}

QTableView *makeSessionsTable(TlsSessionsModel *model, QWidget *parent)
{
    QTableView *view = makeTable(makeProxy(model, parent), parent);
    view->sortByColumn(TlsSessionsModel::Failed, Qt::DescendingOrder);
    view->horizontalHeader()->setStretchLastSection(true); // the failure types
    return view;
}

} // namespace

TlsView::TlsView(QWidget *parent)
    : GroupedView(tr("&Group by:"), QStringLiteral("tlsGroupBox"), parent)
    , m_sessions(new TlsSessionsModel(keyHeader(TlsGroupBy::PolicyDomain), this))
    , m_reportersTitle(new QLabel(this))
    , m_reporters(new TlsSessionsModel(keyHeader(TlsGroupBy::Reporter), this))
{
    for (const TlsGroupBy by : {TlsGroupBy::PolicyDomain, TlsGroupBy::Reporter, TlsGroupBy::Day})
        addGroup(keyHeader(by), int(by));

    QTableView *table = makeSessionsTable(m_sessions, this);
    table->setObjectName(QStringLiteral("tlsSessions"));
    table->setToolTip(tr("Double-click (or Enter) a policy domain to see its reporters"));
    auto *proxy = static_cast<QSortFilterProxyModel *>(table->model());
    connect(table, &QTableView::activated, this, [this, proxy](const QModelIndex &index) {
        if (index.isValid() && groupBy() == TlsGroupBy::PolicyDomain)
            showReportersOf(m_sessions->row(proxy->mapToSource(index).row()).key);
    });

    auto *note = new QLabel(tr("One report may count the same sessions under more than one "
                               "policy type: do not add them up."),
                            this);
    note->setWordWrap(true);
    note->setForegroundRole(QPalette::PlaceholderText);

    auto *reportersPage = new QWidget(this);
    auto *reportersLayout = new QVBoxLayout(reportersPage);
    reportersLayout->setContentsMargins(0, 0, 0, 0);
    m_reportersTitle->setText(tr("Reporters: open a policy domain above"));
    reportersLayout->addWidget(m_reportersTitle);
    QTableView *reportersTable = makeSessionsTable(m_reporters, reportersPage);
    reportersTable->setObjectName(QStringLiteral("tlsReporters"));
    reportersLayout->addWidget(reportersTable);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(table);
    splitter->addWidget(reportersPage);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(makeHeaderRow(proxy));
    layout->addWidget(note);
    layout->addWidget(splitter, 1);
}

void TlsView::showReportersOf(const QString &policyDomain)
{
    m_policyDomain = policyDomain;
    m_reportersTitle->setText(
        tr("Reporters for %1:").arg(policyDomain.isEmpty() ? tr("(none)") : policyDomain));
    askAgain();
}

void TlsView::ask(DashboardQueries &queries, DayRange range)
{
    const TlsGroupBy by = groupBy();
    const auto shown = [this](TlsSessionsModel *model, TlsGroupBy rowsBy) {
        return [this, model, rowsBy](const Result<QList<TlsSessionTotals>> &rows) {
            if (rows)
                model->setRows(*rows, keyHeader(rowsBy));
            else
                Q_EMIT readFailed(rows.error().message);
        };
    };
    queries.tlsSessions(range, by, std::nullopt, this, shown(m_sessions, by));
    if (m_policyDomain) {
        queries.tlsSessions(range, TlsGroupBy::Reporter, m_policyDomain, this,
                            shown(m_reporters, TlsGroupBy::Reporter));
    }
}

} // namespace Dmarc::Ui
