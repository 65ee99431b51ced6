#include "dashboardtables.h"

#include <QCoreApplication>
#include <QHeaderView>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QTableView>

namespace Dmarc::Ui {

namespace {

// About two screens of rows.
constexpr int kRowsMeasured = 100;

} // namespace

QTableView *makeTable(QAbstractItemModel *model, QWidget *parent)
{
    auto *view = new QTableView(parent);
    view->setModel(model);
    view->setSortingEnabled(true);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->setAlternatingRowColors(true);
    view->verticalHeader()->hide();
    // The names take the spare width; the numbers stay next to them. A column is as wide as
    // the rows in sight and the next kRowsMeasured need, not every row of a long table.
    view->horizontalHeader()->setResizeContentsPrecision(kRowsMeasured);
    view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    view->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    return view;
}

QSortFilterProxyModel *makeProxy(QAbstractItemModel *source, QObject *parent)
{
    auto *proxy = new QSortFilterProxyModel(parent);
    proxy->setSourceModel(source);
    proxy->setSortRole(Qt::UserRole);
    proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    proxy->setFilterKeyColumn(-1);
    return proxy;
}

QLineEdit *makeSearch(QSortFilterProxyModel *proxy, QWidget *parent)
{
    auto *search = new QLineEdit(parent);
    search->setObjectName(QStringLiteral("search"));
    // In the dashboard's context, where their translations are.
    search->setPlaceholderText(
        QCoreApplication::translate("Dmarc::Ui::DashboardWindow", "Search…"));
    search->setAccessibleName(QCoreApplication::translate("Dmarc::Ui::DashboardWindow", "Search"));
    search->setClearButtonEnabled(true);
    QObject::connect(search, &QLineEdit::textChanged, proxy,
                     &QSortFilterProxyModel::setFilterFixedString);
    return search;
}

} // namespace Dmarc::Ui
