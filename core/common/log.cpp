#include "log.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>
#include <mutex>
#include <unistd.h>

namespace Dmarc::Log {

namespace {

thread_local const Fields *t_fields = nullptr;
Format g_format = Format::Plain;
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

// Values with blanks or quotes are quoted so that a line stays machine-splittable.
QString plainValue(const QString &value)
{
    if (!value.isEmpty() && !value.contains(QLatin1Char(' ')) &&
        !value.contains(QLatin1Char('"')) && !value.contains(QLatin1Char('=')))
        return value;
    QString quoted = value;
    quoted.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
    quoted.replace(QLatin1Char('"'), QStringLiteral("\\\""));
    quoted.replace(QLatin1Char('\n'), QStringLiteral("\\n"));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
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
        object.insert(QStringLiteral("message"), message);
        for (const auto &field : fields)
            object.insert(field.first, field.second);
        return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
    }
    QString level = levelName(type);
    level = QString(QLatin1Char('[') + level + QLatin1Char(']')).leftJustified(10);
    if (format == Format::Colored)
        level = QString::fromLatin1(levelColor(type)) + level + QStringLiteral("\x1b[0m");
    QString line = time.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) + QLatin1Char(' ') + level +
                   QLatin1Char(' ') + message.leftJustified(30) + QStringLiteral(" [") + category +
                   QLatin1Char(']');
    for (const auto &field : fields)
        line += QLatin1Char(' ') + field.first + QLatin1Char('=') + plainValue(field.second);
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
