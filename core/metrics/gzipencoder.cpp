#include "gzipencoder.h"

#include <zlib.h>

namespace Dmarc {

namespace {

// Magic, deflate, no flags, no modification time, no extra flags, OS unix: the same bytes for
// the same content.
const QByteArray kHeader("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10);

Error zlibFailed(const char *step)
{
    return Error{QStringLiteral("gzip"),
                 QStringLiteral("gzip: zlib could not compress the %1").arg(QLatin1String(step))};
}

// Appends the raw deflate stream of `data` to `out`. With Z_SYNC_FLUSH it ends on a byte
// boundary without a final block, so another raw deflate stream can follow within one gzip
// member; with Z_FINISH it ends with the final block.
bool appendDeflated(QByteArray &out, const QByteArray &data, int flush)
{
    z_stream stream{};
    if (deflateInit2(&stream, Z_BEST_SPEED, Z_DEFLATED, -MAX_WBITS, 8,
                     Z_DEFAULT_STRATEGY) != Z_OK)
        return false;
    const qsizetype start = out.size();
    // deflateBound() does not count a sync flush's empty block; the slack does.
    out.resize(start + qsizetype(deflateBound(&stream, uLong(data.size()))) + 64);
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.data()));
    stream.avail_in = uInt(data.size());
    stream.next_out = reinterpret_cast<Bytef *>(out.data() + start);
    stream.avail_out = uInt(out.size() - start);
    const int status = deflate(&stream, flush);
    // A sync flush that filled the buffer may not be complete.
    const bool ok =
        flush == Z_FINISH ? status == Z_STREAM_END : status == Z_OK && stream.avail_out > 0;
    out.resize(ok ? start + qsizetype(stream.total_out) : start);
    deflateEnd(&stream);
    return ok;
}

quint32 crcOf(const QByteArray &data)
{
    return quint32(crc32(0L, reinterpret_cast<const Bytef *>(data.constData()), uInt(data.size())));
}

void appendLittleEndian32(QByteArray &out, quint32 value)
{
    for (int i = 0; i < 4; ++i)
        out.append(char((value >> (8 * i)) & 0xff));
}

} // namespace

Result<GzipEncoder> GzipEncoder::start(const QByteArray &prefix)
{
    GzipEncoder encoder;
    encoder.m_head = kHeader;
    if (!appendDeflated(encoder.m_head, prefix, Z_SYNC_FLUSH))
        return zlibFailed("cached part");
    encoder.m_head.squeeze(); // sized for the worst case, as large as the prefix itself
    encoder.m_prefixCrc = crcOf(prefix);
    encoder.m_prefixSize = prefix.size();
    return encoder;
}

Result<QByteArray> GzipEncoder::prefix() const
{
    if (m_prefixSize == 0)
        return QByteArray();
    const Error failed{QStringLiteral("gzip"),
                       QStringLiteral("gzip: zlib could not inflate the cached part")};
    z_stream stream{};
    if (inflateInit2(&stream, -MAX_WBITS) != Z_OK)
        return failed;
    QByteArray out(qsizetype(m_prefixSize), Qt::Uninitialized);
    stream.next_in =
        reinterpret_cast<Bytef *>(const_cast<char *>(m_head.constData() + kHeader.size()));
    stream.avail_in = uInt(m_head.size() - kHeader.size());
    stream.next_out = reinterpret_cast<Bytef *>(out.data());
    stream.avail_out = uInt(out.size());
    // The stream ends with a sync flush, not a final block: done when all input is taken.
    const int status = inflate(&stream, Z_SYNC_FLUSH);
    const bool ok = (status == Z_OK || status == Z_BUF_ERROR) && stream.avail_in == 0 &&
                    qint64(stream.total_out) == m_prefixSize;
    inflateEnd(&stream);
    if (!ok)
        return failed;
    return out;
}

Result<QByteArray> GzipEncoder::finish(const QByteArray &ending) const
{
    QByteArray tail;
    if (!appendDeflated(tail, ending, Z_FINISH))
        return zlibFailed("fresh part");
    // The trailer covers the whole member: the prefix's CRC extended by the ending's, and the
    // total size modulo 2^32.
    appendLittleEndian32(
        tail, quint32(crc32_combine(m_prefixCrc, crcOf(ending), z_off_t(ending.size()))));
    appendLittleEndian32(tail, quint32(m_prefixSize + ending.size()));
    return tail;
}

} // namespace Dmarc
