#pragma once

#include "service/dashboardtypes.h"

#include <QWidget>

class QComboBox;
class QHBoxLayout;
class QLabel;
class QSortFilterProxyModel;

namespace Dmarc {
class DashboardQueries;
}

namespace Dmarc::Ui {

// A dashboard tab with a table of the dashboard's range grouped as its group box says: the
// box, the search field and the refresh with the range are alike for every such tab.
class GroupedView : public QWidget
{
    Q_OBJECT
public:
    // Asks `queries` for the figures of `range`; the tables follow when the answers arrive.
    void refresh(DashboardQueries *queries, DayRange range);

Q_SIGNALS:
    // The store could not be read.
    void readFailed(const QString &message);

protected:
    // `groupLabel` names the group box, mnemonic included; `boxName` is its object name.
    GroupedView(const QString &groupLabel, const QString &boxName, QWidget *parent);

    void addGroup(const QString &text, int value);
    int group() const;
    void setGroup(int value);
    // The group box with its label, and a search field for `proxy`.
    QHBoxLayout *makeHeaderRow(QSortFilterProxyModel *proxy);
    // Asks for the current range and grouping; called only once there are queries to ask.
    virtual void ask(DashboardQueries &queries, DayRange range) = 0;
    // Asks again, when there are queries to ask.
    void askAgain();

private:
    DashboardQueries *m_queries = nullptr;
    DayRange m_range;
    QLabel *m_groupLabel;
    QComboBox *m_groupBox;
};

} // namespace Dmarc::Ui
