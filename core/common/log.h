#pragma once

#include <QLoggingCategory>
#include <QPair>
#include <QString>
#include <QStringList>

#include <initializer_list>

namespace Dmarc::Log {

// Key/value pairs attached to one log line: plain output appends them as key=value, JSON output
// makes them members of the line's object.
using Fields = QList<QPair<QString, QString>>;

// The longest message or field value one line carries: a longer one is cut there and says how
// many characters are missing. Control characters in them (line breaks, escape sequences: C0,
// DEL and C1) are escaped in every format, so that a value taken from an email can neither split
// a line nor reach the terminal as a command.
inline constexpr qsizetype kMaxValueLength = 4096;

enum class Format
{
    Plain,
    Colored,
    Json
};

// Installs the process-wide message handler and the category levels. `minimum` applies to all
// dmarc.* categories; debug also switches on the IMAP wire trace.
void install(Format format, QtMsgType minimum);

// Logs `message` in `category` with structured fields.
void write(const QLoggingCategory &category, QtMsgType type, const QString &message,
           const Fields &fields);

inline void info(const QLoggingCategory &category, const QString &message, const Fields &fields)
{
    write(category, QtInfoMsg, message, fields);
}
inline void warning(const QLoggingCategory &category, const QString &message, const Fields &fields)
{
    write(category, QtWarningMsg, message, fields);
}

// Formats one line as the handler would; exposed for tests.
QString formatLine(Format format, QtMsgType type, const QString &category, const QString &message,
                   const Fields &fields, const QDateTime &time);

} // namespace Dmarc::Log
