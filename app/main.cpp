#include "commandline.h"
#include "common/version.h"

#include <QCoreApplication>
#include <QTextStream>

#include <cstdio>

using namespace Dmarc;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QString::fromLatin1(kApplicationName));
    QCoreApplication::setApplicationVersion(QString::fromLatin1(kVersion));

    const App::CommandLine commandLine = App::parseCommandLine(QCoreApplication::arguments());
    QTextStream out(stdout);
    QTextStream err(stderr);
    switch (commandLine.action) {
    case App::CommandLine::Action::ShowHelp:
        out << commandLine.helpText;
        return 0;
    case App::CommandLine::Action::ShowVersion:
        out << QCoreApplication::applicationName() << ' ' << QCoreApplication::applicationVersion()
            << '\n';
        return 0;
    case App::CommandLine::Action::Invalid:
        err << commandLine.errorText << "\n\n" << commandLine.helpText;
        return 2;
    case App::CommandLine::Action::Run:
        break;
    }
    err << "dmarc-metrics-exporter: the exporter service is not part of this build yet\n";
    return 1;
}
