// libFuzzer target: the IMAP response parser, fed whatever a server might send. Checks that
// feeding the same bytes whole or in pieces gives the same responses, and that mailbox names
// survive the modified UTF-7 round trip.

#include "imap/imapcommand.h"
#include "imap/imapparser.h"

#include <QString>

#include <cstddef>
#include <cstdint>

using namespace Dmarc::Imap;

namespace {

struct Outcome
{
    QList<ImapResponse> responses;
    bool failed = false;
};

Outcome parse(const QByteArray &bytes, qsizetype piece)
{
    ParserLimits limits; // small, so the limit paths are reached
    limits.maxLineBytes = 4096;
    limits.maxLiteralBytes = 64 * 1024;
    limits.maxResponseBytes = 96 * 1024;
    ImapResponseParser parser(limits);
    Outcome outcome;
    for (qsizetype at = 0; at < bytes.size() && !outcome.failed; at += piece) {
        parser.feed(bytes.mid(at, piece));
        for (;;) {
            auto next = parser.next();
            if (!next) {
                outcome.failed = true;
                break;
            }
            if (!next.value())
                break;
            outcome.responses.append(*next.value());
        }
    }
    return outcome;
}

bool same(const ImapResponse &a, const ImapResponse &b)
{
    return a.type == b.type && a.tag == b.tag && a.name == b.name && a.number == b.number &&
           a.text == b.text && a.fetch.size() == b.fetch.size() &&
           a.values.size() == b.values.size() && a.chunks == b.chunks;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const qsizetype piece = 1 + data[0] % 7;
    const QByteArray bytes(reinterpret_cast<const char *>(data) + 1, qsizetype(size - 1));

    const Outcome whole = parse(bytes, bytes.size() + 1);
    const Outcome pieces = parse(bytes, piece);
    // An error may show earlier in pieces (a limit), never later, and never a different result.
    if (whole.failed != pieces.failed || whole.responses.size() != pieces.responses.size())
        __builtin_trap();
    for (qsizetype i = 0; i < whole.responses.size(); ++i) {
        if (!same(whole.responses.at(i), pieces.responses.at(i)))
            __builtin_trap();
    }
    (void)ImapResponseParser::parseValues(bytes.left(8192));

    const QString name = QString::fromUtf8(bytes.left(256));
    if (decodeMailboxName(encodeMailboxName(name)) != name)
        __builtin_trap();
    (void)decodeMailboxName(bytes.left(256));
    return 0;
}
