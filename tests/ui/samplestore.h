#pragma once

#include "store/store.h"

#include <QDate>
#include <QString>

#include <memory>

namespace Dmarc::Test {

// A store filled from the upstream sample emails (dated years ago) plus generated reports for
// each of the 30 days up to `today`: three sending domains, four reporters, one spoofing source
// that fails DMARC, and two invalid emails; each label set of the generated reports from a
// source of its own (example.com from 203.0.113.5 "office", example.org from 198.51.100.20
// "SendGrid", shop.example.net from 2001:db8::25 and the spoofing from 192.0.2.66, both
// "unknown"; a PTR name for SendGrid's); SMTP TLS reports of two reporters for each day (with
// failures in the last week) and some failure reports. Deterministic for a given `today`.
std::unique_ptr<Store> openSampleStore(const QString &directory, QDate today);

} // namespace Dmarc::Test
