// libFuzzer target: the SMTP TLS report reader (RFC 8460 JSON), fed in two pieces split where
// the first byte says. Whatever the split, it must read the same; what it reads must keep to
// the labels of docs/counting.md section 8.2.

#include "tlsrpt/tlsreportreader.h"

#include <cstddef>
#include <cstdint>

namespace {

bool oneOf(const QString &value, std::initializer_list<const char *> known)
{
    for (const char *candidate : known) {
        if (value == QLatin1StringView(candidate))
            return true;
    }
    return false;
}

QString summary(const Dmarc::Result<Dmarc::TlsReport> &read)
{
    if (!read)
        return read.error().code + read.error().message;
    QString out = read->organizationName + u'|' + read->reportId + u'|' +
                  QString::number(read->dateBegin) + u'|' + QString::number(read->dateEnd);
    for (const Dmarc::TlsPolicyCounts &policy : read->policies) {
        out += u'|' + policy.policyDomain + u'|' + policy.policyType + u'|' +
               QString::number(policy.successfulSessions) + u'|' +
               QString::number(policy.failedSessions);
        for (const Dmarc::TlsFailureCount &failure : policy.failures)
            out += u'|' + failure.resultType + u'|' + QString::number(failure.sessions);
    }
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const QByteArrayView input(reinterpret_cast<const char *>(data) + 1, qsizetype(size - 1));
    const qsizetype split = input.isEmpty() ? 0 : qsizetype(data[0]) % (input.size() + 1);
    // Now and then the limit is one byte short, so the too_large path is taken too.
    const qint64 limit = (data[0] & 0x80) ? input.size() - 1 : input.size();

    Dmarc::TlsReportReader reader(limit);
    if (reader.addData(input.first(split)))
        reader.addData(input.sliced(split));
    const Dmarc::Result<Dmarc::TlsReport> pieces = reader.finish();
    const Dmarc::Result<Dmarc::TlsReport> whole = Dmarc::parseTlsReport(input, limit);
    if (summary(pieces) != summary(whole))
        __builtin_trap();
    if (!whole)
        return 0;
    for (const Dmarc::TlsPolicyCounts &policy : whole->policies) {
        if (!oneOf(policy.policyType, {"sts", "tlsa", "no-policy-found", "other"}) ||
            policy.policyDomain != policy.policyDomain.toLower())
            __builtin_trap();
        for (const Dmarc::TlsFailureCount &failure : policy.failures) {
            if (!oneOf(failure.resultType,
                       {"starttls-not-supported", "certificate-host-mismatch",
                        "certificate-expired", "certificate-not-trusted", "validation-failure",
                        "tlsa-invalid", "dnssec-invalid", "dane-required", "sts-policy-fetch-error",
                        "sts-policy-invalid", "sts-webpki-invalid", "other"}))
                __builtin_trap();
        }
    }
    return 0;
}
