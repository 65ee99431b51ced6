#include "desktop.h"

#include "commandline.h"
#include "commands.h"
#include "desktopsession.h"
#include "translations.h"

namespace Dmarc::App {

int runDesktop(const CommandLine &commandLine)
{
    Ui::installTranslations();
    Ui::DesktopSession session(commandLine.configurationPath, commandLine.configurationGiven);
    session.setBeforeStart(
        [&commandLine](const Config &config) { installLogging(config, commandLine.debug); });
    int exitCode = 0;
    if (!session.start(&exitCode))
        return exitCode;
    return serve(*session.exporter(), commandLine.debug);
}

} // namespace Dmarc::App
