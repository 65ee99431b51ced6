#pragma once

#include "dashboardmodels.h"
#include "groupedview.h"
#include "service/sourcetypes.h"

class QCheckBox;
class QDialog;
class QLineEdit;
class QTimer;

namespace Dmarc::Ui {

// The sending sources of the dashboard's range, one row per source IP or per source name
// (docs/counting.md section 10.8), a page at a time: the rows come from the store as the table
// scrolls (fetchMore()) and in the order the store sorts them in (sort()). Rows failing DMARC
// are highlighted.
class SourcesModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    // In the order of SourceSort.
    enum Column
    {
        Key, // the IP, or the number of IPs of a source name
        PtrName,
        RegistrableDomain,
        Name,
        Type,
        Messages,
        Compliance,
        DkimAligned,
        SpfAligned,
        Quarantined,
        Rejected,
        FirstSeen,
        LastSeen,
        FromDomains,
        Columns
    };

    explicit SourcesModel(QObject *parent = nullptr);

    // A page's rows: those of the first page replace the rows, a later page's are added.
    void setPage(const SourcePage &page, const QString &keyHeader);
    // The rows of every page, as the last page said.
    qsizetype total() const { return m_total; }
    const SourceTotals &row(int index) const { return m_rows.at(index); }
    SourceOrder order() const { return m_order; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    // Asks for the next page (moreWanted()), once until it comes.
    void fetchMore(const QModelIndex &parent) override;
    // Asks for the rows in this order (orderChanged()).
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

Q_SIGNALS:
    void moreWanted(qsizetype offset);
    void orderChanged();

private:
    QList<SourceTotals> m_rows;
    qsizetype m_total = 0;
    bool m_fetching = false;
    SourceOrder m_order;
    QString m_keyHeader;
};

// The messages a reporter, a DKIM domain or an SPF domain covered of one source IP.
class SourceDomainsModel : public KeyedRowsModel<SourceDomainTotals>
{
    Q_OBJECT
public:
    enum Column
    {
        Domain,
        Messages,
        Columns
    };

    explicit SourceDomainsModel(const QString &keyHeader, QObject *parent = nullptr)
        : KeyedRowsModel(keyHeader, Columns, parent)
    {}

    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
};

// The dashboard's Sources tab: who sent mail as the user's domains in the dashboard's range,
// per source IP or per source name, optionally only those failing DMARC or first seen in the
// range. Double-click (or Enter) on an IP opens its days, reporters and DKIM and SPF domains;
// on a source name, its IPs.
class SourcesView : public GroupedView
{
    Q_OBJECT
public:
    explicit SourcesView(QWidget *parent = nullptr);

    SourceFilter filter() const;
    void setFilter(SourceFilter filter);
    const SourcesModel *model() const { return m_model; }
    // A dialog with what lies behind the source IP `ip` in the range, filled when it arrives.
    QDialog *openDetails(const QString &ip);

    // The rows the view asks the store for at a time, unless told otherwise.
    static constexpr qsizetype kPageRows = 200;
    void setPageRows(qsizetype rows) { m_pageRows = rows; }

protected:
    void ask(DashboardQueries &queries, DayRange range) override;

private:
    void open(const SourceTotals &row);
    // Asks for the rows from `offset` on of what was last asked.
    void askPage(qsizetype offset);

    SourcesModel *m_model;
    QCheckBox *m_failingOnly;
    QCheckBox *m_newOnly;
    QTimer *m_searchPause; // the search asks once typing pauses
    QLineEdit *m_search = nullptr;
    DashboardQueries *m_queries = nullptr; // as last asked
    DayRange m_range;
    qsizetype m_pageRows = kPageRows;
    quint64 m_asked = 0; // the question the model's rows answer; older answers are dropped
};

} // namespace Dmarc::Ui
