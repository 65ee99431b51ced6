#pragma once

#include "common/log.h"
#include "imap/imapsettings.h"

#include <QString>
#include <QStringList>

#include <cstddef>
#include <optional>

namespace Dmarc {

// One value of an enum and its name in the configuration file. Each enum the file names has
// one table of these; nameOf/valueOf/namesOf are its to, from and list functions.
template<typename Enum>
struct Named
{
    Enum value;
    const char *name;
};

template<typename Enum, std::size_t N>
QString nameOf(const Named<Enum> (&table)[N], Enum value)
{
    for (const Named<Enum> &entry : table) {
        if (entry.value == value)
            return QString::fromLatin1(entry.name);
    }
    return QString();
}

// Names are compared ignoring case, as upstream's files may write "DEBUG" or "PLAIN".
template<typename Enum, std::size_t N>
std::optional<Enum> valueOf(const Named<Enum> (&table)[N], const QString &name)
{
    for (const Named<Enum> &entry : table) {
        if (name.compare(QLatin1String(entry.name), Qt::CaseInsensitive) == 0)
            return entry.value;
    }
    return std::nullopt;
}

template<typename Enum, std::size_t N>
QStringList namesOf(const Named<Enum> (&table)[N])
{
    QStringList names;
    for (const Named<Enum> &entry : table)
        names << QString::fromLatin1(entry.name);
    return names;
}

// imap.auth
inline constexpr Named<ImapSettings::Auth> kAuthNames[] = {
    {ImapSettings::Auth::Login, "login"},
    {ImapSettings::Auth::Plain, "plain"},
    {ImapSettings::Auth::XOAuth2, "xoauth2"},
    {ImapSettings::Auth::OAuthBearer, "oauthbearer"},
};

// logging.handlers.default.formatter
inline constexpr Named<Log::Format> kLogFormatNames[] = {
    {Log::Format::Plain, "plain"},
    {Log::Format::Colored, "colored"},
    {Log::Format::Json, "json"},
};

// logging.root.level: Python's level names, in rising order.
inline constexpr Named<QtMsgType> kLogLevelNames[] = {
    {QtDebugMsg, "debug"},    {QtInfoMsg, "info"},      {QtWarningMsg, "warning"},
    {QtCriticalMsg, "error"}, {QtFatalMsg, "critical"},
};

// Python's numbers for the levels above (10, 20, ... 50), which upstream's files may use.
int pythonLevelNumber(QtMsgType level);
std::optional<QtMsgType> levelFromPythonNumber(double number);

// imap.security has no name of its own in the file: upstream's use_ssl and this program's
// starttls spell it. With both set, STARTTLS wins (the reader reports the contradiction).
struct SecurityFlags
{
    bool useSsl;
    bool startTls;
};
SecurityFlags securityFlags(ImapSettings::Security security);
ImapSettings::Security securityFromFlags(SecurityFlags flags);

} // namespace Dmarc
