#pragma once

#include "report/counters.h"
#include "service/dashboardtypes.h"

#include <QAbstractTableModel>
#include <QDate>
#include <QList>
#include <QStringList>

namespace Dmarc::Ui {

// Below this share of DMARC-compliant messages a row is highlighted and the tray asks for
// attention.
constexpr double kComplianceThreshold = 0.9;

// The time ranges the dashboard offers, in whole UTC days by report day: the day a report's
// date range begins (docs/counting.md 3.4).
enum class Range
{
    Yesterday,
    Week,  // the last 7 days, today included
    Month, // the last 30 days, today included
    All
};

// The days a range covers, `today` being today's UTC date; both ends invalid for Range::All.
DayRange dayRange(Range range, QDate today);
// "Yesterday", "Last 7 days", ...: what the range picker and the titles call it.
QString rangeText(Range range);

// part / whole as a percentage; negative when there is nothing to divide.
double percent(quint64 part, quint64 whole);
// "97.5 %", or "–" when there is nothing to divide.
QString formatPercent(quint64 part, quint64 whole);

// Fewer compliant messages than kComplianceThreshold.
bool isFailing(const Counters &counters);

// Rows of counters keyed by one or more label columns, with counts and percentages.
// Qt::UserRole gives the raw value for sorting (numbers, not their text).
class CountsTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    struct Row
    {
        QStringList keys;
        Counters counters;
    };
    enum Column
    {
        Messages,
        Compliance,
        DkimAligned,
        SpfAligned,
        Quarantined,
        Rejected,
        ValueColumns
    };

    explicit CountsTableModel(const QStringList &keyHeaders, QObject *parent = nullptr);

    void setRows(QList<Row> rows);
    void setGroups(const QList<GroupTotals> &groups);
    void setLabelSets(const QList<LabelCounts> &labelSets);
    const Row &row(int index) const { return m_rows.at(index); }
    int keyColumns() const { return int(m_keyHeaders.size()); }
    // Fewer compliant messages than kComplianceThreshold.
    bool isFailing(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QStringList m_keyHeaders;
    QList<Row> m_rows;
};

// The reports log: newest first, failed reports highlighted.
class ReportsTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        Processed,
        Reporter,
        ReportId,
        DateRange,
        Records,
        Messages,
        Outcome,
        Reason,
        Columns
    };

    using QAbstractTableModel::QAbstractTableModel;

    void setEntries(QList<LoggedReport> entries);
    const LoggedReport &entry(int row) const { return m_entries.at(row); }
    static QString outcomeText(ReportOutcome outcome);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QList<LoggedReport> m_entries;
};

// A table over a list of rows whose first column is their key (a domain, a reporter, a day),
// with a header that names what the rows are keyed by.
template<typename Row>
class KeyedRowsModel : public QAbstractTableModel
{
public:
    void setRows(QList<Row> rows, const QString &keyHeader)
    {
        beginResetModel();
        m_rows = std::move(rows);
        m_keyHeader = keyHeader;
        endResetModel();
    }
    const Row &row(int index) const { return m_rows.at(index); }

    int rowCount(const QModelIndex &parent = {}) const override
    {
        return parent.isValid() ? 0 : int(m_rows.size());
    }
    int columnCount(const QModelIndex &parent = {}) const override
    {
        return parent.isValid() ? 0 : m_columns;
    }

protected:
    KeyedRowsModel(const QString &keyHeader, int columns, QObject *parent)
        : QAbstractTableModel(parent)
        , m_keyHeader(keyHeader)
        , m_columns(columns)
    {}

    // The row of `index`; null for an index that is not one of this model's rows.
    const Row *rowOf(const QModelIndex &index) const
    {
        return index.isValid() && index.row() < m_rows.size() ? &m_rows.at(index.row()) : nullptr;
    }
    const QString &keyHeader() const { return m_keyHeader; }

private:
    QString m_keyHeader;
    int m_columns;
    QList<Row> m_rows;
};

// TLS sessions per key (policy domain, reporter or day) and policy type: successful and failed
// sessions, the failure rate and the most frequent failure types. Rows with failed sessions are
// highlighted.
class TlsSessionsModel : public KeyedRowsModel<TlsSessionTotals>
{
    Q_OBJECT
public:
    enum Column
    {
        Key,
        PolicyType,
        Successful,
        Failed,
        FailureRate,
        FailureTypes,
        Columns
    };
    // The failure types a row names, most sessions first; the others are summed up as "…".
    static constexpr int kFailureTypesShown = 3;

    explicit TlsSessionsModel(const QString &keyHeader, QObject *parent = nullptr)
        : KeyedRowsModel(keyHeader, Columns, parent)
    {}

    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
};

// DMARC failure reports per key (reported domain or day) with their breakdowns by auth
// failure, identity alignment and delivery result.
class FailureReportsModel : public KeyedRowsModel<FailureReportTotals>
{
    Q_OBJECT
public:
    enum Column
    {
        Key,
        Reports,
        AuthFailures,
        IdentityAlignments,
        DeliveryResults,
        Columns
    };

    explicit FailureReportsModel(const QString &keyHeader, QObject *parent = nullptr)
        : KeyedRowsModel(keyHeader, Columns, parent)
    {}

    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
};

// The background that marks a failing row, readable on light and dark palettes.
QColor failingRowColor();

} // namespace Dmarc::Ui
