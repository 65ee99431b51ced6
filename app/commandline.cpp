#include "commandline.h"

#include <QCommandLineParser>
#include <QCoreApplication>

#include <cstdlib>
#include <cstring>

namespace Dmarc::App {

namespace {

constexpr char kDefaultConfiguration[] = "/etc/dmarc-metrics-exporter.json";
constexpr char kProgram[] = "dmarc-metrics-exporter";

QString tr(const char *text)
{
    return QCoreApplication::translate("CommandLine", text);
}

QString description()
{
    return tr("Monitor an IMAP account for DMARC aggregate reports and provide a Prometheus "
              "endpoint\nfor metrics derived from incoming reports.\n"
              "\n"
              "Report emails are fetched from the configured inbox folder, counted, and moved to "
              "the\ndone or error folder. Counters and deduplication state are kept in "
              "storage_path and\nserved at http://listen_addr:port/metrics (default "
              "http://127.0.0.1:9797/metrics).\nOn a desktop a tray icon and dashboard are shown "
              "unless --no-gui is given.\n"
              "\n"
              "Commands:\n"
              "  (none)                 run the exporter\n"
              "  inspect [--json] FILE|DIR...  show what the exporter would count from "
              "report files\n"
              "                         (.eml, .xml, .json, .gz, .zip; folders recursively) and "
              "why a\n"
              "                         report would be rejected; changes nothing\n"
              "  import FILE|DIR...     count local report files (folders recursively) into "
              "the\n"
              "                         store, with the same deduplication as the mailbox\n"
              "  migrate FILE|DIR       copy a SQLite store (its file, or its storage folder) "
              "into the\n"
              "                         PostgreSQL store of the configuration's database, "
              "verified by\n"
              "                         counts; does nothing when it was copied before");
}

bool isCommand(const char *argument)
{
    return std::strcmp(argument, "inspect") == 0 || std::strcmp(argument, "import") == 0 ||
           std::strcmp(argument, "migrate") == 0;
}

} // namespace

bool wantsGui(int argc, char **argv)
{
    const char *display = std::getenv("DISPLAY");
    const char *wayland = std::getenv("WAYLAND_DISPLAY");
    if ((!display || !*display) && (!wayland || !*wayland))
        return false;
    for (int i = 1; i < argc; ++i) {
        const char *argument = argv[i];
        for (const char *headless :
             {"--no-gui", "--check-config", "--help", "-h", "--help-all", "--version", "-v"}) {
            if (std::strcmp(argument, headless) == 0)
                return false;
        }
        if (isCommand(argument))
            return false;
    }
    return true;
}

CommandLine parseCommandLine(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(description());
    const QCommandLineOption helpOption = parser.addHelpOption();
    const QCommandLineOption versionOption = parser.addVersionOption();
    const QCommandLineOption configOption(
        QStringLiteral("configuration"),
        tr("Read the JSON configuration from <path> (default: %1).")
            .arg(QString::fromLatin1(kDefaultConfiguration)),
        QStringLiteral("path"), QString::fromLatin1(kDefaultConfiguration));
    const QCommandLineOption noGuiOption(
        QStringLiteral("no-gui"), tr("Run headless (as a service): no tray icon, no window."));
    const QCommandLineOption debugOption(
        QStringLiteral("debug"),
        tr("Log at debug level (with the IMAP wire trace, credentials masked), overriding the "
           "configured level."));
    const QCommandLineOption checkOption(
        QStringLiteral("check-config"),
        tr("Validate the configuration, print it with defaults filled in and secrets masked, "
           "and exit."));
    const QCommandLineOption jsonOption(QStringLiteral("json"),
                                        tr("inspect: print JSON instead of text."));
    parser.addOptions({configOption, noGuiOption, debugOption, checkOption, jsonOption});
    parser.addPositionalArgument(QStringLiteral("command"),
                                 tr("inspect, import or migrate (optional)."),
                                 QStringLiteral("[command]"));
    parser.addPositionalArgument(
        QStringLiteral("files"),
        tr("Report files or folders for inspect and import; the SQLite store for migrate."),
        QStringLiteral("[files...]"));

    CommandLine result;
    result.helpText = parser.helpText();
    const auto fail = [&result](const QString &message) {
        result.action = CommandLine::Action::Invalid;
        result.errorText = message;
        return result;
    };
    if (!parser.parse(arguments))
        return fail(parser.errorText());
    if (parser.isSet(helpOption)) {
        result.action = CommandLine::Action::ShowHelp;
        return result;
    }
    if (parser.isSet(versionOption)) {
        result.action = CommandLine::Action::ShowVersion;
        return result;
    }
    result.configurationPath = parser.value(configOption);
    result.configurationGiven = parser.isSet(configOption);
    result.noGui = parser.isSet(noGuiOption);
    result.debug = parser.isSet(debugOption);
    result.json = parser.isSet(jsonOption);

    QStringList positional = parser.positionalArguments();
    const QString command = positional.isEmpty() ? QString() : positional.takeFirst();
    if (command == QStringLiteral("inspect") || command == QStringLiteral("import")) {
        if (positional.isEmpty())
            return fail(tr("%1: give at least one file or folder").arg(command));
        result.action = command == QStringLiteral("inspect") ? CommandLine::Action::Inspect
                                                             : CommandLine::Action::Import;
        result.files = positional;
    } else if (command == QStringLiteral("migrate")) {
        if (positional.size() != 1)
            return fail(tr("migrate: give the SQLite store to copy, its file or its folder"));
        result.action = CommandLine::Action::Migrate;
        result.files = positional;
    } else if (!command.isEmpty()) {
        return fail(tr("Unknown command: %1 (expected inspect, import or migrate)").arg(command));
    } else if (parser.isSet(checkOption)) {
        result.action = CommandLine::Action::CheckConfig;
    }
    if (result.json && result.action != CommandLine::Action::Inspect)
        return fail(tr("--json goes with the inspect command"));
    return result;
}

QString usageErrorText(const QString &errorText)
{
    const QString program = QString::fromLatin1(kProgram);
    return program + QStringLiteral(": ") + errorText + QLatin1Char('\n') +
           tr("Try '%1 --help'.").arg(program) + QLatin1Char('\n');
}

} // namespace Dmarc::App
