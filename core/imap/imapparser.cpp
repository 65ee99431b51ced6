#include "imapparser.h"

namespace Dmarc::Imap {

namespace {

constexpr int maxNesting = 64; // parenthesised lists deeper than this are refused

Error parseError(const QString &what)
{
    return Error{QStringLiteral("malformed"), QStringLiteral("IMAP response: ") + what};
}

// Length of a literal header ("{12}", "{12+}", "~{12}") that ends `line`, or -1.
qint64 literalHeaderLength(const QByteArray &line, qsizetype *headerStart = nullptr)
{
    if (!line.endsWith('}'))
        return -1;
    const qsizetype open = line.lastIndexOf('{');
    if (open < 0)
        return -1;
    qsizetype end = line.size() - 1;
    if (end > open + 1 && line.at(end - 1) == '+')
        --end;
    if (end == open + 1 || end - open - 1 > 18)
        return -1;
    qint64 length = 0;
    for (qsizetype i = open + 1; i < end; ++i) {
        const char c = line.at(i);
        if (c < '0' || c > '9')
            return -1;
        length = length * 10 + (c - '0');
    }
    if (headerStart)
        *headerStart = (open > 0 && line.at(open - 1) == '~') ? open - 1 : open;
    return length;
}

bool isAtomChar(char c)
{
    return c > ' ' && c != '(' && c != ')' && c != '"' && c != '{' && c != 0x7f;
}

// Walks over the lines of one response; a literal header at the end of a line stands for the
// literal that follows it.
class Cursor
{
public:
    Cursor(const QList<QByteArray> &lines, const QList<QByteArray> &literals)
        : m_lines(lines)
        , m_literals(literals)
    {}

    const QByteArray &line() const { return m_lines.at(m_line); }
    bool atLineEnd() const { return m_pos >= line().size(); }
    bool atEnd() const { return atLineEnd() && m_line == m_lines.size() - 1; }
    char peek() const { return atLineEnd() ? '\0' : line().at(m_pos); }
    void advance(qsizetype n = 1) { m_pos += n; }
    qsizetype position() const { return m_pos; }
    int lineIndex() const { return m_line; }
    void reset(int lineIndex, qsizetype position)
    {
        m_line = lineIndex;
        m_pos = position;
    }
    bool consume(char c)
    {
        if (peek() != c)
            return false;
        ++m_pos;
        return true;
    }
    void skipSpaces()
    {
        while (peek() == ' ')
            ++m_pos;
    }
    bool atLiteral() const
    {
        if (m_line >= m_literals.size())
            return false;
        qsizetype start = 0;
        return literalHeaderLength(line(), &start) >= 0 && start == m_pos;
    }
    QByteArray takeLiteral()
    {
        const QByteArray literal = m_literals.at(m_line);
        ++m_line;
        m_pos = 0;
        return literal;
    }
    QByteArray restOfLine()
    {
        const QByteArray rest = line().mid(m_pos);
        m_pos = line().size();
        return rest;
    }
    QByteArray takeWhile(bool (*accept)(char))
    {
        const qsizetype start = m_pos;
        while (!atLineEnd() && accept(line().at(m_pos)))
            ++m_pos;
        return line().mid(start, m_pos - start);
    }

private:
    const QList<QByteArray> &m_lines;
    const QList<QByteArray> &m_literals;
    int m_line = 0;
    qsizetype m_pos = 0;
};

Result<ImapValue> parseValue(Cursor &cursor, int depth, bool inCode);

Result<QByteArray> parseQuoted(Cursor &cursor)
{
    cursor.advance(); // opening quote
    QByteArray out;
    for (;;) {
        if (cursor.atLineEnd())
            return parseError(QStringLiteral("unterminated quoted string"));
        char c = cursor.peek();
        cursor.advance();
        if (c == '"')
            return out;
        if (c == '\\') {
            if (cursor.atLineEnd())
                return parseError(QStringLiteral("unterminated quoted string"));
            c = cursor.peek();
            cursor.advance();
        }
        out.append(c);
    }
}

// An atom; a '[' inside it opens a section that runs to its matching ']' (BODY[HEADER]).
QByteArray parseAtom(Cursor &cursor, bool inCode)
{
    const QByteArray &line = cursor.line();
    const qsizetype start = cursor.position();
    qsizetype pos = start;
    int brackets = 0;
    while (pos < line.size()) {
        const char c = line.at(pos);
        if (brackets > 0) {
            if (c == '[')
                ++brackets;
            else if (c == ']')
                --brackets;
            ++pos;
            continue;
        }
        if (!isAtomChar(c) || (c == ']' && inCode))
            break;
        if (c == '[')
            ++brackets;
        ++pos;
    }
    cursor.advance(pos - start);
    return line.mid(start, pos - start);
}

Result<ImapValue> parseList(Cursor &cursor, int depth)
{
    if (depth >= maxNesting)
        return parseError(QStringLiteral("lists nested too deeply"));
    cursor.advance(); // '('
    ImapValue list;
    list.type = ImapValue::Type::List;
    for (;;) {
        cursor.skipSpaces();
        if (cursor.consume(')'))
            return list;
        if (cursor.atLineEnd() && !cursor.atLiteral())
            return parseError(QStringLiteral("unterminated list"));
        auto item = parseValue(cursor, depth + 1, false);
        if (!item)
            return item.error();
        list.list.append(std::move(item).value());
    }
}

Result<ImapValue> parseValue(Cursor &cursor, int depth, bool inCode)
{
    ImapValue value;
    if (cursor.atLiteral()) {
        value.type = ImapValue::Type::String;
        value.bytes = cursor.takeLiteral();
        return value;
    }
    const char c = cursor.peek();
    if (c == '(')
        return parseList(cursor, depth);
    if (c == '"') {
        auto quoted = parseQuoted(cursor);
        if (!quoted)
            return quoted.error();
        value.type = ImapValue::Type::String;
        value.bytes = std::move(quoted).value();
        return value;
    }
    const QByteArray atom = parseAtom(cursor, inCode);
    if (atom.isEmpty())
        return parseError(QStringLiteral("unexpected character '%1'").arg(QLatin1Char(c)));
    value.bytes = atom;
    if (atom.compare("NIL", Qt::CaseInsensitive) == 0) {
        value.type = ImapValue::Type::Nil;
        return value;
    }
    bool isNumber = atom.size() <= 19;
    for (const char d : atom)
        isNumber = isNumber && d >= '0' && d <= '9';
    if (isNumber) {
        value.type = ImapValue::Type::Number;
        value.number = atom.toULongLong();
    } else {
        value.type = ImapValue::Type::Atom;
    }
    return value;
}

bool isNameChar(char c)
{
    return isAtomChar(c) && c != '[' && c != ']' && c != '<';
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

bool isTagChar(char c)
{
    return isAtomChar(c) && c != '+' && c != '*' && c != '%' && c != '\\' && c != ']';
}

// "[...]" up to the matching bracket, quoted strings respected; returns the inner text.
Result<QByteArray> takeSection(Cursor &cursor)
{
    const QByteArray &line = cursor.line();
    const qsizetype start = cursor.position();
    int depth = 0;
    bool quoted = false;
    for (qsizetype pos = start; pos < line.size(); ++pos) {
        const char c = line.at(pos);
        if (quoted) {
            if (c == '\\')
                ++pos;
            else if (c == '"')
                quoted = false;
        } else if (c == '"') {
            quoted = true;
        } else if (c == '[') {
            ++depth;
        } else if (c == ']' && --depth == 0) {
            cursor.advance(pos + 1 - start);
            return line.mid(start + 1, pos - start - 1);
        }
    }
    return parseError(QStringLiteral("unterminated section"));
}

// [CODE args] after a status; the cursor stands on '['.
Result<ImapResponseCode> parseCode(Cursor &cursor)
{
    cursor.advance();
    ImapResponseCode code;
    code.name = cursor.takeWhile(isNameChar).toUpper();
    if (code.name.isEmpty())
        return parseError(QStringLiteral("empty response code"));
    if (cursor.consume(']'))
        return code;
    if (!cursor.consume(' '))
        return parseError(QStringLiteral("bad response code ") + QString::fromLatin1(code.name));
    const int startLine = cursor.lineIndex();
    const qsizetype startPos = cursor.position();
    const qsizetype close = cursor.line().indexOf(']', startPos);
    if (close >= 0)
        code.text = cursor.line().mid(startPos, close - startPos);
    for (;;) {
        cursor.skipSpaces();
        if (cursor.consume(']'))
            return code;
        if (cursor.atLineEnd() && !cursor.atLiteral())
            break;
        auto value = parseValue(cursor, 0, true);
        if (!value)
            break;
        code.arguments.append(std::move(value).value());
    }
    // Free text that is not made of values ("[ALERT Hello (world]"): keep it raw.
    if (close < 0)
        return parseError(QStringLiteral("unterminated response code"));
    code.arguments.clear();
    cursor.reset(startLine, close + 1);
    return code;
}

Result<void> parseRespText(Cursor &cursor, ImapResponse &response)
{
    if (!cursor.consume(' '))
        return cursor.atLineEnd() ? Result<void>()
                                  : Result<void>(parseError(QStringLiteral("missing space")));
    if (cursor.peek() == '[') {
        auto code = parseCode(cursor);
        if (!code)
            return code.error();
        response.code = std::move(code).value();
        cursor.consume(' ');
    }
    response.text = cursor.restOfLine();
    return {};
}

Result<void> parseFetch(Cursor &cursor, ImapResponse &response)
{
    if (!cursor.consume(' ') || cursor.peek() != '(')
        return parseError(QStringLiteral("FETCH without attribute list"));
    cursor.advance();
    for (;;) {
        cursor.skipSpaces();
        if (cursor.consume(')'))
            break;
        FetchItem item;
        item.name = cursor.takeWhile(isNameChar).toUpper();
        if (item.name.isEmpty())
            return parseError(QStringLiteral("bad FETCH attribute"));
        if (cursor.peek() == '[') {
            auto section = takeSection(cursor);
            if (!section)
                return section.error();
            item.hasSection = true;
            item.section = std::move(section).value();
        }
        if (cursor.consume('<')) {
            const QByteArray digits = cursor.takeWhile(isDigit);
            if (digits.isEmpty() || digits.size() > 19 || !cursor.consume('>'))
                return parseError(QStringLiteral("bad FETCH origin"));
            item.origin = digits.toULongLong();
        }
        if (!cursor.consume(' '))
            return parseError(QStringLiteral("FETCH attribute without value"));
        auto value = parseValue(cursor, 0, false);
        if (!value)
            return value.error();
        item.value = std::move(value).value();
        response.fetch.append(std::move(item));
    }
    return {};
}

Result<void> parseUntagged(Cursor &cursor, ImapResponse &response)
{
    if (isDigit(cursor.peek())) {
        const QByteArray digits = cursor.takeWhile(isDigit);
        if (digits.size() > 19 || !cursor.consume(' '))
            return parseError(QStringLiteral("bad message number"));
        response.number = digits.toULongLong();
    }
    response.name = cursor.takeWhile(isNameChar).toUpper();
    if (response.name.isEmpty())
        return parseError(QStringLiteral("untagged response without a name"));
    if (response.name == "FETCH" && response.number)
        return parseFetch(cursor, response);
    if (response.isStatus())
        return parseRespText(cursor, response);
    if (response.name == "CAPABILITY") {
        cursor.consume(' ');
        response.text = cursor.line().mid(cursor.position()).trimmed();
    }
    // Other data (LIST, SEARCH, NAMESPACE, FLAGS, ...): values where they parse. A response we
    // do not understand must not end the session.
    while (!cursor.atEnd()) {
        cursor.skipSpaces();
        if (cursor.atEnd())
            break;
        auto value = parseValue(cursor, 0, false);
        if (!value) {
            response.values.clear();
            break;
        }
        response.values.append(std::move(value).value());
    }
    return {};
}

} // namespace

const FetchItem *ImapResponse::fetchItem(const QByteArray &itemName) const
{
    for (const FetchItem &item : fetch) {
        if (item.name == itemName)
            return &item;
    }
    return nullptr;
}

Result<void> commandResult(const ImapResponse &tagged, const QString &what)
{
    if (tagged.name == "OK")
        return {};
    return Error{QStringLiteral("server"),
                 QStringLiteral("%1 failed: %2 %3")
                     .arg(what, QString::fromLatin1(tagged.name), QString::fromUtf8(tagged.text))};
}

ImapResponseParser::ImapResponseParser(const ParserLimits &limits)
    : m_limits(limits)
{}

void ImapResponseParser::feed(const QByteArray &bytes)
{
    if (m_error)
        return;
    QByteArrayView rest(bytes);
    if (m_literalSize >= 0) {
        const qsizetype take = qMin(rest.size(), qsizetype(m_literalSize - m_literal.size()));
        m_literal.append(rest.first(take));
        rest = rest.sliced(take);
        if (rest.isEmpty())
            return;
    }
    // Drop what was consumed before growing the buffer, so it holds one response at most. A
    // buffer consumed to its end is let go whole: its capacity (a large literal's) would stay.
    if (m_offset > 0 && m_offset == m_buffer.size()) {
        m_buffer = QByteArray();
        m_scan = 0;
        m_offset = 0;
    } else if (m_offset > 0 && m_offset >= m_buffer.size() / 2) {
        m_buffer.remove(0, m_offset);
        m_scan -= m_offset;
        m_offset = 0;
    }
    m_buffer.append(rest);
}

bool ImapResponseParser::hasPartialResponse() const
{
    return !m_lines.isEmpty() || m_buffer.size() > m_offset;
}

// Moves complete lines and literals out of the buffer; true once a response is complete.
Result<bool> ImapResponseParser::frame()
{
    for (;;) {
        if (m_literalSize >= 0) {
            // What arrived with the literal's header or before it was framed.
            const qsizetype take =
                qMin(m_buffer.size() - m_offset, qsizetype(m_literalSize - m_literal.size()));
            m_literal.append(QByteArrayView(m_buffer).sliced(m_offset, take));
            m_offset += take;
            m_scan = m_offset;
            if (m_literal.size() < m_literalSize)
                return false;
            m_literals.append(std::exchange(m_literal, QByteArray()));
            m_literalSize = -1;
        }
        const qsizetype crlf = m_buffer.indexOf("\r\n", std::max(m_offset, m_scan));
        if (crlf < 0) {
            if (m_buffer.size() - m_offset > m_limits.maxLineBytes)
                return parseError(
                    QStringLiteral("line longer than %1 bytes").arg(m_limits.maxLineBytes));
            m_scan = std::max(m_offset, m_buffer.size() - 1);
            return false;
        }
        if (crlf - m_offset > m_limits.maxLineBytes)
            return parseError(
                QStringLiteral("line longer than %1 bytes").arg(m_limits.maxLineBytes));
        const QByteArray line = m_buffer.mid(m_offset, crlf - m_offset);
        m_offset = crlf + 2;
        m_scan = m_offset;
        m_responseBytes += line.size() + 2;
        m_lines.append(line);
        const qint64 literal = literalHeaderLength(line);
        if (literal < 0)
            return true;
        if (literal > m_limits.maxLiteralBytes)
            return parseError(QStringLiteral("literal of %1 bytes exceeds the limit of %2")
                                  .arg(literal)
                                  .arg(m_limits.maxLiteralBytes));
        m_responseBytes += literal;
        if (m_responseBytes > m_limits.maxResponseBytes)
            return parseError(
                QStringLiteral("response exceeds %1 bytes").arg(m_limits.maxResponseBytes));
        m_literalSize = literal;
        m_literalBytesAnnounced += literal;
    }
}

Result<std::optional<ImapResponse>> ImapResponseParser::next()
{
    if (m_error)
        return *m_error;
    auto complete = frame();
    if (!complete) {
        m_error = complete.error();
        return *m_error;
    }
    if (!complete.value())
        return std::optional<ImapResponse>();

    const QList<QByteArray> lines = std::move(m_lines);
    const QList<QByteArray> literals = std::move(m_literals);
    m_lines = {};
    m_literals = {};
    m_responseBytes = 0;
    if (m_offset == m_buffer.size()) {
        // All read out: let the buffer go now rather than at the next feed, which may be long.
        m_buffer = QByteArray();
        m_offset = 0;
        m_scan = 0;
    }

    ImapResponse response;
    Cursor cursor(lines, literals);
    Result<void> parsed;
    if (cursor.consume('+')) {
        response.type = ImapResponse::Type::Continuation;
        cursor.consume(' ');
        response.text = cursor.restOfLine();
    } else if (cursor.consume('*')) {
        response.type = ImapResponse::Type::Untagged;
        if (!cursor.consume(' ')) {
            parsed = parseError(QStringLiteral("'*' without a space"));
        } else {
            for (int i = 0; i < lines.size(); ++i) {
                QByteArray text = i == 0 ? lines.at(i).mid(2) : lines.at(i);
                qsizetype header = 0;
                if (i < literals.size() && literalHeaderLength(text, &header) >= 0)
                    text.truncate(header);
                response.chunks.append(text);
                if (i < literals.size())
                    response.chunks.append(literals.at(i));
            }
            parsed = parseUntagged(cursor, response);
        }
    } else {
        response.type = ImapResponse::Type::Tagged;
        response.tag = cursor.takeWhile(isTagChar);
        response.name = cursor.consume(' ') ? cursor.takeWhile(isNameChar).toUpper() : QByteArray();
        if (response.tag.isEmpty() ||
            (response.name != "OK" && response.name != "NO" && response.name != "BAD"))
            parsed = parseError(QStringLiteral("not a response: \"%1\"")
                                    .arg(QString::fromLatin1(lines.first().left(80))));
        else
            parsed = parseRespText(cursor, response);
    }
    if (!parsed) {
        m_error = parsed.error();
        return *m_error;
    }
    return std::optional<ImapResponse>(std::move(response));
}

Result<QList<ImapValue>> ImapResponseParser::parseValues(const QByteArray &text)
{
    ImapResponseParser parser;
    parser.feed(text + "\r\n");
    auto complete = parser.frame();
    if (!complete)
        return complete.error();
    if (!complete.value())
        return parseError(QStringLiteral("incomplete input"));
    Cursor cursor(parser.m_lines, parser.m_literals);
    QList<ImapValue> values;
    for (;;) {
        cursor.skipSpaces();
        if (cursor.atEnd())
            break;
        auto value = parseValue(cursor, 0, false);
        if (!value)
            return value.error();
        values.append(std::move(value).value());
    }
    if (parser.m_offset != parser.m_buffer.size())
        return parseError(QStringLiteral("trailing data"));
    return values;
}

} // namespace Dmarc::Imap
