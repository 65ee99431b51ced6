#include "mail/payloadunpacker.h"

#include <QBuffer>
#include <quazip.h>
#include <quazipfile.h>
#include <quazipfileinfo.h>

#include <functional>
#include <memory>
#include <zlib.h>

namespace Dmarc::Mail {

namespace {

constexpr qsizetype kChunkSize = 64 * 1024;
// Enough bytes to tell gzip (2) and zip (4) from anything else.
constexpr qsizetype kMagicBytes = 4;

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

QLatin1StringView containerName(Container container)
{
    return container == Container::Zip ? QLatin1StringView("zip") : QLatin1StringView("gzip");
}

QString joinMembers(const QString &outer, const QString &inner)
{
    if (outer.isEmpty() || inner.isEmpty())
        return outer + inner;
    return outer + QStringLiteral(", member ") + inner;
}

struct Context
{
    const PayloadLimits &limits;
    PayloadSink &sink;
};

class LevelReader;

// Counts one level's decompressed bytes against the limit and hands them on.
class LimitedFeed
{
public:
    LimitedFeed(const PayloadLimits &limits, LevelReader &out)
        : m_limits(limits)
        , m_out(out)
    {}

    // Returns false when no more bytes should be produced; stopReason() then tells why.
    bool feed(QByteArrayView chunk);
    // Past the limit, or else the reader had enough (its own failure: no container error).
    std::optional<Error> stopReason() const
    {
        if (m_total > m_limits.maxPayloadBytes)
            return tooLarge(m_limits);
        return std::nullopt;
    }

private:
    const PayloadLimits &m_limits;
    LevelReader &m_out;
    qint64 m_total = 0;
};

// A gzip stream inflated as its bytes arrive. Members follow each other; bytes after the last
// one that do not start another member are counted and ignored, as `gzip -d` does
// (docs/counting.md section 1.4).
class GzipInflater
{
public:
    GzipInflater(const PayloadLimits &limits, LevelReader &out)
        : m_feed(limits, out)
        , m_buffer(kChunkSize, Qt::Uninitialized)
    {
        m_initialised = inflateInit2(&m_stream, 16 + MAX_WBITS) == Z_OK;
        if (!m_initialised)
            stop(corrupt(QStringLiteral("gzip: cannot initialise zlib")));
    }
    ~GzipInflater()
    {
        if (m_initialised)
            inflateEnd(&m_stream);
    }
    GzipInflater(const GzipInflater &) = delete;
    GzipInflater &operator=(const GzipInflater &) = delete;

    // Returns false when no more input is wanted: the data failed, or its reader had enough.
    bool feed(QByteArrayView input)
    {
        while (!input.isEmpty()) {
            switch (m_state) {
            case State::Stopped:
                return false;
            case State::Trailing:
                m_trailing += input.size();
                return true;
            case State::BetweenMembers: {
                const qsizetype take = qMin(input.size(), 2 - m_next.size());
                m_next.append(input.first(take));
                input = input.sliced(take);
                if (m_next.size() < 2)
                    return true;
                const QByteArray next = std::exchange(m_next, QByteArray());
                if (next != "\x1f\x8b") {
                    m_state = State::Trailing;
                    m_trailing += next.size();
                    break;
                }
                inflateReset(&m_stream);
                m_state = State::Member;
                QByteArrayView magic = next;
                if (!inflateSome(magic))
                    return false;
                break;
            }
            case State::Member:
                if (!inflateSome(input))
                    return false;
                break;
            }
        }
        return true;
    }

    // The input ended: the stream's error, if any.
    std::optional<Error> finish()
    {
        switch (m_state) {
        case State::Stopped:
            return m_stopReason;
        case State::Member:
            return corrupt(QStringLiteral("gzip: the compressed data ends early (truncated)"));
        case State::BetweenMembers:
            m_trailing += std::exchange(m_next, QByteArray()).size();
            break;
        case State::Trailing:
            break;
        }
        return std::nullopt;
    }

    QStringList notes() const
    {
        if (m_trailing == 0)
            return {};
        return {
            QStringLiteral("%1 byte(s) after the end of the gzip data ignored").arg(m_trailing)};
    }

private:
    enum class State
    {
        Member,
        BetweenMembers, // waiting for two bytes: another member, or trailing bytes
        Trailing,
        Stopped
    };

    void stop(std::optional<Error> reason)
    {
        m_state = State::Stopped;
        m_stopReason = std::move(reason);
    }

    // Inflates `input` into the reader; at the end of a member, `input` keeps what follows it.
    bool inflateSome(QByteArrayView &input)
    {
        // zlib takes a non-const pointer but does not write through it.
        m_stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(input.data()));
        m_stream.avail_in = uInt(input.size());
        while (true) {
            m_stream.next_out = reinterpret_cast<Bytef *>(m_buffer.data());
            m_stream.avail_out = uInt(m_buffer.size());
            const int status = inflate(&m_stream, Z_NO_FLUSH);
            const qsizetype produced = m_buffer.size() - qsizetype(m_stream.avail_out);
            if (!m_feed.feed(QByteArrayView(m_buffer.constData(), produced))) {
                stop(m_feed.stopReason());
                return false;
            }
            if (status == Z_STREAM_END) {
                input = input.last(qsizetype(m_stream.avail_in));
                m_state = State::BetweenMembers;
                return true;
            }
            if (status == Z_BUF_ERROR ||
                (status == Z_OK && m_stream.avail_in == 0 && m_stream.avail_out != 0)) {
                input = QByteArrayView(); // all taken; the member goes on in the next input
                return true;
            }
            if (status != Z_OK) {
                stop(corrupt(
                    QStringLiteral("gzip: %1")
                        .arg(QString::fromLatin1(m_stream.msg ? m_stream.msg : "invalid data"))));
                return false;
            }
        }
    }

    z_stream m_stream{};
    bool m_initialised = false;
    LimitedFeed m_feed;
    QByteArray m_buffer;
    State m_state = State::Member;
    std::optional<Error> m_stopReason;
    QByteArray m_next;
    qint64 m_trailing = 0;
};

void unpackZip(const QByteArray &bytes, int depth, const QString &member, const QStringList &notes,
               Context &context);

// What one level of containers put out, decided by its first bytes: a payload for the sink, or
// another container to unpack (docs/counting.md section 1.4). `depth` counts the containers
// around this output.
class LevelReader
{
public:
    LevelReader(Context &context, int depth, QString member, QStringList notes)
        : m_context(context)
        , m_depth(depth)
        , m_member(std::move(member))
        , m_notes(std::move(notes))
    {}

    // Returns false when no more bytes are wanted.
    bool data(QByteArrayView chunk)
    {
        if (m_mode != Mode::Sniffing)
            return pass(chunk);
        if (m_bytes.isEmpty() && chunk.size() >= kMagicBytes) {
            start(chunk);
            return pass(chunk);
        }
        m_bytes.append(chunk);
        if (m_bytes.size() < kMagicBytes)
            return true;
        const QByteArray head = std::exchange(m_bytes, QByteArray());
        start(head);
        return pass(head);
    }

    // The level's producer is done: `error` when it failed, `producerNotes` what it recovered.
    void end(const std::optional<Error> &error, const QStringList &producerNotes)
    {
        const QStringList notes = m_notes + producerNotes;
        if (m_mode == Mode::Sniffing) {
            if (error) {
                m_context.sink.beginPayload(m_member);
                m_context.sink.endPayload(error, notes);
                return;
            }
            const QByteArray head = std::exchange(m_bytes, QByteArray());
            start(head);
            pass(head);
        }
        switch (m_mode) {
        case Mode::Sniffing:
        case Mode::Payload:
            m_context.sink.endPayload(error, notes);
            return;
        case Mode::TooDeep:
            m_context.sink.beginPayload(m_member);
            m_context.sink.endPayload(
                Error{QStringLiteral("too_large"),
                      QStringLiteral("containers are nested more than %1 levels deep")
                          .arg(kMaxContainerDepth)},
                notes);
            return;
        case Mode::Gzip: {
            const std::optional<Error> inner = m_gzip->finish();
            m_inner->end(error ? error : inner, producerNotes + m_gzip->notes());
            return;
        }
        case Mode::Zip:
            if (error) {
                m_context.sink.beginPayload(m_member);
                m_context.sink.endPayload(error, notes);
            } else {
                unpackZip(std::exchange(m_bytes, QByteArray()), m_depth + 1, m_member, notes,
                          m_context);
            }
            return;
        }
    }

private:
    enum class Mode
    {
        Sniffing,
        Payload,
        Gzip,
        Zip, // a zip is read from its end: held whole, at most one payload limit
        TooDeep
    };

    void start(QByteArrayView head)
    {
        const Container container = detectContainer(head);
        if (container == Container::Xml) {
            m_mode = Mode::Payload;
            m_context.sink.beginPayload(m_member);
            return;
        }
        if (m_depth >= kMaxContainerDepth) {
            m_mode = Mode::TooDeep;
            return;
        }
        if (m_depth > 0)
            m_notes << QStringLiteral("a %1 inside the container unpacked as well")
                           .arg(containerName(container));
        if (container == Container::Zip) {
            m_mode = Mode::Zip;
            return;
        }
        m_mode = Mode::Gzip;
        m_inner = std::make_unique<LevelReader>(m_context, m_depth + 1, m_member, m_notes);
        m_gzip = std::make_unique<GzipInflater>(m_context.limits, *m_inner);
    }

    bool pass(QByteArrayView chunk)
    {
        switch (m_mode) {
        case Mode::Sniffing:
        case Mode::TooDeep:
            return false;
        case Mode::Payload:
            return chunk.isEmpty() || m_context.sink.payloadData(chunk);
        case Mode::Gzip:
            return m_gzip->feed(chunk);
        case Mode::Zip:
            m_bytes.append(chunk);
            return true;
        }
        return false;
    }

    Context &m_context;
    const int m_depth;
    const QString m_member;
    QStringList m_notes;
    Mode m_mode = Mode::Sniffing;
    QByteArray m_bytes; // the first bytes while sniffing; a nested zip whole
    std::unique_ptr<LevelReader> m_inner;
    std::unique_ptr<GzipInflater> m_gzip; // declared last: destroyed before the reader it feeds
};

bool LimitedFeed::feed(QByteArrayView chunk)
{
    if (chunk.isEmpty())
        return true;
    m_total += chunk.size();
    if (m_total > m_limits.maxPayloadBytes)
        return false;
    return m_out.data(chunk);
}

std::optional<Error> readZipMember(QuaZip &zip, const QuaZipFileInfo64 &info,
                                   const PayloadLimits &limits, LevelReader &reader)
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
    LimitedFeed feed(limits, reader);
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

// Every member of the zip `bytes` as a payload of its own, unpacked again where it is a
// container; `depth` counts the containers around the members, the zip included.
void unpackZip(const QByteArray &bytes, int depth, const QString &member, const QStringList &notes,
               Context &context)
{
    auto fail = [&](const QString &name, const Error &error) {
        context.sink.beginPayload(joinMembers(member, name));
        context.sink.endPayload(error, notes);
    };
    QBuffer device;
    device.setData(bytes); // shared, not copied
    QuaZip zip(&device);
    if (!zip.open(QuaZip::mdUnzip)) {
        fail(QString(), corrupt(QStringLiteral("zip: not a readable archive (error %1; truncated?)")
                                    .arg(zip.getZipError())));
        return;
    }
    const int maxMembers = context.limits.maxZipMembers;
    int files = 0;
    for (bool more = zip.goToFirstFile(); more; more = zip.goToNextFile()) {
        QuaZipFileInfo64 info;
        if (!zip.getCurrentFileInfo(&info)) {
            fail(QString(), corrupt(QStringLiteral("zip: unreadable directory entry")));
            return;
        }
        if (info.name.endsWith(QLatin1Char('/')))
            continue;
        if (++files > maxMembers)
            continue;
        LevelReader reader(context, depth, joinMembers(member, info.name), notes);
        reader.end(readZipMember(zip, info, context.limits, reader), {});
    }
    if (zip.getZipError() != UNZ_OK) {
        fail(QString(), corrupt(QStringLiteral("zip: the central directory is corrupt (error %1)")
                                    .arg(zip.getZipError())));
    }
    if (files > maxMembers) {
        fail(QStringLiteral("members %1 to %2").arg(maxMembers + 1).arg(files),
             Error{QStringLiteral("too_large"),
                   QStringLiteral("the zip archive holds %1 files, more than the limit of %2")
                       .arg(files)
                       .arg(maxMembers)});
    } else if (files == 0) {
        fail(QString(), corrupt(QStringLiteral("zip: the archive holds no file")));
    }
}

bool endsWithAny(const QString &fileName, std::initializer_list<const char *> endings)
{
    for (const char *ending : endings) {
        if (fileName.endsWith(QLatin1StringView(ending), Qt::CaseInsensitive))
            return true;
    }
    return false;
}

bool isAnyType(QByteArrayView contentType, std::initializer_list<const char *> types)
{
    for (const char *type : types) {
        if (contentType.compare(type, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

} // namespace

bool isCandidate(QByteArrayView contentType, const QString &fileName)
{
    return isAnyType(contentType,
                     {"text/xml", "application/xml", "application/gzip", "application/x-gzip",
                      "application/zip", "application/x-zip", "application/x-zip-compressed",
                      "application/octet-stream", "application/tlsrpt+gzip",
                      "application/tlsrpt+json", "application/json"}) ||
           endsWithAny(fileName, {".xml", ".gz", ".gzip", ".zip", ".json"});
}

bool isLabelledTlsReport(QByteArrayView contentType, const QString &fileName)
{
    const QByteArrayView tlsrpt("application/tlsrpt+");
    return contentType.first(qMin(contentType.size(), tlsrpt.size()))
                   .compare(tlsrpt, Qt::CaseInsensitive) == 0 ||
           isAnyType(contentType, {"application/json"}) ||
           endsWithAny(fileName, {".json", ".json.gz", ".json.gzip"});
}

Container detectContainer(QByteArrayView bytes)
{
    if (bytes.startsWith("\x1f\x8b"))
        return Container::Gzip;
    if (bytes.startsWith("PK\x03\x04"))
        return Container::Zip;
    return Container::Xml;
}

namespace {

// Unpacks data of `size` bytes that is not a zip: `nextChunk` yields it a piece at a time, an
// empty piece at its end.
void unpackChunks(Container container, qint64 size, const std::function<QByteArray()> &nextChunk,
                  const PayloadLimits &limits, PayloadSink &sink)
{
    if (container == Container::Xml && size > limits.maxPayloadBytes) {
        sink.beginPayload(QString());
        sink.endPayload(tooLarge(limits), QStringList());
        return;
    }
    Context context{limits, sink};
    LevelReader reader(context, 0, QString(), QStringList());
    for (QByteArray chunk = nextChunk(); !chunk.isEmpty(); chunk = nextChunk()) {
        if (!reader.data(chunk))
            break;
    }
    reader.end(std::nullopt, QStringList());
}

} // namespace

void unpackPayloads(const QByteArray &bytes, const PayloadLimits &limits, PayloadSink &sink)
{
    const Container container = detectContainer(bytes);
    if (container == Container::Zip) {
        // Read in place: a zip is opened from its end.
        Context context{limits, sink};
        unpackZip(bytes, 1, QString(), QStringList(), context);
        return;
    }
    qsizetype pos = 0;
    unpackChunks(
        container, bytes.size(),
        [&bytes, &pos] {
            const qsizetype size = qMin(kChunkSize, bytes.size() - pos);
            const QByteArray chunk = QByteArray::fromRawData(bytes.constData() + pos, size);
            pos += size;
            return chunk;
        },
        limits, sink);
}

void unpackPayloads(const MimeLeaf &leaf, const PayloadLimits &limits, PayloadSink &sink)
{
    if (leaf.transferEncoding != TransferEncoding::Base64) {
        unpackPayloads(leaf.decodedBody(), limits, sink);
        return;
    }
    // Encoded text of about one chunk of decoded bytes at a time.
    constexpr qsizetype kEncodedChunk = kChunkSize / 3 * 4;
    const QByteArrayView encoded = leaf.body;
    Base64Decoder decoder;
    qsizetype pos = 0;
    auto decodeMore = [&]() {
        QByteArray decoded;
        while (decoded.isEmpty() && pos < encoded.size()) {
            const qsizetype size = qMin(kEncodedChunk, encoded.size() - pos);
            decoded = decoder.decode(encoded.sliced(pos, size));
            pos += size;
        }
        return decoded;
    };
    QByteArray head = decodeMore();
    while (head.size() < kMagicBytes) {
        const QByteArray more = decodeMore();
        if (more.isEmpty())
            break;
        head += more;
    }
    const Container container = detectContainer(head);
    if (container == Container::Zip) {
        unpackPayloads(leaf.decodedBody(), limits, sink);
        return;
    }
    unpackChunks(
        container, Base64Decoder::decodedSize(encoded),
        [&head, &decodeMore] { return head.isEmpty() ? decodeMore() : std::exchange(head, {}); },
        limits, sink);
}

} // namespace Dmarc::Mail
