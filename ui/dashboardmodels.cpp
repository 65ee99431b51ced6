#include "dashboardmodels.h"

#include <QColor>
#include <QDateTime>
#include <QLocale>

#include <algorithm>

namespace Dmarc::Ui {

DayRange dayRange(Range range, QDate today)
{
    switch (range) {
    case Range::Yesterday:
        return DayRange{today.addDays(-1), today.addDays(-1)};
    case Range::Week:
        return DayRange{today.addDays(-6), today};
    case Range::Month:
        return DayRange{today.addDays(-29), today};
    case Range::All:
        break;
    }
    return {};
}

QString rangeText(Range range)
{
    switch (range) {
    case Range::Yesterday:
        return CountsTableModel::tr("Yesterday");
    case Range::Week:
        return CountsTableModel::tr("Last 7 days");
    case Range::Month:
        return CountsTableModel::tr("Last 30 days");
    case Range::All:
        break;
    }
    return CountsTableModel::tr("All time");
}

double percent(quint64 part, quint64 whole)
{
    return whole == 0 ? -1.0 : 100.0 * double(part) / double(whole);
}

QString formatPercent(quint64 part, quint64 whole)
{
    if (whole == 0)
        return QStringLiteral("–");
    return QLocale().toString(percent(part, whole), 'f', 1) + QStringLiteral(" %");
}

bool isFailing(const Counters &counters)
{
    return counters.total > 0 &&
           double(counters.compliant) < kComplianceThreshold * double(counters.total);
}

namespace {

// "1/2/26 – 1/3/26" for a report's date range; empty when the report gave none.
QString dateRangeText(const LoggedReport &entry)
{
    if (entry.dateBegin == 0 && entry.dateEnd == 0)
        return {};
    const auto day = [](qint64 secs) {
        return QLocale().toString(QDateTime::fromSecsSinceEpoch(secs, Qt::UTC).date(),
                                  QLocale::ShortFormat);
    };
    return day(entry.dateBegin) + QStringLiteral(" – ") + day(entry.dateEnd);
}

// A label value as a table shows it: "(none)" for the empty one.
QString shownLabel(const QString &value)
{
    return value.isEmpty() ? CountsTableModel::tr("(none)") : value;
}

// "dmarc 3, spf 1": values and their counts, as many as given, then "…" for the rest.
template<typename T, typename Count>
QString countsText(const QList<T> &counts, QString T::*name, Count T::*count, qsizetype shown)
{
    QStringList parts;
    for (qsizetype i = 0; i < counts.size() && i < shown; ++i)
        parts << shownLabel(counts.at(i).*name) + QLatin1Char(' ') +
                     QLocale().toString(counts.at(i).*count);
    if (counts.size() > shown)
        parts << QStringLiteral("…");
    return parts.join(QStringLiteral(", "));
}

QString labelCountsText(const QList<LabelValueCount> &counts)
{
    return countsText(counts, &LabelValueCount::value, &LabelValueCount::reports, counts.size());
}

// Display text, or the raw value for sorting (Qt::UserRole).
QVariant countData(quint64 value, int role)
{
    return role == Qt::DisplayRole ? QVariant(QLocale().toString(value)) : QVariant(value);
}

} // namespace

QColor failingRowColor()
{
    // Translucent, so it tints the palette's own base colour in light and dark themes.
    return QColor(220, 50, 47, 70);
}

CountsTableModel::CountsTableModel(const QStringList &keyHeaders, QObject *parent)
    : QAbstractTableModel(parent)
    , m_keyHeaders(keyHeaders)
{}

void CountsTableModel::setRows(QList<Row> rows)
{
    // The same rows again (a kept answer, a tab shown again): nothing to take in.
    const auto same = [](const Row &a, const Row &b) {
        return a.keys == b.keys && a.counters == b.counters;
    };
    if (std::equal(rows.cbegin(), rows.cend(), m_rows.cbegin(), m_rows.cend(), same))
        return;
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
}

void CountsTableModel::setGroups(const QList<GroupTotals> &groups)
{
    QList<Row> rows;
    for (const GroupTotals &group : groups)
        rows.append(Row{{group.key}, group.counters});
    setRows(std::move(rows));
}

void CountsTableModel::setLabelSets(const QList<LabelCounts> &labelSets)
{
    QList<Row> rows;
    for (const LabelCounts &entry : labelSets) {
        const LabelSet &labels = entry.labels;
        rows.append(Row{{labels.reporter, labels.fromDomain, labels.dkimDomain, labels.spfDomain},
                        entry.counters});
    }
    setRows(std::move(rows));
}

bool CountsTableModel::isFailing(int row) const
{
    return Ui::isFailing(m_rows.at(row).counters);
}

int CountsTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int CountsTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : keyColumns() + ValueColumns;
}

QVariant CountsTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const Row &row = m_rows.at(index.row());
    if (role == Qt::BackgroundRole)
        return isFailing(index.row()) ? QVariant(failingRowColor()) : QVariant();
    if (index.column() < keyColumns()) {
        const QString key = row.keys.value(index.column());
        if (role == Qt::DisplayRole)
            return key.isEmpty() ? tr("(none)") : key;
        if (role == Qt::UserRole)
            return key;
        return {};
    }
    const Counters &c = row.counters;
    const auto column = Column(index.column() - keyColumns());
    if (role == Qt::TextAlignmentRole)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole && role != Qt::UserRole)
        return {};
    const bool display = role == Qt::DisplayRole;
    const auto count = [display](quint64 value) -> QVariant {
        return display ? QVariant(QLocale().toString(value)) : QVariant(value);
    };
    const auto share = [display, &c](quint64 part) -> QVariant {
        return display ? QVariant(formatPercent(part, c.total)) : QVariant(percent(part, c.total));
    };
    switch (column) {
    case Messages:
        return count(c.total);
    case Compliance:
        return share(c.compliant);
    case DkimAligned:
        return share(c.dkimAligned);
    case SpfAligned:
        return share(c.spfAligned);
    case Quarantined:
        return count(c.quarantine);
    case Rejected:
        return count(c.reject);
    case ValueColumns:
        break;
    }
    return {};
}

QVariant CountsTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (section < keyColumns())
        return m_keyHeaders.value(section);
    switch (Column(section - keyColumns())) {
    case Messages:
        return tr("Messages");
    case Compliance:
        return tr("DMARC compliant");
    case DkimAligned:
        return tr("DKIM aligned");
    case SpfAligned:
        return tr("SPF aligned");
    case Quarantined:
        return tr("Quarantined");
    case Rejected:
        return tr("Rejected");
    case ValueColumns:
        break;
    }
    return {};
}

void ReportsTableModel::setEntries(QList<LoggedReport> entries)
{
    // An entry of the log never changes: the same entries are the same ids.
    const auto same = [](const LoggedReport &a, const LoggedReport &b) { return a.id == b.id; };
    if (std::equal(entries.cbegin(), entries.cend(), m_entries.cbegin(), m_entries.cend(), same))
        return;
    beginResetModel();
    m_entries = std::move(entries);
    endResetModel();
}

QString ReportsTableModel::outcomeText(ReportOutcome outcome)
{
    switch (outcome) {
    case ReportOutcome::Counted:
        return tr("Counted");
    case ReportOutcome::Duplicate:
        return tr("Duplicate");
    case ReportOutcome::Malformed:
        return tr("Error");
    }
    return {};
}

int ReportsTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int ReportsTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : Columns;
}

QVariant ReportsTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_entries.size())
        return {};
    const LoggedReport &entry = m_entries.at(index.row());
    if (role == Qt::BackgroundRole)
        return entry.outcome == ReportOutcome::Malformed ? QVariant(failingRowColor()) : QVariant();
    if (role == Qt::TextAlignmentRole && (index.column() == Records || index.column() == Messages))
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole && role != Qt::UserRole)
        return {};
    const bool display = role == Qt::DisplayRole;
    const auto date = [](qint64 secs, QLocale::FormatType format) {
        return QLocale().toString(QDateTime::fromSecsSinceEpoch(secs, Qt::UTC), format);
    };
    switch (Column(index.column())) {
    case Processed:
        return display ? QVariant(date(entry.processedAt, QLocale::ShortFormat))
                       : QVariant(entry.processedAt);
    case Reporter:
        return entry.orgName;
    case ReportId:
        return entry.reportId;
    case DateRange:
        return display ? QVariant(dateRangeText(entry)) : QVariant(entry.dateBegin);
    case Records:
        return display ? QVariant(QLocale().toString(entry.records)) : QVariant(entry.records);
    case Messages:
        return display ? QVariant(QLocale().toString(entry.messages)) : QVariant(entry.messages);
    case Outcome:
        return outcomeText(entry.outcome);
    case Reason:
        return entry.reason;
    case Columns:
        break;
    }
    return {};
}

QVariant ReportsTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case Processed:
        return tr("Processed (UTC)");
    case Reporter:
        return tr("Reporter");
    case ReportId:
        return tr("Report ID");
    case DateRange:
        return tr("Date range");
    case Records:
        return tr("Records");
    case Messages:
        return tr("Messages");
    case Outcome:
        return tr("Outcome");
    case Reason:
        return tr("Reason");
    case Columns:
        break;
    }
    return {};
}

QVariant TlsSessionsModel::data(const QModelIndex &index, int role) const
{
    const TlsSessionTotals *found = rowOf(index);
    if (!found)
        return {};
    const TlsSessionTotals &row = *found;
    if (role == Qt::BackgroundRole)
        return row.failed > 0 ? QVariant(failingRowColor()) : QVariant();
    const auto column = Column(index.column());
    if (role == Qt::TextAlignmentRole && column >= Successful && column <= FailureRate)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole && role != Qt::UserRole)
        return {};
    const bool display = role == Qt::DisplayRole;
    const quint64 sessions = row.successful + row.failed;
    switch (column) {
    case Key:
        return display ? shownLabel(row.key) : row.key;
    case PolicyType:
        return row.policyType;
    case Successful:
        return countData(row.successful, role);
    case Failed:
        return countData(row.failed, role);
    case FailureRate:
        return display ? QVariant(formatPercent(row.failed, sessions))
                       : QVariant(percent(row.failed, sessions));
    case FailureTypes:
        return countsText(row.failureTypes, &TlsFailureType::resultType, &TlsFailureType::sessions,
                          kFailureTypesShown);
    case Columns:
        break;
    }
    return {};
}

QVariant TlsSessionsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case Key:
        return keyHeader();
    case PolicyType:
        return tr("Policy type");
    case Successful:
        return tr("Successful sessions");
    case Failed:
        return tr("Failed sessions");
    case FailureRate:
        return tr("Failure rate");
    case FailureTypes:
        return tr("Top failure types");
    case Columns:
        break;
    }
    return {};
}

QVariant FailureReportsModel::data(const QModelIndex &index, int role) const
{
    const FailureReportTotals *found = rowOf(index);
    if (!found)
        return {};
    const FailureReportTotals &row = *found;
    const auto column = Column(index.column());
    if (role == Qt::TextAlignmentRole && column == Reports)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole && role != Qt::UserRole)
        return {};
    switch (column) {
    case Key:
        return role == Qt::DisplayRole ? shownLabel(row.key) : row.key;
    case Reports:
        return countData(row.reports, role);
    case AuthFailures:
        return labelCountsText(row.authFailures);
    case IdentityAlignments:
        return labelCountsText(row.identityAlignments);
    case DeliveryResults:
        return labelCountsText(row.deliveryResults);
    case Columns:
        break;
    }
    return {};
}

QVariant FailureReportsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case Key:
        return keyHeader();
    case Reports:
        return tr("Failure reports");
    case AuthFailures:
        return tr("Auth failure");
    case IdentityAlignments:
        return tr("Identity alignment");
    case DeliveryResults:
        return tr("Delivery result");
    case Columns:
        break;
    }
    return {};
}

} // namespace Dmarc::Ui
