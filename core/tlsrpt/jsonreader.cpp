#include "tlsrpt/jsonreader.h"

#include <cstring>

namespace Dmarc {

namespace {

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

int hexValue(char c)
{
    if (isDigit(c))
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

} // namespace

JsonReader::JsonReader(QByteArrayView text)
    : m_text(text)
{}

void JsonReader::skipSpace()
{
    while (m_pos < m_text.size()) {
        const char c = m_text.at(m_pos);
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            return;
        ++m_pos;
    }
}

void JsonReader::fail(const QString &message)
{
    if (failed())
        return;
    const QByteArrayView before = m_text.first(qMin(m_pos, m_text.size()));
    const qsizetype lastNewline = before.lastIndexOf('\n');
    m_error = QStringLiteral("JSON line %1, column %2: %3")
                  .arg(before.count('\n') + 1)
                  .arg(before.size() - lastNewline)
                  .arg(message);
}

bool JsonReader::expect(char c, const char *what)
{
    skipSpace();
    if (m_pos < m_text.size() && m_text.at(m_pos) == c) {
        ++m_pos;
        return true;
    }
    fail(QStringLiteral("%1 expected").arg(QLatin1StringView(what)));
    return false;
}

JsonReader::Type JsonReader::peek()
{
    if (failed())
        return Type::Invalid;
    skipSpace();
    if (m_pos >= m_text.size()) {
        fail(QStringLiteral("a value expected, the text ends"));
        return Type::Invalid;
    }
    const char c = m_text.at(m_pos);
    switch (c) {
    case '{':
        return Type::Object;
    case '[':
        return Type::Array;
    case '"':
        return Type::String;
    case 't':
    case 'f':
    case 'n':
        return Type::Literal;
    default:
        if (c == '-' || isDigit(c))
            return Type::Number;
    }
    fail(QStringLiteral("a value expected"));
    return Type::Invalid;
}

bool JsonReader::begin(Open kind)
{
    const bool object = kind == Open::Object;
    if (peek() != (object ? Type::Object : Type::Array))
        return expect(object ? '{' : '[', object ? "an object" : "an array");
    ++m_pos;
    m_open.append({kind, true});
    return true;
}

bool JsonReader::beginObject()
{
    return begin(Open::Object);
}

bool JsonReader::beginArray()
{
    return begin(Open::Array);
}

bool JsonReader::nextInside(Open kind)
{
    if (failed() || m_open.isEmpty() || m_open.last().kind != kind)
        return false;
    const char close = kind == Open::Object ? '}' : ']';
    skipSpace();
    if (m_pos < m_text.size() && m_text.at(m_pos) == close) {
        ++m_pos;
        m_open.removeLast();
        return false;
    }
    if (!m_open.last().empty && !expect(',', kind == Open::Object ? "',' or '}'" : "',' or ']'"))
        return false;
    m_open.last().empty = false;
    return true;
}

bool JsonReader::nextMember(QString *key)
{
    if (!nextInside(Open::Object))
        return false;
    skipSpace();
    if (m_pos >= m_text.size() || m_text.at(m_pos) != '"') {
        fail(QStringLiteral("a member name expected"));
        return false;
    }
    if (key)
        key->clear();
    return scanString(key) && expect(':', "':'");
}

bool JsonReader::nextElement()
{
    return nextInside(Open::Array);
}

std::optional<QString> JsonReader::readString()
{
    if (peek() != Type::String) {
        fail(QStringLiteral("a string expected"));
        return std::nullopt;
    }
    QString text;
    if (!scanString(&text))
        return std::nullopt;
    return text;
}

bool JsonReader::scanString(QString *out)
{
    ++m_pos; // the opening quote
    qsizetype runStart = m_pos;
    // A high surrogate escape waits for its low half; without one it becomes U+FFFD.
    char16_t pendingHigh = 0;
    auto flushHigh = [&] {
        if (pendingHigh && out)
            out->append(QChar(QChar::ReplacementCharacter));
        pendingHigh = 0;
    };
    // Raw runs are UTF-8 (bytes that are not become U+FFFD); escapes are decoded in between.
    auto flushRun = [&](qsizetype end) {
        if (end == runStart)
            return;
        flushHigh();
        if (out)
            out->append(QString::fromUtf8(m_text.sliced(runStart, end - runStart)));
    };
    auto appendUnit = [&](char16_t unit) {
        if (QChar::isLowSurrogate(unit) && pendingHigh) {
            if (out)
                out->append(QChar(pendingHigh)).append(QChar(unit));
            pendingHigh = 0;
            return;
        }
        flushHigh();
        if (QChar::isHighSurrogate(unit))
            pendingHigh = unit;
        else if (out)
            out->append(QChar::isLowSurrogate(unit) ? QChar(QChar::ReplacementCharacter)
                                                    : QChar(unit));
    };
    static const char escapes[] = "\"\\/bfnrt";
    static const char16_t escaped[] = u"\"\\/\b\f\n\r\t";
    while (m_pos < m_text.size()) {
        const char c = m_text.at(m_pos);
        if (c == '"') {
            flushRun(m_pos);
            flushHigh();
            ++m_pos;
            return true;
        }
        if (uchar(c) < 0x20) {
            fail(QStringLiteral("a control character inside a string"));
            return false;
        }
        if (c != '\\') {
            ++m_pos;
            continue;
        }
        flushRun(m_pos);
        if (m_pos + 1 >= m_text.size())
            break;
        const char escape = m_text.at(m_pos + 1);
        m_pos += 2;
        if (const char *known = escape ? std::strchr(escapes, escape) : nullptr) {
            appendUnit(escaped[known - escapes]);
        } else if (escape == 'u') {
            char16_t unit = 0;
            for (int i = 0; i < 4; ++i, ++m_pos) {
                const int digit = m_pos < m_text.size() ? hexValue(m_text.at(m_pos)) : -1;
                if (digit < 0) {
                    fail(QStringLiteral("four hex digits expected after \\u"));
                    return false;
                }
                unit = char16_t(unit * 16 + digit);
            }
            appendUnit(unit);
        } else {
            fail(QStringLiteral("an unknown escape in a string"));
            return false;
        }
        runStart = m_pos;
    }
    fail(QStringLiteral("the string does not end"));
    return false;
}

std::optional<QByteArrayView> JsonReader::readNumber()
{
    if (peek() != Type::Number) {
        fail(QStringLiteral("a number expected"));
        return std::nullopt;
    }
    const qsizetype start = m_pos;
    auto at = [&](char c) { return m_pos < m_text.size() && m_text.at(m_pos) == c; };
    auto digits = [&] {
        const qsizetype from = m_pos;
        while (m_pos < m_text.size() && isDigit(m_text.at(m_pos)))
            ++m_pos;
        return m_pos > from;
    };
    const char *problem = nullptr;
    if (at('-'))
        ++m_pos;
    if (at('0'))
        ++m_pos;
    else if (!digits())
        problem = "a digit expected";
    if (!problem && at('.')) {
        ++m_pos;
        if (!digits())
            problem = "a digit expected after '.'";
    }
    if (!problem && (at('e') || at('E'))) {
        ++m_pos;
        if (at('+') || at('-'))
            ++m_pos;
        if (!digits())
            problem = "a digit expected in the exponent";
    }
    if (problem) {
        fail(QString::fromLatin1(problem));
        return std::nullopt;
    }
    return m_text.sliced(start, m_pos - start);
}

bool JsonReader::readLiteral()
{
    for (const char *literal : {"true", "false", "null"}) {
        if (m_text.sliced(m_pos).startsWith(literal)) {
            m_pos += qsizetype(std::strlen(literal));
            return true;
        }
    }
    fail(QStringLiteral("true, false or null expected"));
    return false;
}

bool JsonReader::skipValue()
{
    const qsizetype base = m_open.size();
    while (true) {
        switch (peek()) {
        case Type::Object:
            beginObject();
            break;
        case Type::Array:
            beginArray();
            break;
        case Type::String:
            scanString(nullptr);
            break;
        case Type::Number:
            readNumber();
            break;
        case Type::Literal:
            readLiteral();
            break;
        case Type::Invalid:
            return false;
        }
        // Close what ends here, down to where the value started; stop at the next value inside.
        bool more = false;
        while (!failed() && !more && m_open.size() > base) {
            more = m_open.last().kind == Open::Object ? nextMember(nullptr) : nextElement();
        }
        if (failed())
            return false;
        if (!more)
            return true;
    }
}

bool JsonReader::atEnd()
{
    skipSpace();
    if (m_pos < m_text.size())
        fail(QStringLiteral("more after the end of the JSON value"));
    return !failed();
}

} // namespace Dmarc
