#include "exporterfixture.h"

#include "exporterharness.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

namespace Dmarc::Test {

std::unique_ptr<Exporter> startExporterWithUnreachableAccount(const QString &storageDirectory)
{
    quint16 closedPort = 0;
    {
        QTcpServer probe;
        if (!probe.listen(QHostAddress::LocalHost))
            return nullptr;
        closedPort = probe.serverPort();
    }
    const QJsonObject json{{QStringLiteral("listen_addr"), QStringLiteral("127.0.0.1")},
                           {QStringLiteral("port"), 0},
                           {QStringLiteral("storage_path"), storageDirectory},
                           {QStringLiteral("poll_interval_seconds"), 3600},
                           {QStringLiteral("imap"),
                            QJsonObject{{QStringLiteral("host"), QStringLiteral("127.0.0.1")},
                                        {QStringLiteral("port"), closedPort},
                                        {QStringLiteral("use_ssl"), false},
                                        {QStringLiteral("username"), QStringLiteral("reports")},
                                        {QStringLiteral("password"), QStringLiteral("secret")}}}};
    auto config = parseConfig(QJsonDocument(json).toJson(), QString(), {});
    if (!config) {
        QTest::qFail(qPrintable(config.error().message), __FILE__, __LINE__);
        return nullptr;
    }
    // No retry on its own during a test: a new attempt can only come from "Check now".
    config->accounts.first().reconnectMinSeconds = 600;
    config->accounts.first().reconnectMaxSeconds = 600;
    auto exporter = std::make_unique<Exporter>(*config);
    if (auto started = exporter->start(); !started) {
        QTest::qFail(qPrintable(started.error().message), __FILE__, __LINE__);
        return nullptr;
    }
    return exporter;
}

std::unique_ptr<Exporter> startExporterOn(const DovecotServer &server,
                                          const QString &storageDirectory)
{
    auto config = parseConfig(exporterConfigWith(server, storageDirectory, {}), QString(), {});
    if (!config) {
        QTest::qFail(qPrintable(config.error().message), __FILE__, __LINE__);
        return nullptr;
    }
    auto exporter = std::make_unique<Exporter>(*config);
    if (auto started = exporter->start(); !started) {
        QTest::qFail(qPrintable(started.error().message), __FILE__, __LINE__);
        return nullptr;
    }
    return exporter;
}

void stopExporter(std::unique_ptr<Exporter> &exporter)
{
    if (!exporter)
        return;
    QSignalSpy stopped(exporter.get(), &Exporter::stopped);
    exporter->stop();
    QVERIFY(stopped.count() == 1 || stopped.wait());
    exporter.reset();
}

} // namespace Dmarc::Test
