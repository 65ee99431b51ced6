#include "mail/mimeheaders.h"

#include "mail/transferencoding.h"

#include <QMap>
#include <QStringDecoder>

namespace Dmarc::Mail {

namespace {

bool isBlank(char c)
{
    return c == ' ' || c == '\t';
}

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

QByteArrayView trimmed(QByteArrayView view)
{
    while (!view.isEmpty() && isSpace(view.front()))
        view = view.sliced(1);
    while (!view.isEmpty() && isSpace(view.back()))
        view.chop(1);
    return view;
}

// Bytes in a header: UTF-8 when they are valid UTF-8 (RFC 6532), otherwise Latin-1.
QString decodeRaw(QByteArrayView bytes)
{
    QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString text = utf8.decode(bytes);
    if (!utf8.hasError())
        return text;
    return QString::fromLatin1(bytes);
}

QString decodeCharset(QByteArrayView charset, QByteArrayView bytes)
{
    if (charset.isEmpty())
        return decodeRaw(bytes);
    QStringDecoder decoder(QString::fromLatin1(charset).toUtf8().constData());
    if (!decoder.isValid())
        return decodeRaw(bytes);
    return decoder.decode(bytes);
}

// One RFC 2047 encoded word starting at `from` ("=?"), or -1 when it is not one.
qsizetype decodeEncodedWord(QByteArrayView value, qsizetype from, QString &out)
{
    const qsizetype charsetEnd = value.indexOf('?', from + 2);
    if (charsetEnd < 0 || charsetEnd + 2 >= value.size() || value.at(charsetEnd + 2) != '?')
        return -1;
    const char encoding = value.at(charsetEnd + 1);
    const qsizetype textStart = charsetEnd + 3;
    const qsizetype textEnd = value.indexOf("?=", textStart);
    if (textEnd < 0)
        return -1;
    QByteArrayView charset = value.sliced(from + 2, charsetEnd - from - 2);
    // RFC 2231 section 5: charset*language.
    if (const qsizetype star = charset.indexOf('*'); star >= 0)
        charset = charset.first(star);
    const QByteArrayView text = value.sliced(textStart, textEnd - textStart);
    QByteArray bytes;
    if (encoding == 'B' || encoding == 'b') {
        bytes = decodeBase64(text);
    } else if (encoding == 'Q' || encoding == 'q') {
        QByteArray underscoresAsSpaces = text.toByteArray();
        underscoresAsSpaces.replace('_', ' ');
        bytes = decodeQuotedPrintable(underscoresAsSpaces);
    } else {
        return -1;
    }
    out += decodeCharset(charset, bytes);
    return textEnd + 2;
}

QByteArrayView unquote(QByteArrayView value, QByteArray &storage)
{
    if (value.size() < 2 || value.front() != '"')
        return value;
    storage.clear();
    for (qsizetype i = 1; i < value.size(); ++i) {
        const char c = value.at(i);
        if (c == '\\' && i + 1 < value.size()) {
            storage += value.at(++i);
        } else if (c == '"') {
            break;
        } else {
            storage += c;
        }
    }
    return storage;
}

QByteArray percentDecode(QByteArrayView value)
{
    return QByteArray::fromPercentEncoding(value.toByteArray());
}

// The parts of one RFC 2231 parameter: name*0, name*1*, ... by section number.
struct ParameterSections
{
    QMap<int, QPair<bool, QByteArray>> sections; // section -> (percent-encoded, value)
};

QString assembleParameter(const ParameterSections &parameter)
{
    QByteArray charset;
    QByteArray bytes;
    bool anyEncoded = false;
    bool first = true;
    for (auto it = parameter.sections.cbegin(); it != parameter.sections.cend(); ++it) {
        QByteArrayView piece = it.value().second;
        if (it.value().first) {
            anyEncoded = true;
            if (first) {
                // charset'language'value
                const qsizetype q1 = piece.indexOf('\'');
                const qsizetype q2 = q1 < 0 ? -1 : piece.indexOf('\'', q1 + 1);
                if (q2 >= 0) {
                    charset = piece.first(q1).toByteArray();
                    piece = piece.sliced(q2 + 1);
                }
            }
            bytes += percentDecode(piece);
        } else {
            bytes += piece;
        }
        first = false;
    }
    if (anyEncoded)
        return decodeCharset(charset, bytes);
    // Many mailers put RFC 2047 words inside quoted parameters; RFC 2047 forbids it, but
    // the file name is what matters.
    return decodeEncodedWords(bytes);
}

} // namespace

MimeHeaders MimeHeaders::parse(QByteArrayView block)
{
    MimeHeaders headers;
    qsizetype pos = 0;
    while (pos < block.size()) {
        qsizetype end = block.indexOf('\n', pos);
        if (end < 0)
            end = block.size();
        QByteArrayView line = block.sliced(pos, end - pos);
        pos = end + 1;
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.isEmpty())
            continue;
        if (isBlank(line.front())) {
            if (!headers.m_fields.isEmpty())
                headers.m_fields.last().value += line;
            continue;
        }
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArrayView name = trimmed(line.first(colon));
        if (name.isEmpty() || name.contains(' '))
            continue;
        headers.m_fields.append({name.toByteArray(), line.sliced(colon + 1).toByteArray()});
    }
    for (HeaderField &field : headers.m_fields)
        field.value = trimmed(field.value).toByteArray();
    return headers;
}

QByteArray MimeHeaders::value(QByteArrayView name) const
{
    for (const HeaderField &field : m_fields) {
        if (field.name.compare(name, Qt::CaseInsensitive) == 0)
            return field.value;
    }
    return {};
}

HeaderParameters parseParameterizedHeader(QByteArrayView value)
{
    HeaderParameters result;
    qsizetype pos = value.indexOf(';');
    if (pos < 0)
        pos = value.size();
    result.token = trimmed(value.first(pos)).toByteArray().toLower();

    QHash<QByteArray, ParameterSections> pieces;
    QByteArray storage;
    while (pos < value.size()) {
        ++pos; // ';'
        qsizetype nameEnd = pos;
        while (nameEnd < value.size() && value.at(nameEnd) != '=' && value.at(nameEnd) != ';')
            ++nameEnd;
        const QByteArray name = trimmed(value.sliced(pos, nameEnd - pos)).toByteArray().toLower();
        if (nameEnd >= value.size() || value.at(nameEnd) == ';') {
            pos = nameEnd;
            continue;
        }
        qsizetype valueStart = nameEnd + 1;
        while (valueStart < value.size() && isSpace(value.at(valueStart)))
            ++valueStart;
        qsizetype valueEnd = valueStart;
        if (valueEnd < value.size() && value.at(valueEnd) == '"') {
            for (++valueEnd; valueEnd < value.size() && value.at(valueEnd) != '"'; ++valueEnd) {
                if (value.at(valueEnd) == '\\')
                    ++valueEnd;
            }
            valueEnd = qMin(valueEnd + 1, value.size());
            pos = valueEnd;
            while (pos < value.size() && value.at(pos) != ';')
                ++pos;
        } else {
            while (valueEnd < value.size() && value.at(valueEnd) != ';')
                ++valueEnd;
            pos = valueEnd;
        }
        const QByteArrayView raw =
            unquote(trimmed(value.sliced(valueStart, valueEnd - valueStart)), storage);
        if (name.isEmpty())
            continue;

        // name, name*, name*N, name*N*
        QByteArray base = name;
        int section = 0;
        bool encoded = false;
        if (base.endsWith('*')) {
            encoded = true;
            base.chop(1);
        }
        if (const qsizetype star = base.indexOf('*'); star >= 0) {
            bool ok = false;
            section = base.mid(star + 1).toInt(&ok);
            if (!ok || section < 0 || section > 999)
                continue;
            base.truncate(star);
        }
        ParameterSections &parameter = pieces[base];
        if (!parameter.sections.contains(section))
            parameter.sections.insert(section, {encoded, raw.toByteArray()});
    }
    for (auto it = pieces.cbegin(); it != pieces.cend(); ++it)
        result.parameters.insert(it.key(), assembleParameter(it.value()));
    return result;
}

QString decodeEncodedWords(QByteArrayView value)
{
    QString out;
    qsizetype pos = 0;
    qsizetype plainStart = 0;
    bool lastWasEncoded = false;
    while (pos < value.size()) {
        const qsizetype start = value.indexOf("=?", pos);
        if (start < 0)
            break;
        QString decoded;
        const qsizetype end = decodeEncodedWord(value, start, decoded);
        if (end < 0) {
            pos = start + 2;
            continue;
        }
        const QByteArrayView between = value.sliced(plainStart, start - plainStart);
        // Blanks between two adjacent encoded words are not part of the text.
        if (!(lastWasEncoded && trimmed(between).isEmpty()))
            out += decodeRaw(between);
        out += decoded;
        lastWasEncoded = true;
        pos = plainStart = end;
    }
    out += decodeRaw(value.sliced(plainStart));
    return out;
}

QString firstAddress(QByteArrayView value)
{
    // Scan the first mailbox: skip comments and quoted strings; an angle-addr wins; otherwise
    // the addr-spec is what remains of the mailbox outside comments.
    QByteArray bare;
    int commentDepth = 0;
    for (qsizetype i = 0; i < value.size(); ++i) {
        const char c = value.at(i);
        if (commentDepth > 0) {
            if (c == '\\')
                ++i;
            else if (c == '(')
                ++commentDepth;
            else if (c == ')')
                --commentDepth;
            continue;
        }
        switch (c) {
        case '(':
            commentDepth = 1;
            break;
        case '"':
            // A quoted local part belongs to the address; a quoted display name does not, and
            // is dropped when the angle-addr shows up.
            bare += c;
            for (++i; i < value.size() && value.at(i) != '"'; ++i) {
                if (value.at(i) == '\\' && i + 1 < value.size())
                    ++i;
                bare += value.at(i);
            }
            bare += '"';
            break;
        case '<': {
            const qsizetype close = value.indexOf('>', i + 1);
            const QByteArrayView inner =
                value.sliced(i + 1, (close < 0 ? value.size() : close) - i - 1);
            // An obsolete route (<@a,@b:user@host>) precedes the address.
            const qsizetype route = inner.startsWith('@') ? inner.indexOf(':') : -1;
            return QString::fromUtf8(trimmed(inner.sliced(route + 1))).toLower();
        }
        case ':':
            bare.clear(); // a group name ("undisclosed: a@b;")
            break;
        case ',':
        case ';':
            if (bare.contains('@'))
                return QString::fromUtf8(bare).simplified().remove(QLatin1Char(' ')).toLower();
            bare.clear();
            break;
        default:
            bare += c;
        }
    }
    if (!bare.contains('@'))
        return {};
    return QString::fromUtf8(bare).simplified().remove(QLatin1Char(' ')).toLower();
}

} // namespace Dmarc::Mail
