#include "mail/payloadunpacker.h"

#include <QBuffer>
#include <QCoreApplication>
#include <quazip.h>
#include <quazipfile.h>
#include <quazipfileinfo.h>

#include <algorithm>
#include <zlib.h>

namespace Dmarc::Mail {

namespace {

constexpr qsizetype kChunkSize = 64 * 1024;

Error tooLarge(const PayloadLimits &limits)
{
    return {QStringLiteral("too_large"),
            QStringLiteral("decompressed size exceeds the limit of %1 bytes")
                .arg(limits.maxPayloadBytes)};
}

Error corrupt(const QString &message)
{
    return {QStringLiteral("corrupt_archive"), message};
}

// Counts a payload's bytes against the limit and hands them on.
class LimitedFeed
{
public:
    LimitedFeed(const PayloadLimits &limits, PayloadSink &sink)
        : m_limits(limits)
        , m_sink(sink)
    {}

    // Returns false when no more bytes should be produced; stopReason() then tells why.
    bool feed(QByteArrayView chunk)
    {
        if (chunk.isEmpty())
            return true;
        m_total += chunk.size();
        if (m_total > m_limits.maxPayloadBytes)
            return false;
        return m_sink.payloadData(chunk);
    }
    // Past the limit, or else the sink had enough (its own failure: no container error).
    std::optional<Error> stopReason() const
    {
        if (m_total > m_limits.maxPayloadBytes)
            return tooLarge(m_limits);
        return std::nullopt;
    }

private:
    const PayloadLimits &m_limits;
    PayloadSink &m_sink;
    qint64 m_total = 0;
};

std::optional<Error> unpackXml(QByteArrayView bytes, const PayloadLimits &limits, PayloadSink &sink)
{
    if (bytes.size() > limits.maxPayloadBytes)
        return tooLarge(limits);
    for (qsizetype pos = 0; pos < bytes.size(); pos += kChunkSize) {
        if (!sink.payloadData(bytes.sliced(pos, qMin(kChunkSize, bytes.size() - pos))))
            break;
    }
    return std::nullopt;
}

std::optional<Error> unpackGzip(QByteArrayView bytes, const PayloadLimits &limits,
                                PayloadSink &sink)
{
    z_stream stream{};
    if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK)
        return corrupt(QStringLiteral("gzip: cannot initialise zlib"));
    struct InflateEnd
    {
        z_stream &stream;
        ~InflateEnd() { inflateEnd(&stream); }
    } inflateEndGuard{stream};

    QByteArray buffer(kChunkSize, Qt::Uninitialized);
    LimitedFeed feed(limits, sink);
    // zlib takes a non-const pointer but does not write through it.
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(bytes.data()));
    stream.avail_in = uInt(bytes.size());
    while (true) {
        stream.next_out = reinterpret_cast<Bytef *>(buffer.data());
        stream.avail_out = uInt(buffer.size());
        const int status = inflate(&stream, Z_NO_FLUSH);
        const qsizetype produced = buffer.size() - qsizetype(stream.avail_out);
        if (!feed.feed(QByteArrayView(buffer.constData(), produced)))
            return feed.stopReason();
        if (status == Z_STREAM_END) {
            if (stream.avail_in == 0)
                return std::nullopt;
            const QByteArrayView rest(reinterpret_cast<const char *>(stream.next_in),
                                      qsizetype(stream.avail_in));
            if (rest.startsWith("\x1f\x8b")) {
                inflateReset(&stream);
                continue;
            }
            // Zero padding after the last member is tolerated (gzip does as well).
            if (std::all_of(rest.begin(), rest.end(), [](char c) { return c == 0; }))
                return std::nullopt;
            return corrupt(QStringLiteral("gzip: unexpected data after the compressed stream"));
        }
        if (status == Z_BUF_ERROR ||
            (status == Z_OK && stream.avail_in == 0 && stream.avail_out != 0))
            return corrupt(QStringLiteral("gzip: the compressed data ends early (truncated)"));
        if (status != Z_OK) {
            return corrupt(QStringLiteral("gzip: %1")
                               .arg(QString::fromLatin1(stream.msg ? stream.msg : "invalid data")));
        }
    }
}

std::optional<Error> readZipMember(QuaZip &zip, const QuaZipFileInfo64 &info,
                                   const PayloadLimits &limits, PayloadSink &sink)
{
    // The declared size can lie, so it only serves to fail early; the bytes are counted too.
    if (info.uncompressedSize > quint64(limits.maxPayloadBytes))
        return tooLarge(limits);
    QuaZipFile file(&zip);
    if (!file.open(QIODevice::ReadOnly)) {
        return corrupt(QStringLiteral("zip: cannot open the member (error %1%2)")
                           .arg(file.getZipError())
                           .arg(info.isEncrypted() ? QStringLiteral(", encrypted") : QString()));
    }
    QByteArray buffer(kChunkSize, Qt::Uninitialized);
    LimitedFeed feed(limits, sink);
    while (true) {
        const qint64 read = file.read(buffer.data(), buffer.size());
        if (read < 0)
            return corrupt(QStringLiteral("zip: the member data is corrupt (error %1)")
                               .arg(file.getZipError()));
        if (read == 0)
            break;
        if (!feed.feed(QByteArrayView(buffer.constData(), read)))
            return feed.stopReason();
    }
    file.close();
    if (file.getZipError() != UNZ_OK)
        return corrupt(QStringLiteral("zip: the member data is corrupt (CRC mismatch)"));
    return std::nullopt;
}

void unpackZip(const QByteArray &bytes, const PayloadLimits &limits, PayloadSink &sink)
{
    QBuffer device;
    device.setData(bytes); // shared, not copied
    QuaZip zip(&device);
    if (!zip.open(QuaZip::mdUnzip)) {
        sink.beginPayload(QString());
        sink.endPayload(corrupt(QStringLiteral("zip: not a readable archive (error %1; truncated?)")
                                    .arg(zip.getZipError())));
        return;
    }
    int files = 0;
    for (bool more = zip.goToFirstFile(); more; more = zip.goToNextFile()) {
        QuaZipFileInfo64 info;
        if (!zip.getCurrentFileInfo(&info)) {
            sink.beginPayload(QString());
            sink.endPayload(corrupt(QStringLiteral("zip: unreadable directory entry")));
            return;
        }
        if (info.name.endsWith(QLatin1Char('/')))
            continue;
        if (++files > limits.maxZipMembers)
            continue;
        sink.beginPayload(info.name);
        sink.endPayload(readZipMember(zip, info, limits, sink));
    }
    if (zip.getZipError() != UNZ_OK) {
        sink.beginPayload(QString());
        sink.endPayload(corrupt(QStringLiteral("zip: the central directory is corrupt (error %1)")
                                    .arg(zip.getZipError())));
    }
    if (files > limits.maxZipMembers) {
        sink.beginPayload(
            QStringLiteral("members %1 to %2").arg(limits.maxZipMembers + 1).arg(files));
        sink.endPayload(
            Error{QStringLiteral("too_large"),
                  QStringLiteral("the zip archive holds %1 files, more than the limit of %2")
                      .arg(files)
                      .arg(limits.maxZipMembers)});
    } else if (files == 0) {
        sink.beginPayload(QString());
        sink.endPayload(corrupt(QStringLiteral("zip: the archive holds no file")));
    }
}

} // namespace

bool isCandidate(QByteArrayView contentType, const QString &fileName)
{
    static const char *const types[] = {"text/xml",
                                        "application/xml",
                                        "application/gzip",
                                        "application/x-gzip",
                                        "application/zip",
                                        "application/x-zip",
                                        "application/x-zip-compressed",
                                        "application/octet-stream"};
    for (const char *type : types) {
        if (contentType.compare(type, Qt::CaseInsensitive) == 0)
            return true;
    }
    for (const char *extension : {".xml", ".gz", ".gzip", ".zip"}) {
        if (fileName.endsWith(QLatin1String(extension), Qt::CaseInsensitive))
            return true;
    }
    return false;
}

Container detectContainer(QByteArrayView bytes)
{
    if (bytes.startsWith("\x1f\x8b"))
        return Container::Gzip;
    if (bytes.startsWith("PK\x03\x04"))
        return Container::Zip;
    return Container::Xml;
}

void unpackPayloads(const QByteArray &bytes, const PayloadLimits &limits, PayloadSink &sink)
{
    switch (detectContainer(bytes)) {
    case Container::Zip:
        unpackZip(bytes, limits, sink);
        return;
    case Container::Gzip:
        sink.beginPayload(QString());
        sink.endPayload(unpackGzip(bytes, limits, sink));
        return;
    case Container::Xml:
        sink.beginPayload(QString());
        sink.endPayload(unpackXml(bytes, limits, sink));
        return;
    }
}

} // namespace Dmarc::Mail
