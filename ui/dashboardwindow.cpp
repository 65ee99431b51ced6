#include "dashboardwindow.h"

#include "activitylogview.h"
#include "analysis/emailanalyzer.h"
#include "dashboardtables.h"
#include "failurereportview.h"
#include "problembanner.h"
#include "reportview.h"
#include "service/dashboardqueries.h"
#include "service/exporter.h"
#include "sourcesview.h"
#include "statustext.h"
#include "tlsview.h"
#include "trendchart.h"

#include <QCloseEvent>
#include <QComboBox>
#include <QDateTime>
#include <QDesktopServices>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFrame>
#include <QGridLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QScreen>
#include <QScrollBar>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <utility>

namespace Dmarc::Ui {

namespace {

constexpr int kReportsShown = 1000;
// The accounts table's count of failed checks, a number.
constexpr int kErrorsColumn = 5;
constexpr int kWatcherColumn = 7;

QString cardName(DashboardWindow::Card card)
{
    switch (card) {
    case DashboardWindow::Card::Messages:
        return DashboardWindow::tr("Messages");
    case DashboardWindow::Card::Compliance:
        return DashboardWindow::tr("DMARC compliant");
    case DashboardWindow::Card::SpfAligned:
        return DashboardWindow::tr("SPF aligned");
    case DashboardWindow::Card::DkimAligned:
        return DashboardWindow::tr("DKIM aligned");
    case DashboardWindow::Card::Quarantined:
        return DashboardWindow::tr("Quarantined");
    case DashboardWindow::Card::Rejected:
        return DashboardWindow::tr("Rejected");
    case DashboardWindow::Card::Reports:
        return DashboardWindow::tr("Reports");
    case DashboardWindow::Card::InvalidReports:
        return DashboardWindow::tr("Invalid reports");
    }
    return {};
}

constexpr DashboardWindow::Card kCards[] = {
    DashboardWindow::Card::Messages,    DashboardWindow::Card::Compliance,
    DashboardWindow::Card::SpfAligned,  DashboardWindow::Card::DkimAligned,
    DashboardWindow::Card::Quarantined, DashboardWindow::Card::Rejected,
    DashboardWindow::Card::Reports,     DashboardWindow::Card::InvalidReports};

} // namespace

DashboardWindow::DashboardWindow(Exporter &exporter, QWidget *parent)
    : QMainWindow(parent)
    , m_exporter(exporter)
{
    setWindowTitle(tr("DMARC dashboard"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/dmarc-metrics-exporter.svg")));

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    m_problemBanner = new ProblemBanner(central);
    layout->addWidget(m_problemBanner);
    layout->addWidget(buildHeader());
    m_errorLabel = new QLabel(central);
    m_errorLabel->setObjectName(QStringLiteral("errorLabel"));
    m_errorLabel->setWordWrap(true);
    m_errorLabel->hide();
    layout->addWidget(m_errorLabel);
    layout->addWidget(buildCards());

    auto *splitter = new QSplitter(Qt::Vertical, central);
    m_chart = new TrendChart(splitter);
    m_tabs = new QTabWidget(splitter);
    m_tabs->addTab(buildGroupTab(GroupBy::FromDomain, tr("Sending domain")),
                   tr("Sending &domains"));
    m_tabs->addTab(buildGroupTab(GroupBy::Reporter, tr("Reporter")), tr("R&eporters"));
    m_tabs->addTab(buildGroupTab(GroupBy::DkimDomain, tr("DKIM domain")), tr("D&KIM domains"));
    m_tabs->addTab(buildGroupTab(GroupBy::SpfDomain, tr("SPF domain")), tr("S&PF domains"));
    m_sourcesView = new SourcesView(m_tabs);
    m_tabs->addTab(m_sourcesView, tr("So&urces"));
    m_tabs->addTab(buildReportsTab(), tr("Recent rep&orts"));
    m_tabs->addTab(buildStatusTab(), tr("S&tatus and activity"));
    m_tlsView = new TlsView(m_tabs);
    m_tabs->addTab(m_tlsView, tr("T&LS"));
    m_failureReportView = new FailureReportView(m_tabs);
    m_tabs->addTab(m_failureReportView, tr("&Failure reports"));
    const auto readFailed = [this](const QString &message) {
        showError(tr("Cannot read the store: %1").arg(message));
    };
    connect(m_tlsView, &TlsView::readFailed, this, readFailed);
    connect(m_failureReportView, &FailureReportView::readFailed, this, readFailed);
    connect(m_sourcesView, &SourcesView::readFailed, this, readFailed);
    connect(m_tabs, &QTabWidget::currentChanged, this, &DashboardWindow::showGroups);
    splitter->addWidget(m_chart);
    splitter->addWidget(m_tabs);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);
    layout->addWidget(splitter, 1);
    setCentralWidget(central);

    connect(&m_exporter, &Exporter::accountChanged, this, &DashboardWindow::updateAccount);
    // Saved settings replace the accounts: the table lists the new ones.
    connect(&m_exporter, &Exporter::accountsReplaced, this, [this] {
        const QList<AccountStatus> current = m_exporter.accounts();
        m_accounts->setRowCount(int(current.size()));
        for (int i = 0; i < current.size(); ++i)
            updateAccount(i, current.at(i));
    });
    connect(&m_exporter, &Exporter::emailsProcessed, this, &DashboardWindow::onEmailsProcessed);
    connect(&m_exporter, &Exporter::activityAdded, m_log, &ActivityLogView::add);
    m_log->load(m_exporter.queries());
    connect(&m_exporter, &Exporter::storeFailed, this, [this](const QString &message) {
        m_log->addNote(tr("Saving failed, nothing of the batch was counted: %1").arg(message));
    });
    connect(&m_exporter, &Exporter::storeStatusChanged, this, [this](const StoreStatus &status) {
        m_storeStatus = status;
        showProblems();
    });
    m_storeStatus = m_exporter.storeStatus();
    showProblems();
    const QList<AccountStatus> accounts = m_exporter.accounts();
    for (int i = 0; i < accounts.size(); ++i)
        updateAccount(i, accounts.at(i));

    // The ranges end today: move with the calendar and keep "last/next check" current.
    auto *clock = new QTimer(this);
    clock->setInterval(60 * 1000);
    connect(clock, &QTimer::timeout, this, [this] {
        refresh();
        const QList<AccountStatus> current = m_exporter.accounts();
        for (int i = 0; i < current.size(); ++i)
            updateAccount(i, current.at(i));
    });
    clock->start();

    QSettings settings;
    if (!restoreGeometry(settings.value(QStringLiteral("dashboard/geometry")).toByteArray()))
        resize(1100, 820);
    const int savedRange = settings.value(QStringLiteral("dashboard/range"), 1).toInt();
    m_rangeBox->setCurrentIndex(std::clamp(savedRange, 0, m_rangeBox->count() - 1));
    refresh();
}

DashboardWindow::~DashboardWindow() = default;

QWidget *DashboardWindow::buildHeader()
{
    auto *header = new QWidget(this);
    auto *row = new QHBoxLayout(header);
    row->setContentsMargins(0, 0, 0, 0);
    auto *rangeLabel = new QLabel(tr("Ra&nge:"), header);
    m_rangeBox = new QComboBox(header);
    m_rangeBox->setObjectName(QStringLiteral("rangeBox"));
    for (const Range range : {Range::Yesterday, Range::Week, Range::Month, Range::All})
        m_rangeBox->addItem(rangeText(range), int(range));
    const QString byReportDay =
        tr("Every figure of the dashboard counts a report on the day its date range begins, in "
           "UTC; reports describe a whole day and arrive the day after.");
    m_rangeBox->setToolTip(byReportDay);
    rangeLabel->setBuddy(m_rangeBox);
    connect(m_rangeBox, &QComboBox::currentIndexChanged, this, [this] {
        QSettings().setValue(QStringLiteral("dashboard/range"), m_rangeBox->currentIndex());
        refresh();
    });
    auto *rangeNote = new QLabel(tr("by report day, UTC"), header);
    rangeNote->setObjectName(QStringLiteral("rangeNote"));
    rangeNote->setForegroundRole(QPalette::PlaceholderText);
    rangeNote->setToolTip(byReportDay);
    row->addWidget(rangeLabel);
    row->addWidget(m_rangeBox);
    row->addWidget(rangeNote);
    row->addStretch(1);

    auto *checkNow = new QPushButton(tr("&Check now"), header);
    checkNow->setObjectName(QStringLiteral("checkNowButton"));
    connect(checkNow, &QPushButton::clicked, &m_exporter, &Exporter::checkNow);
    m_pauseButton = new QPushButton(header);
    m_pauseButton->setObjectName(QStringLiteral("pauseButton"));
    connect(m_pauseButton, &QPushButton::clicked, this, [this] {
        m_exporter.setPaused(!m_exporter.isPaused());
        updatePauseButton();
    });
    updatePauseButton();
    auto *metricsPage = new QPushButton(tr("&Metrics page"), header);
    connect(metricsPage, &QPushButton::clicked, this,
            [this] { QDesktopServices::openUrl(m_exporter.metricsUrl()); });
    auto *settingsButton = new QPushButton(tr("&Settings…"), header);
    connect(settingsButton, &QPushButton::clicked, this, &DashboardWindow::settingsRequested);
    for (QPushButton *button : {checkNow, m_pauseButton, metricsPage, settingsButton})
        row->addWidget(button);
    return header;
}

QWidget *DashboardWindow::buildCards()
{
    auto *cards = new QWidget(this);
    auto *grid = new QGridLayout(cards);
    grid->setContentsMargins(0, 0, 0, 0);
    int column = 0;
    for (const Card card : kCards) {
        auto *frame = new QFrame(cards);
        frame->setFrameShape(QFrame::StyledPanel);
        frame->setBackgroundRole(QPalette::Base);
        frame->setAutoFillBackground(true);
        auto *box = new QVBoxLayout(frame);
        auto *title = new QLabel(cardName(card), frame);
        title->setForegroundRole(QPalette::PlaceholderText);
        auto *value = new QLabel(frame);
        value->setObjectName(QStringLiteral("card%1").arg(int(card)));
        value->setTextInteractionFlags(Qt::TextSelectableByMouse);
        QFont big = value->font();
        big.setPointSizeF(big.pointSizeF() * 1.8);
        big.setBold(true);
        value->setFont(big);
        box->addWidget(title);
        box->addWidget(value);
        grid->addWidget(frame, column / 4, column % 4);
        m_cards.insert(card, value);
        ++column;
    }
    return cards;
}

QWidget *DashboardWindow::buildGroupTab(GroupBy by, const QString &keyHeader)
{
    auto *page = new QWidget(this);
    auto *layout = new QVBoxLayout(page);
    auto *model = new CountsTableModel({keyHeader}, page);
    auto *proxy = makeProxy(model, page);
    auto *view = makeTable(proxy, page);
    view->sortByColumn(1, Qt::DescendingOrder);
    view->setToolTip(tr("Double-click (or Enter) a row to see the label sets behind it"));
    layout->addWidget(makeSearch(proxy, page));
    layout->addWidget(view);
    const auto drill = [this, by, model, proxy](const QModelIndex &index) {
        if (index.isValid())
            openDrillDown(by, model->row(proxy->mapToSource(index).row()).keys.value(0));
    };
    connect(view, &QTableView::activated, this, drill);
    m_groupTables.append(GroupTable{by, model, proxy, view, page});
    return page;
}

QWidget *DashboardWindow::buildReportsTab()
{
    auto *page = new QWidget(this);
    auto *layout = new QVBoxLayout(page);
    m_reports = new ReportsTableModel(page);
    auto *proxy = makeProxy(m_reports, page);
    auto *view = makeTable(proxy, page);
    view->sortByColumn(ReportsTableModel::Processed, Qt::DescendingOrder);
    view->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    view->horizontalHeader()->setStretchLastSection(true); // the reason of a failure
    auto *row = new QHBoxLayout;
    row->addWidget(makeSearch(proxy, page), 1);
    auto *inspect = new QPushButton(tr("&Inspect a report file…"), page);
    inspect->setToolTip(tr("Shows what the exporter makes of an email, XML, gzip or zip file, "
                           "without counting it"));
    connect(inspect, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(
            this, tr("Inspect a report file"), QString(),
            tr("Reports (*.eml *.xml *.gz *.zip *.json);;All files (*)"));
        if (!file.isEmpty())
            openInspectView(file);
    });
    row->addWidget(inspect);
    layout->addLayout(row);
    layout->addWidget(view);
    view->setToolTip(tr("Double-click (or Enter) a report for its details"));
    connect(view, &QTableView::activated, this, [this, proxy](const QModelIndex &index) {
        if (index.isValid())
            openReportDetails(m_reports->entry(proxy->mapToSource(index).row()));
    });
    return page;
}

QDialog *DashboardWindow::openReportDetails(const LoggedReport &entry)
{
    auto *view = new ReportView(entry, m_exporter.queries(), this);
    view->show();
    return view;
}

QWidget *DashboardWindow::buildStatusTab()
{
    auto *page = new QWidget(this);
    auto *layout = new QVBoxLayout(page);
    m_accounts = new QTableWidget(0, 8, page);
    m_accounts->setObjectName(QStringLiteral("accountsTable"));
    m_accounts->setHorizontalHeaderLabels({tr("Account"), tr("State"), tr("Mode"), tr("Last check"),
                                           tr("Next check"), tr("Errors"), tr("Last error"),
                                           tr("Instance")});
    // Which instance watches each account, where several share the database.
    m_accounts->setColumnHidden(kWatcherColumn, !m_exporter.config().database.isSet());
    m_accounts->verticalHeader()->hide();
    m_accounts->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_accounts->horizontalHeader()->setStretchLastSection(true);
    m_accounts->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_log = new ActivityLogView(page);
    layout->addWidget(new QLabel(tr("Accounts"), page));
    layout->addWidget(m_accounts, 1);
    m_refused = new QLabel(page);
    m_refused->setObjectName(QStringLiteral("refusedReportsLabel"));
    m_refused->setWordWrap(true);
    layout->addWidget(m_refused);
    layout->addWidget(new QLabel(tr("Recent activity"), page));
    layout->addWidget(m_log, 2);
    return page;
}

void DashboardWindow::setRange(Range range)
{
    m_rangeBox->setCurrentIndex(m_rangeBox->findData(int(range)));
}

Range DashboardWindow::range() const
{
    return Range(m_rangeBox->currentData().toInt());
}

QString DashboardWindow::cardText(Card card) const
{
    return m_cards.value(card)->text();
}

void DashboardWindow::showError(const QString &message)
{
    m_failedNow = m_failedNow || (m_refreshing && !message.isEmpty());
    m_errorLabel->setText(message);
    m_errorLabel->setVisible(!message.isEmpty());
}

template<typename T>
DashboardQueries::Reply<T> DashboardWindow::shown(std::function<void(const T &)> show)
{
    return [this, show = std::move(show)](const Result<T> &answer) {
        if (answer)
            show(*answer);
        else
            showError(tr("Cannot read the store: %1").arg(answer.error().message));
    };
}

void DashboardWindow::refresh()
{
    DashboardQueries *queries = m_exporter.queries();
    if (!queries)
        return;
    if (m_refreshing) {
        m_refreshAgain = true;
        return;
    }
    m_refreshing = true;
    m_failedNow = false;
    const QDate today = QDateTime::currentDateTimeUtc().date();
    const DayRange days = dayRange(range(), today);
    // The answers come in the order asked, the last ending the refresh. The table of a TLS,
    // failure report or Sources tab in sight is asked first: its rows are what the person waits
    // for, the cards and the chart come next. The summary's answer clears an error of an
    // earlier refresh, not one of this.
    const QList<GroupedView *> views{m_tlsView, m_failureReportView, m_sourcesView};
    auto *const inSight = qobject_cast<GroupedView *>(m_tabs->currentWidget());
    if (views.contains(inSight))
        inSight->refresh(queries, days);
    queries->summary(days, this, shown<RangeSummary>([this](const RangeSummary &summary) {
                         if (!m_failedNow)
                             showError(QString());
                         showTotals(summary.totals);
                         m_summary = summary;
                         showGroups();
                     }));
    queries->trend(days, this,
                   shown<Trend>([this](const Trend &trend) { m_chart->setTrend(trend); }));
    for (GroupedView *view : views) {
        if (view != inSight)
            view->refresh(queries, days);
    }
    const auto showReports = shown<QList<LoggedReport>>(
        [this](const QList<LoggedReport> &reports) { m_reports->setEntries(reports); });
    queries->recentReports(kReportsShown, this,
                           [this, showReports](const Result<QList<LoggedReport>> &reports) {
                               showReports(reports);
                               m_refreshing = false;
                               if (std::exchange(m_refreshAgain, false))
                                   refresh();
                               else
                                   prefetchOtherRanges();
                           });
}

void DashboardWindow::prefetchOtherRanges()
{
    DashboardQueries *queries = m_exporter.queries();
    if (!queries || !isVisible())
        return;
    const QDate today = QDateTime::currentDateTimeUtc().date();
    for (int i = 0; i < m_rangeBox->count(); ++i) {
        const auto other = Range(m_rangeBox->itemData(i).toInt());
        if (other != range())
            queries->prefetch(dayRange(other, today));
    }
}

void DashboardWindow::showGroups()
{
    for (const GroupTable &table : std::as_const(m_groupTables)) {
        if (table.page == m_tabs->currentWidget())
            table.model->setGroups(m_summary.groupsBy(table.by));
    }
}

void DashboardWindow::showTotals(const RangeTotals &totals)
{
    const Counters &c = totals.counters;
    const QLocale locale;
    m_cards.value(Card::Messages)->setText(locale.toString(c.total));
    m_cards.value(Card::Compliance)->setText(formatPercent(c.compliant, c.total));
    m_cards.value(Card::SpfAligned)->setText(formatPercent(c.spfAligned, c.total));
    m_cards.value(Card::DkimAligned)->setText(formatPercent(c.dkimAligned, c.total));
    m_cards.value(Card::Quarantined)->setText(locale.toString(c.quarantine));
    m_cards.value(Card::Rejected)->setText(locale.toString(c.reject));
    m_cards.value(Card::Reports)->setText(locale.toString(totals.reports));
    m_cards.value(Card::InvalidReports)->setText(locale.toString(totals.invalidReports));
    QPalette cardPalette = m_cards.value(Card::Compliance)->palette();
    cardPalette.setColor(QPalette::WindowText, isFailing(c)
                                                   ? QColor(220, 50, 47)
                                                   : palette().color(QPalette::WindowText));
    m_cards.value(Card::Compliance)->setPalette(cardPalette);
}

QDialog *DashboardWindow::openDrillDown(GroupBy by, const QString &key)
{
    const auto table = std::find_if(m_groupTables.cbegin(), m_groupTables.cend(),
                                    [by](const GroupTable &t) { return t.by == by; });
    const QString keyHeader = table->model->headerData(0, Qt::Horizontal).toString();
    const QString shownKey = key.isEmpty() ? tr("(none)") : key;
    const QString rangeName = rangeText(range());
    auto *intro = new QLabel(tr("%1, by report day (UTC): the messages of %2 per reporter, sending "
                                "domain, DKIM domain and SPF domain they were reported with.")
                                 .arg(rangeName, shownKey));
    QDialog *dialog = showLabelSets(QStringLiteral("drillDown"),
                                    tr("%1 %2 (%3)").arg(keyHeader, shownKey, rangeName), intro, {});
    if (DashboardQueries *queries = m_exporter.queries()) {
        auto *model = dialog->findChild<CountsTableModel *>();
        const DayRange days = dayRange(range(), QDateTime::currentDateTimeUtc().date());
        queries->labelSetsBehind(by, key, days, model,
                                 shown<QList<LabelCounts>>([model](const QList<LabelCounts> &sets) {
                                     model->setLabelSets(sets);
                                 }));
    }
    return dialog;
}

QDialog *DashboardWindow::showLabelSets(const QString &objectName, const QString &title,
                                        QLabel *intro, const QList<LabelCounts> &labelSets)
{
    auto *dialog = new QDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setObjectName(objectName);
    dialog->setWindowTitle(title);
    auto *layout = new QVBoxLayout(dialog);
    intro->setParent(dialog);
    intro->setTextInteractionFlags(Qt::TextSelectableByMouse);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto *model = new CountsTableModel(
        {tr("Reporter"), tr("Sending domain"), tr("DKIM domain"), tr("SPF domain")}, dialog);
    model->setLabelSets(labelSets);
    auto *view = makeTable(makeProxy(model, dialog), dialog);
    view->sortByColumn(model->keyColumns() + CountsTableModel::Messages, Qt::DescendingOrder);
    // Every column as wide as its contents, and the dialog as wide as the columns (as far as
    // the screen allows), whenever the rows change.
    view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    const auto fitColumns = [dialog, view] {
        const int columns = view->horizontalHeader()->length() + 2 * view->frameWidth() +
                            view->verticalScrollBar()->sizeHint().width();
        const int margins = dialog->layout()->contentsMargins().left() +
                            dialog->layout()->contentsMargins().right();
        const QRect screen = dialog->screen()->availableGeometry();
        dialog->resize(std::clamp(columns + margins, 600, screen.width()),
                       std::max(dialog->height(), 400));
    };
    connect(model, &QAbstractItemModel::modelReset, dialog, fitColumns);
    layout->addWidget(view);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
    connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    layout->addWidget(buttons);
    dialog->resize(900, 400);
    fitColumns();
    dialog->show();
    return dialog;
}

QDialog *DashboardWindow::openInspectView(const QString &filePath)
{
    QFile file(filePath);
    if (!file.open(QIODevice::ReadOnly)) {
        showError(tr("Cannot read %1: %2").arg(filePath, file.errorString()));
        return nullptr;
    }
    const EmailAnalysis analysis =
        analyzeFile(file.readAll(), QFileInfo(filePath).fileName(), m_exporter.config().limits);

    QStringList lines;
    lines << (analysis.verdict() == EmailVerdict::Done
                  ? tr("Valid: would be counted and moved to the done folder.")
                  : tr("Invalid: would be counted as an invalid report and moved to the error "
                       "folder."));
    if (!analysis.fromEmail.isEmpty())
        lines << tr("From: %1").arg(analysis.fromEmail);
    if (analysis.candidates == 0)
        lines << tr("No report attachment found.");
    for (const ReportCounts &report : analysis.reports) {
        lines << tr("Report %1 from %2 (%3): %4 records, %5 messages, policy %6 p=%7")
                     .arg(report.reportId, report.orgName, report.source)
                     .arg(QLocale().toString(report.records))
                     .arg(QLocale().toString(report.messages))
                     .arg(report.policyDomain, report.policy);
    }
    for (const TlsReport &report : analysis.tlsReports) {
        lines << tr("TLS report %1 from %2 (%3)")
                     .arg(report.reportId, report.organizationName, report.source);
        for (const TlsPolicyCounts &policy : report.policies) {
            lines << tr("  %1 (%2): %3 successful, %4 failed sessions")
                         .arg(policy.policyDomain, policy.policyType)
                         .arg(QLocale().toString(policy.successfulSessions))
                         .arg(QLocale().toString(policy.failedSessions));
        }
    }
    for (const FailureReport &report : analysis.failureReports) {
        lines << tr("Failure report for %1 (%2): auth failure %3, alignment %4, delivery %5")
                     .arg(report.reportedDomain, report.source, report.authFailure,
                          report.identityAlignment, report.deliveryResult);
    }
    for (const PayloadFailure &failure : analysis.failures)
        lines << tr("Failed: %1: %2").arg(failure.part, failure.error.message);
    auto *summary = new QLabel(lines.join(QLatin1Char('\n')));
    summary->setObjectName(QStringLiteral("inspectSummary"));
    QList<LabelCounts> labelSets;
    for (const ReportCounts &report : analysis.reports)
        labelSets += report.counts;
    return showLabelSets(QStringLiteral("inspectView"),
                         tr("Inspect %1").arg(QFileInfo(filePath).fileName()), summary, labelSets);
}

void DashboardWindow::updateAccount(int index, const AccountStatus &status)
{
    if (index >= m_accounts->rowCount())
        m_accounts->setRowCount(index + 1);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QStringList cells{status.name,
                            activityText(status.activity),
                            status.connected ? modeText(status) : QString(),
                            whenText(status.lastSuccessfulPoll, now),
                            nextCheckText(status, now),
                            QLocale().toString(status.pollErrors),
                            troubleText(status),
                            watcherText(status)};
    for (int column = 0; column < cells.size(); ++column) {
        auto *item = new QTableWidgetItem(cells.at(column));
        if (column == kErrorsColumn)
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        if (!status.lastError.isEmpty())
            item->setBackground(failingRowColor());
        m_accounts->setItem(index, column, item);
    }
    while (m_accountStates.size() <= index)
        m_accountStates.append(AccountStatus());
    // The banner is built again only when what it says of the account changes.
    const auto bannerText = [now](const AccountStatus &account) {
        const auto problem = accountProblem(account, now, {}, {});
        return problem ? problem->message : QString();
    };
    const bool changed = bannerText(status) != bannerText(m_accountStates.at(index));
    m_accountStates[index] = status;
    if (changed)
        showProblems();
    updatePauseButton();
}

void DashboardWindow::updatePauseButton()
{
    m_pauseButton->setText(m_exporter.isPaused() ? tr("&Resume") : tr("P&ause"));
}

void DashboardWindow::onEmailsProcessed()
{
    showProblems();
    refresh();
}

void DashboardWindow::showProblems()
{
    QList<Problem> problems;
    const StoreStatus &status = m_storeStatus;
    if (!status.usable) {
        problems << Problem{
            tr("Reports cannot be saved: %1. The emails stay in the inbox; the next try is "
               "at %2.")
                .arg(status.reason, QLocale().toString(status.nextRetry.toLocalTime().time(),
                                                       QStringLiteral("HH:mm:ss"))),
            {{tr("Retry now"), [this] { m_exporter.retryStore(); }}}};
    }
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QList<AccountStatus> accounts = m_exporter.accounts();
    for (int i = 0; i < accounts.size(); ++i) {
        if (const auto problem = accountProblem(
                accounts.at(i), now, [this] { Q_EMIT settingsRequested(); },
                [this, i] { m_exporter.retryAccount(i); }))
            problems << *problem;
    }
    const quint64 perReport = m_exporter.refusedReports(Refusal::LabelSetsPerReport);
    const quint64 total = m_exporter.refusedReports(Refusal::LabelSets);
    const quint64 foreign = m_exporter.refusedReports(Refusal::ForeignDomain);
    const QLocale locale;
    if (perReport + total + foreign == 0) {
        m_refused->setText(tr("No report was refused by the limits on label sets or the own "
                              "domains since the start."));
    } else {
        m_refused->setText(
            tr("Reports refused since the start: %1 with more label sets than "
               "limits.max_label_sets_per_report, %2 past limits.max_label_sets, "
               "%3 for a domain not in domains.")
                .arg(locale.toString(perReport), locale.toString(total), locale.toString(foreign)));
        problems << Problem{tr("Reports refused to keep the number of series bounded: %1. "
                               "Their emails are in the error folder; see Status and activity.")
                                .arg(locale.toString(perReport + total + foreign)),
                            {}};
    }
    m_problemBanner->setProblems(problems);
}

void DashboardWindow::closeEvent(QCloseEvent *event)
{
    QSettings().setValue(QStringLiteral("dashboard/geometry"), saveGeometry());
    QMainWindow::closeEvent(event);
}

} // namespace Dmarc::Ui
