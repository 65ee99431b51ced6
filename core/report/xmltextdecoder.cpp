#include "report/xmltextdecoder.h"

#include <cstring>

namespace Dmarc {

namespace {

// The XML declaration is short: a head this long without one is read as UTF-8.
constexpr qsizetype kMaxHead = 64 * 1024;

bool isXmlSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

qsizetype skipSpace(QByteArrayView bytes, qsizetype pos)
{
    while (pos < bytes.size() && isXmlSpace(bytes.at(pos)))
        ++pos;
    return pos;
}

// The value of the encoding pseudo-attribute of the XML declaration that starts `head` after
// white space: "" without a declaration or without the attribute; nullopt while the head may
// still be an unfinished declaration.
std::optional<QByteArray> declaredEncoding(QByteArrayView head, bool final)
{
    const QByteArrayView rest = head.sliced(skipSpace(head, 0));
    const QByteArrayView opening("<?xml");
    if (rest.size() <= opening.size())
        return final || !opening.startsWith(rest) ? std::optional(QByteArray()) : std::nullopt;
    if (!rest.startsWith(opening) || !isXmlSpace(rest.at(opening.size())))
        return QByteArray();
    const qsizetype end = rest.indexOf("?>");
    if (end < 0)
        return final ? std::optional(QByteArray()) : std::nullopt;
    const QByteArrayView declaration = rest.first(end);
    const qsizetype attribute = declaration.indexOf("encoding");
    if (attribute < 0)
        return QByteArray();
    qsizetype pos = skipSpace(declaration, attribute + 8);
    if (pos >= declaration.size() || declaration.at(pos) != '=')
        return QByteArray();
    pos = skipSpace(declaration, pos + 1);
    if (pos >= declaration.size() || (declaration.at(pos) != '"' && declaration.at(pos) != '\''))
        return QByteArray();
    const qsizetype close = declaration.indexOf(declaration.at(pos), pos + 1);
    if (close < 0)
        return QByteArray();
    return declaration.sliced(pos + 1, close - pos - 1).toByteArray();
}

qsizetype lineFeeds(QByteArrayView bytes)
{
    qsizetype count = 0;
    const char *at = bytes.data();
    const char *const end = at + bytes.size();
    while (at < end) {
        at = static_cast<const char *>(std::memchr(at, '\n', size_t(end - at)));
        if (!at)
            break;
        ++count;
        ++at;
    }
    return count;
}

// How many bytes at the end of `bytes` begin a UTF-8 sequence that more bytes may complete.
qsizetype cutUtf8Sequence(QByteArrayView bytes)
{
    for (qsizetype back = 1; back <= qMin<qsizetype>(3, bytes.size()); ++back) {
        const uchar c = uchar(bytes.at(bytes.size() - back));
        if (c >= 0x80 && c < 0xc0)
            continue; // a continuation byte: the lead is further back
        const qsizetype length = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 1;
        return c >= 0xc2 && c <= 0xf4 && back < length ? back : 0;
    }
    return 0;
}

bool isXmlSpace(QChar c)
{
    return c == u' ' || c == u'\t' || c == u'\r' || c == u'\n';
}

bool isNameChar(QChar c)
{
    return c.isLetterOrNumber() || c == u'-' || c == u'_' || c == u'.' || c.unicode() >= 0x80;
}

} // namespace

qsizetype findStartTag(QStringView text, QStringView localName)
{
    for (qsizetype at = text.indexOf(localName); at >= 0; at = text.indexOf(localName, at + 1)) {
        const qsizetype after = at + localName.size();
        if (after >= text.size())
            return -1;
        const QChar next = text.at(after);
        if (next != u'>' && next != u'/' && !isXmlSpace(next))
            continue;
        qsizetype start = at;
        if (start > 0 && text.at(start - 1) == u':') {
            --start;
            while (start > 0 && isNameChar(text.at(start - 1)))
                --start;
            if (start == at - 1)
                continue; // "<:name" has no prefix
        }
        if (start > 0 && text.at(start - 1) == u'<')
            return start - 1;
    }
    return -1;
}

Result<QString> XmlTextDecoder::decode(QByteArrayView chunk)
{
    if (m_started)
        return convert(chunk, false);
    m_head.append(chunk);
    return start(false);
}

Result<QString> XmlTextDecoder::finish()
{
    if (!m_started)
        return start(true);
    // A UTF-8 sequence cut off by the end of the input is an invalid one.
    return convert(std::exchange(m_utf8Tail, QByteArray()), true);
}

QString XmlTextDecoder::encodingName() const
{
    return m_decoder && m_decoder->isValid() ? QString::fromLatin1(m_decoder->name()) : QString();
}

Result<QString> XmlTextDecoder::start(bool final)
{
    const bool decide = final || m_head.size() >= kMaxHead;
    if (!decide && m_head.size() < 4)
        return QString();
    const QByteArrayView head = m_head;
    // UTF-16 by its byte order mark, or by the zero byte of its first character.
    const bool littleEndian =
        head.startsWith("\xff\xfe") || (head.size() >= 2 && head[0] != 0 && head[1] == 0);
    const bool bigEndian =
        head.startsWith("\xfe\xff") || (head.size() >= 2 && head[0] == 0 && head[1] != 0);
    m_utf16 = littleEndian || bigEndian;
    if (m_utf16) {
        m_decoder.emplace(littleEndian ? QStringDecoder::Utf16LE : QStringDecoder::Utf16BE);
    } else if (head.startsWith("\xef\xbb\xbf")) {
        m_utf8 = true;
    } else {
        const std::optional<QByteArray> name = declaredEncoding(head, decide);
        if (!name)
            return QString();
        m_utf8 = name->isEmpty() ||
                 QStringConverter::encodingForName(name->constData()) == QStringConverter::Utf8;
        if (!m_utf8) {
            // Built in place: Qt's ICU decoders do not survive being moved.
            m_decoder.emplace(name->constData());
            if (!m_decoder->isValid()) {
                return Error{QStringLiteral("malformed"),
                             QStringLiteral("the declared encoding \"%1\" is not supported")
                                 .arg(QString::fromLatin1(*name))};
            }
        }
    }
    if (m_utf8)
        m_decoder.emplace(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    m_started = true;
    return convert(std::exchange(m_head, QByteArray()), final);
}

QString XmlTextDecoder::convert(QByteArrayView bytes, bool final)
{
    // Qt 6.4's UTF-8 decoder drops the bytes after a sequence that a chunk boundary cut and the
    // next chunk does not complete; such a tail is held back and decoded with the next chunk.
    QByteArray joined;
    if (m_utf8) {
        if (!m_utf8Tail.isEmpty()) {
            joined = std::exchange(m_utf8Tail, QByteArray()) + bytes;
            bytes = joined;
        }
        if (!final) {
            m_utf8Tail = bytes.last(cutUtf8Sequence(bytes)).toByteArray();
            bytes.chop(m_utf8Tail.size());
        }
    }
    const bool hadError = m_decoder->hasError();
    QString text = m_decoder->decode(bytes);
    if (!m_firstInvalid) {
        if (!hadError && m_decoder->hasError()) {
            const qsizetype bad = text.indexOf(QChar(QChar::ReplacementCharacter));
            const QStringView before = bad < 0 ? QStringView(text) : QStringView(text).first(bad);
            advance(before, before.count(u'\n'));
            m_firstInvalid = m_next;
        } else {
            // Outside UTF-16 a line feed is the byte 0x0a, which memchr finds fastest.
            advance(text, m_utf16 ? QStringView(text).count(u'\n') : lineFeeds(bytes));
        }
    }
    if (m_inLeadingSpace) {
        qsizetype skip = 0;
        for (; skip < text.size(); ++skip) {
            const QChar c = text.at(skip);
            if (isXmlSpace(c))
                ++m_leadingSpace;
            else if (c != QChar(QChar::ByteOrderMark))
                break;
        }
        m_inLeadingSpace = skip == text.size();
        text.remove(0, skip);
    }
    return text;
}

void XmlTextDecoder::advance(QStringView text, qsizetype lineFeeds)
{
    const qsizetype lastLineFeed = text.lastIndexOf(u'\n');
    if (lastLineFeed < 0) {
        m_next.column += text.size();
        return;
    }
    m_next.line += lineFeeds;
    m_next.column = text.size() - lastLineFeed;
}

} // namespace Dmarc
