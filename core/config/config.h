#pragma once

#include "common/log.h"
#include "common/result.h"
#include "imap/imapsettings.h"
#include "metrics/endpointsettings.h"
#include "mail/payloadlimits.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace Dmarc {

// The whole configuration: the Python original's JSON keys with their defaults, plus this
// program's additions (README, "Configuration").
struct Config
{
    QString sourcePath; // the file it was read from; empty when parsed from memory

    EndpointSettings endpoint; // listen_addr, port and the `web` object
    QString storagePath = QStringLiteral("/var/lib/dmarc-metrics-exporter");
    double pollIntervalSeconds = 60;
    qint64 deduplicationMaxSeconds = 604800;
    QList<ImapSettings> accounts;
    PayloadLimits limits;
    Log::Format logFormat = Log::Format::Colored;
    QtMsgType logLevel = QtInfoMsg;

    // Things worth telling the user that do not stop the program.
    QStringList warnings;
};

// Parses and validates a configuration. `environment` supplies DMARC_IMAP_PASSWORD and
// STATE_DIRECTORY (pass QProcessEnvironment::systemEnvironment() in production).
// All mistakes are reported at once, one per line, each naming the key.
Result<Config> parseConfig(const QByteArray &json, const QString &sourcePath,
                           const QHash<QString, QString> &environment);

// Reads `path` and parses it; warns when a file holding a secret is readable by others.
Result<Config> loadConfig(const QString &path, const QHash<QString, QString> &environment);

// The effective configuration, defaults filled in, as JSON; secrets replaced by "********".
QJsonObject effectiveConfig(const Config &config);

// The process environment as the parser wants it.
QHash<QString, QString> systemEnvironment();

} // namespace Dmarc
