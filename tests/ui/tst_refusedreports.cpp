// Reports refused by the limits on series (docs/counting.md section 9) as the dashboard shows
// them: a real Dovecot and exporter, the window offscreen.
#include "dashboardwindow.h"
#include "dovecotserver.h"
#include "exporterharness.h"
#include "problembanner.h"
#include "reportfixtures.h"
#include "service/exporter.h"

#include <QJsonObject>
#include <QLabel>
#include <QTemporaryDir>
#include <QTest>

using namespace Dmarc;
using namespace Dmarc::Test;
using namespace Dmarc::Ui;

class TestRefusedReports : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // The Status tab counts the refusals by limit and the banner names them; nothing before.
    void refusalsShowOnTheStatusTabAndInTheBanner()
    {
        DovecotServer server;
        const auto started = server.start();
        QVERIFY2(started.ok(), qPrintable(started.ok() ? QString() : started.error().message));
        QTemporaryDir storage;
        const QJsonObject limits{{QStringLiteral("limits"),
                                  QJsonObject{{QStringLiteral("max_label_sets_per_report"), 5}}}};
        const auto config =
            parseConfig(exporterConfigWith(server, storage.path(), limits), QString(), {});
        QVERIFY2(config.ok(), qPrintable(config.ok() ? QString() : config.error().message));
        Exporter exporter(*config);
        QVERIFY(exporter.start().ok());
        DashboardWindow window(exporter);
        auto *label = window.findChild<QLabel *>(QStringLiteral("refusedReportsLabel"));
        QVERIFY(label);
        QCOMPARE(label->text(), QStringLiteral("No report was refused by the limits on label "
                                               "sets or the own domains since the start."));
        QVERIFY(window.problemBanner()->problems().isEmpty());

        QVERIFY(server.deliver(QStringLiteral("INBOX"), labelSetsEmail("big", 0, 6)).ok());
        QTRY_COMPARE_WITH_TIMEOUT(server.messageCount(QStringLiteral("Invalid")), 1, 20000);
        QTRY_VERIFY(label->text().startsWith(QStringLiteral(
            "Reports refused since the start: 1 with more label sets than "
            "limits.max_label_sets_per_report, 0 past limits.max_label_sets, 0 for")));
        QCOMPARE(window.problemBanner()->problems().size(), 1);
        QVERIFY(window.problemBanner()->problems().constFirst().message.startsWith(
            QStringLiteral("Reports refused to keep the number of series bounded: 1.")));
        QVERIFY(!window.problemBanner()->isHidden());
    }
};

QTEST_MAIN(TestRefusedReports)
#include "tst_refusedreports.moc"
