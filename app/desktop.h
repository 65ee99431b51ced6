#pragma once

namespace Dmarc::App {

struct CommandLine;

// The exporter with its desktop face: one per user (a second launch shows the first one's
// dashboard and ends), started on a configuration the setup assistant makes usable, then the
// tray icon and dashboard. Returns the exit code: 0 after Quit or a hand-over to the running
// instance, 1 when the person gave up the setup (after being told why).
int runDesktop(const CommandLine &commandLine);

} // namespace Dmarc::App
