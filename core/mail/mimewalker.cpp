#include "mail/mimewalker.h"

#include "mail/mimeheaders.h"

namespace Dmarc::Mail {

namespace {

struct Entity
{
    QByteArrayView headers;
    QByteArrayView body;
};

Entity splitEntity(QByteArrayView bytes)
{
    if (bytes.startsWith("\r\n"))
        return {{}, bytes.sliced(2)};
    if (bytes.startsWith('\n'))
        return {{}, bytes.sliced(1)};
    qsizetype pos = 0;
    while (true) {
        const qsizetype newline = bytes.indexOf('\n', pos);
        if (newline < 0)
            return {bytes, {}};
        const qsizetype next = newline + 1;
        if (next < bytes.size() && bytes.at(next) == '\n')
            return {bytes.first(next), bytes.sliced(next + 1)};
        if (next + 1 < bytes.size() && bytes.at(next) == '\r' && bytes.at(next + 1) == '\n')
            return {bytes.first(next), bytes.sliced(next + 2)};
        pos = next;
    }
}

bool blankToLineEnd(QByteArrayView bytes, qsizetype from, qsizetype lineEnd)
{
    for (qsizetype i = from; i < lineEnd; ++i) {
        const char c = bytes.at(i);
        if (c != ' ' && c != '\t' && c != '\r')
            return false;
    }
    return true;
}

// The body parts between the delimiter lines (RFC 2046 5.1.1). The line break before a
// delimiter belongs to the delimiter. A missing close delimiter ends the last part at the end.
QList<QByteArrayView> splitMultipart(QByteArrayView body, QByteArrayView boundary)
{
    const QByteArray delimiter = "--" + boundary.toByteArray();
    QList<QByteArrayView> parts;
    qsizetype partStart = -1;
    qsizetype pos = 0;
    while (pos < body.size()) {
        const qsizetype at = body.indexOf(delimiter, pos);
        if (at < 0)
            break;
        pos = at + 1;
        if (at > 0 && body.at(at - 1) != '\n')
            continue;
        const qsizetype after = at + delimiter.size();
        const bool closing = body.sliced(after).startsWith("--");
        qsizetype lineEnd = body.indexOf('\n', after);
        if (lineEnd < 0)
            lineEnd = body.size();
        if (!closing && !blankToLineEnd(body, after, lineEnd))
            continue;
        if (partStart >= 0) {
            qsizetype end = at;
            if (end > partStart && body.at(end - 1) == '\n')
                --end;
            if (end > partStart && body.at(end - 1) == '\r')
                --end;
            parts.append(body.sliced(partStart, end - partStart));
        }
        if (closing)
            return parts;
        partStart = qMin(lineEnd + 1, body.size());
        pos = partStart;
    }
    if (partStart >= 0)
        parts.append(body.sliced(partStart));
    return parts;
}

class Walker
{
public:
    explicit Walker(MimeMessage &message)
        : m_message(message)
    {}

    // `prefix` numbers the children ("" at the root); `leafSection` names this entity when it
    // is a leaf.
    void walk(QByteArrayView bytes, const QString &prefix, const QString &leafSection,
              QByteArrayView defaultType, int depth)
    {
        const Entity entity = splitEntity(bytes);
        const MimeHeaders headers = MimeHeaders::parse(entity.headers);
        if (depth == 0) {
            m_message.fromAddress = firstAddress(headers.value("From"));
            m_message.subject = decodeEncodedWords(headers.value("Subject")).simplified();
        }
        const HeaderParameters contentType =
            parseParameterizedHeader(headers.value("Content-Type"));
        QByteArray type = contentType.token;
        if (!type.contains('/'))
            type = defaultType.toByteArray();
        const TransferEncoding encoding =
            transferEncodingFromHeader(headers.value("Content-Transfer-Encoding"));

        if (depth < kMaxMimeDepth && type.startsWith("multipart/")) {
            const QString boundary = contentType.parameters.value("boundary");
            if (!boundary.isEmpty()) {
                const QByteArrayView childDefault = type == "multipart/digest"
                                                        ? QByteArrayView("message/rfc822")
                                                        : QByteArrayView("text/plain");
                const QList<QByteArrayView> parts = splitMultipart(entity.body, boundary.toUtf8());
                for (qsizetype i = 0; i < parts.size(); ++i) {
                    const QString section =
                        prefix.isEmpty() ? QString::number(i + 1)
                                         : prefix + QLatin1Char('.') + QString::number(i + 1);
                    walk(parts.at(i), section, section, childDefault, depth + 1);
                }
                return;
            }
        }
        if (depth < kMaxMimeDepth && type == "message/rfc822") {
            QByteArrayView inner = entity.body;
            if (encoding != TransferEncoding::Identity) {
                MimeLeaf encoded;
                encoded.transferEncoding = encoding;
                encoded.body = entity.body;
                m_message.decodedMessages.append(encoded.decodedBody());
                inner = m_message.decodedMessages.constLast();
            }
            const QString innerPrefix = leafSection;
            walk(inner, innerPrefix, innerPrefix + QStringLiteral(".1"), "text/plain", depth + 1);
            return;
        }

        if (depth >= kMaxMimeDepth && (type.startsWith("multipart/") || type == "message/rfc822"))
            m_message.tooDeep = true;
        MimeLeaf leaf;
        leaf.section = leafSection;
        leaf.contentType = type;
        const HeaderParameters disposition =
            parseParameterizedHeader(headers.value("Content-Disposition"));
        leaf.fileName = disposition.parameters.value("filename");
        if (leaf.fileName.isEmpty())
            leaf.fileName = contentType.parameters.value("name");
        leaf.fileName = leaf.fileName.trimmed();
        leaf.transferEncoding = encoding;
        leaf.body = entity.body;
        m_message.leaves.append(leaf);
    }

private:
    MimeMessage &m_message;
};

} // namespace

QByteArray MimeLeaf::decodedBody() const
{
    switch (transferEncoding) {
    case TransferEncoding::Base64:
        return decodeBase64(body);
    case TransferEncoding::QuotedPrintable:
        return decodeQuotedPrintable(body);
    case TransferEncoding::Identity:
        break;
    }
    return QByteArray::fromRawData(body.data(), body.size());
}

QString MimeLeaf::description() const
{
    const QString what = fileName.isEmpty() ? QString::fromLatin1(contentType) : fileName;
    return QStringLiteral("part %1 (%2)").arg(section, what);
}

MimeMessage walkMime(const QByteArray &raw)
{
    MimeMessage message;
    Walker(message).walk(raw, QString(), QStringLiteral("1"), "text/plain", 0);
    return message;
}

} // namespace Dmarc::Mail
