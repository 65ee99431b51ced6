#pragma once

#include "common/result.h"

#include <QByteArray>

namespace Dmarc {

// One gzip member (RFC 1952) in two parts: a prefix compressed once and kept, and an ending
// compressed at each use. head() followed by finish(ending) is a complete member holding
// prefix + ending, so a large prefix is not compressed again for each new ending. /metrics
// sends the cached DMARC families this way, ahead of each scrape's own metrics
// (docs/metrics.md section 5).
class GzipEncoder
{
public:
    // Compresses `prefix`; fails only when zlib does.
    static Result<GzipEncoder> start(const QByteArray &prefix);

    // The gzip header and the deflated prefix, flushed to a byte boundary without a final
    // block, so the ending's deflate stream can follow it.
    const QByteArray &head() const { return m_head; }

    // What completes the member after head(): `ending` deflated up to the final block, then the
    // CRC-32 and the size of prefix + ending.
    Result<QByteArray> finish(const QByteArray &ending) const;

    // The prefix again, inflated from head(): for a client that does not take gzip, so that
    // only the compressed form needs to be kept.
    Result<QByteArray> prefix() const;

private:
    GzipEncoder() = default;

    QByteArray m_head;
    quint32 m_prefixCrc = 0;
    qint64 m_prefixSize = 0;
};

} // namespace Dmarc
