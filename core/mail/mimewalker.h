#pragma once

#include "mail/transferencoding.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

namespace Dmarc::Mail {

// A leaf of the MIME tree (neither multipart nor message/rfc822).
struct MimeLeaf
{
    QString section;        // IMAP-style part number: "1", "2.1", ...
    QByteArray contentType; // lower-cased type/subtype ("text/plain" when missing)
    QString fileName;       // Content-Disposition filename, else Content-Type name; "" if none
    TransferEncoding transferEncoding = TransferEncoding::Identity;
    QByteArrayView body; // still transfer-encoded; points into the walked bytes

    // The body with its transfer encoding undone. Identity bodies are not copied.
    QByteArray decodedBody() const;
    // "part 2.1 (report.xml.gz)" for messages.
    QString description() const;
};

// Deeper nesting than this is no report email: an entity below it is read as a leaf, which keeps
// the walk's stack bounded (docs/counting.md section 1.1).
inline constexpr int kMaxMimeDepth = 40;

// The outer message's From and Subject and every leaf, depth-first, the root included.
struct MimeMessage
{
    QString fromAddress; // bare address of the first From, lower-cased; "" when none
    QString subject;     // RFC 2047 decoded
    QList<MimeLeaf> leaves;
    // A multipart or message/rfc822 entity lay deeper than kMaxMimeDepth and was read as a leaf.
    bool tooDeep = false;
    // Bodies of encoded message/rfc822 parts, decoded once; leaves inside them point here.
    QList<QByteArray> decodedMessages;
};

// Walks `raw`; the result points into `raw`, which must outlive it. Never fails: whatever is
// not MIME is a text/plain leaf. Nesting deeper than kMaxMimeDepth is read as a leaf.
MimeMessage walkMime(const QByteArray &raw);

} // namespace Dmarc::Mail
