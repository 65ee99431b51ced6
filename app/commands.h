#pragma once

#include "commandline.h"

#include <functional>

namespace Dmarc {
class Exporter;
}

namespace Dmarc::App {

// Each returns the process exit code: 0 success, 1 failure, 2 bad configuration or usage.
int runCheckConfig(const CommandLine &commandLine);
// The report files `paths` name, folders walked as import walks them. Each missing path and an
// empty result are reported on stderr under `command`'s name; `allFound` says whether every
// path was there.
QStringList collectReportFiles(const char *command, const QStringList &paths, bool *allFound);
int runImport(const CommandLine &commandLine);

// Runs the exporter until SIGTERM/SIGINT (or the desktop's Quit). `attachDesktop`, when given,
// adds the tray icon and dashboard to the running exporter.
int runExporter(const CommandLine &commandLine,
                const std::function<void(Exporter &)> &attachDesktop);

} // namespace Dmarc::App
