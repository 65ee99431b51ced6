#pragma once

#include "common/result.h"
#include "mail/mimewalker.h"
#include "mail/payloadlimits.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <QStringList>

#include <optional>

namespace Dmarc::Mail {

// Whether a leaf part may hold an aggregate or a TLS report (docs/counting.md sections 1.2 and
// 8.1): by content type or file name.
bool isCandidate(QByteArrayView contentType, const QString &fileName);

// Whether a part's content type or file name says it holds a TLS report (application/tlsrpt+*,
// application/json, *.json, *.json.gz, *.json.gzip). Decides the kind of a payload whose
// container failed before its first byte was seen (docs/counting.md section 8.4).
bool isLabelledTlsReport(QByteArrayView contentType, const QString &fileName);

// What the bytes are, by their magic numbers (docs/counting.md section 1.4); labels are not
// trusted.
enum class Container
{
    Xml,
    Gzip,
    Zip
};
Container detectContainer(QByteArrayView bytes);

// Containers inside containers are unpacked to this depth; a deeper one fails as too_large
// (docs/counting.md section 1.6).
constexpr int kMaxContainerDepth = 3;

// Receives the decompressed bytes of every payload of a container, one payload after another.
class PayloadSink
{
public:
    virtual ~PayloadSink() = default;
    // A payload starts; `member` names the zip member ("" outside a zip; members of nested
    // zips are joined by ", member ").
    virtual void beginPayload(const QString &member) = 0;
    // The next decompressed bytes. Returns false when the payload needs no more (its content
    // already failed); the unpacker then moves on to the next payload.
    virtual bool payloadData(QByteArrayView chunk) = 0;
    // The payload is complete, or the container failed for it: `error` is then set (code
    // "too_large" or "corrupt_archive"). `notes` say what the unpacker recovered from on the way
    // (docs/counting.md section 1.6), for `inspect`.
    virtual void endPayload(const std::optional<Error> &error, const QStringList &notes) = 0;
};

// Unpacks `bytes` (gzip with any number of members, zip, or plain data) into `sink`, streaming:
// a container inside a container is unpacked as well, to kMaxContainerDepth levels. Never more
// than one chunk of decompressed data is held, except for a zip inside another container, which
// can only be read whole. No level may produce more than `limits.maxPayloadBytes`; zip members
// past `limits.maxZipMembers` fail as one "too_large" payload. Directory entries of a zip are
// not payloads.
void unpackPayloads(const QByteArray &bytes, const PayloadLimits &limits, PayloadSink &sink);

// The same for a leaf's body: a base64 body is decoded a piece at a time as it is unpacked, so
// that the decoded body is never held whole (except a zip's, which is read from its end); other
// bodies are decoded first.
void unpackPayloads(const MimeLeaf &leaf, const PayloadLimits &limits, PayloadSink &sink);

} // namespace Dmarc::Mail
