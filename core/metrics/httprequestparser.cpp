#include "httprequestparser.h"

namespace Dmarc {

namespace {

// RFC 9110 tchar.
bool isTokenChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
        return true;
    default:
        return false;
    }
}

bool isToken(const QByteArray &text)
{
    if (text.isEmpty())
        return false;
    for (char c : text) {
        if (!isTokenChar(c))
            return false;
    }
    return true;
}

// Visible ASCII only: no spaces, no controls, no bytes >= 0x80 in a request target.
bool isTarget(const QByteArray &text)
{
    if (text.isEmpty())
        return false;
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7f)
            return false;
    }
    return true;
}

// Field values: visible characters, spaces, tabs and obs-text; no other controls.
bool isFieldValue(const QByteArray &text)
{
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\t') || u == 0x7f)
            return false;
    }
    return true;
}

QByteArray pathOf(const QByteArray &target)
{
    QByteArray path = target;
    if (!path.startsWith('/')) {
        // absolute-form: scheme://authority/path
        const qsizetype scheme = path.indexOf("://");
        if (scheme < 0)
            return QByteArray();
        const qsizetype slash = path.indexOf('/', scheme + 3);
        path = slash < 0 ? QByteArray("/") : path.mid(slash);
    }
    const qsizetype query = path.indexOf('?');
    if (query >= 0)
        path.truncate(query);
    return path;
}

bool hasToken(const QByteArray &list, const QByteArray &token)
{
    for (const QByteArray &item : list.split(',')) {
        if (item.trimmed().toLower() == token)
            return true;
    }
    return false;
}

} // namespace

QByteArray HttpRequest::header(const QByteArray &name) const
{
    for (const auto &header : headers) {
        if (header.first == name)
            return header.second;
    }
    return QByteArray();
}

bool HttpRequest::keepAlive() const
{
    const QByteArray connection = header("connection");
    if (versionMinor == 0)
        return hasToken(connection, "keep-alive");
    return !hasToken(connection, "close");
}

bool HttpRequest::hasBody() const
{
    if (!header("transfer-encoding").isNull())
        return true;
    const QByteArray length = header("content-length");
    return !length.isNull() && length.trimmed() != "0";
}

bool HttpRequest::acceptsGzip() const
{
    bool gzip = false;
    bool star = false;
    bool gzipListed = false;
    for (const QByteArray &item : header("accept-encoding").split(',')) {
        const QList<QByteArray> parts = item.split(';');
        const QByteArray coding = parts.first().trimmed().toLower();
        double q = 1.0;
        for (int i = 1; i < parts.size(); ++i) {
            const QByteArray param = parts.at(i).trimmed().toLower();
            if (param.startsWith("q=")) {
                bool ok = false;
                q = param.mid(2).toDouble(&ok);
                if (!ok)
                    q = 0.0;
            }
        }
        if (coding == "gzip" || coding == "x-gzip") {
            gzipListed = true;
            gzip = q > 0.0;
        } else if (coding == "*") {
            star = q > 0.0;
        }
    }
    return gzipListed ? gzip : star;
}

HttpRequestParser::HttpRequestParser(int maxHeadBytes)
    : m_maxHeadBytes(maxHeadBytes)
{}

HttpRequestParser::State HttpRequestParser::feed(const QByteArray &bytes)
{
    if (m_state == State::Error)
        return m_state;
    m_buffer.append(bytes);
    if (m_state == State::NeedMore)
        m_state = parse();
    return m_state;
}

HttpRequest HttpRequestParser::takeRequest()
{
    HttpRequest request = std::move(m_request);
    m_request = HttpRequest();
    m_state = State::NeedMore;
    m_state = parse();
    return request;
}

HttpRequestParser::State HttpRequestParser::fail(int status)
{
    m_errorStatus = status;
    m_buffer.clear();
    return State::Error;
}

HttpRequestParser::State HttpRequestParser::parse()
{
    // Empty lines before a request line are ignored (RFC 9112 section 2.2).
    qsizetype start = 0;
    while (start < m_buffer.size() && (m_buffer.at(start) == '\r' || m_buffer.at(start) == '\n'))
        ++start;
    if (start > 0) {
        m_buffer.remove(0, start);
        m_scanFrom = 0;
    }

    // The head ends at an empty line: CRLF CRLF, or bare LF LF from lenient clients.
    qsizetype end = -1;
    qsizetype bodyStart = 0;
    for (qsizetype i = qMax<qsizetype>(m_scanFrom, 1); i < m_buffer.size(); ++i) {
        if (m_buffer.at(i) != '\n')
            continue;
        if (m_buffer.at(i - 1) == '\n') {
            end = i - 1;
            bodyStart = i + 1;
            break;
        }
        if (i >= 2 && m_buffer.at(i - 1) == '\r' && m_buffer.at(i - 2) == '\n') {
            end = i - 2;
            bodyStart = i + 1;
            break;
        }
    }
    if (end < 0) {
        if (m_buffer.size() > m_maxHeadBytes)
            return fail(431);
        m_scanFrom = m_buffer.size();
        return State::NeedMore;
    }
    if (bodyStart > m_maxHeadBytes)
        return fail(431);

    const QByteArray head = m_buffer.left(end);
    m_buffer.remove(0, bodyStart);
    m_scanFrom = 0;

    QList<QByteArray> lines = head.split('\n');
    for (QByteArray &line : lines) {
        if (line.endsWith('\r'))
            line.chop(1);
    }

    const QList<QByteArray> requestLine = lines.first().split(' ');
    if (requestLine.size() != 3 || !isToken(requestLine.at(0)) || !isTarget(requestLine.at(1)))
        return fail(400);
    const QByteArray &version = requestLine.at(2);
    if (version.size() != 8 || !version.startsWith("HTTP/") || version.at(6) != '.' ||
        version.at(5) < '0' || version.at(5) > '9' || version.at(7) < '0' || version.at(7) > '9')
        return fail(400);
    if (version.at(5) != '1')
        return fail(505);

    HttpRequest request;
    request.method = requestLine.at(0);
    request.target = requestLine.at(1);
    request.path = pathOf(request.target);
    if (request.path.isEmpty())
        return fail(400);
    request.versionMinor = version.at(7) - '0';
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray &line = lines.at(i);
        const qsizetype colon = line.indexOf(':');
        // No obsolete line folding, no space before the colon (RFC 9112 section 5).
        if (colon <= 0)
            return fail(400);
        const QByteArray name = line.left(colon);
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (!isToken(name) || !isFieldValue(value))
            return fail(400);
        request.headers.append({name.toLower(), value});
    }
    const QByteArray contentLength = request.header("content-length");
    if (!contentLength.isNull()) {
        bool ok = false;
        contentLength.toULongLong(&ok);
        if (!ok)
            return fail(400);
    }
    m_request = std::move(request);
    return State::Complete;
}

} // namespace Dmarc
