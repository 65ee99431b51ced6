// Reading the configuration: every key checked, every mistake named (README, "Configuration").

#include "config.h"
#include "configkeys.h"
#include "confignames.h"
#include "configreader.h"
#include "sources/knownsenders.h"
#include "sources/sourceip.h"

#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>

#include <algorithm>
#include <tuple>
#include <utility>

namespace Dmarc {

namespace {

using namespace Key;

const QString kPasswordEnvironment = QStringLiteral("DMARC_IMAP_PASSWORD");
const QString kStateDirectoryEnvironment = QStringLiteral("STATE_DIRECTORY");
const QString kDatabasePasswordEnvironment = QStringLiteral("PGPASSWORD");

QString lineAndColumn(const QByteArray &text, int offset)
{
    const QByteArray before = text.left(offset);
    const int line = before.count('\n') + 1;
    const int column = offset - (before.lastIndexOf('\n') + 1) + 1;
    return QStringLiteral("line %1, column %2").arg(line).arg(column);
}

Result<QString> readSecretFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error{QStringLiteral("config"),
                     QStringLiteral("cannot read %1: %2").arg(path, file.errorString())};
    // A trailing newline from `echo secret > file` is not part of the secret.
    QByteArray content = file.readAll();
    while (content.endsWith('\n') || content.endsWith('\r'))
        content.chop(1);
    return QString::fromUtf8(content);
}

template<typename Enum, std::size_t N>
Enum readChoice(ConfigReader &reader, const QString &key, Enum fallback,
                const Named<Enum> (&table)[N])
{
    const QString name = reader.choice(key, nameOf(table, fallback), namesOf(table));
    return valueOf(table, name).value_or(fallback);
}

template<typename Settings, std::size_t N>
void readTexts(ConfigReader &reader, Settings &settings, const TextKey<Settings> (&keys)[N])
{
    for (const TextKey<Settings> &text : keys)
        settings.*text.member = reader.string(text.key, settings.*text.member);
}

void readFolders(ConfigReader &reader, ImapSettings &imap)
{
    readTexts(reader, imap, kFolderKeys);
    for (const TextKey<ImapSettings> &folder : kFolderKeys) {
        if (reader.has(folder.key) && reader.raw(folder.key).toString().trimmed().isEmpty())
            reader.addError(folder.key, QStringLiteral("must not be empty"));
    }
    reader.finish();
}

void readOAuth2(ConfigReader &reader, OAuth2Settings &oauth2)
{
    readTexts(reader, oauth2, kOAuth2Keys);
    reader.finish();
    const int sources = int(!oauth2.tokenCommand.isEmpty()) + int(!oauth2.tokenFile.isEmpty()) +
                        int(!oauth2.tokenUrl.isEmpty());
    if (sources == 0) {
        reader.addError(kTokenUrl,
                        QStringLiteral("missing: give one of %1, %2 or %3 (with %4 and %5)")
                            .arg(kTokenCommand, kTokenFile, kTokenUrl, kClientId, kRefreshToken));
    } else if (sources > 1) {
        reader.addError(kTokenUrl, QStringLiteral("give only one of %1, %2, %3")
                                       .arg(kTokenCommand, kTokenFile, kTokenUrl));
    }
    if (!oauth2.tokenUrl.isEmpty()) {
        const QUrl url(oauth2.tokenUrl);
        if (!url.isValid() ||
            (url.scheme() != QStringLiteral("https") && url.scheme() != QStringLiteral("http")))
            reader.addError(kTokenUrl, QStringLiteral("expected an https URL"));
        const QString required = QStringLiteral("missing (required with %1)").arg(kTokenUrl);
        if (oauth2.clientId.isEmpty())
            reader.addError(kClientId, required);
        if (oauth2.refreshToken.isEmpty())
            reader.addError(kRefreshToken, required);
    }
}

void readSecurity(ConfigReader &reader, ImapSettings &imap, QStringList *warnings)
{
    const SecurityFlags defaults = securityFlags(imap.security);
    SecurityFlags flags{};
    flags.useSsl = reader.boolean(kUseSsl, defaults.useSsl);
    flags.startTls = reader.boolean(kStartTls, defaults.startTls);
    if (flags.useSsl && flags.startTls && reader.has(kUseSsl)) {
        reader.addError(kStartTls, QStringLiteral("cannot be combined with %1: true; set %1 to "
                                                  "false for STARTTLS")
                                       .arg(kUseSsl));
    }
    imap.security = securityFromFlags(flags);
    imap.port = quint16(reader.integer(kPort, ImapSettings::defaultPort(imap.security), 1, 65535));
    imap.verifyCertificate = reader.boolean(kVerifyCertificate, imap.verifyCertificate);
    imap.caFile = reader.string(kCaFile, imap.caFile);
    if (!imap.caFile.isEmpty() && !QFileInfo(imap.caFile).isReadable())
        reader.addError(kCaFile, QStringLiteral("cannot read %1").arg(imap.caFile));
    imap.tlsMaximumVersion =
        int(reader.integer(kTlsMaximumVersion, imap.tlsMaximumVersion, -1, 772));
    if (imap.tlsMaximumVersion != -1 && imap.tlsMaximumVersion != 771 &&
        imap.tlsMaximumVersion != 772) {
        reader.addError(kTlsMaximumVersion,
                        QStringLiteral("expected 771 (TLS 1.2), 772 (TLS 1.3) or -1 (newest); "
                                       "TLS below 1.2 is not supported"));
    }
    if (!imap.verifyCertificate)
        warnings->append(QStringLiteral("`%1`: certificate verification is off; the connection "
                                        "to %2 can be intercepted")
                             .arg(reader.path(kVerifyCertificate), imap.host));
}

void readPassword(ConfigReader &reader, ConfigAccount &imap,
                  const QHash<QString, QString> &environment)
{
    using Source = ConfigAccount::PasswordSource;
    imap.password = reader.string(kPassword, imap.password);
    const QString passwordFile = reader.string(kPasswordFile, QString());
    if (reader.has(kPassword))
        imap.passwordSource = Source::Config;
    if (reader.has(kPassword) && !passwordFile.isEmpty()) {
        reader.addError(
            kPasswordFile,
            QStringLiteral("give either %1 or %2, not both").arg(kPassword, kPasswordFile));
    } else if (!passwordFile.isEmpty()) {
        imap.passwordSource = Source::File;
        imap.passwordFile = passwordFile;
        auto secret = readSecretFile(passwordFile);
        if (secret)
            imap.password = *secret;
        else
            reader.addError(kPasswordFile, secret.error().message);
    } else if (!reader.has(kPassword) && !isOAuth2(imap.auth)) {
        imap.password = environment.value(kPasswordEnvironment);
        if (environment.contains(kPasswordEnvironment)) {
            imap.passwordSource = Source::Environment;
        } else {
            reader.addError(kPassword, QStringLiteral("missing: give %1, %2, or set the "
                                                      "environment variable %3")
                                           .arg(kPassword, kPasswordFile, kPasswordEnvironment));
        }
    }
}

// The package's configuration file ships these; left as they are, no login can work.
constexpr QLatin1String kPlaceholderHost("imap.example.com");
constexpr QLatin1String kPlaceholderPassword("change-me");

bool hasPlaceholderPassword(const ConfigAccount &imap)
{
    return imap.passwordSource == ConfigAccount::PasswordSource::Config &&
           imap.password == kPlaceholderPassword;
}

void warnAboutPlaceholders(const ConfigReader &reader, const ConfigAccount &imap,
                           QStringList *warnings)
{
    if (imap.host == kPlaceholderHost)
        warnings->append(QStringLiteral("`%1`: still the package's placeholder \"%2\"; set your "
                                        "IMAP server")
                             .arg(reader.path(kHost), imap.host));
    if (hasPlaceholderPassword(imap))
        warnings->append(QStringLiteral("`%1`: still the package's placeholder; set the "
                                        "account's password")
                             .arg(reader.path(kPassword)));
}

void readImap(ConfigReader &reader, ConfigAccount &imap, const QHash<QString, QString> &environment,
              QStringList *warnings)
{
    imap.host = reader.string(kHost, imap.host);
    imap.username = reader.string(kUsername, imap.username);
    if (!reader.has(kUsername))
        reader.addError(kUsername, QStringLiteral("missing (required)"));
    readSecurity(reader, imap, warnings);
    imap.auth = readChoice(reader, kAuth, imap.auth, kAuthNames);
    readPassword(reader, imap, environment);
    if (auto oauth2 = reader.child(kOAuth2))
        readOAuth2(*oauth2, imap.oauth2);
    else if (isOAuth2(imap.auth))
        reader.addError(kOAuth2, QStringLiteral("missing (required with %1: %2)")
                                     .arg(kAuth, nameOf(kAuthNames, imap.auth)));
    imap.idle = reader.boolean(kIdle, imap.idle);
    imap.maxBatchBytes =
        reader.integer(kMaxBatchBytes, imap.maxBatchBytes, 1, qint64(4) * 1024 * 1024 * 1024);
    imap.timeoutSeconds = reader.number(kTimeoutSeconds, imap.timeoutSeconds, 1, 3600);
    reader.finish();
    warnAboutPlaceholders(reader, imap, warnings);
}

void readAccount(ConfigReader &imapReader, std::optional<ConfigReader> foldersReader,
                 const Config &config, const QHash<QString, QString> &environment,
                 ConfigAccount &imap, QStringList *warnings)
{
    imap.pollIntervalSeconds = config.pollIntervalSeconds;
    readImap(imapReader, imap, environment, warnings);
    if (foldersReader)
        readFolders(*foldersReader, imap);
}

void readLevel(ConfigReader &reader, Config &config)
{
    const QJsonValue level = reader.raw(kLevel);
    std::optional<QtMsgType> type;
    if (level.isString())
        type = valueOf(kLogLevelNames, level.toString());
    else if (level.isDouble())
        type = levelFromPythonNumber(level.toDouble());
    if (type) {
        config.logLevel = *type;
    } else if (!level.isUndefined()) {
        QStringList numbers;
        for (const Named<QtMsgType> &entry : kLogLevelNames)
            numbers << QString::number(pythonLevelNumber(entry.value));
        reader.addError(kLevel,
                        QStringLiteral("expected one of %1 (or %2), got %3")
                            .arg(namesOf(kLogLevelNames).join(QStringLiteral(", ")),
                                 numbers.join(QStringLiteral(", ")), describeJsonValue(level)));
    }
}

void readLogging(ConfigReader &reader, Config &config)
{
    QStringList ignored;
    if (auto handlers = reader.child(kHandlers)) {
        if (auto handler = handlers->child(kDefault)) {
            config.logFormat = readChoice(*handler, kFormatter, config.logFormat, kLogFormatNames);
            ignored << handler->unreadKeys();
        }
        ignored << handlers->unreadKeys();
    }
    if (auto root = reader.child(kRoot)) {
        readLevel(*root, config);
        ignored << root->unreadKeys();
    }
    // The rest of a Python dictConfig (loggers, formatters, filters, ...) has no meaning here:
    // accepted, ignored with one warning, and kept for writing back.
    ignored << reader.unreadKeys();
    if (!ignored.isEmpty()) {
        const QString dot = QStringLiteral(".");
        config.warnings << QStringLiteral("`%1`: only %2 and %3 are used; ignored: %4")
                               .arg(kLogging,
                                    QStringList{kHandlers, kDefault, kFormatter}.join(dot),
                                    QStringList{kRoot, kLevel}.join(dot),
                                    ignored.join(QStringLiteral(", ")));
    }
}

void readWeb(ConfigReader &reader, EndpointSettings &endpoint)
{
    readTexts(reader, endpoint, kWebKeys);
    reader.finish();
    if (endpoint.tlsCertFile.isEmpty() != endpoint.tlsKeyFile.isEmpty()) {
        reader.addError(
            endpoint.tlsCertFile.isEmpty() ? kTlsCertFile : kTlsKeyFile,
            QStringLiteral("missing: TLS needs both %1 and %2").arg(kTlsCertFile, kTlsKeyFile));
    }
    const std::pair<QLatin1String, QString> files[] = {{kTlsCertFile, endpoint.tlsCertFile},
                                                       {kTlsKeyFile, endpoint.tlsKeyFile}};
    for (const auto &[key, file] : files) {
        if (!file.isEmpty() && !QFileInfo(file).isReadable())
            reader.addError(key, QStringLiteral("cannot read %1").arg(file));
    }
    if (endpoint.basicAuthUser.isEmpty() != endpoint.basicAuthPasswordHash.isEmpty()) {
        reader.addError(endpoint.basicAuthUser.isEmpty() ? kBasicAuthUser : kBasicAuthPasswordHash,
                        QStringLiteral("missing: basic auth needs %1 and %2")
                            .arg(kBasicAuthUser, kBasicAuthPasswordHash));
    }
    const QString hash = endpoint.basicAuthPasswordHash;
    if (!hash.isEmpty() && !hash.startsWith(QStringLiteral("$2y$")) &&
        !hash.startsWith(QStringLiteral("$2b$")) && !hash.startsWith(QStringLiteral("$2a$")) &&
        !hash.startsWith(QStringLiteral("$6$"))) {
        reader.addError(kBasicAuthPasswordHash,
                        QStringLiteral("expected a bcrypt ($2y$...) or sha512-crypt ($6$...) "
                                       "hash, e.g. from: htpasswd -nbBC 10 \"\" PASSWORD"));
    }
}

// database: the PostgreSQL store. The password from password_file, else the URL, else
// PGPASSWORD; an error never shows it.
void readDatabase(ConfigReader &reader, const QHash<QString, QString> &environment,
                  DatabaseSettings &database)
{
    const QString url = reader.string(kUrl, QString());
    const QString passwordFile = reader.string(kPasswordFile, QString());
    const QString instance = reader.string(kInstance, QString());
    const int takeoverSeconds = int(reader.integer(kTakeoverSeconds, 30, 1, 3600));
    reader.finish();
    if (url.isEmpty()) {
        reader.addError(kUrl, QStringLiteral("missing (required): postgresql://user@host:port/"
                                             "database"));
        return;
    }
    auto parsed = DatabaseSettings::fromUrl(url);
    // What an editor keeps, also when the URL is wrong.
    database.url = url;
    database.passwordFile = passwordFile;
    if (!parsed) {
        reader.addError(kUrl, parsed.error().message);
        return;
    }
    database = std::move(parsed).value();
    database.passwordFile = passwordFile;
    database.instance = instance;
    database.takeoverSeconds = takeoverSeconds;
    if (!passwordFile.isEmpty()) {
        if (!database.password.isEmpty()) {
            reader.addError(kPasswordFile,
                            QStringLiteral("give the password either in %1 or in %2, not both")
                                .arg(kUrl, kPasswordFile));
        } else if (auto secret = readSecretFile(passwordFile)) {
            database.password = *secret;
        } else {
            reader.addError(kPasswordFile, secret.error().message);
        }
    } else if (database.password.isEmpty()) {
        database.password = environment.value(kDatabasePasswordEnvironment);
    }
    if (!database.sslRootCert.isEmpty() && !QFileInfo(database.sslRootCert).isReadable())
        reader.addError(
            kUrl,
            QStringLiteral("sslrootcert %1 is not a readable file").arg(database.sslRootCert));
}

void readLimits(ConfigReader &reader, PayloadLimits &limits, int &maxLabelSets)
{
    limits.maxPayloadBytes = reader.integer(kMaxPayloadBytes, limits.maxPayloadBytes, 1024,
                                            qint64(16) * 1024 * 1024 * 1024);
    limits.maxZipMembers = int(reader.integer(kMaxZipMembers, limits.maxZipMembers, 1, 100000));
    limits.maxCandidateParts =
        int(reader.integer(kMaxCandidateParts, limits.maxCandidateParts, 1, 100000));
    limits.maxTlsReportBytes = reader.integer(kMaxTlsReportBytes, limits.maxTlsReportBytes, 1024,
                                              qint64(4) * 1024 * 1024 * 1024);
    limits.maxLabelSetsPerReport =
        int(reader.integer(kMaxLabelSetsPerReport, limits.maxLabelSetsPerReport, 1, 10000000));
    maxLabelSets = int(reader.integer(kMaxLabelSets, maxLabelSets, 1, 10000000));
    if (maxLabelSets < limits.maxLabelSetsPerReport) {
        reader.addError(kMaxLabelSets, QStringLiteral("%1 is less than %2 (%3): no report that "
                                                      "large could ever be counted")
                                           .arg(maxLabelSets)
                                           .arg(kMaxLabelSetsPerReport)
                                           .arg(limits.maxLabelSetsPerReport));
    }
    reader.finish();
}

// A domain name as reports give policy_published/domain: no white space, no address, no wildcard
// (subdomains are included anyway).
void readDomains(ConfigReader &root, QStringList &domains)
{
    const auto list = root.array(kDomains);
    if (!list)
        return;
    for (int i = 0; i < list->size(); ++i) {
        const QString key = kDomains + QStringLiteral("[%1]").arg(i);
        const QString domain = list->at(i).toString().trimmed();
        if (!list->at(i).isString() || domain.isEmpty()) {
            root.addError(key, QStringLiteral("expected a domain name such as \"example.com\", "
                                              "got %1")
                                   .arg(describeJsonValue(list->at(i))));
        } else if (domain.contains(QLatin1Char('@')) || domain.contains(QLatin1Char('*')) ||
                   domain.contains(QLatin1Char('/')) || domain.startsWith(QLatin1Char('.')) ||
                   std::any_of(domain.cbegin(), domain.cend(),
                               [](QChar c) { return c.isSpace(); })) {
            root.addError(key, QStringLiteral("\"%1\" is not a domain name (give \"example.com\" "
                                              "for it and all its subdomains)")
                                   .arg(domain));
        } else {
            domains << domain;
        }
    }
}

// One class of sources.classes: a name of its own and at least one CIDR block.
void readSourceClass(ConfigReader &entry, QStringList &names, SourceClassSettings &settings)
{
    settings.name = entry.string(kName, QString()).trimmed();
    if (settings.name.isEmpty())
        entry.addError(kName, QStringLiteral("missing (required): the name its sources are shown "
                                             "under, such as \"office\""));
    else if (names.contains(settings.name))
        entry.addError(kName, QStringLiteral("\"%1\" names an earlier class too; give each class "
                                             "a name of its own")
                                  .arg(settings.name));
    names << settings.name;
    const auto cidrs = entry.array(kCidrs);
    if (!cidrs || cidrs->isEmpty())
        entry.addError(kCidrs, QStringLiteral("missing: give a list of CIDR blocks such as "
                                              "[\"192.0.2.0/24\", \"2001:db8::/32\"]"));
    for (qsizetype i = 0; cidrs && i < cidrs->size(); ++i) {
        const QString key = kCidrs + QStringLiteral("[%1]").arg(i);
        const QString cidr = cidrs->at(i).toString();
        const auto subnet = parseSourceSubnet(cidr);
        if (!cidrs->at(i).isString())
            entry.addError(key, QStringLiteral("class \"%1\": expected a CIDR block such as "
                                               "\"192.0.2.0/24\", got %2")
                                    .arg(settings.name, describeJsonValue(cidrs->at(i))));
        else if (!subnet)
            entry.addError(
                key, QStringLiteral("class \"%1\": %2").arg(settings.name, subnet.error().message));
        else
            settings.cidrs << cidr;
    }
    entry.finish();
}

// sources.dns_server: an IP address with an optional port, "192.0.2.53", "192.0.2.53:5353",
// "2001:db8::53" or "[2001:db8::53]:5353". No host name: finding it would need a DNS server.
Result<std::pair<QString, quint16>> parseDnsServer(const QString &text)
{
    QString address = text;
    std::optional<QString> port;
    const qsizetype close = text.indexOf(QLatin1Char(']'));
    const bool bracketed = text.startsWith(QLatin1Char('['));
    if (bracketed && close > 0 && (close + 1 == text.size() || text.at(close + 1) == u':')) {
        address = text.mid(1, close - 1);
        if (close + 1 < text.size())
            port = text.mid(close + 2);
    } else if (!bracketed && text.count(QLatin1Char(':')) == 1) {
        address = text.section(QLatin1Char(':'), 0, 0);
        port = text.section(QLatin1Char(':'), 1);
    }
    const QString normalized = normalizeSourceIp(address);
    // Brackets hold an IPv6 address, and only they can give it a port.
    if (normalized.isEmpty() ||
        (bracketed && (address == text || !address.contains(QLatin1Char(':')))))
        return Error{QStringLiteral("config"),
                     QStringLiteral("\"%1\" is not an IP address with an optional port such as "
                                    "\"192.0.2.53\", \"192.0.2.53:5353\" or "
                                    "\"[2001:db8::53]:5353\" (a host name cannot be used: "
                                    "finding it would need a DNS server)")
                         .arg(text)};
    if (!port)
        return std::pair{normalized, ReverseDnsSettings().port};
    bool number = false;
    const int value = port->toInt(&number);
    if (!number || value < 1 || value > 65535 ||
        std::any_of(port->cbegin(), port->cend(), [](QChar c) { return !c.isDigit(); }))
        return Error{QStringLiteral("config"),
                     QStringLiteral("\"%1\": the port \"%2\" is not a number from 1 to 65535")
                         .arg(text, *port)};
    return std::pair{normalized, quint16(value)};
}

// sources: your classes of source IPs, a known-senders map over the built-in one, and reverse
// DNS (docs/counting.md section 10).
void readSources(ConfigReader &reader, Config &config)
{
    SourceSettings &sources = config.sources;
    if (const auto classes = reader.array(kClasses)) {
        QStringList names;
        for (int i = 0; i < classes->size(); ++i) {
            if (!classes->at(i).isObject()) {
                reader.addError(kClasses + QStringLiteral("[%1]").arg(i),
                                QStringLiteral("expected an object with %1 and %2, got %3")
                                    .arg(kName, kCidrs, describeJsonValue(classes->at(i))));
                continue;
            }
            UnknownMembers unknown;
            ConfigReader entry = reader.element(kClasses, i, classes->at(i).toObject(), &unknown);
            SourceClassSettings settings;
            readSourceClass(entry, names, settings);
            if (!unknown.isEmpty())
                config.unknown.insert(sourceClassPath(int(sources.classes.size())),
                                      unknown.value(QString()));
            sources.classes << settings;
        }
    }
    sources.mapFile = reader.string(kMapFile, sources.mapFile);
    if (!sources.mapFile.isEmpty()) {
        const auto map = KnownSenders::fromFile(sources.mapFile);
        if (!map)
            reader.addError(
                kMapFile,
                QString(map.error().message).replace(QLatin1Char('\n'), QStringLiteral("\n    ")));
    }
    ReverseDnsSettings &reverseDns = config.reverseDns;
    reverseDns.enabled = reader.boolean(kReverseDns, reverseDns.enabled);
    reader.string(kDnsServer, QString());
    if (const QJsonValue server = reader.raw(kDnsServer); server.isString()) {
        if (const auto parsed = parseDnsServer(server.toString()))
            std::tie(reverseDns.server, reverseDns.port) = *parsed;
        else
            reader.addError(kDnsServer, parsed.error().message);
    }
    reader.finish();
}

void readAccounts(ConfigReader &root, const QHash<QString, QString> &environment, Config &config)
{
    ConfigAccount single; // upstream's form: imap and folders at the top
    auto imap = root.child(kImap, &single.unknown);
    auto folders = root.child(kFolders, &single.unknown);
    const auto accounts = root.array(kAccounts);
    if (accounts && (imap || folders)) {
        root.addError(
            kAccounts,
            QStringLiteral("give either %1/%2 or %3, not both").arg(kImap, kFolders, kAccounts));
    } else if (accounts) {
        if (accounts->isEmpty())
            root.addError(kAccounts, QStringLiteral("must not be empty"));
        for (int i = 0; i < accounts->size(); ++i) {
            if (!accounts->at(i).isObject()) {
                root.addError(
                    kAccounts + QStringLiteral("[%1]").arg(i),
                    QStringLiteral("expected an object with %1 and %2").arg(kImap, kFolders));
                continue;
            }
            ConfigAccount settings;
            ConfigReader account =
                root.element(kAccounts, i, accounts->at(i).toObject(), &settings.unknown);
            settings.accountName = account.string(kName, settings.accountName);
            auto accountImap = account.child(kImap);
            auto accountFolders = account.child(kFolders);
            account.finish();
            if (!accountImap) {
                account.addError(kImap, QStringLiteral("missing (required)"));
                continue;
            }
            readAccount(*accountImap, accountFolders, config, environment, settings,
                        &config.warnings);
            config.accounts.append(settings);
        }
    } else if (imap) {
        readAccount(*imap, folders, config, environment, single, &config.warnings);
        config.accounts.append(single);
    } else {
        root.addError(kImap, QStringLiteral("missing (required)"));
    }
}

void readTop(const QJsonObject &document, const QHash<QString, QString> &environment,
             Config &config, QList<Error> *errors)
{
    ConfigReader root(document, QString(), errors, &config.unknown);
    EndpointSettings &endpoint = config.endpoint;
    endpoint.listenAddress = root.string(kListenAddr, endpoint.listenAddress);
    if (QHostAddress(endpoint.listenAddress).isNull() &&
        endpoint.listenAddress != QStringLiteral("localhost")) {
        root.addError(kListenAddr, QStringLiteral("expected an IP address such as 127.0.0.1, ::1, "
                                                  "0.0.0.0 or ::, got \"%1\"")
                                       .arg(endpoint.listenAddress));
    }
    endpoint.port = quint16(root.integer(kPort, endpoint.port, 0, 65535));
    if (auto web = root.child(kWeb))
        readWeb(*web, endpoint);
    const QString stateDirectory =
        environment.value(kStateDirectoryEnvironment).section(QLatin1Char(':'), 0, 0);
    config.storagePath =
        root.string(kStoragePath, stateDirectory.isEmpty() ? config.storagePath : stateDirectory);
    config.storagePathFromEnvironment = !root.has(kStoragePath) && !stateDirectory.isEmpty();
    if (config.storagePath.isEmpty())
        root.addError(kStoragePath, QStringLiteral("must not be empty"));
    if (auto database = root.child(kDatabase))
        readDatabase(*database, environment, config.database);
    config.pollIntervalSeconds =
        root.number(kPollIntervalSeconds, config.pollIntervalSeconds, 0.01, 86400);
    config.deduplicationMaxSeconds = qint64(root.number(
        kDeduplicationMaxSeconds, double(config.deduplicationMaxSeconds), 0, 10.0 * 366 * 86400));

    readDomains(root, config.domains);
    if (auto sources = root.child(kSources))
        readSources(*sources, config);
    if (auto limits = root.child(kLimits))
        readLimits(*limits, config.limits, config.maxLabelSets);
    if (auto logging = root.child(kLogging))
        readLogging(*logging, config);
    readAccounts(root, environment, config);
    root.finish();
}

// Reads `json` into `config`; what is wrong with it, if anything, as one message.
std::optional<Error> read(const QByteArray &json, const QString &sourcePath,
                          const QHash<QString, QString> &environment, Config &config)
{
    config.sourcePath = sourcePath;
    const QString source = sourcePath.isEmpty() ? QStringLiteral("configuration") : sourcePath;
    if (json.trimmed().isEmpty()) {
        return Error{QStringLiteral("config"),
                     QStringLiteral("%1: the file is empty; expected a JSON object with at least "
                                    "%2.%3 and %2.%4 (README, \"Configuration\"; man "
                                    "dmarc-metrics-exporter)")
                         .arg(source, kImap, kUsername, kPassword)};
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        return Error{QStringLiteral("config"), QStringLiteral("%1: not JSON: %2 at %3")
                                                   .arg(source, parseError.errorString(),
                                                        lineAndColumn(json, parseError.offset))};
    }
    if (!document.isObject()) {
        return Error{QStringLiteral("config"),
                     QStringLiteral("%1: expected a JSON object at the top").arg(source)};
    }

    QList<Error> errors;
    readTop(document.object(), environment, config, &errors);

    // Two accounts with the same name would share their decided-email memory.
    QStringList names;
    for (const ImapSettings &account : std::as_const(config.accounts)) {
        const QString name = account.displayName() + QLatin1Char('@') + account.host;
        if (names.contains(name))
            errors << Error{QStringLiteral("config"),
                            QStringLiteral("`%1`: %2 appears twice; give each a distinct name")
                                .arg(kAccounts, name)};
        names << name;
    }

    if (errors.isEmpty())
        return std::nullopt;
    QStringList lines;
    for (const Error &error : std::as_const(errors))
        lines << error.message;
    return Error{QStringLiteral("config"),
                 source + QStringLiteral(":\n  ") + lines.join(QStringLiteral("\n  "))};
}

} // namespace

bool hasPackagePlaceholders(const Config &config)
{
    return std::any_of(
        config.accounts.cbegin(), config.accounts.cend(), [](const ConfigAccount &account) {
            return account.host == kPlaceholderHost || hasPlaceholderPassword(account);
        });
}

Result<Config> parseConfig(const QByteArray &json, const QString &sourcePath,
                           const QHash<QString, QString> &environment)
{
    Config config;
    if (auto error = read(json, sourcePath, environment, config))
        return *error;
    return config;
}

Config parseConfigLeniently(const QByteArray &json, const QString &sourcePath,
                            const QHash<QString, QString> &environment, QString *problems)
{
    Config config;
    const auto error = read(json, sourcePath, environment, config);
    *problems = error ? error->message : QString();
    return config;
}

} // namespace Dmarc
