#pragma once

#include "store/store.h"

#include <QDate>
#include <QString>

#include <memory>

namespace Dmarc::Test {

// A store filled from the upstream sample emails (dated years ago) plus generated reports for
// each of the 30 days up to `today`: three sending domains, four reporters, one spoofing source
// that fails DMARC, and two invalid emails; SMTP TLS reports of two reporters for each day (with
// failures in the last week) and some failure reports. Deterministic for a given `today`.
std::unique_ptr<Store> openSampleStore(const QString &directory, QDate today);

} // namespace Dmarc::Test
