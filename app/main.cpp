#include "commandline.h"
#include "commands.h"
#include "common/version.h"
#include "inspectcommand.h"

#ifdef DMARC_WITH_GUI
#include "desktop.h"

#include <QApplication>
#endif

#include <QCoreApplication>
#include <QTextStream>

#include <memory>

using namespace Dmarc;

int main(int argc, char *argv[])
{
    // The desktop face needs a QApplication; everything else (the service, the commands, a
    // machine without a display) runs on QCoreApplication and never touches a display.
#ifdef DMARC_WITH_GUI
    const bool gui = App::wantsGui(argc, argv);
    std::unique_ptr<QCoreApplication> app = gui ? std::make_unique<QApplication>(argc, argv)
                                                : std::make_unique<QCoreApplication>(argc, argv);
#else
    auto app = std::make_unique<QCoreApplication>(argc, argv);
#endif
    QCoreApplication::setApplicationName(QString::fromLatin1(kApplicationName));
    QCoreApplication::setApplicationVersion(QString::fromLatin1(kVersion));

    const App::CommandLine commandLine = App::parseCommandLine(QCoreApplication::arguments());
    QTextStream out(stdout);
    switch (commandLine.action) {
    case App::CommandLine::Action::ShowHelp:
        out << commandLine.helpText;
        return 0;
    case App::CommandLine::Action::ShowVersion:
        out << QCoreApplication::applicationName() << ' ' << QCoreApplication::applicationVersion()
            << '\n';
        return 0;
    case App::CommandLine::Action::Invalid:
        QTextStream(stderr) << App::usageErrorText(commandLine.errorText);
        return 2;
    case App::CommandLine::Action::CheckConfig:
        return App::runCheckConfig(commandLine);
    case App::CommandLine::Action::Inspect:
        return App::runInspect(commandLine.files, commandLine.json,
                               commandLine.configurationGiven ? commandLine.configurationPath
                                                              : QString());
    case App::CommandLine::Action::Import:
        return App::runImport(commandLine);
    case App::CommandLine::Action::Migrate:
        return App::runMigrate(commandLine);
    case App::CommandLine::Action::Run:
        break;
    }
#ifdef DMARC_WITH_GUI
    if (gui && !commandLine.noGui)
        return App::runDesktop(commandLine);
#endif
    return App::runExporter(commandLine);
}
