#include "groupedview.h"

#include "dashboardtables.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>

namespace Dmarc::Ui {

GroupedView::GroupedView(const QString &groupLabel, const QString &boxName, QWidget *parent)
    : QWidget(parent)
    , m_groupLabel(new QLabel(groupLabel, this))
    , m_groupBox(new QComboBox(this))
{
    m_groupBox->setObjectName(boxName);
    m_groupLabel->setBuddy(m_groupBox);
    connect(m_groupBox, &QComboBox::currentIndexChanged, this, &GroupedView::askAgain);
}

void GroupedView::refresh(DashboardQueries *queries, DayRange range)
{
    m_queries = queries;
    m_range = range;
    askAgain();
}

void GroupedView::addGroup(const QString &text, int value)
{
    m_groupBox->addItem(text, value);
}

int GroupedView::group() const
{
    return m_groupBox->currentData().toInt();
}

void GroupedView::setGroup(int value)
{
    m_groupBox->setCurrentIndex(m_groupBox->findData(value));
}

QHBoxLayout *GroupedView::makeHeaderRow(QSortFilterProxyModel *proxy)
{
    auto *row = new QHBoxLayout;
    row->addWidget(m_groupLabel);
    row->addWidget(m_groupBox);
    row->addWidget(makeSearch(proxy, this), 1);
    return row;
}

void GroupedView::askAgain()
{
    if (m_queries)
        ask(*m_queries, m_range);
}

} // namespace Dmarc::Ui
