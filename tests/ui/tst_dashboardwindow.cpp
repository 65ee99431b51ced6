#include "dashboardwindow.h"
#include "desktopshell.h"
#include "exporterfixture.h"
#include "problembanner.h"
#include "queryanswer.h"
#include "samplestore.h"
#include "service/dashboardqueries.h"
#include "service/exporter.h"
#include "trendchart.h"

#include <QAbstractItemView>
#include <QComboBox>
#include <QDateTime>
#include <QDialog>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
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
    quint64 messagesSince(QDate from) const
    {
        const auto totals = Test::answerOf<RangeTotals>([&](QObject *c, auto reply) {
            m_exporter->queries()->totals({from, m_today}, c, reply);
        });
        return totals && *totals ? (*totals)->counters.total : 0;
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
        QTest::newRow("24 h") << int(Range::Day);
        QTest::newRow("7 d") << int(Range::Week);
        QTest::newRow("30 d") << int(Range::Month);
        QTest::newRow("all") << int(Range::All);
    }

    void rangeSwitchUpdatesCards()
    {
        QFETCH(int, range);
        auto *box = m_window->findChild<QComboBox *>(QStringLiteral("rangeBox"));
        QVERIFY(box);
        box->setFocus();
        // Through the keyboard, as a person would: Home, then Down to the wanted range.
        QTest::keyClick(box, Qt::Key_Home);
        for (int i = 0; i < range; ++i)
            QTest::keyClick(box, Qt::Key_Down);
        QCOMPARE(int(m_window->range()), range);
        settle();
        const quint64 expected = messagesSince(rangeStart(Range(range), m_today));
        QVERIFY(expected > 0);
        QCOMPARE(m_window->cardText(DashboardWindow::Card::Messages), QLocale().toString(expected));
        QVERIFY(
            m_window->cardText(DashboardWindow::Card::Compliance).endsWith(QStringLiteral("%")));
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

    void chartFollowsTheRange()
    {
        m_window->setRange(Range::Month);
        settle();
        QCOMPARE(m_window->chart()->series().size(), 30);
        QCOMPARE(m_window->chart()->series().last().day, m_today);
        quint64 sum = 0;
        for (const DailyPoint &point : m_window->chart()->series())
            sum += point.messages;
        QCOMPARE(sum, messagesSince(rangeStart(Range::Month, m_today)));
        // The day range still shows a week of bars.
        m_window->setRange(Range::Day);
        settle();
        QCOMPARE(m_window->chart()->series().size(), 7);
        // Hover values, by mouse and by keyboard.
        TrendChart *chart = m_window->chart();
        QTest::mouseMove(chart, QPoint(chart->width() / 2, chart->height() / 2));
        QTRY_VERIFY(chart->hoveredIndex() >= 0);
        chart->setFocus();
        QTest::keyClick(chart, Qt::Key_Right);
        const int index = chart->hoveredIndex();
        QVERIFY(index >= 0);
        QVERIFY(chart->describe(index).contains(
            QLocale().toString(chart->series().at(index).day, QLocale::ShortFormat)));
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
        QDialog *dialog =
            m_window->openDrillDown(GroupBy::FromDomain, QStringLiteral("example.com"));
        QVERIFY(dialog);
        auto *view = dialog->findChild<QTableView *>();
        QVERIFY(view);
        // Four reporters with a DKIM-aligned source, plus the spoofing source for some of them.
        QTRY_VERIFY(view->model()->rowCount() >= 5);
        for (int row = 0; row < view->model()->rowCount(); ++row)
            QCOMPARE(view->model()->index(row, 1).data().toString(), QStringLiteral("example.com"));
        dialog->close();

        // Enter on a selected row opens it too.
        m_window->tabs()->setCurrentIndex(1); // reporters
        auto *reporters = m_window->tabs()->currentWidget()->findChild<QTableView *>();
        reporters->setFocus();
        reporters->setCurrentIndex(reporters->model()->index(0, 0));
        QTest::keyClick(reporters, Qt::Key_Return);
        QTRY_VERIFY(m_window->findChild<QDialog *>(QStringLiteral("drillDown")));
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
        m_window->tabs()->setCurrentIndex(4); // recent reports
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
        QMessageBox *details = nullptr;
        QTRY_VERIFY(
            (details = m_window->findChild<QMessageBox *>(QStringLiteral("reportDetails"))));
        QVERIFY2(details->text().contains(reason), qPrintable(details->text()));
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
    // reason and the next try; the word that it takes them again takes the banner away.
    void storeFaultShowsABanner()
    {
        ProblemBanner *banner = m_window->problemBanner();
        QVERIFY(banner);
        QVERIFY(banner->problems().isEmpty());
        QVERIFY(banner->isHidden());
        StoreStatus down;
        down.usable = false;
        down.reason = QStringLiteral("the disk holding the store is full");
        down.nextRetry = QDateTime(m_today, QTime(13, 5, 7), Qt::UTC);
        Q_EMIT m_exporter->storeStatusChanged(down);
        QCOMPARE(banner->problems().size(), 1);
        QVERIFY(!banner->isHidden());
        const Problem shown = banner->problems().constFirst();
        QVERIFY2(shown.message.contains(down.reason), qPrintable(shown.message));
        QVERIFY2(shown.message.contains(QLocale().toString(down.nextRetry.toLocalTime().time(),
                                                           QStringLiteral("HH:mm:ss"))),
                 qPrintable(shown.message));
        QCOMPARE(shown.actions.size(), 1);
        QCOMPARE(shown.actions.constFirst().text, QStringLiteral("Retry now"));
        shown.actions.constFirst().run(); // nothing waits: the store is asked, nothing breaks
        Q_EMIT m_exporter->storeStatusChanged(StoreStatus());
        QVERIFY(banner->problems().isEmpty());
        QVERIFY(banner->isHidden());
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
        m_window->resize(900, 700);
        m_window->close();
        DashboardWindow second(*m_exporter);
        QCOMPARE(second.size(), QSize(900, 700));
        QCOMPARE(second.range(), m_window->range());
    }
};

QTEST_MAIN(TestDashboardWindow)
#include "tst_dashboardwindow.moc"
