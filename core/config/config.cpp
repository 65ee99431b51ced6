#include "config.h"

#include "configreader.h"

#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcessEnvironment>

namespace Dmarc {

namespace {

const QString kPasswordEnvironment = QStringLiteral("DMARC_IMAP_PASSWORD");
const QString kMask = QStringLiteral("********");

struct LevelName
{
    const char *name;
    QtMsgType type;
    int pythonLevel;
};

constexpr LevelName kLevels[] = {
    {"debug", QtDebugMsg, 10},    {"info", QtInfoMsg, 20},      {"warning", QtWarningMsg, 30},
    {"error", QtCriticalMsg, 40}, {"critical", QtFatalMsg, 50},
};

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

void readFolders(ConfigReader &reader, ImapSettings &imap)
{
    imap.inboxFolder = reader.string(QStringLiteral("inbox"), imap.inboxFolder);
    imap.doneFolder = reader.string(QStringLiteral("done"), imap.doneFolder);
    imap.errorFolder = reader.string(QStringLiteral("error"), imap.errorFolder);
    for (const QString &key :
         {QStringLiteral("inbox"), QStringLiteral("done"), QStringLiteral("error")}) {
        if (reader.has(key) && reader.raw(key).toString().trimmed().isEmpty())
            reader.addError(key, QStringLiteral("must not be empty"));
    }
    reader.finish();
}

void readOAuth2(ConfigReader &reader, OAuth2Settings &oauth2)
{
    oauth2.tokenCommand = reader.string(QStringLiteral("token_command"), QString());
    oauth2.tokenFile = reader.string(QStringLiteral("token_file"), QString());
    oauth2.tokenUrl = reader.string(QStringLiteral("token_url"), QString());
    oauth2.clientId = reader.string(QStringLiteral("client_id"), QString());
    oauth2.clientSecret = reader.string(QStringLiteral("client_secret"), QString());
    oauth2.refreshToken = reader.string(QStringLiteral("refresh_token"), QString());
    oauth2.scope = reader.string(QStringLiteral("scope"), QString());
    reader.finish();
    const int sources = int(!oauth2.tokenCommand.isEmpty()) + int(!oauth2.tokenFile.isEmpty()) +
                        int(!oauth2.tokenUrl.isEmpty());
    if (sources == 0) {
        reader.addError(QStringLiteral("token_url"),
                        QStringLiteral("missing: give one of token_command, token_file or "
                                       "token_url (with client_id and refresh_token)"));
    } else if (sources > 1) {
        reader.addError(QStringLiteral("token_url"),
                        QStringLiteral("give only one of token_command, token_file, token_url"));
    }
    if (!oauth2.tokenUrl.isEmpty()) {
        const QUrl url(oauth2.tokenUrl);
        if (!url.isValid() ||
            (url.scheme() != QStringLiteral("https") && url.scheme() != QStringLiteral("http")))
            reader.addError(QStringLiteral("token_url"), QStringLiteral("expected an https URL"));
        if (oauth2.clientId.isEmpty())
            reader.addError(QStringLiteral("client_id"), QStringLiteral("missing (required with "
                                                                        "token_url)"));
        if (oauth2.refreshToken.isEmpty())
            reader.addError(QStringLiteral("refresh_token"),
                            QStringLiteral("missing (required with token_url)"));
    }
}

void readImap(ConfigReader &reader, ImapSettings &imap, const QHash<QString, QString> &environment,
              QStringList *warnings)
{
    imap.host = reader.string(QStringLiteral("host"), imap.host);
    imap.username = reader.string(QStringLiteral("username"), QString());
    if (!reader.has(QStringLiteral("username")))
        reader.addError(QStringLiteral("username"), QStringLiteral("missing (required)"));

    const bool useSsl = reader.boolean(QStringLiteral("use_ssl"), true);
    const bool startTls = reader.boolean(QStringLiteral("starttls"), false);
    if (useSsl && startTls && reader.has(QStringLiteral("use_ssl"))) {
        reader.addError(QStringLiteral("starttls"),
                        QStringLiteral("cannot be combined with use_ssl: true; set use_ssl to "
                                       "false for STARTTLS"));
    }
    imap.security =
        startTls ? ImapSettings::Security::StartTls
                 : (useSsl ? ImapSettings::Security::ImplicitTls : ImapSettings::Security::Plain);
    imap.port = quint16(
        reader.integer(QStringLiteral("port"),
                       imap.security == ImapSettings::Security::ImplicitTls ? 993 : 143, 1, 65535));
    imap.verifyCertificate = reader.boolean(QStringLiteral("verify_certificate"), true);
    imap.caFile = reader.string(QStringLiteral("ca_file"), QString());
    if (!imap.caFile.isEmpty() && !QFileInfo(imap.caFile).isReadable())
        reader.addError(QStringLiteral("ca_file"),
                        QStringLiteral("cannot read %1").arg(imap.caFile));
    imap.tlsMaximumVersion =
        int(reader.integer(QStringLiteral("tls_maximum_version"), -1, -1, 772));
    if (imap.tlsMaximumVersion != -1 && imap.tlsMaximumVersion != 771 &&
        imap.tlsMaximumVersion != 772) {
        reader.addError(QStringLiteral("tls_maximum_version"),
                        QStringLiteral("expected 771 (TLS 1.2), 772 (TLS 1.3) or -1 (newest); "
                                       "TLS below 1.2 is not supported"));
    }
    if (!imap.verifyCertificate)
        warnings->append(QStringLiteral("`%1`: certificate verification is off; the connection "
                                        "to %2 can be intercepted")
                             .arg(reader.path(QStringLiteral("verify_certificate")), imap.host));

    const QString auth = reader.choice(QStringLiteral("auth"), QStringLiteral("login"),
                                       {QStringLiteral("login"), QStringLiteral("plain"),
                                        QStringLiteral("xoauth2"), QStringLiteral("oauthbearer")});
    imap.auth = auth == QStringLiteral("plain")         ? ImapSettings::Auth::Plain
                : auth == QStringLiteral("xoauth2")     ? ImapSettings::Auth::XOAuth2
                : auth == QStringLiteral("oauthbearer") ? ImapSettings::Auth::OAuthBearer
                                                        : ImapSettings::Auth::Login;
    const bool usesOAuth2 =
        imap.auth == ImapSettings::Auth::XOAuth2 || imap.auth == ImapSettings::Auth::OAuthBearer;

    imap.password = reader.string(QStringLiteral("password"), QString());
    const QString passwordFile = reader.string(QStringLiteral("password_file"), QString());
    if (reader.has(QStringLiteral("password")) && !passwordFile.isEmpty()) {
        reader.addError(QStringLiteral("password_file"),
                        QStringLiteral("give either password or password_file, not both"));
    } else if (!passwordFile.isEmpty()) {
        auto secret = readSecretFile(passwordFile);
        if (secret)
            imap.password = *secret;
        else
            reader.addError(QStringLiteral("password_file"), secret.error().message);
    } else if (!reader.has(QStringLiteral("password")) && !usesOAuth2) {
        imap.password = environment.value(kPasswordEnvironment);
        if (!environment.contains(kPasswordEnvironment)) {
            reader.addError(QStringLiteral("password"),
                            QStringLiteral("missing: give password, password_file, or set "
                                           "the environment variable %1")
                                .arg(kPasswordEnvironment));
        }
    }

    if (auto oauth2 = reader.child(QStringLiteral("oauth2")))
        readOAuth2(*oauth2, imap.oauth2);
    else if (usesOAuth2)
        reader.addError(QStringLiteral("oauth2"),
                        QStringLiteral("missing (required with auth: %1)").arg(auth));

    imap.idle = reader.boolean(QStringLiteral("idle"), imap.idle);
    imap.maxBatchBytes = reader.integer(QStringLiteral("max_batch_bytes"), imap.maxBatchBytes, 1,
                                        qint64(4) * 1024 * 1024 * 1024);
    imap.timeoutSeconds =
        reader.number(QStringLiteral("timeout_seconds"), imap.timeoutSeconds, 1, 3600);
    reader.finish();
}

void readAccount(ConfigReader &imapReader, std::optional<ConfigReader> foldersReader,
                 const QString &name, const Config &config,
                 const QHash<QString, QString> &environment, ImapSettings &imap,
                 QStringList *warnings)
{
    imap.accountName = name;
    imap.pollIntervalSeconds = config.pollIntervalSeconds;
    readImap(imapReader, imap, environment, warnings);
    if (foldersReader)
        readFolders(*foldersReader, imap);
}

void readLogging(ConfigReader &reader, Config &config)
{
    QStringList ignored;
    if (auto handlers = reader.child(QStringLiteral("handlers"))) {
        if (auto handler = handlers->child(QStringLiteral("default"))) {
            const QString formatter = handler->choice(
                QStringLiteral("formatter"), QStringLiteral("colored"),
                {QStringLiteral("plain"), QStringLiteral("colored"), QStringLiteral("json")});
            config.logFormat = formatter == QStringLiteral("json")    ? Log::Format::Json
                               : formatter == QStringLiteral("plain") ? Log::Format::Plain
                                                                      : Log::Format::Colored;
            ignored << handler->unreadKeys();
        }
        ignored << handlers->unreadKeys();
    }
    if (auto root = reader.child(QStringLiteral("root"))) {
        const QJsonValue level = root->raw(QStringLiteral("level"));
        bool known = level.isUndefined();
        for (const LevelName &candidate : kLevels) {
            if ((level.isString() && level.toString().compare(QLatin1String(candidate.name),
                                                              Qt::CaseInsensitive) == 0) ||
                (level.isDouble() && level.toDouble() == candidate.pythonLevel)) {
                config.logLevel = candidate.type;
                known = true;
            }
        }
        if (!known)
            root->addError(QStringLiteral("level"),
                           QStringLiteral("expected one of debug, info, warning, error, critical "
                                          "(or 10, 20, 30, 40, 50), got %1")
                               .arg(describeJsonValue(level)));
        ignored << root->unreadKeys();
    }
    // The rest of a Python dictConfig (loggers, formatters, filters, ...) has no meaning here:
    // accepted and ignored, with one warning.
    ignored << reader.unreadKeys();
    if (!ignored.isEmpty()) {
        config.warnings << QStringLiteral("`logging`: only handlers.default.formatter and "
                                          "root.level are used; ignored: %1")
                               .arg(ignored.join(QStringLiteral(", ")));
    }
}

void readWeb(ConfigReader &reader, EndpointSettings &endpoint)
{
    endpoint.tlsCertFile = reader.string(QStringLiteral("tls_cert_file"), QString());
    endpoint.tlsKeyFile = reader.string(QStringLiteral("tls_key_file"), QString());
    endpoint.basicAuthUser = reader.string(QStringLiteral("basic_auth_user"), QString());
    endpoint.basicAuthPasswordHash =
        reader.string(QStringLiteral("basic_auth_password_hash"), QString());
    reader.finish();
    if (endpoint.tlsCertFile.isEmpty() != endpoint.tlsKeyFile.isEmpty()) {
        reader.addError(endpoint.tlsCertFile.isEmpty() ? QStringLiteral("tls_cert_file")
                                                       : QStringLiteral("tls_key_file"),
                        QStringLiteral("missing: TLS needs both tls_cert_file and tls_key_file"));
    }
    for (const QString &key : {QStringLiteral("tls_cert_file"), QStringLiteral("tls_key_file")}) {
        const QString file =
            key == QStringLiteral("tls_cert_file") ? endpoint.tlsCertFile : endpoint.tlsKeyFile;
        if (!file.isEmpty() && !QFileInfo(file).isReadable())
            reader.addError(key, QStringLiteral("cannot read %1").arg(file));
    }
    if (endpoint.basicAuthUser.isEmpty() != endpoint.basicAuthPasswordHash.isEmpty()) {
        reader.addError(endpoint.basicAuthUser.isEmpty()
                            ? QStringLiteral("basic_auth_user")
                            : QStringLiteral("basic_auth_password_hash"),
                        QStringLiteral("missing: basic auth needs basic_auth_user and "
                                       "basic_auth_password_hash"));
    }
    const QString hash = endpoint.basicAuthPasswordHash;
    if (!hash.isEmpty() && !hash.startsWith(QStringLiteral("$2y$")) &&
        !hash.startsWith(QStringLiteral("$2b$")) && !hash.startsWith(QStringLiteral("$2a$")) &&
        !hash.startsWith(QStringLiteral("$6$"))) {
        reader.addError(QStringLiteral("basic_auth_password_hash"),
                        QStringLiteral("expected a bcrypt ($2y$...) or sha512-crypt ($6$...) "
                                       "hash, e.g. from: htpasswd -nbBC 10 \"\" PASSWORD"));
    }
}

void readLimits(ConfigReader &reader, PayloadLimits &limits)
{
    limits.maxPayloadBytes =
        reader.integer(QStringLiteral("max_payload_bytes"), limits.maxPayloadBytes, 1024,
                       qint64(16) * 1024 * 1024 * 1024);
    limits.maxZipMembers =
        int(reader.integer(QStringLiteral("max_zip_members"), limits.maxZipMembers, 1, 100000));
    reader.finish();
}

} // namespace

QHash<QString, QString> systemEnvironment()
{
    QHash<QString, QString> environment;
    const QProcessEnvironment system = QProcessEnvironment::systemEnvironment();
    for (const QString &key : system.keys())
        environment.insert(key, system.value(key));
    return environment;
}

Result<Config> parseConfig(const QByteArray &json, const QString &sourcePath,
                           const QHash<QString, QString> &environment)
{
    const QString source = sourcePath.isEmpty() ? QStringLiteral("configuration") : sourcePath;
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        return Error{
            QStringLiteral("config"),
            QStringLiteral("%1: not valid JSON at %2: %3")
                .arg(source, lineAndColumn(json, parseError.offset), parseError.errorString())};
    }
    if (!document.isObject()) {
        return Error{QStringLiteral("config"),
                     QStringLiteral("%1: expected a JSON object at the top").arg(source)};
    }

    Config config;
    config.sourcePath = sourcePath;
    QList<Error> errors;
    ConfigReader root(document.object(), QString(), &errors);

    EndpointSettings &endpoint = config.endpoint;
    endpoint.listenAddress = root.string(QStringLiteral("listen_addr"), endpoint.listenAddress);
    if (QHostAddress(endpoint.listenAddress).isNull() &&
        endpoint.listenAddress != QStringLiteral("localhost")) {
        root.addError(QStringLiteral("listen_addr"),
                      QStringLiteral("expected an IP address such as 127.0.0.1, ::1, 0.0.0.0 "
                                     "or ::, got \"%1\"")
                          .arg(endpoint.listenAddress));
    }
    endpoint.port = quint16(root.integer(QStringLiteral("port"), endpoint.port, 0, 65535));
    if (auto web = root.child(QStringLiteral("web")))
        readWeb(*web, endpoint);
    const QString stateDirectory =
        environment.value(QStringLiteral("STATE_DIRECTORY")).section(QLatin1Char(':'), 0, 0);
    config.storagePath =
        root.string(QStringLiteral("storage_path"),
                    stateDirectory.isEmpty() ? config.storagePath : stateDirectory);
    if (config.storagePath.isEmpty())
        root.addError(QStringLiteral("storage_path"), QStringLiteral("must not be empty"));
    config.pollIntervalSeconds = root.number(QStringLiteral("poll_interval_seconds"),
                                             config.pollIntervalSeconds, 0.01, 86400);
    config.deduplicationMaxSeconds =
        qint64(root.number(QStringLiteral("deduplication_max_seconds"),
                           double(config.deduplicationMaxSeconds), 0, 10.0 * 366 * 86400));

    if (auto limits = root.child(QStringLiteral("limits")))
        readLimits(*limits, config.limits);
    if (auto logging = root.child(QStringLiteral("logging")))
        readLogging(*logging, config);

    auto imap = root.child(QStringLiteral("imap"));
    auto folders = root.child(QStringLiteral("folders"));
    const auto accounts = root.array(QStringLiteral("accounts"));
    if (accounts && (imap || folders)) {
        root.addError(QStringLiteral("accounts"),
                      QStringLiteral("give either imap/folders or accounts, not both"));
    } else if (accounts) {
        if (accounts->isEmpty())
            root.addError(QStringLiteral("accounts"), QStringLiteral("must not be empty"));
        for (int i = 0; i < accounts->size(); ++i) {
            if (!accounts->at(i).isObject()) {
                root.addError(QStringLiteral("accounts[%1]").arg(i),
                              QStringLiteral("expected an object with imap and folders"));
                continue;
            }
            ConfigReader account =
                root.element(QStringLiteral("accounts"), i, accounts->at(i).toObject());
            const QString name = account.string(QStringLiteral("name"), QString());
            auto accountImap = account.child(QStringLiteral("imap"));
            auto accountFolders = account.child(QStringLiteral("folders"));
            account.finish();
            if (!accountImap) {
                account.addError(QStringLiteral("imap"), QStringLiteral("missing (required)"));
                continue;
            }
            ImapSettings settings;
            readAccount(*accountImap, accountFolders, name, config, environment, settings,
                        &config.warnings);
            config.accounts.append(settings);
        }
    } else if (imap) {
        ImapSettings settings;
        readAccount(*imap, folders, QString(), config, environment, settings, &config.warnings);
        config.accounts.append(settings);
    } else {
        root.addError(QStringLiteral("imap"), QStringLiteral("missing (required)"));
    }
    root.finish();

    // Two accounts with the same name would share their decided-email memory.
    QStringList names;
    for (const ImapSettings &account : std::as_const(config.accounts)) {
        const QString name = account.displayName() + QLatin1Char('@') + account.host;
        if (names.contains(name))
            errors << Error{QStringLiteral("config"),
                            QStringLiteral("`accounts`: %1 appears twice; give each a "
                                           "distinct name")
                                .arg(name)};
        names << name;
    }

    if (!errors.isEmpty()) {
        QStringList lines;
        for (const Error &error : std::as_const(errors))
            lines << error.message;
        return Error{QStringLiteral("config"),
                     source + QStringLiteral(":\n  ") + lines.join(QStringLiteral("\n  "))};
    }
    return config;
}

Result<Config> loadConfig(const QString &path, const QHash<QString, QString> &environment)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return Error{
            QStringLiteral("config"),
            QStringLiteral("cannot read the configuration %1: %2").arg(path, file.errorString())};
    }
    auto config = parseConfig(file.readAll(), path, environment);
    if (!config)
        return config;
    bool holdsSecret = false;
    for (const ImapSettings &account : std::as_const(config->accounts)) {
        holdsSecret = holdsSecret || !account.password.isEmpty() ||
                      !account.oauth2.clientSecret.isEmpty() ||
                      !account.oauth2.refreshToken.isEmpty();
    }
    if (holdsSecret && (QFileInfo(path).permissions() & QFile::ReadOther)) {
        config->warnings << QStringLiteral("%1 holds a password and is readable by every user "
                                           "on this machine; run: chmod 600 %1")
                                .arg(path);
    }
    return config;
}

QJsonObject effectiveConfig(const Config &config)
{
    const auto secret = [](const QString &value) {
        return value.isEmpty() ? QJsonValue(QString()) : QJsonValue(kMask);
    };
    QJsonArray accounts;
    for (const ImapSettings &account : config.accounts) {
        QJsonObject oauth2{
            {QStringLiteral("token_command"), account.oauth2.tokenCommand},
            {QStringLiteral("token_file"), account.oauth2.tokenFile},
            {QStringLiteral("token_url"), account.oauth2.tokenUrl},
            {QStringLiteral("client_id"), account.oauth2.clientId},
            {QStringLiteral("client_secret"), secret(account.oauth2.clientSecret)},
            {QStringLiteral("refresh_token"), secret(account.oauth2.refreshToken)},
            {QStringLiteral("scope"), account.oauth2.scope},
        };
        const char *auth[] = {"login", "plain", "xoauth2", "oauthbearer"};
        QJsonObject imap{
            {QStringLiteral("host"), account.host},
            {QStringLiteral("port"), account.port},
            {QStringLiteral("username"), account.username},
            {QStringLiteral("password"), secret(account.password)},
            {QStringLiteral("use_ssl"), account.security == ImapSettings::Security::ImplicitTls},
            {QStringLiteral("starttls"), account.security == ImapSettings::Security::StartTls},
            {QStringLiteral("verify_certificate"), account.verifyCertificate},
            {QStringLiteral("ca_file"), account.caFile},
            {QStringLiteral("tls_maximum_version"), account.tlsMaximumVersion},
            {QStringLiteral("auth"), QString::fromLatin1(auth[int(account.auth)])},
            {QStringLiteral("idle"), account.idle},
            {QStringLiteral("max_batch_bytes"), double(account.maxBatchBytes)},
            {QStringLiteral("timeout_seconds"), account.timeoutSeconds},
        };
        if (account.oauth2.isConfigured())
            imap.insert(QStringLiteral("oauth2"), oauth2);
        accounts.append(QJsonObject{
            {QStringLiteral("name"), account.displayName()},
            {QStringLiteral("imap"), imap},
            {QStringLiteral("folders"),
             QJsonObject{{QStringLiteral("inbox"), account.inboxFolder},
                         {QStringLiteral("done"), account.doneFolder},
                         {QStringLiteral("error"), account.errorFolder}}},
        });
    }
    QString level = QStringLiteral("info");
    for (const LevelName &candidate : kLevels) {
        if (candidate.type == config.logLevel)
            level = QString::fromLatin1(candidate.name);
    }
    const char *formats[] = {"plain", "colored", "json"};
    return QJsonObject{
        {QStringLiteral("listen_addr"), config.endpoint.listenAddress},
        {QStringLiteral("port"), config.endpoint.port},
        {QStringLiteral("web"),
         QJsonObject{
             {QStringLiteral("tls_cert_file"), config.endpoint.tlsCertFile},
             {QStringLiteral("tls_key_file"), config.endpoint.tlsKeyFile},
             {QStringLiteral("basic_auth_user"), config.endpoint.basicAuthUser},
             {QStringLiteral("basic_auth_password_hash"),
              secret(config.endpoint.basicAuthPasswordHash)},
         }},
        {QStringLiteral("storage_path"), config.storagePath},
        {QStringLiteral("poll_interval_seconds"), config.pollIntervalSeconds},
        {QStringLiteral("deduplication_max_seconds"), double(config.deduplicationMaxSeconds)},
        {QStringLiteral("accounts"), accounts},
        {QStringLiteral("limits"),
         QJsonObject{{QStringLiteral("max_payload_bytes"), double(config.limits.maxPayloadBytes)},
                     {QStringLiteral("max_zip_members"), config.limits.maxZipMembers}}},
        {QStringLiteral("logging"),
         QJsonObject{
             {QStringLiteral("handlers"),
              QJsonObject{{QStringLiteral("default"),
                           QJsonObject{{QStringLiteral("formatter"),
                                        QString::fromLatin1(formats[int(config.logFormat)])}}}}},
             {QStringLiteral("root"), QJsonObject{{QStringLiteral("level"), level}}}}},
    };
}

} // namespace Dmarc
