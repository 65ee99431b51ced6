// Which instance watches which account, as the dashboard says it: two exporters sharing a real
// PostgreSQL store, one account, each instance's dashboard offscreen.
#include "dashboardwindow.h"
#include "exporterfixture.h"
#include "postgresserver.h"
#include "service/exporter.h"

#include <QApplication>
#include <QHeaderView>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Dmarc;
using namespace Dmarc::Test;
using namespace Dmarc::Ui;

namespace {

// The accounts table's cell under the header `header` in the first row; empty when it is
// missing or its column is hidden.
QString shownCell(const DashboardWindow &window, const QString &header)
{
    const auto *accounts = window.findChild<QTableWidget *>(QStringLiteral("accountsTable"));
    if (!accounts || accounts->rowCount() == 0)
        return {};
    for (int column = 0; column < accounts->columnCount(); ++column) {
        if (accounts->horizontalHeaderItem(column)->text() != header)
            continue;
        if (accounts->isColumnHidden(column) || !accounts->item(0, column))
            return {};
        return accounts->item(0, column)->text();
    }
    return {};
}

} // namespace

class TestAccountWatchers : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
        m_postgres = std::make_unique<PostgresServer>();
        const auto started = m_postgres->start();
        QVERIFY2(started.ok(), started.ok() ? "" : qPrintable(started.error().message));
        QTcpServer probe; // an IMAP port nobody listens on: the account is watched, never read
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        m_closedPort = probe.serverPort();
    }

    void cleanup()
    {
        m_windows.clear();
        for (std::unique_ptr<Exporter> &exporter : m_exporters)
            stopExporter(exporter);
        m_exporters.clear();
        m_postgres.reset();
    }

    void eachDashboardSaysWhoWatchesTheAccount()
    {
        DashboardWindow &alpha = startInstance(QStringLiteral("alpha"));
        QTRY_VERIFY(m_exporters.front()->accounts().first().watchedHere);
        DashboardWindow &beta = startInstance(QStringLiteral("beta"));
        const QString instance = DashboardWindow::tr("Instance");
        QTRY_COMPARE(shownCell(alpha, instance),
                     QStringLiteral("Watched by alpha (this instance)"));
        QTRY_COMPARE(shownCell(beta, instance), QStringLiteral("Watched by alpha"));

        // The holder ends, and its lease with it: the other takes the account over and says so.
        m_windows.front().reset();
        stopExporter(m_exporters.front());
        QTRY_COMPARE_WITH_TIMEOUT(shownCell(beta, instance),
                                  QStringLiteral("Watched by beta (this instance)"), 15000);
    }

    void noInstanceColumnWithoutADatabase()
    {
        DashboardWindow &window = startInstance(QString());
        QVERIFY(window.findChild<QTableWidget *>(QStringLiteral("accountsTable")));
        QTRY_VERIFY(!m_exporters.front()->accounts().isEmpty());
        QCOMPARE(shownCell(window, DashboardWindow::tr("Instance")), QString());
    }

private:
    // An exporter named `name` on the shared database (none when empty) and its dashboard.
    DashboardWindow &startInstance(const QString &name)
    {
        QJsonObject json{
            {QStringLiteral("listen_addr"), QStringLiteral("127.0.0.1")},
            {QStringLiteral("port"), 0},
            {QStringLiteral("storage_path"), m_dir.filePath(name + QStringLiteral("-state"))},
            {QStringLiteral("poll_interval_seconds"), 3600},
            {QStringLiteral("imap"),
             QJsonObject{{QStringLiteral("host"), QStringLiteral("127.0.0.1")},
                         {QStringLiteral("port"), m_closedPort},
                         {QStringLiteral("use_ssl"), false},
                         {QStringLiteral("username"), QStringLiteral("reports")},
                         {QStringLiteral("password"), QStringLiteral("secret")}}}};
        if (!name.isEmpty()) {
            json.insert(QStringLiteral("database"),
                        QJsonObject{{QStringLiteral("url"), m_postgres->url()},
                                    {QStringLiteral("password_file"), m_postgres->passwordFile()},
                                    {QStringLiteral("instance"), name},
                                    {QStringLiteral("takeover_seconds"), 3}});
        }
        auto config = parseConfig(QJsonDocument(json).toJson(), QString(), {});
        if (!config)
            qFatal("%s", qPrintable(config.error().message));
        auto exporter = std::make_unique<Exporter>(*config);
        if (auto started = exporter->start(); !started)
            qFatal("%s", qPrintable(started.error().message));
        m_windows.push_back(std::make_unique<DashboardWindow>(*exporter));
        m_exporters.push_back(std::move(exporter));
        return *m_windows.back();
    }

    QTemporaryDir m_dir;
    std::unique_ptr<PostgresServer> m_postgres;
    quint16 m_closedPort = 0;
    std::vector<std::unique_ptr<Exporter>> m_exporters;
    std::vector<std::unique_ptr<DashboardWindow>> m_windows;
};

QTEST_MAIN(TestAccountWatchers)
#include "tst_accountwatchers.moc"
