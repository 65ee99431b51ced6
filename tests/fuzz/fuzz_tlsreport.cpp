// libFuzzer target: the SMTP TLS report reader (RFC 8460 JSON), fed in two pieces split where
// the first byte says. Whatever the split, it must read the same; what it reads must keep to
// the labels of docs/counting.md section 8.2.

#include "tlsrpt/tlsreportreader.h"

#include <QStringList>

#include <cstddef>
#include <cstdint>

namespace {

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
    static const QStringList policyTypes{QStringLiteral("sts"), QStringLiteral("tlsa"),
                                         QStringLiteral("no-policy-found"),
                                         QStringLiteral("other")};
    static const QStringList resultTypes{
        QStringLiteral("starttls-not-supported"), QStringLiteral("certificate-host-mismatch"),
        QStringLiteral("certificate-expired"),    QStringLiteral("certificate-not-trusted"),
        QStringLiteral("validation-failure"),     QStringLiteral("tlsa-invalid"),
        QStringLiteral("dnssec-invalid"),         QStringLiteral("dane-required"),
        QStringLiteral("sts-policy-fetch-error"), QStringLiteral("sts-policy-invalid"),
        QStringLiteral("sts-webpki-invalid"),     QStringLiteral("other")};
    for (const Dmarc::TlsPolicyCounts &policy : whole->policies) {
        if (!policyTypes.contains(policy.policyType) ||
            policy.policyDomain != policy.policyDomain.toLower())
            __builtin_trap();
        for (const Dmarc::TlsFailureCount &failure : policy.failures) {
            if (!resultTypes.contains(failure.resultType))
                __builtin_trap();
        }
    }
    return 0;
}
