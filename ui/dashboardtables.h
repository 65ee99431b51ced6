#pragma once

class QAbstractItemModel;
class QLineEdit;
class QObject;
class QSortFilterProxyModel;
class QTableView;
class QWidget;

namespace Dmarc::Ui {

// The dashboard's tables look and behave alike: sortable by the raw values of Qt::UserRole,
// one row selected at a time, read-only, the first column taking the spare width.
QTableView *makeTable(QAbstractItemModel *model, QWidget *parent);
// Sorts by Qt::UserRole and filters on every column, case-insensitively.
QSortFilterProxyModel *makeProxy(QAbstractItemModel *source, QObject *parent);
// A search field that filters `proxy` as it is typed into.
QLineEdit *makeSearch(QSortFilterProxyModel *proxy, QWidget *parent);

} // namespace Dmarc::Ui
