#pragma once

#include "commandline.h"

#include <functional>

namespace Dmarc {
class Exporter;
}

namespace Dmarc::App {

// Each returns the process exit code: 0 success, 1 failure, 2 bad configuration or usage.
int runCheckConfig(const CommandLine &commandLine);
int runImport(const CommandLine &commandLine);

// Runs the exporter until SIGTERM/SIGINT (or the desktop's Quit). `attachDesktop`, when given,
// adds the tray icon and dashboard to the running exporter.
int runExporter(const CommandLine &commandLine,
                const std::function<void(Exporter &)> &attachDesktop);

} // namespace Dmarc::App
