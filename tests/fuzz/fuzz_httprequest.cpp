// libFuzzer target: the incremental HTTP request-head parser, fed in three pieces split where
// the first two bytes say. Whatever the split, it must find the same requests as when the whole
// input arrives at once, and never buffer more than its head limit plus one feed.

#include "metrics/httprequestparser.h"

#include <cstddef>
#include <cstdint>

namespace {

constexpr int kMaxHead = 512;

// The requests a parser finds in `pieces`, with the final state.
QList<QByteArray> parseAll(const QList<QByteArray> &pieces, int *errorStatus)
{
    Dmarc::HttpRequestParser parser(kMaxHead);
    QList<QByteArray> found;
    for (const QByteArray &piece : pieces) {
        parser.feed(piece);
        while (parser.state() == Dmarc::HttpRequestParser::State::Complete) {
            const Dmarc::HttpRequest request = parser.takeRequest();
            if (request.path.isEmpty() || !request.path.startsWith('/'))
                __builtin_trap();
            found << request.method + ' ' + request.path + ' ' +
                         QByteArray::number(request.keepAlive()) +
                         QByteArray::number(request.hasBody()) +
                         QByteArray::number(request.acceptsGzip());
        }
        if (parser.bufferedBytes() > kMaxHead + piece.size())
            __builtin_trap();
    }
    *errorStatus =
        parser.state() == Dmarc::HttpRequestParser::State::Error ? parser.errorStatus() : 0;
    return found;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const QByteArray input(reinterpret_cast<const char *>(data) + 2, qsizetype(size - 2));
    const qsizetype a = qsizetype(data[0]) % (input.size() + 1);
    const qsizetype b = a + qsizetype(data[1]) % (input.size() - a + 1);

    int splitStatus = 0;
    int wholeStatus = 0;
    const QList<QByteArray> split =
        parseAll({input.left(a), input.mid(a, b - a), input.mid(b)}, &splitStatus);
    const QList<QByteArray> whole = parseAll({input}, &wholeStatus);
    // A head that only exceeds the limit in one feed may be refused earlier when split, so
    // compare outcomes only when neither ran into the limit.
    if (splitStatus != 431 && wholeStatus != 431 && (split != whole || splitStatus != wholeStatus))
        __builtin_trap();
    return 0;
}
