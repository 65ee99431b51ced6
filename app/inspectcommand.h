#pragma once

#include <QStringList>

namespace Dmarc::App {

// `inspect [--json] FILE...`: what the exporter would make of each file. Returns 0 when every
// file parsed, 1 otherwise.
int runInspect(const QStringList &files, bool json);

} // namespace Dmarc::App
