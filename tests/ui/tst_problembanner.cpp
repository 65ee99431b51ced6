#include "problembanner.h"

#include <QLabel>
#include <QPushButton>
#include <QTest>

using namespace Dmarc::Ui;

// The banner at the top of the dashboard: one row per problem, its buttons, hidden when all is
// well.
class TestProblemBanner : public QObject
{
    Q_OBJECT

    static QStringList texts(const ProblemBanner &banner)
    {
        QStringList shown;
        for (const QLabel *label : banner.findChildren<QLabel *>()) {
            if (label->isVisibleTo(&banner) && !label->text().isEmpty())
                shown << label->text();
        }
        return shown;
    }

    static QList<QPushButton *> buttons(const ProblemBanner &banner)
    {
        QList<QPushButton *> shown;
        for (QPushButton *button : banner.findChildren<QPushButton *>()) {
            if (button->isVisibleTo(&banner))
                shown << button;
        }
        return shown;
    }

private Q_SLOTS:
    void showsEachProblemWithItsButtons()
    {
        QWidget window;
        auto *banner = new ProblemBanner(&window);
        window.show();
        QVERIFY(!banner->isVisible());

        int retries = 0;
        banner->setProblems({Problem{QStringLiteral("Reports cannot be saved: the disk is full."),
                                     {{QStringLiteral("Retry now"), [&retries] { ++retries; }}}},
                             Problem{QStringLiteral("Account a: login failed."), {}}});
        QVERIFY(banner->isVisible());
        QCOMPARE(texts(*banner),
                 (QStringList{QStringLiteral("Reports cannot be saved: the disk is full."),
                              QStringLiteral("Account a: login failed.")}));
        QCOMPARE(buttons(*banner).size(), 1);
        QCOMPARE(buttons(*banner).constFirst()->text(), QStringLiteral("Retry now"));
        buttons(*banner).constFirst()->click();
        QCOMPARE(retries, 1);

        // The list replaces what was shown.
        banner->setProblems({Problem{QStringLiteral("Account a: login failed."), {}}});
        // The layout shows the new row's widgets from the event loop.
        QTRY_COMPARE(texts(*banner), QStringList{QStringLiteral("Account a: login failed.")});
        QVERIFY(buttons(*banner).isEmpty());
        banner->setProblems({});
        QVERIFY(!banner->isVisible());
        QVERIFY(banner->problems().isEmpty());
    }

    // The button that solves the problem takes itself away while it is being clicked.
    void buttonMayClearTheBanner()
    {
        QWidget window;
        auto *banner = new ProblemBanner(&window);
        window.show();
        banner->setProblems(
            {Problem{QStringLiteral("Reports cannot be saved."),
                     {{QStringLiteral("Retry now"), [banner] { banner->setProblems({}); }}}}});
        QPushButton *retry = buttons(*banner).constFirst();
        retry->click();
        QVERIFY(!banner->isVisible());
        QTRY_VERIFY(banner->findChildren<QPushButton *>().isEmpty());
    }
};

QTEST_MAIN(TestProblemBanner)
#include "tst_problembanner.moc"
