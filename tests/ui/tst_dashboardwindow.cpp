#include "dashboardwindow.h"
#include "desktopshell.h"
#include "exporterfixture.h"
#include "problembanner.h"
#include "queryanswer.h"
#include "reportview.h"
#include "samplestore.h"
#include "service/dashboardqueries.h"
#include "service/exporter.h"
#include "sourcesview.h"
#include "trayicon.h"
#include "trendchart.h"

#include <QAbstractItemView>
#include <QComboBox>
#include <QDateTime>
#include <QDialog>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QScreen>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QSystemTrayIcon>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace Dmarc;
using namespace Dmarc::Ui;

class TestDashboardWindow : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QDate m_today = QDateTime::currentDateTimeUtc().date();
    std::unique_ptr<Exporter> m_exporter;
    std::unique_ptr<DashboardWindow> m_window;

    // 0 when the store cannot say.
    quint64 messagesIn(Range range) const
    {
        const auto totals = Test::answerOf<RangeTotals>([&](QObject *c, auto reply) {
            m_exporter->queries()->totals(dayRange(range, m_today), c, reply);
        });
        return totals && *totals ? (*totals)->counters.total : 0;
    }

    // The raw values of one value column of a table's rows, added up.
    static quint64 columnSum(const QAbstractItemModel *model, int column)
    {
        quint64 sum = 0;
        for (int row = 0; row < model->rowCount(); ++row)
            sum += model->index(row, column).data(Qt::UserRole).toULongLong();
        return sum;
    }

    // Closes a dialog and waits until it is gone (it deletes itself on close, a moment later).
    static void closeAndWait(QDialog *dialog)
    {
        QPointer<QDialog> guard(dialog);
        dialog->close();
        QTRY_VERIFY(guard.isNull());
    }

    // Through the keyboard, as a person would: Home, then Down to the wanted range.
    void pickRange(Range range)
    {
        auto *box = m_window->findChild<QComboBox *>(QStringLiteral("rangeBox"));
        QVERIFY(box);
        box->setFocus();
        QTest::keyClick(box, Qt::Key_Home);
        for (int i = 0; i < int(range); ++i)
            QTest::keyClick(box, Qt::Key_Down);
        QCOMPARE(m_window->range(), range);
        settle();
    }

    // Until the figures asked for last are shown.
    void settle() { QTRY_VERIFY(!m_window->isRefreshing()); }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
        QVERIFY(m_dir.isValid());
        Test::openSampleStore(m_dir.path(), m_today); // filled, then closed for the exporter
        m_exporter = Test::startExporterWithUnreachableAccount(m_dir.path());
        QVERIFY(m_exporter);
        m_window = std::make_unique<DashboardWindow>(*m_exporter);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        settle();
    }

    void cleanupTestCase()
    {
        m_window.reset();
        Test::stopExporter(m_exporter);
    }

    void rangeSwitchUpdatesCards_data()
    {
        QTest::addColumn<int>("range");
        QTest::newRow("yesterday") << int(Range::Yesterday);
        QTest::newRow("7 d") << int(Range::Week);
        QTest::newRow("30 d") << int(Range::Month);
        QTest::newRow("all") << int(Range::All);
    }

    void rangeSwitchUpdatesCards()
    {
        QFETCH(int, range);
        pickRange(Range(range));
        const quint64 expected = messagesIn(Range(range));
        QVERIFY(expected > 0);
        QCOMPARE(m_window->cardText(DashboardWindow::Card::Messages), QLocale().toString(expected));
        QVERIFY(
            m_window->cardText(DashboardWindow::Card::Compliance).endsWith(QStringLiteral("%")));
    }

    // On every range the rows of each table (sending domains, reporters, DKIM and SPF domains)
    // add up to the cards, exactly.
    void cardsEqualTheTables_data() { rangeSwitchUpdatesCards_data(); }

    void cardsEqualTheTables()
    {
        QFETCH(int, range);
        pickRange(Range(range));
        const QLocale locale;
        for (int tab = 0; tab < 4; ++tab) {
            m_window->tabs()->setCurrentIndex(tab); // a table takes in the range when shown
            auto *view = m_window->tabs()->widget(tab)->findChild<QTableView *>();
            QVERIFY(view);
            const QAbstractItemModel *model = view->model();
            QVERIFY(model->rowCount() > 0);
            QCOMPARE(locale.toString(columnSum(model, 1 + CountsTableModel::Messages)),
                     m_window->cardText(DashboardWindow::Card::Messages));
            QCOMPARE(locale.toString(columnSum(model, 1 + CountsTableModel::Quarantined)),
                     m_window->cardText(DashboardWindow::Card::Quarantined));
            QCOMPARE(locale.toString(columnSum(model, 1 + CountsTableModel::Rejected)),
                     m_window->cardText(DashboardWindow::Card::Rejected));
        }
    }

    // A range switch fills the table in sight; a table on another tab takes in the range's rows
    // when its tab is shown, not before.
    void hiddenTablesFollowTheRangeWhenShown()
    {
        auto *tabs = m_window->tabs();
        const auto messages = [tabs](int tab) {
            return columnSum(tabs->widget(tab)->findChild<QTableView *>()->model(),
                             1 + CountsTableModel::Messages);
        };
        tabs->setCurrentIndex(1); // reporters
        m_window->setRange(Range::Week);
        settle();
        const quint64 week = messages(1);
        QCOMPARE(QLocale().toString(week), m_window->cardText(DashboardWindow::Card::Messages));
        tabs->setCurrentIndex(0); // sending domains
        m_window->setRange(Range::All);
        settle();
        const QString all = m_window->cardText(DashboardWindow::Card::Messages);
        QVERIFY(all != QLocale().toString(week));
        QCOMPARE(QLocale().toString(messages(0)), all);
        QCOMPARE(messages(1), week); // not shown yet: still the last range it showed
        tabs->setCurrentIndex(1);
        QCOMPARE(QLocale().toString(messages(1)), all);
    }

    // The table of the tab in sight is answered before the cards and the chart: on the Sources
    // tab a range switch shows the new rows while the cards still show the range before.
    void tableInSightIsAnsweredFirst()
    {
        auto *tabs = m_window->tabs();
        SourcesView *sources = m_window->sourcesView();
        tabs->setCurrentWidget(sources);
        m_window->setRange(Range::Week);
        settle();
        const QString week = m_window->cardText(DashboardWindow::Card::Messages);
        QString cardsAtRows;
        const auto noted = connect(sources->model(), &QAbstractItemModel::modelReset, this, [&] {
            if (cardsAtRows.isEmpty())
                cardsAtRows = m_window->cardText(DashboardWindow::Card::Messages);
        });
        m_window->setRange(Range::All);
        settle();
        disconnect(noted);
        tabs->setCurrentIndex(0);
        QCOMPARE(cardsAtRows, week);
        QVERIFY(m_window->cardText(DashboardWindow::Card::Messages) != week);
    }

    void rangesDiffer()
    {
        m_window->setRange(Range::Week);
        settle();
        const QString week = m_window->cardText(DashboardWindow::Card::Messages);
        const QString weekReports = m_window->cardText(DashboardWindow::Card::Reports);
        m_window->setRange(Range::All);
        settle();
        QVERIFY(m_window->cardText(DashboardWindow::Card::Messages) != week);
        QVERIFY(m_window->cardText(DashboardWindow::Card::Reports) != weekReports);
        QVERIFY(m_window->cardText(DashboardWindow::Card::InvalidReports).toInt() >= 2);
    }

    // Next to the picker, the dashboard says how it counts days.
    void rangesSayTheyCountByReportDay()
    {
        auto *box = m_window->findChild<QComboBox *>(QStringLiteral("rangeBox"));
        QStringList ranges;
        for (int i = 0; i < box->count(); ++i)
            ranges << box->itemText(i);
        QCOMPARE(ranges, QStringList({QStringLiteral("Yesterday"), QStringLiteral("Last 7 days"),
                                      QStringLiteral("Last 30 days"), QStringLiteral("All time")}));
        auto *note = m_window->findChild<QLabel *>(QStringLiteral("rangeNote"));
        QVERIFY(note);
        QVERIFY(note->isVisible());
        QCOMPARE(note->text(), QStringLiteral("by report day, UTC"));
        QVERIFY(box->toolTip().contains(QStringLiteral("UTC")));
    }

    void chartFollowsTheRange()
    {
        m_window->setRange(Range::Month);
        settle();
        const Trend &trend = m_window->chart()->trend();
        QCOMPARE(trend.period, TrendPeriod::Day);
        QCOMPARE(trend.points.size(), 30);
        QCOMPARE(trend.points.last().first, m_today);
        quint64 sum = 0;
        for (const TrendPoint &point : trend.points)
            sum += point.messages;
        QCOMPARE(QLocale().toString(sum), m_window->cardText(DashboardWindow::Card::Messages));
        // Yesterday is one bar: the day the reports describe.
        m_window->setRange(Range::Yesterday);
        settle();
        QCOMPARE(m_window->chart()->trend().points.size(), 1);
        QCOMPARE(m_window->chart()->trend().points.first().first, m_today.addDays(-1));
        QVERIFY(m_window->chart()->trend().points.first().messages > 0);
    }

    // All time reaches back years: a bar per month from the first month with reports, months
    // without reports left empty, and the figures add up to the cards.
    void allTimeChartGroupsByMonthWithGaps()
    {
        m_window->setRange(Range::All);
        settle();
        TrendChart *chart = m_window->chart();
        const Trend &trend = chart->trend();
        QCOMPARE(trend.period, TrendPeriod::Month);
        QVERIFY(trend.points.size() > 12);
        QVERIFY(trend.points.first().messages > 0); // starts with data
        QCOMPARE(trend.points.first().first.day(), 1);
        QVERIFY(trend.points.first().first.addYears(1) < m_today);
        int gaps = 0;
        quint64 sum = 0;
        for (int i = 0; i < trend.points.size(); ++i) {
            const TrendPoint &point = trend.points.at(i);
            sum += point.messages;
            if (point.messages == 0) {
                ++gaps;
                QVERIFY(chart->describe(i).endsWith(QStringLiteral("No reports")));
            }
            if (i > 0) // one month after the other, none left out
                QCOMPARE(point.first, trend.points.at(i - 1).first.addMonths(1));
        }
        QVERIFY(gaps > 0);
        QCOMPARE(QLocale().toString(sum), m_window->cardText(DashboardWindow::Card::Messages));
        QCOMPARE(chart->periodLabel(int(trend.points.size()) - 1),
                 QLocale().toString(m_today, QStringLiteral("MMM yyyy")));
    }

    // Hover values by mouse and by keyboard, in one box (the chart's own, no tooltip on top),
    // with the locale's thousands separator.
    void chartHoverShowsOneBox()
    {
        m_window->setRange(Range::Month);
        settle();
        TrendChart *chart = m_window->chart();
        QTest::mouseMove(chart, QPoint(chart->width() / 2, chart->height() / 2));
        QTRY_VERIFY(chart->hoveredIndex() >= 0);
        QVERIFY(chart->toolTip().isEmpty());
        chart->setFocus();
        QTest::keyClick(chart, Qt::Key_Right);
        const int index = chart->hoveredIndex();
        QVERIFY(index >= 0);
        const TrendPoint &point = chart->trend().points.at(index);
        QVERIFY(chart->describe(index).contains(
            QLocale().toString(point.first, QLocale::ShortFormat)));
        QVERIFY(chart->describe(index).contains(QLocale().toString(point.messages)));
        // A month of the sample store has thousands of messages.
        m_window->setRange(Range::All);
        settle();
        const int last = int(chart->trend().points.size()) - 1;
        QVERIFY(chart->trend().points.at(last).messages >= 1000);
        QVERIFY2(chart->describe(last).contains(QLatin1Char(',')), qPrintable(chart->describe(last)));
        QVERIFY(chart->toolTip().isEmpty());
    }

    // The tray's tooltip names yesterday's figures, as the dashboard's "Yesterday" has them.
    void trayTooltipNamesYesterday()
    {
        TrayIcon tray(*m_exporter);
        QTRY_VERIFY(!tray.isRefreshing());
        const auto totals = Test::answerOf<RangeTotals>([&](QObject *c, auto reply) {
            m_exporter->queries()->totals(dayRange(Range::Yesterday, m_today), c, reply);
        });
        QVERIFY(totals && *totals);
        const Counters &yesterday = (*totals)->counters;
        QVERIFY(yesterday.total > 0);
        const QString expected = QStringLiteral("Yesterday: %1 messages, %2 compliant")
                                     .arg(QLocale().toString(yesterday.total),
                                          formatPercent(yesterday.compliant, yesterday.total));
        QVERIFY2(tray.toolTip().contains(expected), qPrintable(tray.toolTip()));
        QVERIFY2(tray.toolTip().contains(QStringLiteral("Last 7 days: ")),
                 qPrintable(tray.toolTip()));
    }

    void searchFiltersTheTable()
    {
        m_window->tabs()->setCurrentIndex(0); // sending domains
        QWidget *page = m_window->tabs()->currentWidget();
        auto *search = page->findChild<QLineEdit *>(QStringLiteral("search"));
        auto *view = page->findChild<QTableView *>();
        QVERIFY(search);
        QVERIFY(view);
        const int all = view->model()->rowCount();
        QVERIFY(all >= 3);
        search->setFocus();
        QTest::keyClicks(search, QStringLiteral("EXAMPLE.ORG"));
        QCOMPARE(view->model()->rowCount(), 1);
        QCOMPARE(view->model()->index(0, 0).data().toString(), QStringLiteral("example.org"));
        search->clear();
        QCOMPARE(view->model()->rowCount(), all);
    }

    void drillDownShowsLabelSets()
    {
        m_window->setRange(Range::All);
        settle();
        QDialog *dialog =
            m_window->openDrillDown(GroupBy::FromDomain, QStringLiteral("example.com"));
        QVERIFY(dialog);
        auto *view = dialog->findChild<QTableView *>();
        QVERIFY(view);
        // Four reporters with a DKIM-aligned source, plus the spoofing source for some of them.
        QTRY_VERIFY(view->model()->rowCount() >= 5);
        for (int row = 0; row < view->model()->rowCount(); ++row)
            QCOMPARE(view->model()->index(row, 1).data().toString(), QStringLiteral("example.com"));
        closeAndWait(dialog);

        // Enter on a selected row opens it too.
        m_window->tabs()->setCurrentIndex(1); // reporters
        auto *reporters = m_window->tabs()->currentWidget()->findChild<QTableView *>();
        reporters->setFocus();
        reporters->setCurrentIndex(reporters->model()->index(0, 0));
        QTest::keyClick(reporters, Qt::Key_Return);
        QDialog *opened = nullptr;
        QTRY_VERIFY((opened = m_window->findChild<QDialog *>(QStringLiteral("drillDown"))));
        closeAndWait(opened);
    }

    // The drill-down shows the range the dashboard shows, says which, and adds up to its row;
    // its columns are as wide as their contents and the dialog as wide as them.
    void drillDownFollowsTheRange_data()
    {
        QTest::addColumn<int>("range");
        QTest::newRow("yesterday") << int(Range::Yesterday);
        QTest::newRow("7 d") << int(Range::Week);
        QTest::newRow("all") << int(Range::All);
    }

    void drillDownFollowsTheRange()
    {
        QFETCH(int, range);
        pickRange(Range(range));
        m_window->tabs()->setCurrentIndex(0); // sending domains
        auto *domains = m_window->tabs()->currentWidget()->findChild<QTableView *>();
        const QAbstractItemModel *rows = domains->model();
        int row = 0;
        while (row < rows->rowCount() &&
               rows->index(row, 0).data().toString() != QStringLiteral("example.com"))
            ++row;
        QVERIFY(row < rows->rowCount());
        const quint64 rowMessages =
            rows->index(row, 1 + CountsTableModel::Messages).data(Qt::UserRole).toULongLong();
        domains->setFocus();
        domains->setCurrentIndex(rows->index(row, 0));
        QTest::keyClick(domains, Qt::Key_Return);
        QDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = m_window->findChild<QDialog *>(QStringLiteral("drillDown"))));
        auto *view = dialog->findChild<QTableView *>();
        QTRY_VERIFY(view->model()->rowCount() > 0);
        QCOMPARE(columnSum(view->model(), 4 + CountsTableModel::Messages), rowMessages);
        const QString title = dialog->windowTitle();
        QVERIFY2(title.contains(QStringLiteral("example.com")), qPrintable(title));
        QVERIFY2(title.contains(rangeText(Range(range))), qPrintable(title));
        QVERIFY2(title.startsWith(QStringLiteral("Sending domain")), qPrintable(title));
        QVERIFY2(!title.contains(QStringLiteral("Label sets")), qPrintable(title));
        QVERIFY(QTest::qWaitForWindowExposed(dialog));
        const int needed = view->horizontalHeader()->length() + 2 * view->frameWidth();
        for (int column = 0; column < view->model()->columnCount(); ++column)
            QVERIFY(view->columnWidth(column) >= view->horizontalHeader()->sectionSizeHint(column));
        const int screen = dialog->screen()->availableGeometry().width();
        QTRY_VERIFY2(view->width() >= needed || dialog->width() >= screen,
                     qPrintable(QStringLiteral("%1 < %2").arg(view->width()).arg(needed)));
        closeAndWait(dialog);
    }

    void inspectViewShowsAReport()
    {
        QDialog *dialog = m_window->openInspectView(
            QStringLiteral(DMARC_TEST_DATA_DIR "/upstream/email-report-2.0-xml.eml"));
        QVERIFY(dialog);
        const QString summary =
            dialog->findChild<QLabel *>(QStringLiteral("inspectSummary"))->text();
        QVERIFY2(summary.startsWith(QStringLiteral("Valid")), qPrintable(summary));
        QVERIFY(dialog->findChild<QTableView *>()->model()->rowCount() > 0);
        dialog->close();
    }

    void reportDetailsShowTheReason()
    {
        m_window->tabs()->setCurrentIndex(5); // recent reports
        auto *view = m_window->tabs()->currentWidget()->findChild<QTableView *>();
        QVERIFY(view);
        QVERIFY(view->model()->rowCount() > 0);
        int errorRow = -1;
        for (int row = 0; row < view->model()->rowCount() && errorRow < 0; ++row) {
            if (view->model()->index(row, ReportsTableModel::Outcome).data().toString() ==
                QStringLiteral("Error"))
                errorRow = row;
        }
        QVERIFY(errorRow >= 0);
        const QString reason =
            view->model()->index(errorRow, ReportsTableModel::Reason).data().toString();
        view->setFocus();
        view->setCurrentIndex(view->model()->index(errorRow, 0));
        QTest::keyClick(view, Qt::Key_Return);
        ReportView *details = nullptr;
        QTRY_VERIFY((details = m_window->findChild<ReportView *>(QStringLiteral("reportDetails"))));
        QTRY_VERIFY(details->isLoaded());
        QCOMPARE(details->findChild<QLabel *>(QStringLiteral("reportReason"))->text(), reason);
        details->close();
    }

    void checkNowReachesTheService()
    {
        auto *accounts = m_window->findChild<QTableWidget *>(QStringLiteral("accountsTable"));
        QVERIFY(accounts);
        QCOMPARE(accounts->rowCount(), 1);
        // The account fails at once (nobody listens) and then waits out its backoff.
        QTRY_VERIFY(m_exporter->accounts().first().pollErrors >= 1);
        QTRY_VERIFY(!accounts->item(0, 6)->text().isEmpty());
        const quint64 before = m_exporter->accounts().first().pollErrors;
        auto *button = m_window->findChild<QPushButton *>(QStringLiteral("checkNowButton"));
        QVERIFY(button);
        QTest::mouseClick(button, Qt::LeftButton);
        // The backoff is ten minutes: only "Check now" can have started this attempt.
        QTRY_VERIFY_WITH_TIMEOUT(m_exporter->accounts().first().pollErrors > before, 10000);
        QTRY_COMPARE(accounts->item(0, 5)->text(),
                     QLocale().toString(m_exporter->accounts().first().pollErrors));
        auto *log = m_window->findChild<QPlainTextEdit *>(QStringLiteral("activityLog"));
        QVERIFY(log->toPlainText().contains(QStringLiteral("reports")));
    }

    // The service's word that the store refuses commits puts a banner at the top with the
    // reason and the next try; the word that it takes them again takes the banner away. The
    // account nobody listens for is a problem of its own, named as such.
    void storeFaultShowsABanner()
    {
        ProblemBanner *banner = m_window->problemBanner();
        QVERIFY(banner);
        QTRY_COMPARE(banner->problems().size(), 1);
        const QString account = banner->problems().constFirst().message;
        QVERIFY2(account.startsWith(QStringLiteral("Server unreachable: 127.0.0.1:")),
                 qPrintable(account));
        QVERIFY(!banner->isHidden());
        StoreStatus down;
        down.usable = false;
        down.reason = QStringLiteral("the disk holding the store is full");
        down.nextRetry = QDateTime(m_today, QTime(13, 5, 7), Qt::UTC);
        Q_EMIT m_exporter->storeStatusChanged(down);
        QCOMPARE(banner->problems().size(), 2);
        const Problem shown = banner->problems().constFirst();
        QVERIFY2(shown.message.contains(down.reason), qPrintable(shown.message));
        QVERIFY2(shown.message.contains(QLocale().toString(down.nextRetry.toLocalTime().time(),
                                                           QStringLiteral("HH:mm:ss"))),
                 qPrintable(shown.message));
        QCOMPARE(shown.actions.size(), 1);
        QCOMPARE(shown.actions.constFirst().text, QStringLiteral("Retry now"));
        shown.actions.constFirst().run(); // nothing waits: the store is asked, nothing breaks
        Q_EMIT m_exporter->storeStatusChanged(StoreStatus());
        QCOMPARE(banner->problems().size(), 1);
        QCOMPARE(banner->problems().constFirst().message, account);
    }

    void pauseAndResume()
    {
        auto *button = m_window->findChild<QPushButton *>(QStringLiteral("pauseButton"));
        QVERIFY(button);
        QTest::mouseClick(button, Qt::LeftButton);
        QVERIFY(m_exporter->isPaused());
        QCOMPARE(button->text(), QStringLiteral("&Resume"));
        QTest::mouseClick(button, Qt::LeftButton);
        QVERIFY(!m_exporter->isPaused());
        QCOMPARE(button->text(), QStringLiteral("P&ause"));
    }

    void withoutATrayTheDashboardIsTheApp()
    {
        QVERIFY(!QSystemTrayIcon::isSystemTrayAvailable()); // offscreen has none
        QTemporaryDir dir;
        auto exporter = Test::startExporterWithUnreachableAccount(dir.path());
        QVERIFY(exporter);
        DesktopShell shell(*exporter);
        shell.start();
        QVERIFY(shell.dashboard());
        QVERIFY(QTest::qWaitForWindowExposed(shell.dashboard()));
        QSignalSpy stopped(exporter.get(), &Exporter::stopped);
        shell.dashboard()->close();
        QTRY_VERIFY(!shell.dashboard());
        QVERIFY(stopped.count() == 1 || stopped.wait());
    }

    void geometryIsRemembered()
    {
        // Above the least size the window takes with the account's problem at the top.
        m_window->resize(1000, 900);
        m_window->close();
        DashboardWindow second(*m_exporter);
        QCOMPARE(second.size(), QSize(1000, 900));
        QCOMPARE(second.range(), m_window->range());
    }
};

QTEST_MAIN(TestDashboardWindow)
#include "tst_dashboardwindow.moc"
