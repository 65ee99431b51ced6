#pragma once

#include <QString>
#include <QStringList>

namespace Dmarc::App {

// What the user asked for on the command line.
struct CommandLine
{
    enum class Action
    {
        Run,         // the exporter (tray/dashboard on a desktop, headless otherwise)
        CheckConfig, // validate and print the effective configuration
        Inspect,     // show what the exporter would make of report files
        Import,      // count local report files into the store
        Migrate,     // copy a SQLite store into the configured PostgreSQL store
        ShowHelp,
        ShowVersion,
        Invalid
    };

    Action action = Action::Run;
    QString configurationPath;
    bool configurationGiven = false; // --configuration named it, rather than the default
    bool noGui = false;
    bool debug = false;
    bool json = false; // inspect --json
    QStringList files; // inspect/import arguments; migrate's one SQLite store
    QString helpText;
    QString errorText;
};

CommandLine parseCommandLine(const QStringList &arguments);

// What a usage error prints: the mistake on one line, then where the help is.
QString usageErrorText(const QString &errorText);

// Whether `arguments` ask for the desktop face (decided before any QCoreApplication exists):
// a plain run without --no-gui, on a display.
bool wantsGui(int argc, char **argv);

} // namespace Dmarc::App
