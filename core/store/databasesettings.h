#pragma once

#include "common/result.h"

#include <QString>
#include <QStringList>
#include <QUrl>
#include <QUrlQuery>

namespace Dmarc {

// A PostgreSQL database for the store, as the configuration's `database` object names it
// (README, "Configuration"): the URL postgresql://user[:password]@host[:port]/dbname with
// sslmode and sslrootcert as its only parameters, and the password, which comes from
// database.password_file, else the URL, else PGPASSWORD. Without a URL the store is SQLite.
// Header only: the configuration checks the URL with the same code that the store connects by.
struct DatabaseSettings
{
    QString url;          // as configured, password and all; empty: no database
    QString passwordFile; // database.password_file, if given
    QString host;
    int port = 5432;
    QString name;
    QString user;
    QString password;    // in effect, from wherever it came
    QString sslMode;     // empty: libpq's default
    QString sslRootCert; // a CA file, for sslmode verify-ca and verify-full
    // Among instances sharing the database (docs/architecture.md, section 3): this one's
    // name (database.instance; empty: "host:pid"), and how soon another instance watches an
    // account whose watcher stopped, crashed or fell silent (database.takeover_seconds).
    QString instance;
    int takeoverSeconds = 30;

    bool isSet() const { return !url.isEmpty(); }

    // The URL without its password, for logs, errors and the dashboard.
    QString shownUrl() const
    {
        QUrl shown(url);
        shown.setPassword(QString());
        return shown.toString();
    }

    // libpq's connection options beyond host, port, database, user and password, in the form
    // QSqlDatabase::setConnectOptions takes ("sslmode=require;sslrootcert='/etc/ca.pem'").
    QString connectOptions() const
    {
        const auto quoted = [](QString value) -> QString {
            value.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
            value.replace(QLatin1Char('\''), QStringLiteral("\\'"));
            return QLatin1Char('\'') + value + QLatin1Char('\'');
        };
        QStringList options{QStringLiteral("connect_timeout=10"),
                            QStringLiteral("application_name=dmarc-metrics-exporter")};
        if (!sslMode.isEmpty())
            options << QStringLiteral("sslmode=") + sslMode;
        if (!sslRootCert.isEmpty())
            options << QStringLiteral("sslrootcert=") + quoted(sslRootCert);
        return options.join(QLatin1Char(';'));
    }

    static const QStringList &sslModes()
    {
        static const QStringList modes{QStringLiteral("disable"),   QStringLiteral("allow"),
                                       QStringLiteral("prefer"),    QStringLiteral("require"),
                                       QStringLiteral("verify-ca"), QStringLiteral("verify-full")};
        return modes;
    }

    // Reads `url` into the connection fields (the password only if the URL holds one). The
    // error says what is wrong with it, without the password.
    static Result<DatabaseSettings> fromUrl(const QString &url)
    {
        const QUrl parsed(url, QUrl::StrictMode);
        const auto invalid = [&](const QString &why) {
            QUrl shown(parsed);
            shown.setPassword(QString());
            return Error{QStringLiteral("config"),
                         QStringLiteral("%1: %2").arg(shown.toString(), why)};
        };
        if (!parsed.isValid())
            return Error{QStringLiteral("config"),
                         QStringLiteral("not a URL (postgresql://user@host:port/database)")};
        if (parsed.scheme() != QLatin1String("postgresql") &&
            parsed.scheme() != QLatin1String("postgres"))
            return invalid(QStringLiteral("the scheme must be postgresql://"));
        DatabaseSettings settings;
        settings.url = url;
        settings.host = parsed.host();
        settings.port = parsed.port(5432);
        settings.user = parsed.userName();
        settings.password = parsed.password();
        settings.name = parsed.path().mid(1);
        if (settings.host.isEmpty())
            return invalid(QStringLiteral("no host"));
        if (settings.user.isEmpty())
            return invalid(QStringLiteral("no user (postgresql://user@host/database)"));
        if (settings.name.isEmpty() || settings.name.contains(QLatin1Char('/')))
            return invalid(QStringLiteral("no database name (postgresql://user@host/database)"));
        const QUrlQuery query(parsed);
        for (const auto &[key, value] : query.queryItems(QUrl::FullyDecoded)) {
            if (key == QLatin1String("sslmode")) {
                if (!sslModes().contains(value))
                    return invalid(QStringLiteral("sslmode must be one of %1")
                                       .arg(sslModes().join(QStringLiteral(", "))));
                settings.sslMode = value;
            } else if (key == QLatin1String("sslrootcert")) {
                if (value.isEmpty() || value.contains(QLatin1Char(';')))
                    return invalid(QStringLiteral("sslrootcert must name a file (without ';')"));
                settings.sslRootCert = value;
            } else {
                return invalid(
                    QStringLiteral("unknown parameter %1 (known: sslmode, sslrootcert)").arg(key));
            }
        }
        return settings;
    }
};

} // namespace Dmarc
