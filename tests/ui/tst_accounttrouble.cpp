// An account in trouble as the desktop shows it: a real Dovecot and exporter, the dashboard and
// the settings offscreen. The banner says why in plain words on every tab, when the next try is,
// and offers the settings and a retry; the settings take a CA file.
#include "dashboardwindow.h"
#include "dovecotserver.h"
#include "exporterfixture.h"
#include "exporterharness.h"
#include "problembanner.h"
#include "screenshot.h"
#include "service/exporter.h"
#include "settingsdialog.h"

#include <QApplication>
#include <QFile>
#include <QFileDialog>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace Dmarc;
using namespace Dmarc::Test;
using namespace Dmarc::Ui;

namespace {

// The configuration of the one Dovecot account with `imap` members put in or replaced.
QByteArray configWithImap(const DovecotServer &server, const QString &storagePath,
                          const QJsonObject &imap)
{
    QJsonObject json =
        QJsonDocument::fromJson(exporterConfigWith(server, storagePath, {})).object();
    QJsonObject account = json.value(QStringLiteral("accounts")).toArray().first().toObject();
    QJsonObject settings = account.value(QStringLiteral("imap")).toObject();
    for (auto it = imap.constBegin(); it != imap.constEnd(); ++it) {
        if (it.value().isNull())
            settings.remove(it.key());
        else
            settings.insert(it.key(), it.value());
    }
    account.insert(QStringLiteral("imap"), settings);
    json.insert(QStringLiteral("accounts"), QJsonArray{account});
    return QJsonDocument(json).toJson();
}

QStringList shownTexts(const ProblemBanner &banner)
{
    QStringList texts;
    for (const QLabel *label : banner.findChildren<QLabel *>()) {
        if (label->isVisibleTo(&banner) && !label->text().isEmpty())
            texts << label->text();
    }
    return texts;
}

QPushButton *shownButton(const ProblemBanner &banner, const QString &text)
{
    for (QPushButton *button : banner.findChildren<QPushButton *>()) {
        if (button->isVisibleTo(&banner) && button->text() == text)
            return button;
    }
    return nullptr;
}

// An exporter on the configuration `json`, started; null after a failed check.
std::unique_ptr<Exporter> startExporter(const QByteArray &json)
{
    const auto config = parseConfig(json, QString(), {});
    if (!config) {
        QTest::qFail(qPrintable(config.error().message), __FILE__, __LINE__);
        return nullptr;
    }
    auto exporter = std::make_unique<Exporter>(*config);
    if (const auto started = exporter->start(); !started) {
        QTest::qFail(qPrintable(started.error().message), __FILE__, __LINE__);
        return nullptr;
    }
    return exporter;
}

// Seconds from now until the account's next attempt.
qint64 secondsToNextAttempt(const Exporter &exporter)
{
    return QDateTime::currentDateTimeUtc().secsTo(exporter.accounts().constFirst().nextAttempt);
}

} // namespace

class TestAccountTrouble : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // A wrong password: the default tab says so at the top, the next try is a minute away, and
    // Retry tries once now (then two minutes).
    void refusedLoginIsShownOnEveryTabAndRetriedInMinutes()
    {
        DovecotServer server;
        const auto up = server.start();
        QVERIFY2(up.ok(), qPrintable(up.ok() ? QString() : up.error().message));
        QTemporaryDir storage;
        auto running = startExporter(
            configWithImap(server, storage.path(),
                           {{QStringLiteral("password"), QStringLiteral("wrong password")}}));
        QVERIFY(running);
        Exporter &exporter = *running;
        DashboardWindow window(exporter);
        window.show();
        QCOMPARE(window.tabs()->currentIndex(), 0);
        ProblemBanner &banner = *window.problemBanner();

        const QString refused = QStringLiteral("Login refused by localhost for user testuser");
        QTRY_VERIFY_WITH_TIMEOUT(!banner.problems().isEmpty(), 20000);
        QCOMPARE(banner.problems().size(), 1);
        const QString message = banner.problems().constFirst().message;
        QVERIFY2(message.startsWith(refused + QStringLiteral("; next try at ")),
                 qPrintable(message));
        QVERIFY(!message.contains(QStringLiteral("wrong password")));
        const AccountStatus account = exporter.accounts().constFirst();
        QCOMPARE(account.trouble, AccountStatus::Trouble::LoginRefused);
        QCOMPARE(account.pollErrors, quint64(1));
        QCOMPARE(account.activity, AccountStatus::Activity::Reconnecting);
        QVERIFY2(secondsToNextAttempt(exporter) >= 55 && secondsToNextAttempt(exporter) <= 60,
                 qPrintable(QString::number(secondsToNextAttempt(exporter))));
        for (int tab = 0; tab < window.tabs()->count(); ++tab) {
            window.tabs()->setCurrentIndex(tab);
            QVERIFY(banner.isVisible());
            QTRY_VERIFY(shownTexts(banner).constFirst().startsWith(refused));
        }
        window.resize(1180, 820);
        window.tabs()->setCurrentIndex(0);
        QTRY_VERIFY(!window.isRefreshing());
        QVERIFY(saveScreenshot(window.grab(), QStringLiteral("banner-login-refused.png")));

        QSignalSpy settingsRequested(&window, &DashboardWindow::settingsRequested);
        QPushButton *openSettings = shownButton(banner, QStringLiteral("Open settings"));
        QVERIFY(openSettings);
        openSettings->click();
        QCOMPARE(settingsRequested.size(), 1);

        QPushButton *retry = shownButton(banner, QStringLiteral("Retry"));
        QVERIFY(retry);
        retry->click();
        QTRY_COMPARE_WITH_TIMEOUT(exporter.accounts().constFirst().pollErrors, quint64(2), 20000);
        QTRY_COMPARE(exporter.accounts().constFirst().activity,
                     AccountStatus::Activity::Reconnecting);
        // The second refusal in a row waits two minutes.
        QVERIFY2(secondsToNextAttempt(exporter) >= 115 && secondsToNextAttempt(exporter) <= 120,
                 qPrintable(QString::number(secondsToNextAttempt(exporter))));
        QTRY_VERIFY(shownTexts(banner).constFirst().startsWith(refused));
        QVERIFY(!banner.isHidden());
        stopExporter(running);
    }

    // The server's certificate is from a CA the system does not trust: the banner names its
    // issuer and the name it is for, not the TLS library's words alone.
    void untrustedCertificateNamesIssuerAndName()
    {
        DovecotServer server;
        QVERIFY(server.start().ok());
        QTemporaryDir storage;
        auto running = startExporter(
            configWithImap(server, storage.path(), {{QStringLiteral("ca_file"), {}}}));
        QVERIFY(running);
        Exporter &exporter = *running;
        DashboardWindow window(exporter);
        window.show();
        ProblemBanner &banner = *window.problemBanner();
        QTRY_VERIFY_WITH_TIMEOUT(!banner.problems().isEmpty(), 20000);
        const QString message = banner.problems().constFirst().message;
        QVERIFY2(message.startsWith(QStringLiteral(
                     "Certificate not trusted: issued by dmarc test CA for localhost (")),
                 qPrintable(message));
        QVERIFY(!banner.isHidden());
        const AccountStatus account = exporter.accounts().constFirst();
        QCOMPARE(account.trouble, AccountStatus::Trouble::Certificate);
        QCOMPARE(account.certificateIssuer, QStringLiteral("dmarc test CA"));
        QCOMPARE(account.certificateNames, QStringList{QStringLiteral("localhost")});
        QVERIFY(!account.certificateProblems.isEmpty());
        stopExporter(running);
    }

    // The settings take the CA file with a chooser: the test fails without it and passes with
    // it; a file without a certificate is refused; the saved file lets the exporter connect.
    void caFileInTheSettingsMakesTheServerTrusted()
    {
        DovecotServer server;
        QVERIFY(server.start().ok());
        QTemporaryDir directory;
        const QString path = directory.filePath(QStringLiteral("config.json"));
        {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(configWithImap(server, directory.filePath(QStringLiteral("state")),
                                      {{QStringLiteral("ca_file"), {}}}));
        }
        SettingsDialog dialog(path, SettingsDialog::Mode::Edit);
        auto *caFile = dialog.findChild<QLineEdit *>(QStringLiteral("caFile"));
        QVERIFY(caFile);
        QVERIFY(caFile->text().isEmpty());
        QVERIFY(dialog.findChild<QPushButton *>(QStringLiteral("caFileBrowse")));
        QSignalSpy tested(&dialog, &SettingsDialog::connectionTested);

        dialog.testConnection();
        QVERIFY(tested.wait(20000));
        QCOMPARE(tested.constFirst().at(0).toBool(), false);
        const QString refused = tested.constFirst().at(1).toString();
        QVERIFY2(refused.startsWith(QStringLiteral("The server's certificate is not trusted")),
                 qPrintable(refused));
        QVERIFY2(refused.contains(QStringLiteral("issued by dmarc test CA for localhost")),
                 qPrintable(refused));

        const QString notPem = directory.filePath(QStringLiteral("not-a-ca.pem"));
        {
            QFile file(notPem);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("just text\n");
        }
        caFile->setText(notPem);
        const auto invalid = dialog.validate();
        QVERIFY(!invalid.ok());
        QVERIFY2(invalid.error().message.contains(QStringLiteral("holds no PEM certificate")),
                 qPrintable(invalid.error().message));
        QVERIFY(!dialog.save().ok());

        caFile->setText(server.caCertificatePath());
        tested.clear();
        dialog.testConnection();
        QVERIFY(tested.wait(20000));
        QVERIFY2(tested.constFirst().at(0).toBool(),
                 qPrintable(tested.constFirst().at(1).toString()));
        QVERIFY(dialog.save().ok());

        QFile saved(path);
        QVERIFY(saved.open(QIODevice::ReadOnly));
        auto exporter = startExporter(saved.readAll());
        QVERIFY(exporter);
        QCOMPARE(exporter->config().accounts.constFirst().caFile, server.caCertificatePath());
        QTRY_VERIFY_WITH_TIMEOUT(exporter->accounts().constFirst().lastSuccessfulPoll.isValid(),
                                 20000);
        QCOMPARE(exporter->accounts().constFirst().trouble, AccountStatus::Trouble::None);
        stopExporter(exporter);
    }

    // Browse fills the field with the chosen file and says at once when it holds no
    // certificate.
    void caFileChooserFillsTheFieldAndChecksIt()
    {
        QTemporaryDir directory;
        const QString notPem = directory.filePath(QStringLiteral("not-a-ca.pem"));
        {
            QFile file(notPem);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("just text\n");
        }
        SettingsDialog dialog(directory.filePath(QStringLiteral("config.json")),
                              SettingsDialog::Mode::Edit);
        auto *browse = dialog.findChild<QPushButton *>(QStringLiteral("caFileBrowse"));
        QVERIFY(browse);
        // The chooser opens modal to the dialog and hands its choice back as a signal.
        browse->click();
        auto *chooser = dialog.findChild<QFileDialog *>(QStringLiteral("caFileChooser"));
        QVERIFY(chooser);
        QVERIFY(chooser->isVisible());
        chooser->selectFile(notPem);
        static_cast<QDialog *>(chooser)->accept(); // public there
        QCOMPARE(dialog.findChild<QLineEdit *>(QStringLiteral("caFile"))->text(), notPem);
        const QString message = dialog.findChild<QLabel *>(QStringLiteral("message"))->text();
        QCOMPARE(message, notPem + QStringLiteral(" holds no PEM certificate"));
    }
};

QTEST_MAIN(TestAccountTrouble)
#include "tst_accounttrouble.moc"
