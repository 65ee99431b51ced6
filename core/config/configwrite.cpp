// Writing the configuration back: the same keys the reader knows (configkeys.h), in one order,
// with the file's unknown keys given back.

#include "config.h"
#include "configkeys.h"
#include "confignames.h"
#include "configreader.h"

#include <QJsonArray>

#include <algorithm>
#include <initializer_list>
#include <iterator>
#include <utility>

namespace Dmarc {

namespace {

using namespace Key;

const QString kMask = QStringLiteral("********");

// The path of a nested object in UnknownMembers, as ConfigReader makes it.
QString pathOf(std::initializer_list<QLatin1String> keys)
{
    QStringList parts;
    for (QLatin1String key : keys)
        parts << key;
    return parts.join(QLatin1Char('.'));
}

QJsonValue secret(const QString &value, ConfigForm form)
{
    return form == ConfigForm::Shown && !value.isEmpty() ? kMask : value;
}

// Text without a value is left out: it reads back as the same empty default.
template<typename Settings, std::size_t N>
void writeTexts(QJsonObject &object, const Settings &settings, const TextKey<Settings> (&keys)[N],
                ConfigForm form)
{
    for (const TextKey<Settings> &text : keys) {
        const QString &value = settings.*text.member;
        if (!value.isEmpty())
            object.insert(text.key, text.secret ? secret(value, form) : QJsonValue(value));
    }
}

void writePassword(QJsonObject &imap, const ConfigAccount &account, ConfigForm form)
{
    using Source = ConfigAccount::PasswordSource;
    if (account.passwordSource == Source::File)
        imap.insert(kPasswordFile, account.passwordFile);
    // Shown, every password in effect appears (masked); a file holds only its own.
    const bool written = form == ConfigForm::Shown ? !account.password.isEmpty()
                                                   : account.passwordSource == Source::Config;
    if (written)
        imap.insert(kPassword, secret(account.password, form));
}

QJsonObject imapJson(const ConfigAccount &account, ConfigForm form)
{
    QJsonObject imap = account.unknown.value(kImap);
    imap.insert(kHost, account.host);
    imap.insert(kPort, account.port);
    imap.insert(kUsername, account.username);
    writePassword(imap, account, form);
    const SecurityFlags flags = securityFlags(account.security);
    imap.insert(kUseSsl, flags.useSsl);
    imap.insert(kStartTls, flags.startTls);
    imap.insert(kVerifyCertificate, account.verifyCertificate);
    if (!account.caFile.isEmpty())
        imap.insert(kCaFile, account.caFile);
    if (account.tlsMaximumVersion != ImapSettings().tlsMaximumVersion) // unset: the newest
        imap.insert(kTlsMaximumVersion, account.tlsMaximumVersion);
    imap.insert(kAuth, nameOf(kAuthNames, account.auth));
    if (account.oauth2.isConfigured()) {
        QJsonObject oauth2 = account.unknown.value(pathOf({kImap, kOAuth2}));
        writeTexts(oauth2, account.oauth2, kOAuth2Keys, form);
        imap.insert(kOAuth2, oauth2);
    }
    imap.insert(kIdle, account.idle);
    imap.insert(kMaxBatchBytes, double(account.maxBatchBytes));
    imap.insert(kTimeoutSeconds, account.timeoutSeconds);
    return imap;
}

QJsonObject foldersJson(const ConfigAccount &account, ConfigForm form)
{
    QJsonObject folders = account.unknown.value(kFolders);
    writeTexts(folders, static_cast<const ImapSettings &>(account), kFolderKeys, form);
    return folders;
}

void writeAccounts(QJsonObject &top, const Config &config, ConfigForm form)
{
    if (config.accounts.isEmpty())
        return;
    const ConfigAccount &first = config.accounts.constFirst();
    if (config.accounts.size() == 1 && first.accountName.isEmpty() &&
        first.unknown.value(QString()).isEmpty()) {
        top.insert(kImap, imapJson(first, form));
        top.insert(kFolders, foldersJson(first, form));
        return;
    }
    QJsonArray accounts;
    for (const ConfigAccount &account : config.accounts) {
        QJsonObject object = account.unknown.value(QString());
        if (!account.accountName.isEmpty())
            object.insert(kName, account.accountName);
        object.insert(kImap, imapJson(account, form));
        object.insert(kFolders, foldersJson(account, form));
        accounts.append(object);
    }
    top.insert(kAccounts, accounts);
}

QJsonObject loggingJson(const Config &config)
{
    QJsonObject handler = config.unknown.value(pathOf({kLogging, kHandlers, kDefault}));
    handler.insert(kFormatter, nameOf(kLogFormatNames, config.logFormat));
    QJsonObject handlers = config.unknown.value(pathOf({kLogging, kHandlers}));
    handlers.insert(kDefault, handler);
    QJsonObject root = config.unknown.value(pathOf({kLogging, kRoot}));
    root.insert(kLevel, nameOf(kLogLevelNames, config.logLevel));
    QJsonObject logging = config.unknown.value(kLogging);
    logging.insert(kHandlers, handlers);
    logging.insert(kRoot, root);
    return logging;
}

// sources.dns_server as the reader takes it: the address, with the port when it is not 53.
QString dnsServerText(const ReverseDnsSettings &settings)
{
    if (settings.port == ReverseDnsSettings().port)
        return settings.server;
    const QString address = settings.server.contains(QLatin1Char(':'))
                                ? QLatin1Char('[') + settings.server + QLatin1Char(']')
                                : settings.server;
    return address + QLatin1Char(':') + QString::number(settings.port);
}

// Left out when it holds nothing, as it reads back the same; reverse DNS, on by default, is
// shown as in effect.
QJsonObject sourcesJson(const Config &config, ConfigForm form)
{
    QJsonObject sources = config.unknown.value(kSources);
    if (!config.sources.classes.isEmpty()) {
        QJsonArray classes;
        for (int i = 0; i < config.sources.classes.size(); ++i) {
            const SourceClassSettings &settings = config.sources.classes.at(i);
            QJsonObject entry = config.unknown.value(sourceClassPath(i));
            entry.insert(kName, settings.name);
            entry.insert(kCidrs, QJsonArray::fromStringList(settings.cidrs));
            classes.append(entry);
        }
        sources.insert(kClasses, classes);
    }
    if (!config.sources.mapFile.isEmpty())
        sources.insert(kMapFile, config.sources.mapFile);
    if (form == ConfigForm::Shown || !config.reverseDns.enabled)
        sources.insert(kReverseDns, config.reverseDns.enabled);
    if (!config.reverseDns.server.isEmpty())
        sources.insert(kDnsServer, dnsServerText(config.reverseDns));
    return sources;
}

QJsonObject topJson(const Config &config, ConfigForm form)
{
    QJsonObject top = config.unknown.value(QString());
    top.insert(kListenAddr, config.endpoint.listenAddress);
    top.insert(kPort, config.endpoint.port);
    QJsonObject web = config.unknown.value(kWeb);
    writeTexts(web, config.endpoint, kWebKeys, form);
    if (!web.isEmpty())
        top.insert(kWeb, web);
    writeAccounts(top, config, form);
    if (form == ConfigForm::Shown || !config.storagePathFromEnvironment)
        top.insert(kStoragePath, config.storagePath);
    if (config.database.isSet()) {
        // Shown, the URL is without its password.
        QJsonObject database = config.unknown.value(kDatabase);
        database.insert(kUrl, form == ConfigForm::Shown ? config.database.shownUrl()
                                                        : config.database.url);
        if (!config.database.passwordFile.isEmpty())
            database.insert(kPasswordFile, config.database.passwordFile);
        if (!config.database.instance.isEmpty())
            database.insert(kInstance, config.database.instance);
        if (config.database.takeoverSeconds != DatabaseSettings().takeoverSeconds)
            database.insert(kTakeoverSeconds, config.database.takeoverSeconds);
        top.insert(kDatabase, database);
    }
    top.insert(kPollIntervalSeconds, config.pollIntervalSeconds);
    top.insert(kDeduplicationMaxSeconds, double(config.deduplicationMaxSeconds));
    if (!config.domains.isEmpty())
        top.insert(kDomains, QJsonArray::fromStringList(config.domains));
    if (const QJsonObject sources = sourcesJson(config, form); !sources.isEmpty())
        top.insert(kSources, sources);
    QJsonObject limits = config.unknown.value(kLimits);
    limits.insert(kMaxPayloadBytes, double(config.limits.maxPayloadBytes));
    limits.insert(kMaxZipMembers, config.limits.maxZipMembers);
    limits.insert(kMaxCandidateParts, config.limits.maxCandidateParts);
    limits.insert(kMaxTlsReportBytes, double(config.limits.maxTlsReportBytes));
    limits.insert(kMaxLabelSetsPerReport, config.limits.maxLabelSetsPerReport);
    limits.insert(kMaxLabelSets, config.maxLabelSets);
    top.insert(kLimits, limits);
    top.insert(kLogging, loggingJson(config));
    return top;
}

int writeRank(const QString &key)
{
    const auto found = std::find(std::begin(kWriteOrder), std::end(kWriteOrder), key);
    return int(std::distance(std::begin(kWriteOrder), found));
}

void writeValue(const QJsonValue &value, int depth, QByteArray &out);

// One object's or list's members, each with its prefix ("name": for an object), indented as
// QJsonDocument::Indented does.
void writeMembers(const QList<std::pair<QByteArray, QJsonValue>> &members, char open, char close,
                  int depth, QByteArray &out)
{
    out += open;
    if (!members.isEmpty()) {
        out += '\n';
        for (qsizetype i = 0; i < members.size(); ++i) {
            out += QByteArray((depth + 1) * 4, ' ') + members.at(i).first;
            writeValue(members.at(i).second, depth + 1, out);
            out += i + 1 < members.size() ? ",\n" : "\n";
        }
        out += QByteArray(depth * 4, ' ');
    }
    out += close;
}

// QJsonDocument sorts members by name; this writes them in kWriteOrder, unknown keys after
// the known ones by name.
void writeValue(const QJsonValue &value, int depth, QByteArray &out)
{
    QList<std::pair<QByteArray, QJsonValue>> members;
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        QStringList keys = object.keys();
        std::stable_sort(keys.begin(), keys.end(), [](const QString &a, const QString &b) {
            return writeRank(a) < writeRank(b);
        });
        for (const QString &key : std::as_const(keys))
            members.append({jsonScalar(key) + ": ", object.value(key)});
        writeMembers(members, '{', '}', depth, out);
    } else if (value.isArray()) {
        for (const QJsonValue &element : value.toArray())
            members.append({QByteArray(), element});
        writeMembers(members, '[', ']', depth, out);
    } else {
        out += jsonScalar(value);
    }
}

} // namespace

QByteArray toJson(const Config &config, ConfigForm form)
{
    QByteArray out;
    writeValue(topJson(config, form), 0, out);
    return out + '\n';
}

} // namespace Dmarc
