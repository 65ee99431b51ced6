#pragma once

namespace Dmarc {
class Exporter;
}

namespace Dmarc::App {

struct CommandLine;

// Without a configuration file, the first-run assistant writes one (to the per-user
// configuration folder when the default location is not writable) and `commandLine` is pointed
// at it. False when the person cancelled.
bool prepareConfiguration(CommandLine &commandLine);

// The desktop face over a running exporter: tray icon and dashboard.
void attachDesktop(Exporter &exporter);

} // namespace Dmarc::App
