#pragma once

#include "common/result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <QStringDecoder>

#include <optional>

namespace Dmarc {

// A place in a text: line and column, both counted from 1 (columns in UTF-16 code units).
struct TextPosition
{
    qint64 line = 1;
    qint64 column = 1;
};

// Turns the bytes of an XML report into text for the XML reader, chunk by chunk
// (docs/counting.md sections 2.3 and 2.7):
// - the encoding is that of a byte order mark, UTF-16 told by its zero bytes, else the one the
//   XML declaration names, else UTF-8;
// - white space and byte order marks before the document are dropped;
// - a byte sequence the encoding cannot decode becomes U+FFFD, and where the first one sits is
//   kept.
class XmlTextDecoder
{
public:
    XmlTextDecoder() = default;
    // Not movable: the decoder of an encoding Qt reads through ICU must stay where it was built.
    XmlTextDecoder(const XmlTextDecoder &) = delete;
    XmlTextDecoder &operator=(const XmlTextDecoder &) = delete;

    // The text of the next bytes; empty while the start of the document is not known yet. Fails
    // when the declared encoding is one Qt does not know.
    Result<QString> decode(QByteArrayView chunk);
    // The input is complete: the text still held back.
    Result<QString> finish();

    QString encodingName() const;
    // Where the first undecodable byte sequence was, if there was one.
    std::optional<TextPosition> firstInvalid() const { return m_firstInvalid; }
    // How many characters of white space were dropped before the document.
    qint64 leadingSpace() const { return m_leadingSpace; }

private:
    Result<QString> start(bool final);
    QString convert(QByteArrayView bytes, bool final);
    void advance(QStringView text, qsizetype lineFeeds);

    QByteArray m_head;
    bool m_started = false;
    std::optional<QStringDecoder> m_decoder;
    bool m_utf16 = false;
    bool m_utf8 = false;
    QByteArray m_utf8Tail; // an unfinished UTF-8 sequence at the end of the last chunk
    bool m_inLeadingSpace = true;
    qint64 m_leadingSpace = 0;
    TextPosition m_next; // of the next character, until the first invalid one is found
    std::optional<TextPosition> m_firstInvalid;
};

// Where a start tag with the local name `localName` (any prefix) begins in `text` (the index of
// its '<'), or -1. A tag cut off by the end of `text` does not count yet: more text may show
// that its name goes on.
qsizetype findStartTag(QStringView text, QStringView localName);

} // namespace Dmarc
