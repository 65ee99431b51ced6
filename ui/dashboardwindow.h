#pragma once

#include "dashboardmodels.h"
#include "service/dashboardqueries.h"
#include "service/storestatus.h"

#include <QMainWindow>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;
class QTableWidget;
class QTabWidget;

namespace Dmarc {
class Exporter;
struct AccountStatus;
} // namespace Dmarc

namespace Dmarc::Ui {

class ActivityLogView;
class FailureReportView;
class ProblemBanner;
class SourcesView;
class TlsView;
class TrendChart;

// The dashboard: summary cards and a trend over a chosen range, tables by sending domain,
// reporter, DKIM and SPF domain with drill-down, the sending sources, the reports log, each
// account's status, and the SMTP TLS sessions and DMARC failure reports of the range.
// Reads through the exporter's queries and follows its signals; never changes what the service
// counts.
class DashboardWindow : public QMainWindow
{
    Q_OBJECT
public:
    enum class Card
    {
        Messages,
        Compliance,
        SpfAligned,
        DkimAligned,
        Quarantined,
        Rejected,
        Reports,
        InvalidReports
    };

    explicit DashboardWindow(Exporter &exporter, QWidget *parent = nullptr);
    ~DashboardWindow() override;

    void setRange(Range range);
    Range range() const;
    QString cardText(Card card) const;
    // Asks for the figures again: cards, chart, tables and reports log. They arrive a moment
    // later; asked again meanwhile, it asks once more when they are in.
    void refresh();
    // Between refresh() and the last of its answers.
    bool isRefreshing() const { return m_refreshing; }
    // A dialog listing the label sets behind one row of a grouped table, filled when they
    // arrive.
    QDialog *openDrillDown(GroupBy by, const QString &key);
    // Shows what the exporter makes of one report file (the `inspect` command's view).
    QDialog *openInspectView(const QString &filePath);
    // One entry of the reports log in full (ReportView).
    QDialog *openReportDetails(const LoggedReport &entry);

    TrendChart *chart() const { return m_chart; }
    // What needs attention now (the store refusing commits), at the top.
    ProblemBanner *problemBanner() const { return m_problemBanner; }
    QTabWidget *tabs() const { return m_tabs; }
    TlsView *tlsView() const { return m_tlsView; }
    FailureReportView *failureReportView() const { return m_failureReportView; }
    SourcesView *sourcesView() const { return m_sourcesView; }

Q_SIGNALS:
    void settingsRequested();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    struct GroupTable
    {
        GroupBy by;
        CountsTableModel *model;
        QSortFilterProxyModel *proxy;
        QTableView *view;
        QWidget *page; // its tab
    };

    QWidget *buildHeader();
    QWidget *buildCards();
    QWidget *buildGroupTab(GroupBy by, const QString &keyHeader);
    QWidget *buildReportsTab();
    QWidget *buildStatusTab();
    // A dialog with `intro` above a table of label sets and their counters; the table's model
    // is the dialog's only CountsTableModel.
    QDialog *showLabelSets(const QString &objectName, const QString &title, QLabel *intro,
                           const QList<LabelCounts> &labelSets);
    // A reply that hands the answer to `show`, or shows why there is none.
    template<typename T>
    DashboardQueries::Reply<T> shown(std::function<void(const T &)> show);
    void showTotals(const RangeTotals &totals);
    // The grouped table in sight takes in the range's rows; the others when their tab is shown.
    void showGroups();
    // The cards, tables and chart of the ranges not shown, read ahead while the window is open,
    // so that switching to one finds them read.
    void prefetchOtherRanges();
    void updateAccount(int index, const AccountStatus &status);
    void updatePauseButton();
    void onEmailsProcessed();
    // The banner's problems: the store's state, the accounts whose checks fail, and reports
    // refused by the limits on series.
    void showProblems();
    void showError(const QString &message);

    Exporter &m_exporter;
    QComboBox *m_rangeBox = nullptr;
    QPushButton *m_pauseButton = nullptr;
    QLabel *m_errorLabel = nullptr;
    QHash<Card, QLabel *> m_cards;
    TrendChart *m_chart = nullptr;
    ProblemBanner *m_problemBanner = nullptr;
    QTabWidget *m_tabs = nullptr;
    QList<GroupTable> m_groupTables;
    RangeSummary m_summary; // as last answered
    ReportsTableModel *m_reports = nullptr;
    TlsView *m_tlsView = nullptr;
    FailureReportView *m_failureReportView = nullptr;
    SourcesView *m_sourcesView = nullptr;
    QTableWidget *m_accounts = nullptr;
    ActivityLogView *m_log = nullptr;
    QLabel *m_refused = nullptr;
    StoreStatus m_storeStatus;            // as the service last said
    QList<AccountStatus> m_accountStates; // as last shown, to build the banner on a change
    bool m_refreshing = false;
    bool m_refreshAgain = false;
    bool m_failedNow = false; // a read of the refresh under way failed
};

} // namespace Dmarc::Ui
