// The limits on series and the own domains (docs/counting.md section 9) end to end: a real
// Dovecot, the exporter in this process, its store on disk and its /metrics over HTTP.
#include "dovecotserver.h"
#include "exporterharness.h"
#include "reportfixtures.h"
#include "service/exporter.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Dmarc;
using namespace Dmarc::Test;

namespace {

const QString kFrom = QStringLiteral("noreply-dmarc-support@google.com");

QMap<QString, double> familyOf(const QUrl &url, const QString &family)
{
    return scrape(url).samplesOf(family);
}

} // namespace

class TestSeriesLimits : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // A report past a limit or from a foreign domain: the email goes to the error folder, counts
    // as invalid, the refusal is counted by its reason, and not one of its label sets is
    // exposed, also after a restart. The reports beside it are counted as usual.
    void refusedReports_data()
    {
        QTest::addColumn<QJsonObject>("settings"); // merged into the configuration
        QTest::addColumn<QList<QByteArray>>("emails");
        QTest::addColumn<QString>("reason");
        QTest::addColumn<int>("labelSets"); // dmarc_total samples afterwards

        const QJsonObject small{
            {QStringLiteral("limits"), QJsonObject{{QStringLiteral("max_label_sets_per_report"), 5},
                                                   {QStringLiteral("max_label_sets"), 6}}}};
        QTest::newRow("label sets per report")
            << small
            << QList<QByteArray>{labelSetsEmail("big", 0, 40), labelSetsEmail("ok", 100, 2)}
            << QStringLiteral("label_sets_per_report") << 2;
        QTest::newRow("label sets in total")
            << small
            << QList<QByteArray>{labelSetsEmail("first", 0, 4), labelSetsEmail("second", 4, 3),
                                 labelSetsEmail("known", 0, 2)}
            << QStringLiteral("label_sets") << 4;
        QJsonObject own;
        own.insert(QStringLiteral("domains"), QJsonArray{QStringLiteral("mydomain.de")});
        QTest::newRow("foreign domain")
            << own
            << QList<QByteArray>{labelSetsEmail("foreign", 0, 2, "attacker.example"),
                                 labelSetsEmail("own", 10, 1, "mail.mydomain.de")}
            << QStringLiteral("foreign_domain") << 1;
    }

    void refusedReports()
    {
        QFETCH(QJsonObject, settings);
        QFETCH(QList<QByteArray>, emails);
        QFETCH(QString, reason);
        QFETCH(int, labelSets);

        DovecotServer server;
        const auto started = server.start();
        QVERIFY2(started.ok(), qPrintable(started.ok() ? QString() : started.error().message));
        QTemporaryDir storage;
        const auto config =
            parseConfig(exporterConfigWith(server, storage.path(), settings), QString(), {});
        QVERIFY2(config.ok(), qPrintable(config.ok() ? QString() : config.error().message));

        auto exporter = std::make_unique<Exporter>(*config);
        QVERIFY(exporter->start().ok());
        // One at a time, so that the commits come in the order of the list.
        for (qsizetype i = 0; i < emails.size(); ++i) {
            QVERIFY(server.deliver(QStringLiteral("INBOX"), emails.at(i)).ok());
            QTRY_COMPARE_WITH_TIMEOUT(server.messageCount(QStringLiteral("Archive")) +
                                          server.messageCount(QStringLiteral("Invalid")),
                                      int(i + 1), 20000);
        }
        QCOMPARE(server.messageCount(QStringLiteral("Invalid")), 1);
        QCOMPARE(server.messageCount(QStringLiteral("Archive")), int(emails.size() - 1));

        const QUrl url = exporter->metricsUrl();
        QCOMPARE(familyOf(url, QStringLiteral("dmarc_total")).size(), labelSets);
        QCOMPARE(scrape(url).samples.value(QStringLiteral("dmarc_invalid_reports_total{from_email="
                                                          "\"") +
                                               kFrom + QStringLiteral("\"}"),
                                           -1),
                 1.0);
        const QMap<QString, double> refused =
            familyOf(url, QStringLiteral("dmarc_metrics_exporter_reports_refused_total"));
        QCOMPARE(refused.size(), 3);
        for (auto it = refused.cbegin(); it != refused.cend(); ++it) {
            const bool refusedHere = it.key().contains(QStringLiteral("\"") + reason + u'"');
            QCOMPARE(it.value(), refusedHere ? 1.0 : 0.0);
        }

        // The store holds no more than was exposed: a restart shows the same series.
        QSignalSpy stopped(exporter.get(), &Exporter::stopped);
        exporter->stop();
        if (stopped.isEmpty())
            QVERIFY(stopped.wait(10000));
        exporter = std::make_unique<Exporter>(*config);
        QVERIFY(exporter->start().ok());
        QCOMPARE(familyOf(exporter->metricsUrl(), QStringLiteral("dmarc_total")).size(), labelSets);
    }
};

QTEST_GUILESS_MAIN(TestSeriesLimits)
#include "tst_serieslimits.moc"
