#pragma once

#include <QString>
#include <QStringList>

namespace Dmarc::App {

// `inspect [--json] FILE|DIR...`: what the exporter would make of each file, folders walked as
// import walks them, with the sources of each report named (docs/counting.md section 10.5) by
// the classes and map of the configuration at `configurationPath`, or by the built-in map when
// it is empty. Changes nothing. Returns 0 when every file would be counted without error, 1
// otherwise, 2 when the configuration or the Public Suffix List cannot be read.
int runInspect(const QStringList &paths, bool json, const QString &configurationPath);

} // namespace Dmarc::App
