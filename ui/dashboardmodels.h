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

// The time ranges the dashboard offers, counted in whole UTC days (the history's resolution).
enum class Range
{
    Day,
    Week,
    Month,
    All
};

// The first day a range covers, ending with `today`; invalid for Range::All.
QDate rangeStart(Range range, QDate today);
// The days a range covers, ending with `today`.
DayRange dayRange(Range range, QDate today);

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

// The background that marks a failing row, readable on light and dark palettes.
QColor failingRowColor();

} // namespace Dmarc::Ui
