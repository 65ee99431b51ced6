#include "config/config.h"

#include <QFile>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace Dmarc;

namespace {

QByteArray readData(const QString &name)
{
    QFile file(QStringLiteral(DMARC_TEST_DATA_DIR "/") + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("missing test data");
    return file.readAll();
}

Result<Config> parse(const QByteArray &json, const QHash<QString, QString> &environment = {})
{
    return parseConfig(json, QStringLiteral("test.json"), environment);
}

} // namespace

class TestConfig : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void upstreamSampleIsAcceptedAsIs()
    {
        const auto config = parse(readData(QStringLiteral("upstream/config-sample.json")));
        QVERIFY2(config.ok(), qPrintable(config.ok() ? QString() : config.error().message));
        QCOMPARE(config->endpoint.listenAddress, QStringLiteral("127.0.0.1"));
        QCOMPARE(config->endpoint.port, quint16(9797));
        QCOMPARE(config->storagePath, QStringLiteral("/var/lib/dmarc-metrics-exporter"));
        QCOMPARE(config->pollIntervalSeconds, 60.0);
        QCOMPARE(config->deduplicationMaxSeconds, 604800);
        QCOMPARE(config->accounts.size(), 1);
        const ImapSettings &imap = config->accounts.constFirst();
        QCOMPARE(imap.host, QStringLiteral("localhost"));
        QCOMPARE(imap.port, quint16(993));
        QCOMPARE(imap.username, QStringLiteral("dmarc@your-server.com"));
        QCOMPARE(imap.password, QStringLiteral("supersecret"));
        QCOMPARE(imap.security, ImapSettings::Security::ImplicitTls);
        QVERIFY(imap.verifyCertificate);
        QCOMPARE(imap.inboxFolder, QStringLiteral("INBOX"));
        QCOMPARE(imap.doneFolder, QStringLiteral("Archive"));
        QCOMPARE(imap.errorFolder, QStringLiteral("Invalid"));
        QCOMPARE(config->logFormat, Log::Format::Json);
        // The Python-only parts of the logging object are ignored with one warning.
        QCOMPARE(config->warnings.size(), 1);
        QVERIFY(config->warnings.constFirst().contains(QStringLiteral("logging.loggers")));
        QVERIFY(config->warnings.constFirst().contains(
            QStringLiteral("logging.handlers.default.class")));
    }

    void upstreamE2eConfigIsAccepted()
    {
        const auto config = parse(readData(QStringLiteral("upstream/config-e2e.json")));
        QVERIFY2(config.ok(), qPrintable(config.ok() ? QString() : config.error().message));
        const ImapSettings &imap = config->accounts.constFirst();
        QCOMPARE(imap.tlsMaximumVersion, 771);
        QVERIFY(!imap.verifyCertificate);
        QCOMPARE(imap.port, quint16(3993));
        QCOMPARE(config->pollIntervalSeconds, 1.0);
        QCOMPARE(imap.pollIntervalSeconds, 1.0);
        QVERIFY(config->warnings.join(QLatin1Char('\n'))
                    .contains(QStringLiteral("verification is off")));
    }

    void defaults()
    {
        const auto config = parse(R"({"imap": {"username": "u", "password": "p"}})");
        QVERIFY(config.ok());
        QCOMPARE(config->endpoint.listenAddress, QStringLiteral("127.0.0.1"));
        QCOMPARE(config->endpoint.port, quint16(9797));
        QVERIFY(config->endpoint.tlsCertFile.isEmpty());
        QVERIFY(config->endpoint.basicAuthUser.isEmpty());
        QCOMPARE(config->limits.maxPayloadBytes, qint64(256) * 1024 * 1024);
        QCOMPARE(config->limits.maxZipMembers, 64);
        QCOMPARE(config->logFormat, Log::Format::Colored);
        QCOMPARE(config->logLevel, QtInfoMsg);
        const ImapSettings &imap = config->accounts.constFirst();
        QCOMPARE(imap.host, QStringLiteral("localhost"));
        QCOMPARE(imap.port, quint16(993));
        QCOMPARE(imap.auth, ImapSettings::Auth::Login);
        QVERIFY(imap.idle);
        QVERIFY(config->warnings.isEmpty());
    }

    void newKeys()
    {
        QTemporaryDir dir;
        const QString ca = dir.filePath(QStringLiteral("ca.pem"));
        QFile caFile(ca);
        QVERIFY(caFile.open(QIODevice::WriteOnly));
        caFile.close();
        const QByteArray json = QStringLiteral(R"({
            "imap": {"host": "mail.example.org", "username": "u", "password": "p",
                     "use_ssl": false, "starttls": true, "ca_file": "%1", "auth": "PLAIN",
                     "idle": false, "timeout_seconds": 15, "max_batch_bytes": 1000},
            "limits": {"max_payload_bytes": 1048576, "max_zip_members": 8},
            "listen_addr": "::", "port": 0,
            "web": {"tls_cert_file": "%1", "tls_key_file": "%1", "basic_auth_user": "prometheus",
                    "basic_auth_password_hash": "$2y$10$abcdefghijklmnopqrstuv"},
            "logging": {"root": {"level": "DEBUG"}, "handlers": {"default": {"formatter": "plain"}}}
        })")
                                    .arg(ca)
                                    .toUtf8();
        const auto config = parse(json);
        QVERIFY2(config.ok(), qPrintable(config.ok() ? QString() : config.error().message));
        const ImapSettings &imap = config->accounts.constFirst();
        QCOMPARE(imap.security, ImapSettings::Security::StartTls);
        QCOMPARE(imap.port, quint16(143));
        QCOMPARE(imap.caFile, ca);
        QCOMPARE(imap.auth, ImapSettings::Auth::Plain);
        QVERIFY(!imap.idle);
        QCOMPARE(imap.timeoutSeconds, 15.0);
        QCOMPARE(imap.maxBatchBytes, qint64(1000));
        QCOMPARE(config->limits.maxPayloadBytes, qint64(1048576));
        QCOMPARE(config->endpoint.listenAddress, QStringLiteral("::"));
        QCOMPARE(config->endpoint.port, quint16(0));
        QCOMPARE(config->endpoint.tlsCertFile, ca);
        QCOMPARE(config->endpoint.basicAuthUser, QStringLiteral("prometheus"));
        QCOMPARE(config->limits.maxZipMembers, 8);
        QCOMPARE(config->logLevel, QtDebugMsg);
        QCOMPARE(config->logFormat, Log::Format::Plain);
        QVERIFY(config->warnings.isEmpty());
    }

    void oauth2Account()
    {
        // (No raw string here: moc reads the URL's double slash as a comment.)
        const auto config = parse("{\"imap\": {\"username\": \"u@example.org\", "
                                  "\"auth\": \"xoauth2\", \"oauth2\": {\"token_url\": "
                                  "\"https://login.example.org/token\", \"client_id\": \"id\", "
                                  "\"refresh_token\": \"r\", \"scope\": \"s\"}}}");
        QVERIFY2(config.ok(), qPrintable(config.ok() ? QString() : config.error().message));
        const ImapSettings &imap = config->accounts.constFirst();
        QCOMPARE(imap.auth, ImapSettings::Auth::XOAuth2);
        QCOMPARE(imap.oauth2.tokenUrl, QStringLiteral("https://login.example.org/token"));
        QCOMPARE(imap.oauth2.refreshToken, QStringLiteral("r"));
        QVERIFY(imap.password.isEmpty());
    }

    void severalAccounts()
    {
        const auto config = parse(R"({"accounts": [
            {"name": "first", "imap": {"username": "a", "password": "1"},
             "folders": {"inbox": "Reports", "done": "Reports/Done"}},
            {"name": "second", "imap": {"username": "b", "password": "2", "host": "other"}}
        ], "poll_interval_seconds": 5})");
        QVERIFY2(config.ok(), qPrintable(config.ok() ? QString() : config.error().message));
        QCOMPARE(config->accounts.size(), 2);
        QCOMPARE(config->accounts[0].accountName, QStringLiteral("first"));
        QCOMPARE(config->accounts[0].inboxFolder, QStringLiteral("Reports"));
        QCOMPARE(config->accounts[0].doneFolder, QStringLiteral("Reports/Done"));
        QCOMPARE(config->accounts[0].errorFolder, QStringLiteral("Invalid"));
        QCOMPARE(config->accounts[1].host, QStringLiteral("other"));
        QCOMPARE(config->accounts[1].pollIntervalSeconds, 5.0);
    }

    void errors_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("message");
        QTest::newRow("typo in imap")
            << QByteArray(R"({"imap": {"username": "u", "pasword": "p"}})")
            << QStringLiteral("`imap.pasword`: unknown key; did you mean `password`?");
        QTest::newRow("typo at top")
            << QByteArray(R"({"listen_adr": "::", "imap": {"username": "u", "password": "p"}})")
            << QStringLiteral("`listen_adr`: unknown key; did you mean `listen_addr`?");
        QTest::newRow("imap missing")
            << QByteArray("{}") << QStringLiteral("`imap`: missing (required)");
        QTest::newRow("username missing") << QByteArray(R"({"imap": {"password": "p"}})")
                                          << QStringLiteral("`imap.username`: missing (required)");
        QTest::newRow("password missing")
            << QByteArray(R"({"imap": {"username": "u"}})")
            << QStringLiteral("`imap.password`: missing: give password, password_file");
        QTest::newRow("port as string")
            << QByteArray(R"({"port": "9797", "imap": {"username": "u", "password": "p"}})")
            << QStringLiteral("`port`: expected a whole number from 0 to 65535, got \"9797\"");
        QTest::newRow("port out of range")
            << QByteArray(R"({"imap": {"username": "u", "password": "p", "port": 70000}})")
            << QStringLiteral("`imap.port`: expected a whole number from 1 to 65535, got 70000");
        QTest::newRow("bool as string")
            << QByteArray(R"({"imap": {"username": "u", "password": "p", "use_ssl": "false"}})")
            << QStringLiteral("`imap.use_ssl`: expected true or false, got \"false\"");
        QTest::newRow("negative poll interval")
            << QByteArray(
                   R"({"poll_interval_seconds": -1, "imap": {"username": "u", "password": "p"}})")
            << QStringLiteral(
                   "`poll_interval_seconds`: expected a number from 0.01 to 86400, got -1");
        QTest::newRow("bad listen address")
            << QByteArray(
                   R"({"listen_addr": "nowhere", "imap": {"username": "u", "password": "p"}})")
            << QStringLiteral("`listen_addr`: expected an IP address");
        QTest::newRow("bad log level")
            << QByteArray(
                   R"({"logging": {"root": {"level": "verbose"}}, "imap": {"username": "u", "password": "p"}})")
            << QStringLiteral("`logging.root.level`: expected one of debug, info, warning, error, "
                              "critical (or 10, 20, 30, 40, 50), got \"verbose\"");
        QTest::newRow("bad formatter")
            << QByteArray(
                   R"({"logging": {"handlers": {"default": {"formatter": "xml"}}}, "imap": {"username": "u", "password": "p"}})")
            << QStringLiteral("`logging.handlers.default.formatter`: expected one of plain, "
                              "colored, json, got \"xml\"");
        QTest::newRow("not json") << QByteArray("{\n  \"imap\": {,\n}")
                                  << QStringLiteral("not valid JSON at line 2, column");
        QTest::newRow("not an object")
            << QByteArray("[1, 2]") << QStringLiteral("expected a JSON object at the top");
        QTest::newRow("imap and accounts")
            << QByteArray(R"({"imap": {"username": "u", "password": "p"}, "accounts": []})")
            << QStringLiteral("`accounts`: give either imap/folders or accounts, not both");
        QTest::newRow("account field type")
            << QByteArray(R"({"accounts": [{"imap": {"username": "u", "password": "p"}},
                                           {"imap": {"username": "v", "password": "p", "host": 5}}]})")
            << QStringLiteral("`accounts[1].imap.host`: expected a string, got 5");
        QTest::newRow("starttls with use_ssl")
            << QByteArray(
                   R"({"imap": {"username": "u", "password": "p", "use_ssl": true, "starttls": true}})")
            << QStringLiteral("`imap.starttls`: cannot be combined with use_ssl: true");
        QTest::newRow("old tls")
            << QByteArray(
                   R"({"imap": {"username": "u", "password": "p", "tls_maximum_version": 770}})")
            << QStringLiteral("`imap.tls_maximum_version`: expected 771 (TLS 1.2)");
        QTest::newRow("unknown auth")
            << QByteArray(R"({"imap": {"username": "u", "password": "p", "auth": "cram-md5"}})")
            << QStringLiteral("`imap.auth`: expected one of login, plain, xoauth2, oauthbearer");
        QTest::newRow("oauth2 missing")
            << QByteArray(R"({"imap": {"username": "u", "auth": "oauthbearer"}})")
            << QStringLiteral("`imap.oauth2`: missing (required with auth: oauthbearer)");
        QTest::newRow("oauth2 incomplete")
            << QByteArray("{\"imap\": {\"username\": \"u\", \"auth\": \"xoauth2\", "
                          "\"oauth2\": {\"token_url\": \"https://x/t\"}}}")
            << QStringLiteral("`imap.oauth2.client_id`: missing (required with token_url)");
        QTest::newRow("missing ca file")
            << QByteArray(
                   R"({"imap": {"username": "u", "password": "p", "ca_file": "/nonexistent/ca.pem"}})")
            << QStringLiteral("`imap.ca_file`: cannot read /nonexistent/ca.pem");
        QTest::newRow("empty folder")
            << QByteArray(
                   R"({"imap": {"username": "u", "password": "p"}, "folders": {"done": " "}})")
            << QStringLiteral("`folders.done`: must not be empty");
        QTest::newRow("half of tls")
            << QByteArray(
                   R"({"web": {"tls_key_file": "k"}, "imap": {"username": "u", "password": "p"}})")
            << QStringLiteral("`web.tls_cert_file`: missing: TLS needs both");
        QTest::newRow("plain password as hash")
            << QByteArray(
                   R"({"web": {"basic_auth_user": "p", "basic_auth_password_hash": "secret"}, "imap": {"username": "u", "password": "p"}})")
            << QStringLiteral("`web.basic_auth_password_hash`: expected a bcrypt");
        QTest::newRow("limit too small")
            << QByteArray(
                   R"({"limits": {"max_zip_members": 0}, "imap": {"username": "u", "password": "p"}})")
            << QStringLiteral(
                   "`limits.max_zip_members`: expected a whole number from 1 to 100000, got 0");
    }

    void errors()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, message);
        const auto config = parse(json);
        QVERIFY(!config.ok());
        QVERIFY2(config.error().message.contains(message), qPrintable(config.error().message));
        QVERIFY(config.error().message.startsWith(QStringLiteral("test.json")));
    }

    void unknownKeyFarFromAnyHasNoSuggestion()
    {
        const auto config =
            parse(R"({"imap": {"username": "u", "password": "p", "zzzzzzzzzz": 1}})");
        QVERIFY(!config.ok());
        QVERIFY(config.error().message.endsWith(QStringLiteral("`imap.zzzzzzzzzz`: unknown key")));
    }

    void reportsEveryMistakeAtOnce()
    {
        const auto config = parse(R"({"port": -1, "imap": {"username": 3, "pasword": "p"}})");
        QVERIFY(!config.ok());
        const QString message = config.error().message;
        QVERIFY(message.contains(QStringLiteral("`port`")));
        QVERIFY(message.contains(QStringLiteral("`imap.username`")));
        QVERIFY(message.contains(QStringLiteral("`imap.pasword`")));
    }

    void passwordSources()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("secret"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("from-file\n");
        file.close();
        const auto fromFile =
            parse(QStringLiteral(R"({"imap": {"username": "u", "password_file": "%1"}})")
                      .arg(path)
                      .toUtf8());
        QVERIFY(fromFile.ok());
        QCOMPARE(fromFile->accounts.constFirst().password, QStringLiteral("from-file"));

        const auto fromEnvironment =
            parse(R"({"imap": {"username": "u"}})",
                  {{QStringLiteral("DMARC_IMAP_PASSWORD"), QStringLiteral("from-env")}});
        QVERIFY(fromEnvironment.ok());
        QCOMPARE(fromEnvironment->accounts.constFirst().password, QStringLiteral("from-env"));

        const auto both = parse(
            QStringLiteral(R"({"imap": {"username": "u", "password": "p", "password_file": "%1"}})")
                .arg(path)
                .toUtf8());
        QVERIFY(!both.ok());
        QVERIFY(both.error().message.contains(QStringLiteral("`imap.password_file`: give either")));

        const auto unreadable =
            parse(R"({"imap": {"username": "u", "password_file": "/nonexistent/pw"}})");
        QVERIFY(!unreadable.ok());
        QVERIFY(unreadable.error().message.contains(
            QStringLiteral("`imap.password_file`: cannot read /nonexistent/pw")));
    }

    void stateDirectory()
    {
        const QHash<QString, QString> systemd{
            {QStringLiteral("STATE_DIRECTORY"), QStringLiteral("/var/lib/private/dmarc")}};
        const auto implicit = parse(R"({"imap": {"username": "u", "password": "p"}})", systemd);
        QCOMPARE(implicit->storagePath, QStringLiteral("/var/lib/private/dmarc"));
        const auto explicitPath =
            parse(R"({"storage_path": "/srv/dmarc", "imap": {"username": "u", "password": "p"}})",
                  systemd);
        QCOMPARE(explicitPath->storagePath, QStringLiteral("/srv/dmarc"));
    }

    void effectiveConfigMasksSecrets()
    {
        const auto config = parse(R"({"imap": {"username": "u", "password": "hunter2"}})");
        QVERIFY(config.ok());
        const QByteArray text = QJsonDocument(effectiveConfig(*config)).toJson();
        QVERIFY(!text.contains("hunter2"));
        QVERIFY(text.contains("\"password\": \"********\""));
        QVERIFY(text.contains("\"port\": 9797"));
        QVERIFY(text.contains("\"done\": \"Archive\""));
        QVERIFY(text.contains("\"listen_addr\": \"127.0.0.1\""));
    }

    void worldReadableSecretWarns()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("config.json"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"({"imap": {"username": "u", "password": "p"}})");
        file.close();

        QVERIFY(file.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ReadOther));
        auto config = loadConfig(path, {});
        QVERIFY(config.ok());
        QVERIFY(config->warnings.join(QLatin1Char('\n')).contains(QStringLiteral("chmod 600")));

        QVERIFY(file.setPermissions(QFile::ReadOwner | QFile::WriteOwner));
        config = loadConfig(path, {});
        QVERIFY(config.ok());
        QVERIFY(config->warnings.isEmpty());
        QCOMPARE(config->sourcePath, path);
    }

    void unreadableFile()
    {
        const auto config = loadConfig(QStringLiteral("/nonexistent/config.json"), {});
        QVERIFY(!config.ok());
        QVERIFY(config.error().message.contains(
            QStringLiteral("cannot read the configuration /nonexistent/config.json")));
    }
};

QTEST_GUILESS_MAIN(TestConfig)
#include "tst_config.moc"
