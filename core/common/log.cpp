#include "log.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <unistd.h>

namespace Dmarc::Log {

namespace {

thread_local const Fields *t_fields = nullptr;
std::atomic<Format> g_format{Format::Plain}; // set again when the configuration is reloaded
std::mutex g_outputMutex;

QString levelName(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg:
        return QStringLiteral("debug");
    case QtInfoMsg:
        return QStringLiteral("info");
    case QtWarningMsg:
        return QStringLiteral("warning");
    case QtCriticalMsg:
        return QStringLiteral("error");
    case QtFatalMsg:
        return QStringLiteral("critical");
    }
    return QStringLiteral("info");
}

const char *levelColor(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg:
        return "\x1b[34m";
    case QtInfoMsg:
        return "\x1b[32m";
    case QtWarningMsg:
        return "\x1b[33m";
    case QtCriticalMsg:
    case QtFatalMsg:
        return "\x1b[31;1m";
    }
    return "";
}

// C0 controls, DEL and C1 controls: a line break would split the line, an escape sequence would
// reach the terminal.
bool isControl(QChar c)
{
    const char16_t code = c.unicode();
    return code < 0x20 || (code >= 0x7f && code <= 0x9f);
}

// `text` with every control character written as an escape: \n, \r, \t, else \xNN.
QString escapeControls(const QString &text)
{
    if (std::none_of(text.cbegin(), text.cend(), isControl))
        return text;
    QString escaped;
    escaped.reserve(text.size() + 8);
    for (const QChar c : text) {
        if (!isControl(c)) {
            escaped += c;
            continue;
        }
        switch (c.unicode()) {
        case u'\n':
            escaped += QStringLiteral("\\n");
            break;
        case u'\r':
            escaped += QStringLiteral("\\r");
            break;
        case u'\t':
            escaped += QStringLiteral("\\t");
            break;
        default:
            escaped += QStringLiteral("\\x%1").arg(int(c.unicode()), 2, 16, QLatin1Char('0'));
        }
    }
    return escaped;
}

// A value past this many characters is cut, and says how much is missing.
QString shortened(const QString &value)
{
    if (value.size() <= kMaxValueLength)
        return value;
    return value.left(kMaxValueLength) +
           QStringLiteral("\u2026 (%1 more characters)").arg(value.size() - kMaxValueLength);
}

// Values with blanks, quotes or control characters are quoted so that a line stays
// machine-splittable.
QString plainValue(const QString &value)
{
    if (!value.isEmpty() && !value.contains(QLatin1Char(' ')) &&
        !value.contains(QLatin1Char('"')) && !value.contains(QLatin1Char('=')) &&
        std::none_of(value.cbegin(), value.cend(), isControl))
        return value;
    QString quoted = value;
    quoted.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
    quoted.replace(QLatin1Char('"'), QStringLiteral("\\\""));
    return QLatin1Char('"') + escapeControls(quoted) + QLatin1Char('"');
}

// JSON escapes C0 controls itself; DEL and C1 controls are written as \u escapes as well.
QString escapeJsonControls(const QString &json)
{
    QString escaped;
    escaped.reserve(json.size());
    for (const QChar c : json) {
        if (isControl(c))
            escaped += QStringLiteral("\\u%1").arg(int(c.unicode()), 4, 16, QLatin1Char('0'));
        else
            escaped += c;
    }
    return escaped;
}

void handler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    const QString category = QString::fromLatin1(context.category ? context.category : "default");
    const QString line = formatLine(g_format, type, category, message,
                                    t_fields ? *t_fields : Fields(), QDateTime::currentDateTime());
    const QByteArray bytes = line.toUtf8() + '\n';
    std::lock_guard<std::mutex> lock(g_outputMutex);
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stderr);
    std::fflush(stderr);
}

} // namespace

QString formatLine(Format format, QtMsgType type, const QString &category, const QString &message,
                   const Fields &fields, const QDateTime &time)
{
    if (format == Format::Json) {
        QJsonObject object;
        object.insert(QStringLiteral("time"), time.toUTC().toString(Qt::ISODateWithMs));
        object.insert(QStringLiteral("level"), levelName(type));
        object.insert(QStringLiteral("category"), category);
        object.insert(QStringLiteral("message"), shortened(message));
        for (const auto &field : fields)
            object.insert(field.first, shortened(field.second));
        return escapeJsonControls(
            QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact)));
    }
    QString level = levelName(type);
    level = QString(QLatin1Char('[') + level + QLatin1Char(']')).leftJustified(10);
    if (format == Format::Colored)
        level = QString::fromLatin1(levelColor(type)) + level + QStringLiteral("\x1b[0m");
    QString line = time.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) + QLatin1Char(' ') + level +
                   QLatin1Char(' ') + escapeControls(shortened(message)).leftJustified(30) +
                   QStringLiteral(" [") + category + QLatin1Char(']');
    for (const auto &field : fields)
        line +=
            QLatin1Char(' ') + field.first + QLatin1Char('=') + plainValue(shortened(field.second));
    return line;
}

void install(Format format, QtMsgType minimum)
{
    // Colour only where a person reads it.
    g_format = (format == Format::Colored && !::isatty(STDERR_FILENO)) ? Format::Plain : format;
    QString rules =
        QStringLiteral("dmarc.*.debug=%1\ndmarc.*.info=%2\ndmarc.*.warning=%3\n")
            .arg(minimum == QtDebugMsg ? QStringLiteral("true") : QStringLiteral("false"))
            .arg(minimum == QtDebugMsg || minimum == QtInfoMsg ? QStringLiteral("true")
                                                               : QStringLiteral("false"))
            .arg(minimum == QtCriticalMsg || minimum == QtFatalMsg ? QStringLiteral("false")
                                                                   : QStringLiteral("true"));
    QLoggingCategory::setFilterRules(rules);
    qInstallMessageHandler(handler);
}

void write(const QLoggingCategory &category, QtMsgType type, const QString &message,
           const Fields &fields)
{
    if (!category.isEnabled(type))
        return;
    const Fields *previous = t_fields;
    t_fields = &fields;
    QMessageLogger logger(nullptr, 0, nullptr, category.categoryName());
    switch (type) {
    case QtDebugMsg:
        logger.debug(category).noquote() << message;
        break;
    case QtInfoMsg:
        logger.info(category).noquote() << message;
        break;
    case QtWarningMsg:
        logger.warning(category).noquote() << message;
        break;
    case QtCriticalMsg:
    case QtFatalMsg:
        logger.critical(category).noquote() << message;
        break;
    }
    t_fields = previous;
}

} // namespace Dmarc::Log
