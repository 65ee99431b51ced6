#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QHash>
#include <QList>
#include <QString>

namespace Dmarc::Mail {

// One header field, unfolded (the line breaks of folded lines removed, the blanks kept).
struct HeaderField
{
    QByteArray name; // as written
    QByteArray value;
};

// The header block of a message or body part.
class MimeHeaders
{
public:
    // Parses `block` (everything before the empty line). Lines that are neither a field nor a
    // continuation (an mbox "From " line, garbage) are ignored.
    static MimeHeaders parse(QByteArrayView block);

    // The first field called `name` (case-insensitive), or a null QByteArray.
    QByteArray value(QByteArrayView name) const;
    const QList<HeaderField> &fields() const { return m_fields; }

private:
    QList<HeaderField> m_fields;
};

// A structured header value such as a Content-Type or Content-Disposition: the main token
// (lower-cased, e.g. "application/gzip") and the parameters (names lower-cased) with RFC 2231
// continuations, charsets and percent-encoding resolved, and RFC 2047 encoded words decoded.
struct HeaderParameters
{
    QByteArray token;
    QHash<QByteArray, QString> parameters;
};

HeaderParameters parseParameterizedHeader(QByteArrayView value);

// Decodes RFC 2047 encoded words (=?charset?B|Q?...?=); bytes outside them are read as UTF-8
// (Latin-1 when they are not valid UTF-8).
QString decodeEncodedWords(QByteArrayView value);

// The bare address of the first mailbox of an address header (From:), lower-cased: display
// names (quoted, encoded, with commas), comments and groups are skipped. "" when there is none.
QString firstAddress(QByteArrayView value);

} // namespace Dmarc::Mail
