#pragma once

#include "service/exporter.h"

#include <QString>

#include <memory>

namespace Dmarc::Test {

class DovecotServer;

// An exporter over the store in `storageDirectory`, metrics on a free local port, and one
// account pointing at a local port nobody listens on (so every check fails quickly).
std::unique_ptr<Exporter> startExporterWithUnreachableAccount(const QString &storageDirectory);

// An exporter on the one account of the test Dovecot `server` (exporterharness.h), state in
// `storageDirectory`; null, with the test failed, when it does not start.
std::unique_ptr<Exporter> startExporterOn(const DovecotServer &server,
                                          const QString &storageDirectory);

// Stops `exporter`, waits for its stopped() signal and lets it go; nothing when it is null.
void stopExporter(std::unique_ptr<Exporter> &exporter);

} // namespace Dmarc::Test
