#pragma once

#include "common/result.h"

#include <QString>

// "Start at login": the person's own XDG autostart entry, which the desktop session starts at
// login (freedesktop.org Desktop Application Autostart Specification).
namespace Dmarc::Ui::Autostart {

// $XDG_CONFIG_HOME/autostart/dmarc-metrics-exporter.desktop (~/.config/autostart/...).
QString entryPath();
bool isEnabled();
// Writes the entry: this program on `configPath`.
Result<void> enable(const QString &configPath);
// Removes the entry; nothing when there is none.
Result<void> disable();

} // namespace Dmarc::Ui::Autostart
