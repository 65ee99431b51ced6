#pragma once

#include "common/result.h"
#include "tlsrpt/tlsreport.h"

#include <QByteArray>
#include <QByteArrayView>

namespace Dmarc {

// Reads one SMTP TLS report (RFC 8460 JSON, docs/counting.md section 8.2). The bytes are
// collected up to `maxBytes` and read at finish(), without building a tree: memory stays near
// the size of the text. Errors have the code "too_large" (past `maxBytes`) or "malformed" (not
// a JSON object, a broken text, `policies` not an array, or a session count that is not a
// whole number from 0 to 2^53, which spoils the whole report).
class TlsReportReader
{
public:
    explicit TlsReportReader(qint64 maxBytes);

    // Returns false once past the limit: feeding more is pointless.
    bool addData(QByteArrayView chunk);
    Result<TlsReport> finish();

private:
    qint64 m_maxBytes;
    qint64 m_total = 0;
    QByteArray m_text;
};

// Reads a whole report; for tests, `inspect` and callers that have the bytes at hand.
Result<TlsReport> parseTlsReport(QByteArrayView json, qint64 maxBytes);

} // namespace Dmarc
