#pragma once

#include "common/log.h"
#include "common/result.h"
#include "imap/imapsettings.h"
#include "mail/payloadlimits.h"
#include "metrics/endpointsettings.h"
#include "rdns/reversednssettings.h"
#include "sources/sourcesettings.h"
#include "store/databasesettings.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

namespace Dmarc {

// Members of the file's objects that this version does not know, by the path of their object
// ("" for the object itself, "web", "imap.oauth2", ...). They are reported when read (as
// errors; under `logging` as one warning) and kept, so that writing the configuration back
// loses nothing of the file.
using UnknownMembers = QMap<QString, QJsonObject>;

// One account: its settings, and how the file gave them, so that toJson() writes back what
// parseConfig() read.
struct ConfigAccount : ImapSettings
{
    enum class PasswordSource
    {
        None,        // no password (OAuth2, or missing)
        Config,      // imap.password
        File,        // imap.password_file
        Environment, // DMARC_IMAP_PASSWORD
    };
    PasswordSource passwordSource = PasswordSource::None;
    QString passwordFile;   // with PasswordSource::File
    UnknownMembers unknown; // paths inside the account: "", "imap", "imap.oauth2", "folders"
};

// The whole configuration: the Python original's JSON keys with their defaults, plus this
// program's additions (README, "Configuration").
struct Config
{
    QString sourcePath; // the file it was read from; empty when parsed from memory

    EndpointSettings endpoint; // listen_addr, port and the `web` object
    QString storagePath = QStringLiteral("/var/lib/dmarc-metrics-exporter");
    bool storagePathFromEnvironment = false; // STATE_DIRECTORY, not storage_path
    // `database`: a PostgreSQL store instead of SQLite in storage_path; not set without it.
    DatabaseSettings database;
    double pollIntervalSeconds = 60;
    qint64 deduplicationMaxSeconds = 604800;
    QList<ConfigAccount> accounts;
    PayloadLimits limits;
    // limits.max_label_sets: label sets the store holds at most (docs/counting.md section 9.1).
    int maxLabelSets = 10000;
    // Reports are counted only for these domains and their subdomains; all when empty (9.2).
    QStringList domains;
    SourceSettings sources; // the `sources` object: classes and the known-senders map file
    // sources.reverse_dns and sources.dns_server
    ReverseDnsSettings reverseDns;
    Log::Format logFormat = Log::Format::Colored;
    QtMsgType logLevel = QtInfoMsg;
    UnknownMembers unknown; // paths from the top: "", "web", "limits", "logging", ...

    // Things worth telling the user that do not stop the program.
    QStringList warnings;
};

// Parses and validates a configuration. `environment` supplies DMARC_IMAP_PASSWORD and
// STATE_DIRECTORY (pass systemEnvironment() in production).
// All mistakes are reported at once, one per line, each naming the key.
Result<Config> parseConfig(const QByteArray &json, const QString &sourcePath,
                           const QHash<QString, QString> &environment);

// For an editor: the configuration as far as it can be read whatever its mistakes (each value
// that could be read, the defaults for the rest, unknown keys kept), and in `problems` what
// parseConfig() says about it, empty when it is valid.
Config parseConfigLeniently(const QByteArray &json, const QString &sourcePath,
                            const QHash<QString, QString> &environment, QString *problems);

// Whether an account still has the package's sample server or password, with which no login
// can work (parseConfig() warns about each).
bool hasPackagePlaceholders(const Config &config);

// Reads `path` and parses it; warns when a file holding a secret is readable by others.
Result<Config> loadConfig(const QString &path, const QHash<QString, QString> &environment);

enum class ConfigForm
{
    // What the file says: secrets in clear, values taken from the environment left to it
    // (no password for DMARC_IMAP_PASSWORD, no storage_path for STATE_DIRECTORY).
    File,
    // Every value in effect, for a person to check: secrets replaced by "********".
    Shown,
};

// The configuration as indented JSON that parseConfig() reads back to the same values.
// Defaults are filled in; text without a value (ca_file, web, oauth2, ...) is left out. A single
// account without a name keeps upstream's form (imap and folders at the top), more are written
// as `accounts`. Members are written in one fixed order (upstream's sample first), unknown
// keys after the known ones.
QByteArray toJson(const Config &config, ConfigForm form);

// The process environment as the parser wants it.
QHash<QString, QString> systemEnvironment();

} // namespace Dmarc
