#include "commandline.h"

#include "common/version.h"

#include <QCommandLineParser>
#include <QCoreApplication>

namespace Dmarc::App {

namespace {

constexpr char kDefaultConfiguration[] = "/etc/dmarc-metrics-exporter.json";

QString description()
{
    return QCoreApplication::translate(
        "CommandLine",
        "Monitor an IMAP account for DMARC aggregate reports and provide a Prometheus endpoint\n"
        "for metrics derived from incoming reports.\n"
        "\n"
        "Report emails are fetched from the configured inbox folder, counted, and moved to the\n"
        "done or error folder. Counters and deduplication state are kept in storage_path and\n"
        "served at http://listen_addr:port/metrics (default http://127.0.0.1:9797/metrics).\n"
        "On a desktop a tray icon and dashboard are shown unless --no-gui is given.");
}

} // namespace

CommandLine parseCommandLine(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(description());
    const QCommandLineOption helpOption = parser.addHelpOption();
    const QCommandLineOption versionOption = parser.addVersionOption();
    const QCommandLineOption configOption(
        QStringLiteral("configuration"),
        QCoreApplication::translate("CommandLine",
                                    "Read the JSON configuration from <path> (default: %1).")
            .arg(QString::fromLatin1(kDefaultConfiguration)),
        QStringLiteral("path"), QString::fromLatin1(kDefaultConfiguration));
    const QCommandLineOption noGuiOption(
        QStringLiteral("no-gui"),
        QCoreApplication::translate("CommandLine",
                                    "Run headless (as a service): no tray icon, no window."));
    const QCommandLineOption debugOption(
        QStringLiteral("debug"),
        QCoreApplication::translate("CommandLine",
                                    "Log at debug level, overriding the configured level."));
    parser.addOption(configOption);
    parser.addOption(noGuiOption);
    parser.addOption(debugOption);

    CommandLine result;
    result.helpText = parser.helpText();
    if (!parser.parse(arguments)) {
        result.action = CommandLine::Action::Invalid;
        result.errorText = parser.errorText();
        return result;
    }
    if (parser.isSet(helpOption)) {
        result.action = CommandLine::Action::ShowHelp;
        return result;
    }
    if (parser.isSet(versionOption)) {
        result.action = CommandLine::Action::ShowVersion;
        return result;
    }
    if (!parser.positionalArguments().isEmpty()) {
        result.action = CommandLine::Action::Invalid;
        result.errorText = QCoreApplication::translate("CommandLine", "Unexpected argument: %1")
                               .arg(parser.positionalArguments().constFirst());
        return result;
    }
    result.configurationPath = parser.value(configOption);
    result.noGui = parser.isSet(noGuiOption);
    result.debug = parser.isSet(debugOption);
    return result;
}

} // namespace Dmarc::App
