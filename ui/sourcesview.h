#pragma once

#include "dashboardmodels.h"
#include "groupedview.h"
#include "service/sourcetypes.h"

class QCheckBox;
class QDialog;
class QLineEdit;

namespace Dmarc::Ui {

// The sending sources of the dashboard's range, one row per source IP or per source name
// (docs/counting.md section 10.8). Rows failing DMARC are highlighted.
class SourcesModel : public KeyedRowsModel<SourceTotals>
{
    Q_OBJECT
public:
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

    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
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

protected:
    void ask(DashboardQueries &queries, DayRange range) override;

private:
    void open(const SourceTotals &row);

    SourcesModel *m_model;
    QCheckBox *m_failingOnly;
    QCheckBox *m_newOnly;
    QLineEdit *m_search = nullptr;
    DashboardQueries *m_queries = nullptr; // as last asked
    DayRange m_range;
};

} // namespace Dmarc::Ui
