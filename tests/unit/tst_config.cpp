#include "config/config.h"
#include "config/configkeys.h"
#include "config/confignames.h"
#include "testfiles.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace Dmarc;
using Dmarc::Test::writeTestFile;

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

template<typename Settings, std::size_t N>
void compareTexts(const Settings &actual, const Settings &expected,
                  const Key::TextKey<Settings> (&keys)[N])
{
    for (const Key::TextKey<Settings> &text : keys)
        QCOMPARE(actual.*text.member, expected.*text.member);
}

// Every value of an account, one by one, so that a failure names it.
void compareAccounts(const ConfigAccount &actual, const ConfigAccount &expected)
{
    QCOMPARE(actual.accountName, expected.accountName);
    QCOMPARE(actual.host, expected.host);
    QCOMPARE(actual.port, expected.port);
    QCOMPARE(actual.security, expected.security);
    QCOMPARE(actual.verifyCertificate, expected.verifyCertificate);
    QCOMPARE(actual.caFile, expected.caFile);
    QCOMPARE(actual.tlsPeerName, expected.tlsPeerName);
    QCOMPARE(actual.tlsMaximumVersion, expected.tlsMaximumVersion);
    QCOMPARE(actual.auth, expected.auth);
    QCOMPARE(actual.username, expected.username);
    QCOMPARE(actual.password, expected.password);
    compareTexts(actual.oauth2, expected.oauth2, Key::kOAuth2Keys);
    compareTexts<ImapSettings>(actual, expected, Key::kFolderKeys);
    QCOMPARE(actual.idle, expected.idle);
    QCOMPARE(actual.pollIntervalSeconds, expected.pollIntervalSeconds);
    QCOMPARE(actual.timeoutSeconds, expected.timeoutSeconds);
    QCOMPARE(actual.idleRenewSeconds, expected.idleRenewSeconds);
    QCOMPARE(actual.reconnectMinSeconds, expected.reconnectMinSeconds);
    QCOMPARE(actual.reconnectMaxSeconds, expected.reconnectMaxSeconds);
    QCOMPARE(actual.maxBatchBytes, expected.maxBatchBytes);
    QCOMPARE(actual.maxMessageBytes, expected.maxMessageBytes);
    QCOMPARE(actual.passwordSource, expected.passwordSource);
    QCOMPARE(actual.passwordFile, expected.passwordFile);
    QCOMPARE(actual.unknown, expected.unknown);
}

// Every value of a configuration, one by one.
void compareConfigs(const Config &actual, const Config &expected)
{
    QCOMPARE(actual.endpoint.listenAddress, expected.endpoint.listenAddress);
    QCOMPARE(actual.endpoint.port, expected.endpoint.port);
    compareTexts(actual.endpoint, expected.endpoint, Key::kWebKeys);
    QCOMPARE(actual.endpoint.maxConnections, expected.endpoint.maxConnections);
    QCOMPARE(actual.endpoint.maxRequestHeadBytes, expected.endpoint.maxRequestHeadBytes);
    QCOMPARE(actual.endpoint.requestTimeoutMs, expected.endpoint.requestTimeoutMs);
    QCOMPARE(actual.endpoint.responseTimeoutMs, expected.endpoint.responseTimeoutMs);
    QCOMPARE(actual.storagePath, expected.storagePath);
    QCOMPARE(actual.storagePathFromEnvironment, expected.storagePathFromEnvironment);
    QCOMPARE(actual.database.url, expected.database.url);
    QCOMPARE(actual.database.passwordFile, expected.database.passwordFile);
    QCOMPARE(actual.database.password, expected.database.password);
    QCOMPARE(actual.pollIntervalSeconds, expected.pollIntervalSeconds);
    QCOMPARE(actual.deduplicationMaxSeconds, expected.deduplicationMaxSeconds);
    QCOMPARE(actual.limits.maxPayloadBytes, expected.limits.maxPayloadBytes);
    QCOMPARE(actual.limits.maxZipMembers, expected.limits.maxZipMembers);
    QCOMPARE(actual.limits.maxCandidateParts, expected.limits.maxCandidateParts);
    QCOMPARE(actual.limits.maxTlsReportBytes, expected.limits.maxTlsReportBytes);
    QCOMPARE(actual.limits.maxLabelSetsPerReport, expected.limits.maxLabelSetsPerReport);
    QCOMPARE(actual.maxLabelSets, expected.maxLabelSets);
    QCOMPARE(actual.domains, expected.domains);
    QCOMPARE(actual.logFormat, expected.logFormat);
    QCOMPARE(actual.logLevel, expected.logLevel);
    QCOMPARE(actual.unknown, expected.unknown);
    QCOMPARE(actual.warnings, expected.warnings);
    QCOMPARE(actual.accounts.size(), expected.accounts.size());
    for (qsizetype i = 0; i < actual.accounts.size() && !QTest::currentTestFailed(); ++i)
        compareAccounts(actual.accounts.at(i), expected.accounts.at(i));
}

// parse -> toJson -> parse must give the same configuration; returns the written text.
QByteArray checkRoundTrip(const Config &config, const QHash<QString, QString> &environment)
{
    const QByteArray written = toJson(config, ConfigForm::File);
    const auto reread = parseConfig(written, QStringLiteral("test.json"), environment);
    if (!reread) {
        qWarning("%s\n%s", written.constData(), qPrintable(reread.error().message));
        return {};
    }
    compareConfigs(*reread, config);
    return written;
}

template<typename Enum, std::size_t N>
void checkNameTable(const Named<Enum> (&table)[N])
{
    QStringList seen;
    for (const Named<Enum> &entry : table) {
        const QString name = QString::fromLatin1(entry.name);
        QCOMPARE(nameOf(table, entry.value), name);
        QVERIFY(valueOf(table, name) == entry.value);
        QVERIFY(valueOf(table, name.toUpper()) == entry.value);
        QVERIFY(!seen.contains(name));
        seen << name;
    }
    QCOMPARE(namesOf(table), seen);
    QVERIFY(!valueOf(table, QStringLiteral("nonsense")));
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
        QCOMPARE(config->limits.maxCandidateParts, 1000);
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
            "limits": {"max_payload_bytes": 1048576, "max_zip_members": 8,
                       "max_candidate_parts": 20},
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
        QCOMPARE(config->limits.maxCandidateParts, 20);
        QCOMPARE(config->logLevel, QtDebugMsg);
        QCOMPARE(config->logFormat, Log::Format::Plain);
        QVERIFY(config->warnings.isEmpty());
    }

    // docs/counting.md section 9: the label set limits and the own domains, read, checked and
    // written back.
    void seriesLimitsAndDomains()
    {
        const auto defaults = parse(R"({"imap": {"username": "u", "password": "p"}})");
        QVERIFY(defaults.ok());
        QCOMPARE(defaults->limits.maxLabelSetsPerReport, 10000);
        QCOMPARE(defaults->maxLabelSets, 10000);
        QVERIFY(defaults->domains.isEmpty());
        QVERIFY(!toJson(*defaults, ConfigForm::File).contains("\"domains\""));

        const auto config = parse(R"({"imap": {"username": "u", "password": "p"},
            "domains": ["example.com", " Example.ORG. "],
            "limits": {"max_label_sets_per_report": 500, "max_label_sets": 2000}})");
        QVERIFY2(config.ok(), qPrintable(config.ok() ? QString() : config.error().message));
        QCOMPARE(config->limits.maxLabelSetsPerReport, 500);
        QCOMPARE(config->maxLabelSets, 2000);
        QCOMPARE(config->domains,
                 (QStringList{QStringLiteral("example.com"), QStringLiteral("Example.ORG.")}));
        QVERIFY(checkRoundTrip(*config, {}).contains("\"max_label_sets_per_report\": 500"));

        const struct
        {
            const char *json;
            QString message;
        } wrong[] = {
            {R"({"limits": {"max_label_sets_per_report": 0}})",
             QStringLiteral("`limits.max_label_sets_per_report`: expected a whole number from 1 "
                            "to 10000000, got 0")},
            {R"({"limits": {"max_label_sets": 100}})",
             QStringLiteral("`limits.max_label_sets`: 100 is less than max_label_sets_per_report "
                            "(10000)")},
            {R"({"domains": "example.com"})", QStringLiteral("`domains`: expected")},
            {R"({"domains": ["example.com", 7]})",
             QStringLiteral("`domains[1]`: expected a domain name such as \"example.com\", got 7")},
            {R"({"domains": ["*.example.com"]})",
             QStringLiteral("`domains[0]`: \"*.example.com\" is not a domain name")},
            {R"({"domains": ["dmarc@example.com"]})",
             QStringLiteral("`domains[0]`: \"dmarc@example.com\" is not a domain name")},
        };
        for (const auto &c : wrong) {
            QByteArray json(c.json);
            json.insert(1, R"("imap": {"username": "u", "password": "p"}, )");
            const auto failed = parse(json);
            QVERIFY2(!failed.ok(), c.json);
            QVERIFY2(failed.error().message.contains(c.message),
                     qPrintable(failed.error().message));
        }
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
                                  << QStringLiteral("not JSON: ");
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
        QTest::newRow("part limit too small")
            << QByteArray(
                   R"({"limits": {"max_candidate_parts": 0}, "imap": {"username": "u", "password": "p"}})")
            << QStringLiteral(
                   "`limits.max_candidate_parts`: expected a whole number from 1 to 100000, got 0");
        // An unknown key gets the closest known key of its object when it is a typo or a
        // shortening.
        const QByteArray login = R"("username": "u", "password": "p")";
        QTest::newRow("shortened") << R"({"imap": {)" + login + R"(, "verify_cert": false}})"
                                   << QStringLiteral("`imap.verify_cert`: unknown key; did you "
                                                     "mean `verify_certificate`?");
        QTest::newRow("hyphens")
            << R"({"imap": {)" + login + R"(, "tls-max-version": 771}})"
            << QStringLiteral(
                   "`imap.tls-max-version`: unknown key; did you mean `tls_maximum_version`?");
        QTest::newRow("abbreviated at the top")
            << R"({"dedup_max_seconds": 60, "imap": {)" + login + "}}"
            << QStringLiteral(
                   "`dedup_max_seconds`: unknown key; did you mean `deduplication_max_seconds`?");
        QTest::newRow("in limits")
            << R"({"limits": {"max_payload": 2048}, "imap": {)" + login + "}}"
            << QStringLiteral(
                   "`limits.max_payload`: unknown key; did you mean `max_payload_bytes`?");
        QTest::newRow("in folders")
            << R"({"folders": {"errors": "Bad"}, "imap": {)" + login + "}}"
            << QStringLiteral("`folders.errors`: unknown key; did you mean `error`?");
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

    // database: the URL read into its parts; the password from password_file, else the URL,
    // else PGPASSWORD; shown without it; every mistake named by its key, never with the
    // password.
    void database()
    {
        QTemporaryDir dir;
        const QString secret = writeTestFile(dir, QStringLiteral("pg"), "from-file\n");
        const QString ca = writeTestFile(dir, QStringLiteral("ca.pem"), "not checked here\n");
        const auto read = [](const QJsonObject &database,
                             const QHash<QString, QString> &environment = {}) {
            QJsonObject top{{QStringLiteral("imap"),
                             QJsonObject{{QStringLiteral("username"), QStringLiteral("u")},
                                         {QStringLiteral("password"), QStringLiteral("p")}}}};
            top.insert(QStringLiteral("database"), database);
            return parse(QJsonDocument(top).toJson(), environment);
        };
        const auto url = [](const QString &text) {
            return QJsonObject{{QStringLiteral("url"), text}};
        };
        const auto urlAndFile = [](const QString &text, const QString &file) {
            return QJsonObject{{QStringLiteral("url"), text},
                               {QStringLiteral("password_file"), file}};
        };
        const QHash<QString, QString> pgPassword{
            {QStringLiteral("PGPASSWORD"), QStringLiteral("from-env")}};

        const auto fromFile =
            read(urlAndFile(QStringLiteral("postgresql://dmarc@db.example.com/dmarc?sslmode="
                                           "verify-full&sslrootcert=") +
                                ca,
                            secret),
                 pgPassword);
        QVERIFY2(fromFile.ok(), qPrintable(fromFile.ok() ? QString() : fromFile.error().message));
        const DatabaseSettings &database = fromFile->database;
        QVERIFY(database.isSet());
        QCOMPARE(database.host, QStringLiteral("db.example.com"));
        QCOMPARE(database.port, 5432);
        QCOMPARE(database.name, QStringLiteral("dmarc"));
        QCOMPARE(database.user, QStringLiteral("dmarc"));
        QCOMPARE(database.password, QStringLiteral("from-file"));
        QCOMPARE(database.sslMode, QStringLiteral("verify-full"));
        QCOMPARE(database.sslRootCert, ca);
        QVERIFY(database.connectOptions().contains(QStringLiteral("sslmode=verify-full;")));
        const QString quotedCa = QStringLiteral("sslrootcert='%1'").arg(ca);
        QVERIFY(database.connectOptions().contains(quotedCa));
        QVERIFY(checkRoundTrip(*fromFile, pgPassword).contains("\"password_file\""));

        const auto inUrl =
            read(url(QStringLiteral("postgresql://dmarc:s3cret@db.example.com:6543/metrics")),
                 pgPassword);
        QVERIFY(inUrl.ok());
        QCOMPARE(inUrl->database.password, QStringLiteral("s3cret"));
        QCOMPARE(inUrl->database.port, 6543);
        const QByteArray shown = toJson(*inUrl, ConfigForm::Shown);
        QVERIFY2(!shown.contains("s3cret"), shown.constData());
        QVERIFY(shown.contains("postgresql://dmarc@db.example.com:6543/metrics"));
        QCOMPARE(inUrl->database.shownUrl(),
                 QStringLiteral("postgresql://dmarc@db.example.com:6543/metrics"));
        QVERIFY(toJson(*inUrl, ConfigForm::File).contains("s3cret"));

        const auto fromEnvironment =
            read(url(QStringLiteral("postgresql://dmarc@db.example.com/dmarc")), pgPassword);
        QVERIFY(fromEnvironment.ok());
        QCOMPARE(fromEnvironment->database.password, QStringLiteral("from-env"));
        QVERIFY(!checkRoundTrip(*fromEnvironment, pgPassword).contains("from-env"));

        // Without `database`: SQLite in storage_path.
        QVERIFY(!parse(R"({"imap": {"username": "u", "password": "p"}})")->database.isSet());

        const struct
        {
            QJsonObject database;
            QString message;
        } mistakes[] = {
            {QJsonObject{{QStringLiteral("password_file"), secret}},
             QStringLiteral("`database.url`: missing")},
            {url(QStringLiteral("mysql://dmarc:s3cret@db/dmarc")),
             QStringLiteral("`database.url`: mysql://dmarc@db/dmarc: the scheme must be")},
            {url(QStringLiteral("postgresql://db.example.com/dmarc")),
             QStringLiteral("`database.url`: postgresql://db.example.com/dmarc: no user")},
            {url(QStringLiteral("postgresql://dmarc:s3cret@db.example.com")),
             QStringLiteral("no database name")},
            {url(QStringLiteral("postgresql://dmarc@db/dmarc?sslmode=always")),
             QStringLiteral("`database.url`: postgresql://dmarc@db/dmarc?sslmode=always: sslmode "
                            "must be one of disable")},
            {url(QStringLiteral("postgresql://dmarc@db/dmarc?options=-c")),
             QStringLiteral("unknown parameter options")},
            {url(QStringLiteral("postgresql://dmarc@db/dmarc?sslrootcert=/nonexistent")),
             QStringLiteral("`database.url`: sslrootcert /nonexistent is not a readable file")},
            {urlAndFile(QStringLiteral("postgresql://dmarc:s3cret@db/dmarc"), secret),
             QStringLiteral("`database.password_file`: give the password either in url or in "
                            "password_file")},
            {urlAndFile(QStringLiteral("postgresql://dmarc@db/dmarc"),
                        QStringLiteral("/nonexistent/pw")),
             QStringLiteral("`database.password_file`: cannot read /nonexistent/pw")},
            {QJsonObject{{QStringLiteral("url"), QStringLiteral("postgresql://dmarc@db/dmarc")},
                         {QStringLiteral("pasword"), QStringLiteral("x")}},
             QStringLiteral("`database.pasword`: unknown key")},
        };
        for (const auto &mistake : mistakes) {
            const auto config = read(mistake.database);
            QVERIFY2(!config.ok(), QJsonDocument(mistake.database).toJson().constData());
            QVERIFY2(config.error().message.contains(mistake.message),
                     qPrintable(config.error().message));
            QVERIFY2(!config.error().message.contains(QLatin1String("s3cret")),
                     qPrintable(config.error().message));
        }
    }

    // database.instance and database.takeover_seconds (account leases): read, written back
    // when set, bounded.
    void databaseLeaseKeys()
    {
        const auto read = [](const QByteArray &members) {
            return parse("{\"imap\": {\"username\": \"u\", \"password\": \"p\"}, "
                         "\"database\": {\"url\": \"postgresql://dmarc:pw@db/dmarc\"" +
                         members + "}}");
        };
        const auto config = read(", \"instance\": \"east-1\", \"takeover_seconds\": 12");
        QVERIFY(config.ok());
        QCOMPARE(config->database.instance, QStringLiteral("east-1"));
        QCOMPARE(config->database.takeoverSeconds, 12);
        const QByteArray written = toJson(*config, ConfigForm::File);
        QVERIFY2(written.contains("\"instance\": \"east-1\""), written.constData());
        QVERIFY2(written.contains("\"takeover_seconds\": 12"), written.constData());

        const auto defaults = read(QByteArray());
        QVERIFY(defaults.ok());
        QVERIFY(defaults->database.instance.isEmpty());
        QCOMPARE(defaults->database.takeoverSeconds, 30);
        QVERIFY(!toJson(*defaults, ConfigForm::File).contains("takeover_seconds"));

        const auto zero = read(", \"takeover_seconds\": 0");
        QVERIFY(!zero.ok());
        QVERIFY2(zero.error().message.contains(QStringLiteral("`database.takeover_seconds`")),
                 qPrintable(zero.error().message));
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

    void shownConfigMasksSecrets()
    {
        const auto config = parse(R"({"imap": {"username": "u", "password": "hunter2"}})");
        QVERIFY(config.ok());
        const QByteArray text = toJson(*config, ConfigForm::Shown);
        QVERIFY(!text.contains("hunter2"));
        QVERIFY(text.contains("\"password\": \"********\""));
        QVERIFY(text.contains("\"port\": 9797"));
        QVERIFY(text.contains("\"done\": \"Archive\""));
        QVERIFY(text.contains("\"listen_addr\": \"127.0.0.1\""));
        QVERIFY(toJson(*config, ConfigForm::File).contains("\"password\": \"hunter2\""));
    }

    void roundTrip_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::newRow("upstream sample") << readData(QStringLiteral("upstream/config-sample.json"));
        QTest::newRow("upstream e2e") << readData(QStringLiteral("upstream/config-e2e.json"));
        QTest::newRow("defaults") << QByteArray(R"({"imap": {"username": "u", "password": "p"}})");
        QTest::newRow("several accounts") << QByteArray(R"({"accounts": [
            {"name": "first", "imap": {"username": "a", "password": "1", "use_ssl": false},
             "folders": {"inbox": "Reports", "done": "Reports/Done"}},
            {"imap": {"username": "b", "password": "2", "host": "other", "starttls": true,
                      "use_ssl": false, "auth": "PLAIN"}}],
            "poll_interval_seconds": 5, "logging": {"root": {"level": 40}}})");
        QTest::newRow("one named account") << QByteArray(
            R"({"accounts": [{"name": "n", "imap": {"username": "a", "password": "1"}}]})");
        QTest::newRow("oauth2") << QByteArray(
            "{\"imap\": {\"username\": \"u\", \"auth\": \"oauthbearer\", \"oauth2\": "
            "{\"token_url\": \"https://login.example.org/token\", \"client_id\": \"id\", "
            "\"client_secret\": \"cs\", \"refresh_token\": \"r\", \"scope\": \"s\"}}}");
        QTest::newRow("password from the environment")
            << QByteArray(R"({"imap": {"username": "u"}, "logging": {"version": 1}})");
    }

    void roundTrip()
    {
        QFETCH(QByteArray, json);
        const QHash<QString, QString> environment{
            {QStringLiteral("DMARC_IMAP_PASSWORD"), QStringLiteral("from-env")}};
        const auto config = parse(json, environment);
        QVERIFY2(config.ok(), qPrintable(config.ok() ? QString() : config.error().message));
        const QByteArray written = checkRoundTrip(*config, environment);
        QVERIFY(!written.isEmpty());
        QVERIFY(!written.contains("from-env"));
        // Written once more, nothing changes.
        QCOMPARE(toJson(*parse(written, environment), ConfigForm::File), written);
    }

    // Each key set to something other than its default, to catch one the writer forgets.
    void everyKeyRoundTrips()
    {
        QTemporaryDir dir;
        const QString file = writeTestFile(dir, QStringLiteral("file"), "from-file\n");
        const QByteArray json = QStringLiteral(R"({
            "listen_addr": "::1", "port": 9100, "storage_path": "/srv/dmarc",
            "web": {"tls_cert_file": "%1", "tls_key_file": "%1", "basic_auth_user": "prometheus",
                    "basic_auth_password_hash": "$6$salt$hash"},
            "poll_interval_seconds": 2.5, "deduplication_max_seconds": 3600,
            "limits": {"max_payload_bytes": 2048, "max_zip_members": 3, "max_candidate_parts": 7},
            "logging": {"handlers": {"default": {"formatter": "json"}}, "root": {"level": 10}},
            "accounts": [
                {"name": "first",
                 "imap": {"host": "a.example", "port": 1143, "username": "a",
                          "password": "secret-a", "use_ssl": false, "starttls": true,
                          "verify_certificate": false, "ca_file": "%1",
                          "tls_maximum_version": 772, "auth": "plain", "idle": false,
                          "max_batch_bytes": 1000, "timeout_seconds": 15},
                 "folders": {"inbox": "In", "done": "In/Done", "error": "In/Bad"}},
                {"name": "second", "imap": {"host": "b.example", "username": "b",
                                            "password_file": "%1", "use_ssl": false}},
                {"name": "third", "imap": {"username": "c", "auth": "xoauth2",
                                           "oauth2": {"token_command": "get-token c"}}},
                {"name": "fourth", "imap": {"username": "d", "auth": "oauthbearer",
                                            "oauth2": {"token_url": "%2", "client_id": "id",
                                                       "client_secret": "secret-cs",
                                                       "refresh_token": "secret-rt",
                                                       "scope": "s"}}},
                {"name": "fifth", "imap": {"username": "e"}}
            ]})")
                                    .arg(file, QStringLiteral("https://login.example.org/token"))
                                    .toUtf8();
        const QHash<QString, QString> environment{
            {QStringLiteral("DMARC_IMAP_PASSWORD"), QStringLiteral("secret-env")}};
        const auto config = parse(json, environment);
        QVERIFY2(config.ok(), qPrintable(config.ok() ? QString() : config.error().message));
        QCOMPARE(config->accounts.at(1).password, QStringLiteral("from-file"));
        QCOMPARE(config->accounts.at(4).passwordSource, ConfigAccount::PasswordSource::Environment);
        const QByteArray written = checkRoundTrip(*config, environment);
        QVERIFY(!written.isEmpty());
        // A password from a file or the environment stays there.
        QVERIFY(written.contains("\"password_file\""));
        QVERIFY(!written.contains("from-file"));
        QVERIFY(!written.contains("secret-env"));

        const QByteArray shown = toJson(*config, ConfigForm::Shown);
        for (const char *secret :
             {"secret-a", "secret-cs", "secret-rt", "$6$salt$hash", "from-file", "secret-env"})
            QVERIFY2(!shown.contains(secret), secret);
        QVERIFY(shown.contains("\"basic_auth_password_hash\": \"********\""));
    }

    void stateDirectoryStaysInTheEnvironment()
    {
        const QHash<QString, QString> systemd{
            {QStringLiteral("STATE_DIRECTORY"), QStringLiteral("/var/lib/private/dmarc")}};
        const auto config = parse(R"({"imap": {"username": "u", "password": "p"}})", systemd);
        QVERIFY(config.ok());
        QVERIFY(!checkRoundTrip(*config, systemd).contains("storage_path"));
        QVERIFY(toJson(*config, ConfigForm::Shown).contains("/var/lib/private/dmarc"));
    }

    // Unknown keys stay errors (warnings under `logging`), as they were; an editor reading the
    // file leniently writes them back, so nothing of the file is lost.
    void unknownKeysAreKept()
    {
        const QByteArray json = R"({
            "_comment": "edited by hand", "future": {"a": [1, 2]},
            "web": {"tls_min_version": "1.3"}, "limits": {"max_depth": 3},
            "logging": {"version": 1, "root": {"handlers": ["default"]},
                        "handlers": {"default": {"class": "logging.StreamHandler"}}},
            "accounts": [{"name": "a", "note": "primary",
                          "imap": {"username": "u", "password": "p", "compress": true,
                                   "auth": "xoauth2", "oauth2": {"token_file": "/t", "audience": "x"}},
                          "folders": {"spam": "Junk"}}]
        })";
        const auto strict = parse(json);
        QVERIFY(!strict.ok());
        QString problems;
        const Config config =
            parseConfigLeniently(json, QStringLiteral("test.json"), {}, &problems);
        QCOMPARE(problems, strict.error().message);
        for (const char *key : {"`_comment`: unknown key", "`future`: unknown key",
                                "`web.tls_min_version`: unknown key", "`limits.max_depth`",
                                "`accounts[0].note`", "`accounts[0].imap.compress`",
                                "`accounts[0].imap.oauth2.audience`", "`accounts[0].folders.spam`"})
            QVERIFY2(problems.contains(QLatin1String(key)), key);
        QVERIFY(
            config.warnings.join(QLatin1Char('\n')).contains(QStringLiteral("logging.version")));

        const QByteArray written = toJson(config, ConfigForm::File);
        QString again;
        const Config reread =
            parseConfigLeniently(written, QStringLiteral("test.json"), {}, &again);
        QCOMPARE(again, problems);
        compareConfigs(reread, config);
        const QJsonObject top = QJsonDocument::fromJson(written).object();
        QCOMPARE(top.value(QStringLiteral("future")).toObject().value(QStringLiteral("a")),
                 QJsonValue(QJsonArray{1, 2}));
        const QJsonObject account =
            top.value(QStringLiteral("accounts")).toArray().at(0).toObject();
        QCOMPARE(account.value(QStringLiteral("note")).toString(), QStringLiteral("primary"));
        QCOMPARE(account.value(QStringLiteral("folders")).toObject().value(QStringLiteral("spam")),
                 QJsonValue(QStringLiteral("Junk")));
    }

    void upstreamSampleKeepsItsOrderAndItsLogging()
    {
        const auto config = parse(readData(QStringLiteral("upstream/config-sample.json")));
        QVERIFY(config.ok());
        const QByteArray written = toJson(*config, ConfigForm::File);
        qsizetype previous = -1;
        for (const char *key : {"listen_addr",
                                "port",
                                "imap",
                                "host",
                                "username",
                                "password",
                                "use_ssl",
                                "verify_certificate",
                                "folders",
                                "inbox",
                                "done",
                                "error",
                                "storage_path",
                                "poll_interval_seconds",
                                "deduplication_max_seconds",
                                "logging",
                                "handlers",
                                "default",
                                "formatter",
                                "class",
                                "root",
                                "loggers"}) {
            const qsizetype at =
                written.indexOf(QByteArray('"' + QByteArray(key) + "\":"), previous + 1);
            QVERIFY2(at > previous, key);
            previous = at;
        }
        QVERIFY(written.contains("\"class\": \"logging.StreamHandler\""));
        QVERIFY(written.contains("\"propagate\": false"));
    }

    // The settings dialog writes with toJson(); a file in the form its earlier versions wrote
    // (every account in `accounts`, OAuth2 beside a password_file) reads back the same.
    void fileFromTheSettingsDialogReadsBackEqual()
    {
        QTemporaryDir dir;
        const QString passwordFile = writeTestFile(dir, QStringLiteral("pw"), "pw\n");
        const QByteArray json = QStringLiteral(R"({
            "accounts": [{"name": "Example", "imap": {"host": "imap.example.com", "port": 993,
                          "use_ssl": true, "verify_certificate": true, "auth": "login",
                          "username": "dmarc@example.com", "password_file": "%1", "idle": true},
                          "folders": {"inbox": "INBOX", "done": "Archive", "error": "Invalid"}}],
            "listen_addr": "127.0.0.1", "port": 9123, "poll_interval_seconds": 30,
            "storage_path": "/tmp/dmarc-store"})")
                                    .arg(passwordFile)
                                    .toUtf8();
        const auto config = parse(json);
        QVERIFY2(config.ok(), qPrintable(config.ok() ? QString() : config.error().message));
        QVERIFY(!checkRoundTrip(*config, {}).isEmpty());
    }

    void nameTablesRoundTrip()
    {
        checkNameTable(kAuthNames);
        checkNameTable(kLogFormatNames);
        checkNameTable(kLogLevelNames);
        for (const Named<QtMsgType> &level : kLogLevelNames)
            QVERIFY(levelFromPythonNumber(pythonLevelNumber(level.value)) == level.value);
        QVERIFY(!levelFromPythonNumber(15));
        for (const auto security :
             {ImapSettings::Security::ImplicitTls, ImapSettings::Security::StartTls,
              ImapSettings::Security::Plain})
            QCOMPARE(securityFromFlags(securityFlags(security)), security);
        // Through a file: each name read in any case and written as the table spells it.
        for (const Named<ImapSettings::Auth> &auth : kAuthNames) {
            const QByteArray json =
                QStringLiteral(R"({"imap": {"username": "u", "password": "p", "auth": "%1",
                                            "oauth2": {"token_command": "t"}}})")
                    .arg(QString::fromLatin1(auth.name).toUpper())
                    .toUtf8();
            const auto config = parse(json);
            QVERIFY(config.ok());
            QCOMPARE(config->accounts.constFirst().auth, auth.value);
            QVERIFY(toJson(*config, ConfigForm::Shown)
                        .contains(QByteArray("\"auth\": \"" + QByteArray(auth.name) + '"')));
        }
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

    // Limits in messages are written as a person writes them, never with an exponent.
    void numbersInMessagesAreWrittenOut()
    {
        const auto config = parse(
            R"({"deduplication_max_seconds": -5, "imap": {"username": "u", "password": "p",
                "max_batch_bytes": 0.5, "timeout_seconds": 0.25}})");
        QVERIFY(!config.ok());
        const QString message = config.error().message;
        for (const char *expected :
             {"`deduplication_max_seconds`: expected a number from 0 to 316224000, got -5",
              "`imap.max_batch_bytes`: expected a whole number from 1 to 4294967296, got 0.5",
              "`imap.timeout_seconds`: expected a number from 1 to 3600, got 0.25"})
            QVERIFY2(message.contains(QString::fromLatin1(expected)), qPrintable(message));
        QVERIFY2(!message.contains(QStringLiteral("e+")), qPrintable(message));
    }

    void emptyFileIsExplained_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::newRow("nothing") << QByteArray();
        QTest::newRow("white space") << QByteArray(" \n\t\n");
    }

    void emptyFileIsExplained()
    {
        QFETCH(QByteArray, json);
        const auto config = parse(json);
        QVERIFY(!config.ok());
        QVERIFY2(config.error().message.startsWith(
                     QStringLiteral("test.json: the file is empty; expected a JSON object")),
                 qPrintable(config.error().message));
        QVERIFY(!config.error().message.contains(QStringLiteral("illegal value")));
    }

    void notJsonNamesTheParseErrorAndWhere()
    {
        const auto config = parse("imap:\n  host: mail.example.org\n");
        QVERIFY(!config.ok());
        QVERIFY2(config.error().message.startsWith(
                     QStringLiteral("test.json: not JSON: illegal value at line 1, column ")),
                 qPrintable(config.error().message));
    }

    // Unset, the newest TLS version is not written as upstream's -1: the key is left out, which
    // reads back the same.
    void unsetTlsMaximumVersionIsLeftOut()
    {
        const auto config = parse(R"({"imap": {"username": "u", "password": "p"}})");
        QVERIFY(config.ok());
        for (const ConfigForm form : {ConfigForm::File, ConfigForm::Shown}) {
            const QByteArray written = toJson(*config, form);
            QVERIFY2(!written.contains("tls_maximum_version"), written.constData());
            QVERIFY2(!written.contains("-1"), written.constData());
        }
        const auto again = parse(toJson(*config, ConfigForm::File));
        QVERIFY(again.ok());
        QCOMPARE(again->accounts.constFirst().tlsMaximumVersion,
                 config->accounts.constFirst().tlsMaximumVersion);
        const auto capped =
            parse(R"({"imap": {"username": "u", "password": "p", "tls_maximum_version": 771}})");
        QVERIFY(capped.ok());
        QVERIFY(toJson(*capped, ConfigForm::Shown).contains("\"tls_maximum_version\": 771"));
    }

    // The file the package installs works as it is, but says what is still to be filled in.
    void packagePlaceholdersWarn()
    {
        const auto config = parse(readData(QStringLiteral("../../installer/"
                                                          "dmarc-metrics-exporter.json")));
        QVERIFY2(config.ok(), qPrintable(config.ok() ? QString() : config.error().message));
        const QString warnings = config->warnings.join(QLatin1Char('\n'));
        QVERIFY2(warnings.contains(QStringLiteral(
                     "`imap.host`: still the package's placeholder \"imap.example.com\"")),
                 qPrintable(warnings));
        QVERIFY2(warnings.contains(QStringLiteral("`imap.password`: still the package's "
                                                  "placeholder; set the account's password")),
                 qPrintable(warnings));
        QVERIFY(!warnings.contains(QStringLiteral("change-me")));

        const auto real =
            parse(R"({"imap": {"host": "mail.example.org", "username": "u", "password": "p"}})");
        QVERIFY(real.ok());
        QVERIFY(real->warnings.isEmpty());
    }

    // limits.max_tls_report_bytes: 16 MiB unless set, read, checked, written back and shown.
    void tlsReportLimit()
    {
        const auto defaults = parse(R"({"imap": {"username": "u", "password": "p"}})");
        QVERIFY(defaults.ok());
        QCOMPARE(defaults->limits.maxTlsReportBytes, qint64(16) * 1024 * 1024);

        const auto set = parse(R"({"limits": {"max_tls_report_bytes": 1048576},
                                   "imap": {"username": "u", "password": "p"}})");
        QVERIFY2(set.ok(), qPrintable(set.ok() ? QString() : set.error().message));
        QCOMPARE(set->limits.maxTlsReportBytes, qint64(1048576));
        QVERIFY(!checkRoundTrip(*set, {}).isEmpty());
        QVERIFY(toJson(*set, ConfigForm::File).contains("\"max_tls_report_bytes\": 1048576"));
        QVERIFY(toJson(*set, ConfigForm::Shown).contains("\"max_tls_report_bytes\": 1048576"));

        for (const char *bad : {"10", "8589934592", "\"16M\"", "-1"}) {
            const auto refused =
                parse(QByteArray(R"({"limits": {"max_tls_report_bytes": )") + bad +
                      R"(}, "imap": {"username": "u", "password": "p"}})");
            QVERIFY2(!refused.ok(), bad);
            QVERIFY2(refused.error().message.contains(
                         QStringLiteral("`limits.max_tls_report_bytes`: expected a whole number "
                                        "from 1024 to ")),
                     qPrintable(refused.error().message));
        }
    }
};

QTEST_GUILESS_MAIN(TestConfig)
#include "tst_config.moc"
