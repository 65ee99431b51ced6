// libFuzzer target: the feedback-report field reader and the failure report labels of
// docs/counting.md section 8.3. Every label keeps to its values, and LF line ends read as CRLF
// ones do.

#include "failurereport/failurereport.h"

#include <QByteArray>

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

bool same(const std::optional<Dmarc::FailureReport> &a,
          const std::optional<Dmarc::FailureReport> &b)
{
    if (!a || !b)
        return !a && !b;
    return a->reportedDomain == b->reportedDomain && a->authFailure == b->authFailure &&
           a->identityAlignment == b->identityAlignment && a->deliveryResult == b->deliveryResult;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray fields(reinterpret_cast<const char *>(data), qsizetype(size));
    const std::optional<Dmarc::FailureReport> report = Dmarc::readFailureReport(fields);
    if (!fields.contains('\r') &&
        !same(report, Dmarc::readFailureReport(QByteArray(fields).replace("\n", "\r\n"))))
        __builtin_trap();
    if (!report)
        return 0;
    if (report->reportedDomain != report->reportedDomain.toLower() ||
        !oneOf(report->authFailure,
               {"dmarc", "dkim", "spf", "bodyhash", "revoked", "signature", "adsp", "other"}) ||
        !oneOf(report->identityAlignment, {"", "none", "dkim", "spf", "dkim,spf"}) ||
        !oneOf(report->deliveryResult, {"", "delivered", "spam", "policy", "reject", "other"}))
        __builtin_trap();
    return 0;
}
