#pragma once

namespace Dmarc {
class Exporter;
}

namespace Dmarc::App {

// The desktop face over a running exporter: tray icon and dashboard.
void attachDesktop(Exporter &exporter);

} // namespace Dmarc::App
