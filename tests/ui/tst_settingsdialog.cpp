#include "config/config.h"
#include "fakeimapserver.h"
#include "settingsdialog.h"

#include <QApplication>
#include <QComboBox>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace Dmarc;
using namespace Dmarc::Ui;

namespace {

template<typename T>
T *field(QWidget *dialog, const char *name)
{
    return dialog->findChild<T *>(QString::fromLatin1(name));
}

QString writeConfig(const QTemporaryDir &dir, const QByteArray &json)
{
    QFile file(dir.filePath(QStringLiteral("config.json")));
    if (!file.open(QIODevice::WriteOnly))
        qFatal("cannot write the configuration");
    file.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
    file.write(json);
    return file.fileName();
}

void fillAccount(QWidget *dialog, int port)
{
    field<QLineEdit>(dialog, "host")->setText(QStringLiteral("imap.example.com"));
    field<QSpinBox>(dialog, "port")->setValue(port);
    field<QLineEdit>(dialog, "username")->setText(QStringLiteral("dmarc@example.com"));
    auto *password = field<QLineEdit>(dialog, "password");
    password->setFocus();
    QTest::keyClicks(password, QStringLiteral("s3cret"));
    field<QLineEdit>(dialog, "storagePath")->setText(QStringLiteral("/tmp/dmarc-store"));
}

} // namespace

class TestSettingsDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void refusesABadPort()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("config.json"));
        SettingsDialog dialog(path, SettingsDialog::Mode::Edit);
        dialog.show();
        fillAccount(&dialog, 0);
        const auto checked = dialog.validate();
        QVERIFY(!checked);
        QVERIFY2(checked.error().message.contains(QStringLiteral("port")),
                 qPrintable(checked.error().message));
        dialog.accept();
        QVERIFY(dialog.isVisible());
        QVERIFY(!QFile::exists(path));
        QCOMPARE(field<QLabel>(&dialog, "message")->text(), checked.error().message);
    }

    void refusesOAuth2WithoutATokenSource()
    {
        QTemporaryDir dir;
        SettingsDialog dialog(dir.filePath(QStringLiteral("config.json")),
                              SettingsDialog::Mode::Edit);
        fillAccount(&dialog, 993);
        // The loader's own rule: an OAuth2 mechanism needs a token source.
        field<QComboBox>(&dialog, "auth")->setCurrentIndex(2);
        const auto checked = dialog.validate();
        QVERIFY(!checked);
        QVERIFY2(checked.error().message.contains(QStringLiteral("oauth2")),
                 qPrintable(checked.error().message));
    }

    void savesAGoodConfigPrivately()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("config.json"));
        SettingsDialog dialog(path, SettingsDialog::Mode::Edit);
        dialog.show();
        fillAccount(&dialog, 1993);
        field<QSpinBox>(&dialog, "listenPort")->setValue(9123);
        QSignalSpy accepted(&dialog, &QDialog::accepted);
        dialog.accept();
        QCOMPARE(accepted.count(), 1);
        QVERIFY(QFile::exists(path));
        QCOMPARE(QFile::permissions(path) & ~(QFile::ReadUser | QFile::WriteUser),
                 QFile::ReadOwner | QFile::WriteOwner);
        QCOMPARE(QFile::permissions(path) &
                     (QFile::ReadGroup | QFile::WriteGroup | QFile::ReadOther | QFile::WriteOther |
                      QFile::ExeOwner),
                 QFileDevice::Permissions());

        const auto loaded = loadConfig(path, {});
        QVERIFY2(loaded, loaded ? "" : qPrintable(loaded.error().message));
        QCOMPARE(loaded->accounts.size(), 1);
        QCOMPARE(loaded->accounts.first().host, QStringLiteral("imap.example.com"));
        QCOMPARE(loaded->accounts.first().port, quint16(1993));
        QCOMPARE(loaded->accounts.first().password, QStringLiteral("s3cret"));
        QCOMPARE(loaded->endpoint.port, quint16(9123));
    }

    void keepsKeysWithoutAField()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("config.json"));
        const QByteArray original = R"({
            "listen_addr": "127.0.0.1", "port": 9797,
            "storage_path": "/tmp/dmarc-store",
            "deduplication_max_seconds": 3600,
            "imap": {"host": "mail.example.org", "port": 143, "use_ssl": false,
                     "starttls": true, "username": "u", "password": "p", "timeout_seconds": 20},
            "folders": {"inbox": "Reports", "done": "Reports/Done", "error": "Reports/Bad"}
        })";
        {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(original);
        }
        SettingsDialog dialog(path, SettingsDialog::Mode::Edit);
        QCOMPARE(field<QLineEdit>(&dialog, "host")->text(), QStringLiteral("mail.example.org"));
        QCOMPARE(field<QComboBox>(&dialog, "security")->currentIndex(), 1);
        QCOMPARE(field<QLineEdit>(&dialog, "inboxFolder")->text(), QStringLiteral("Reports"));
        field<QLineEdit>(&dialog, "doneFolder")->setText(QStringLiteral("Reports/Counted"));
        QVERIFY(dialog.save());
        const auto loaded = loadConfig(path, {});
        QVERIFY2(loaded, loaded ? "" : qPrintable(loaded.error().message));
        QCOMPARE(loaded->deduplicationMaxSeconds, qint64(3600));
        const ImapSettings &account = loaded->accounts.first();
        QCOMPARE(account.security, ImapSettings::Security::StartTls);
        QCOMPARE(account.timeoutSeconds, 20.0);
        QCOMPARE(account.doneFolder, QStringLiteral("Reports/Counted"));
        QCOMPARE(account.errorFolder, QStringLiteral("Reports/Bad"));
    }

    // What the dialog has no field for, a password_file, OAuth2 and the rest of a Python
    // logging setup survive a save; the file reads back as the dialog saw it.
    void savingUnchangedKeepsEverything()
    {
        QTemporaryDir dir;
        QFile passwordFile(dir.filePath(QStringLiteral("pw")));
        QVERIFY(passwordFile.open(QIODevice::WriteOnly));
        passwordFile.write("from-file\n");
        passwordFile.close();
        const QString path = writeConfig(
            dir, QStringLiteral("{\"storage_path\": \"/tmp/dmarc-store\", \"port\": 9123, "
                                "\"limits\": {\"max_zip_members\": 8}, \"logging\": "
                                "{\"version\": 1, \"root\": {\"level\": \"DEBUG\"}}, "
                                "\"accounts\": [{\"name\": \"one\", \"imap\": {\"host\": "
                                "\"a.example\", \"username\": \"a\", \"password_file\": "
                                "\"%1\", \"timeout_seconds\": 20}}, {\"name\": \"two\", "
                                "\"imap\": {\"host\": \"b.example\", \"username\": \"b\", "
                                "\"auth\": \"xoauth2\", \"oauth2\": {\"token_url\": "
                                "\"https://login.example.org/token\", \"client_id\": \"id\", "
                                "\"refresh_token\": \"r\", \"scope\": \"s\"}}}]}")
                     .arg(passwordFile.fileName())
                     .toUtf8());
        const auto before = loadConfig(path, {});
        QVERIFY2(before, before ? "" : qPrintable(before.error().message));
        SettingsDialog dialog(path, SettingsDialog::Mode::Edit);
        QVERIFY(field<QLabel>(&dialog, "message")->text().isEmpty());
        QVERIFY(field<QLineEdit>(&dialog, "password")->text().isEmpty());
        QVERIFY(dialog.save());
        const auto after = loadConfig(path, {});
        QVERIFY2(after, after ? "" : qPrintable(after.error().message));
        const QByteArray saved = toJson(*after, ConfigForm::File);
        QCOMPARE(saved, toJson(*before, ConfigForm::File));
        QCOMPARE(toJson(dialog.config(), ConfigForm::File), saved);
        QVERIFY(saved.contains("\"version\": 1"));
        QVERIFY(!saved.contains("from-file"));
        QCOMPARE(after->accounts.constFirst().password, QStringLiteral("from-file"));
        QCOMPARE(after->accounts.constLast().oauth2.scope, QStringLiteral("s"));
    }

    void opensAFaultyFileAndNamesTheMistake()
    {
        QTemporaryDir dir;
        const QString path = writeConfig(
            dir, R"({"imap": {"host": "mail.example.org", "username": "u", "pasword": "p"}})");
        SettingsDialog dialog(path, SettingsDialog::Mode::Edit);
        QVERIFY2(field<QLabel>(&dialog, "message")
                     ->text()
                     .contains(QStringLiteral("`imap.pasword`: unknown key")),
                 qPrintable(field<QLabel>(&dialog, "message")->text()));
        QCOMPARE(field<QLineEdit>(&dialog, "host")->text(), QStringLiteral("mail.example.org"));
        // The misspelt key is kept, so the file cannot be saved until it is mended.
        QVERIFY(!dialog.save());
    }

    void testConnectionReportsFailure()
    {
        quint16 closedPort = 0;
        {
            QTcpServer probe;
            QVERIFY(probe.listen(QHostAddress::LocalHost));
            closedPort = probe.serverPort();
        }
        QTemporaryDir dir;
        SettingsDialog dialog(dir.filePath(QStringLiteral("config.json")),
                              SettingsDialog::Mode::Edit);
        fillAccount(&dialog, closedPort);
        field<QLineEdit>(&dialog, "host")->setText(QStringLiteral("127.0.0.1"));
        field<QComboBox>(&dialog, "security")->setCurrentIndex(2);
        QSignalSpy tested(&dialog, &SettingsDialog::connectionTested);
        QTest::mouseClick(field<QWidget>(&dialog, "testButton"), Qt::LeftButton);
        QVERIFY(tested.count() == 1 || tested.wait());
        QCOMPARE(tested.first().at(0).toBool(), false);
        QVERIFY(!tested.first().at(1).toString().isEmpty());
    }

    void testConnectionListsFolders_data()
    {
        QTest::addColumn<QString>("password");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("says");
        QTest::newRow("logged in")
            << QStringLiteral("s3cret") << true << QStringLiteral("Reports/2026");
        QTest::newRow("wrong password")
            << QStringLiteral("wrong") << false << QStringLiteral("wrong password");
    }

    void testConnectionListsFolders()
    {
        QFETCH(QString, password);
        QFETCH(bool, ok);
        QFETCH(QString, says);
        Test::FakeImapServer server;
        server.addMessage(QStringLiteral("Reports/2026"), QByteArray("Subject: x\r\n\r\nx"));
        QTemporaryDir dir;
        SettingsDialog dialog(dir.filePath(QStringLiteral("config.json")),
                              SettingsDialog::Mode::Edit);
        fillAccount(&dialog, server.port());
        field<QLineEdit>(&dialog, "host")->setText(QStringLiteral("127.0.0.1"));
        field<QLineEdit>(&dialog, "password")->setText(password);
        field<QComboBox>(&dialog, "security")->setCurrentIndex(2);
        QSignalSpy tested(&dialog, &SettingsDialog::connectionTested);
        QTest::mouseClick(field<QWidget>(&dialog, "testButton"), Qt::LeftButton);
        QVERIFY(tested.count() == 1 || tested.wait());
        QCOMPARE(tested.first().at(0).toBool(), ok);
        const QString text = tested.first().at(1).toString();
        QVERIFY2(text.contains(says), qPrintable(text));
        QCOMPARE(field<QLabel>(&dialog, "message")->text(), text);
    }

    void testConnectionWithAnOAuth2Token()
    {
        Test::FakeImapServer server;
        QTemporaryDir dir;
        const QString tokenFile = dir.filePath(QStringLiteral("token"));
        {
            QFile file(tokenFile);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("ya29.test-token\n");
        }
        SettingsDialog dialog(dir.filePath(QStringLiteral("config.json")),
                              SettingsDialog::Mode::Edit);
        fillAccount(&dialog, server.port());
        field<QLineEdit>(&dialog, "host")->setText(QStringLiteral("127.0.0.1"));
        field<QComboBox>(&dialog, "security")->setCurrentIndex(2);
        field<QComboBox>(&dialog, "auth")->setCurrentIndex(2); // XOAUTH2
        field<QLineEdit>(&dialog, "tokenFile")->setText(tokenFile);
        QSignalSpy tested(&dialog, &SettingsDialog::connectionTested);
        dialog.testConnection();
        QVERIFY(tested.count() == 1 || tested.wait());
        QVERIFY2(tested.first().at(0).toBool(), qPrintable(tested.first().at(1).toString()));
        QVERIFY(!server.receivedWithName("AUTHENTICATE").isEmpty());
    }
};

QTEST_MAIN(TestSettingsDialog)
#include "tst_settingsdialog.moc"
