#pragma once

#include <QString>
#include <QStringList>

namespace Dmarc::App {

// What the user asked for on the command line.
struct CommandLine
{
    enum class Action { Run, ShowHelp, ShowVersion, Invalid };

    Action action = Action::Run;
    QString configurationPath;
    bool noGui = false;
    bool debug = false;
    QString helpText;
    QString errorText;
};

CommandLine parseCommandLine(const QStringList &arguments);

} // namespace Dmarc::App
