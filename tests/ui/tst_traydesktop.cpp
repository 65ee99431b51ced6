#include "dashboardwindow.h"
#include "desktopshell.h"
#include "exporterfixture.h"
#include "samplestore.h"
#include "screenshot.h"
#include "service/exporter.h"
#include "settingsdialog.h"
#include "tlsview.h"
#include "trayicon.h"

#include <QAction>
#include <QApplication>
#include <QDateTime>
#include <QMenu>
#include <QScreen>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace Dmarc;
using namespace Dmarc::Ui;

// Runs on a real X server with a tray host (see run-with-tray.sh): the icon docks, its menu
// works, and the dashboard is captured as it looks with the sample data.
class TestTrayDesktop : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Exporter> m_exporter;
    std::unique_ptr<DesktopShell> m_shell;

    QAction *action(const QString &text) const
    {
        for (QAction *candidate : m_shell->tray()->menu()->actions()) {
            if (candidate->text() == text)
                return candidate;
        }
        return nullptr;
    }

    // Opens the tray menu where the icon is and clicks one entry.
    void clickMenu(const QString &text)
    {
        QMenu *menu = m_shell->tray()->menu();
        menu->popup(m_shell->tray()->geometry().center());
        QVERIFY(QTest::qWaitForWindowExposed(menu));
        QAction *entry = action(text);
        QVERIFY2(entry, qPrintable(text));
        QTest::mouseClick(menu, Qt::LeftButton, {}, menu->actionGeometry(entry).center());
        QTRY_VERIFY(!menu->isVisible());
    }

    static QPalette darkPalette()
    {
        QPalette dark;
        dark.setColor(QPalette::Window, QColor(45, 45, 48));
        dark.setColor(QPalette::WindowText, QColor(230, 230, 230));
        dark.setColor(QPalette::Base, QColor(30, 30, 32));
        dark.setColor(QPalette::AlternateBase, QColor(40, 40, 44));
        dark.setColor(QPalette::Text, QColor(230, 230, 230));
        dark.setColor(QPalette::Button, QColor(55, 55, 60));
        dark.setColor(QPalette::ButtonText, QColor(230, 230, 230));
        dark.setColor(QPalette::Highlight, QColor(61, 142, 201));
        dark.setColor(QPalette::HighlightedText, Qt::white);
        dark.setColor(QPalette::PlaceholderText, QColor(150, 150, 155));
        dark.setColor(QPalette::ToolTipBase, QColor(60, 60, 64));
        dark.setColor(QPalette::ToolTipText, QColor(230, 230, 230));
        return dark;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
        QVERIFY(QGuiApplication::platformName() == QStringLiteral("xcb"));
        QTRY_VERIFY_WITH_TIMEOUT(QSystemTrayIcon::isSystemTrayAvailable(), 15000);
        QVERIFY(m_dir.isValid());
        Test::openSampleStore(m_dir.path(), QDateTime::currentDateTimeUtc().date());
        m_exporter = Test::startExporterWithUnreachableAccount(m_dir.path());
        QVERIFY(m_exporter);
        m_shell = std::make_unique<DesktopShell>(*m_exporter);
        QApplication::setQuitOnLastWindowClosed(false);
        m_shell->start();
    }

    void cleanupTestCase()
    {
        m_shell.reset();
        m_exporter.reset();
    }

    void iconDocksInTheTray()
    {
        TrayIcon *tray = m_shell->tray();
        QVERIFY(tray->isVisible());
        QTRY_VERIFY(tray->geometry().isValid() && tray->geometry().width() > 0);
        // With a tray the dashboard waits to be asked for.
        QVERIFY(!m_shell->dashboard());
        // The account cannot be reached: the icon says so, and so does the tooltip.
        QTRY_COMPARE(tray->state(), TrayState::Error);
        QVERIFY(tray->toolTip().contains(QStringLiteral("Last 7 days")));
        QVERIFY(tray->toolTip().contains(QStringLiteral("reports:")));
    }

    void menuChecksNow()
    {
        QTRY_VERIFY(m_exporter->accounts().first().pollErrors >= 1);
        const quint64 before = m_exporter->accounts().first().pollErrors;
        clickMenu(QStringLiteral("&Check now"));
        // The backoff is ten minutes: only "Check now" can have started this attempt.
        QTRY_VERIFY_WITH_TIMEOUT(m_exporter->accounts().first().pollErrors > before, 10000);
    }

    void menuPausesAndResumes()
    {
        clickMenu(QStringLiteral("&Pause"));
        QVERIFY(m_exporter->isPaused());
        // Paused, the mailbox error is no news; the invalid sample emails still ask for attention.
        QCOMPARE(m_shell->tray()->state(), TrayState::Attention);
        QVERIFY(action(QStringLiteral("&Pause"))->isChecked());
        clickMenu(QStringLiteral("&Pause"));
        QVERIFY(!m_exporter->isPaused());
    }

    void menuOpensTheDashboard()
    {
        clickMenu(QStringLiteral("Open &dashboard"));
        QTRY_VERIFY(m_shell->dashboard() && m_shell->dashboard()->isVisible());
        DashboardWindow *dashboard = m_shell->dashboard();
        QVERIFY(QTest::qWaitForWindowExposed(dashboard));
        dashboard->resize(1180, 820);
        dashboard->move(0, 0);
        dashboard->tabs()->setCurrentIndex(0);
        dashboard->setRange(Range::Week);
        QTRY_VERIFY(!dashboard->isRefreshing());
        QVERIFY(Test::saveScreenshot(dashboard->grab(), QStringLiteral("dashboard.png")));
        dashboard->setRange(Range::Month);
        QTRY_VERIFY(!dashboard->isRefreshing());
        dashboard->tabs()->setCurrentIndex(6);
        QVERIFY(Test::saveScreenshot(dashboard->grab(), QStringLiteral("dashboard-status.png")));
        dashboard->tabs()->setCurrentWidget(dashboard->tlsView());
        QTRY_VERIFY(dashboard->tlsView()->sessions()->rowCount() > 0);
        QVERIFY(Test::saveScreenshot(dashboard->grab(), QStringLiteral("dashboard-tls.png")));
        dashboard->tabs()->setCurrentIndex(0);
        QVERIFY(Test::saveScreenshot(QGuiApplication::primaryScreen()->grabWindow(0),
                                     QStringLiteral("desktop.png")));

        // A dark desktop palette: the dashboard follows it.
        const QPalette light = QApplication::palette();
        QApplication::setPalette(darkPalette());
        QCoreApplication::processEvents();
        QVERIFY(Test::saveScreenshot(dashboard->grab(), QStringLiteral("dashboard-dark.png")));
        QApplication::setPalette(light);
    }

    void menuOpensTheSettings()
    {
        clickMenu(QStringLiteral("&Settings…"));
        QTRY_VERIFY(m_shell->settings() && m_shell->settings()->isVisible());
        m_shell->settings()->reject();
    }

    void closingTheDashboardKeepsTheService()
    {
        QSignalSpy stopped(m_exporter.get(), &Exporter::stopped);
        m_shell->dashboard()->close();
        QTRY_VERIFY(!m_shell->dashboard());
        QCoreApplication::processEvents();
        QCOMPARE(stopped.count(), 0);
        QVERIFY(m_shell->tray()->isVisible());
    }

    void quitStopsTheService()
    {
        QSignalSpy stopped(m_exporter.get(), &Exporter::stopped);
        clickMenu(QStringLiteral("&Quit"));
        QVERIFY(stopped.count() == 1 || stopped.wait());
    }
};

QTEST_MAIN(TestTrayDesktop)
#include "tst_traydesktop.moc"
