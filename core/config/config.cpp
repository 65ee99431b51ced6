#include "config.h"

#include <QFile>
#include <QFileInfo>
#include <QProcessEnvironment>

namespace Dmarc {

QHash<QString, QString> systemEnvironment()
{
    QHash<QString, QString> environment;
    const QProcessEnvironment system = QProcessEnvironment::systemEnvironment();
    for (const QString &key : system.keys())
        environment.insert(key, system.value(key));
    return environment;
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

} // namespace Dmarc
