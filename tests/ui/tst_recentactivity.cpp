// The recent activity on the Status tab: a real Dovecot and exporter, the store on disk, the
// window offscreen. Each line names the account; "Check now" that finds nothing says so; the
// lines survive a restart of the exporter, each saying what it counted as before. Each test has a
// server, a store and an exporter of its own.
#include "dashboardwindow.h"
#include "dovecotserver.h"
#include "exporterfixture.h"
#include "reportfixtures.h"
#include "service/exporter.h"
#include "translations.h"

#include <QFile>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Dmarc;
using namespace Dmarc::Test;
using namespace Dmarc::Ui;

class TestRecentActivity : public QObject
{
    Q_OBJECT

    std::unique_ptr<DovecotServer> m_server;
    std::unique_ptr<QTemporaryDir> m_storage;
    std::unique_ptr<Exporter> m_exporter;
    std::unique_ptr<DashboardWindow> m_window;

    void start()
    {
        m_exporter = startExporterOn(*m_server, m_storage->path());
        QVERIFY(m_exporter);
        m_window = std::make_unique<DashboardWindow>(*m_exporter);
        m_window->show();
    }

    void stop()
    {
        m_window.reset();
        stopExporter(m_exporter);
    }

    // A new exporter and window on the same store and server.
    void restart()
    {
        stop();
        start();
    }

    QString log() const
    {
        auto *log = m_window->findChild<QPlainTextEdit *>(QStringLiteral("activityLog"));
        return log ? log->toPlainText() : QString();
    }

    QStringList lines() const { return log().split(u'\n', Qt::SkipEmptyParts); }

    // The log's lines containing `text`.
    int linesWith(const QString &text) const { return int(lines().filter(text).size()); }

    // The account's name and server (the harness's dovecotAccount).
    static QString accountPrefix() { return QStringLiteral("main on localhost: "); }

    void checkNow()
    {
        auto *button = m_window->findChild<QPushButton *>(QStringLiteral("checkNowButton"));
        QVERIFY(button);
        QTest::mouseClick(button, Qt::LeftButton);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
        // The English plural forms, as the program shows them ("1 report counted").
        installTranslations(QLocale(QLocale::English, QLocale::UnitedStates));
    }

    void init()
    {
        m_server = std::make_unique<DovecotServer>();
        const auto started = m_server->start();
        QVERIFY2(started.ok(), qPrintable(started.ok() ? QString() : started.error().message));
        m_storage = std::make_unique<QTemporaryDir>();
        QVERIFY(m_storage->isValid());
        start();
    }

    void cleanup()
    {
        stop();
        m_storage.reset();
        m_server.reset();
    }

    // What became of each email, under the account's name and server.
    void linesNameTheAccountAndWhatHappened()
    {
        QVERIFY(m_server
                    ->deliver(QStringLiteral("INBOX"),
                              email({attachment("application/gzip", "r.xml.gz",
                                                gzip(feedback(record(), "activity-1")))}))
                    .ok());
        QVERIFY(m_server
                    ->deliver(QStringLiteral("INBOX"),
                              email({Part{"Content-Type: text/plain", "No report here."}},
                                    "someone@elsewhere.example"))
                    .ok());
        QTRY_COMPARE_WITH_TIMEOUT(m_server->messageCount(QStringLiteral("Archive")), 1, 20000);
        QTRY_COMPARE_WITH_TIMEOUT(m_server->messageCount(QStringLiteral("Invalid")), 1, 20000);
        const QString account = accountPrefix();
        QTRY_VERIFY2(linesWith(account + QStringLiteral("uid 1 from "
                                                        "noreply-dmarc-support@google.com: 1 ")) ==
                         1,
                     qPrintable(log()));
        QCOMPARE(linesWith(QStringLiteral("counted, moved to Archive")), 1);
        QTRY_COMPARE(linesWith(account + QStringLiteral("uid 2 from someone@elsewhere.example: ")),
                     1);
        QCOMPARE(linesWith(QStringLiteral("invalid: no report found in the email, moved to "
                                          "Invalid")),
                 1);
    }

    // "Check now" with nothing new in the inbox adds a line saying so, each time.
    void checkNowWithNothingNewSaysSo()
    {
        const QString line = accountPrefix() + QStringLiteral("Checked: nothing new");
        QCOMPARE(linesWith(line), 0);
        checkNow();
        QTRY_COMPARE_WITH_TIMEOUT(linesWith(line), 1, 20000);
        checkNow();
        QTRY_COMPARE_WITH_TIMEOUT(linesWith(line), 2, 20000);
    }

    // A new exporter on the same store shows the lines of the one before, in the same words.
    void linesSurviveARestart()
    {
        QVERIFY(m_server
                    ->deliver(QStringLiteral("INBOX"),
                              email({attachment("application/gzip", "r.xml.gz",
                                                gzip(feedback(record(), "survives-1")))}))
                    .ok());
        QTRY_VERIFY2_WITH_TIMEOUT(linesWith(QStringLiteral("1 report counted, moved to Archive")) ==
                                      1,
                                  qPrintable(log()), 20000);
        const QString nothingNew = accountPrefix() + QStringLiteral("Checked: nothing new");
        checkNow();
        QTRY_VERIFY2_WITH_TIMEOUT(linesWith(nothingNew) == 1, qPrintable(log()), 20000);
        const QStringList before = lines();

        restart();
        QTRY_VERIFY2(lines().size() >= before.size(), qPrintable(log()));
        QCOMPARE(lines().mid(0, before.size()), before);
    }

    // An email holding only a TLS report or only a failure report says what it counted, and
    // still does when read back from the store by the next exporter.
    void linesSayWhichKindOfReportWasCounted()
    {
        QFile tls(QStringLiteral(DMARC_TEST_DATA_DIR "/tlsrpt/rfc8460-example.json"));
        QVERIFY(tls.open(QIODevice::ReadOnly));
        QFile arf(QStringLiteral(DMARC_TEST_DATA_DIR "/arf/auth-failure.eml"));
        QVERIFY(arf.open(QIODevice::ReadOnly));
        QVERIFY(m_server
                    ->deliver(QStringLiteral("INBOX"),
                              email({attachment("application/tlsrpt+gzip", "tls.json.gz",
                                                gzip(tls.readAll()))},
                                    "tlsrpt-noreply@company-x.example"))
                    .ok());
        QVERIFY(m_server->deliver(QStringLiteral("INBOX"), arf.readAll()).ok());
        QTRY_COMPARE_WITH_TIMEOUT(m_server->messageCount(QStringLiteral("Archive")), 2, 20000);
        const QString tlsLine = QStringLiteral(" from tlsrpt-noreply@company-x.example: 1 TLS "
                                               "report counted, moved to Archive");
        const QString failureLine = QStringLiteral(" from dmarc-failures@receiver.example: 1 "
                                                   "failure report counted, moved to Archive");
        QTRY_VERIFY2_WITH_TIMEOUT(linesWith(tlsLine) == 1, qPrintable(log()), 20000);
        QTRY_VERIFY2_WITH_TIMEOUT(linesWith(failureLine) == 1, qPrintable(log()), 20000);
        const QStringList before = lines();

        restart();
        QTRY_VERIFY2(lines().size() >= before.size(), qPrintable(log()));
        QCOMPARE(linesWith(tlsLine), 1);
        QCOMPARE(linesWith(failureLine), 1);
        QCOMPARE(lines().mid(0, before.size()), before);
    }
};

QTEST_MAIN(TestRecentActivity)
#include "tst_recentactivity.moc"
