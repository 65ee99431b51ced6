#pragma once

#include "common/result.h"
#include "mail/payloadlimits.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <optional>

namespace Dmarc::Mail {

// Whether a leaf part may hold a report (docs/counting.md section 1.2): by content type or file name.
bool isCandidate(QByteArrayView contentType, const QString &fileName);

// What the bytes are, by their magic numbers (docs/counting.md section 1.4); labels are not trusted.
enum class Container
{
    Xml,
    Gzip,
    Zip
};
Container detectContainer(QByteArrayView bytes);

// Receives the decompressed bytes of every payload of a container, one payload after another.
class PayloadSink
{
public:
    virtual ~PayloadSink() = default;
    // A payload starts; `member` names the zip member ("" outside a zip).
    virtual void beginPayload(const QString &member) = 0;
    // The next decompressed bytes. Returns false when the payload needs no more (its content
    // already failed); the unpacker then moves on to the next payload.
    virtual bool payloadData(QByteArrayView chunk) = 0;
    // The payload is complete, or the container failed for it: `error` is then set (code
    // "too_large" or "corrupt_archive").
    virtual void endPayload(const std::optional<Error> &error) = 0;
};

// Unpacks `bytes` (gzip with any number of members, zip, or plain XML) into `sink`, streaming:
// never more than one chunk of decompressed data is held, and no payload may exceed
// `limits.maxPayloadBytes`; zip members past `limits.maxZipMembers` fail as one "too_large"
// payload. Directory entries of a zip are not payloads.
void unpackPayloads(const QByteArray &bytes, const PayloadLimits &limits, PayloadSink &sink);

} // namespace Dmarc::Mail
