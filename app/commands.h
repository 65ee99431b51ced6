#pragma once

#include "commandline.h"

#include <QtGlobal>

#include <optional>

namespace Dmarc {
class Exporter;
struct Config;
}

namespace Dmarc::App {

// Each returns the process exit code: 0 success, 1 failure, 2 bad configuration or usage.
int runCheckConfig(const CommandLine &commandLine);
// The report files `paths` name, folders walked as import walks them. Each missing path and an
// empty result are reported on stderr under `command`'s name; `allFound` says whether every
// path was there.
QStringList collectReportFiles(const char *command, const QStringList &paths, bool *allFound);
int runImport(const CommandLine &commandLine);
// Copies the SQLite store named on the command line into the configuration's PostgreSQL store
// and prints what each table holds in both.
int runMigrate(const CommandLine &commandLine);

// The headless exporter: loads the configuration and runs it until SIGTERM/SIGINT.
int runExporter(const CommandLine &commandLine);
// Runs a started exporter until SIGTERM/SIGINT or its stop(); SIGHUP reloads its configuration.
// `debug` keeps the log level at debug through reloads.
int serve(Exporter &exporter, bool debug);
// The configuration's log format and level (debug with `debug`, `level` when given instead of the
// configured one), then its warnings.
void installLogging(const Config &config, bool debug, std::optional<QtMsgType> level = {});

} // namespace Dmarc::App
