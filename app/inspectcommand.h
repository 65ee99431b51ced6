#pragma once

#include <QStringList>

namespace Dmarc::App {

// `inspect [--json] FILE|DIR...`: what the exporter would make of each file, folders walked as
// import walks them. Changes nothing. Returns 0 when every file would be counted without error,
// 1 otherwise.
int runInspect(const QStringList &paths, bool json);

} // namespace Dmarc::App
