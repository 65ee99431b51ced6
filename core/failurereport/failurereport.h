#pragma once

#include <QByteArrayView>
#include <QString>

#include <optional>

namespace Dmarc {

// One DMARC failure report (RFC 9991, RFC 6591) reduced to its labels (docs/counting.md section
// 8.3). Failure reports carry personal data (addresses, the sample message, the source IP);
// none of it is kept here.
struct FailureReport
{
    QString reportedDomain;    // Reported-Domain: trimmed, lower-cased, trailing dot dropped
    QString authFailure;       // dmarc, dkim, spf, bodyhash, revoked, signature, adsp; else other
    QString identityAlignment; // "none", or the aligned mechanisms sorted ("dkim,spf"); "" if none
    QString deliveryResult;    // delivered, spam, policy, reject, other; "" when missing
    QString source;            // which part of the email, e.g. "part 2 (message/feedback-report)"
};

// Reads the fields of a message/feedback-report part (RFC 5965 section 3: "Name: value" lines,
// folded lines unfolded, names case-insensitive, the first of a name wins). A failure report
// when the Feedback-Type is auth-failure; nullopt for any other feedback type, which is no
// report candidate (docs/counting.md section 8.1).
std::optional<FailureReport> readFailureReport(QByteArrayView fields);

} // namespace Dmarc
