// libFuzzer target: the feedback-report field reader and the failure report labels of
// docs/counting.md section 8.3. Every label keeps to its values, and LF line ends read as CRLF
// ones do.

#include "failurereport/failurereport.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QStringList>

#include <cstddef>
#include <cstdint>

namespace {

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
    // Each label, and the values it may take.
    static const QList<QPair<QString Dmarc::FailureReport::*, QStringList>> labels{
        {&Dmarc::FailureReport::authFailure,
         QStringList{QStringLiteral("dmarc"), QStringLiteral("dkim"), QStringLiteral("spf"),
                     QStringLiteral("bodyhash"), QStringLiteral("revoked"),
                     QStringLiteral("signature"), QStringLiteral("adsp"), QStringLiteral("other")}},
        {&Dmarc::FailureReport::identityAlignment,
         QStringList{QString(), QStringLiteral("none"), QStringLiteral("dkim"),
                     QStringLiteral("spf"), QStringLiteral("dkim,spf")}},
        {&Dmarc::FailureReport::deliveryResult,
         QStringList{QString(), QStringLiteral("delivered"), QStringLiteral("spam"),
                     QStringLiteral("policy"), QStringLiteral("reject"), QStringLiteral("other")}}};
    for (const auto &[label, values] : labels) {
        if (!values.contains((*report).*label))
            __builtin_trap();
    }
    if (report->reportedDomain != report->reportedDomain.toLower())
        __builtin_trap();
    return 0;
}
