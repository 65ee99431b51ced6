#include "mail/transferencoding.h"

#include <array>

namespace Dmarc::Mail {

namespace {

constexpr signed char kInvalid = -1;

constexpr std::array<signed char, 256> makeBase64Table()
{
    std::array<signed char, 256> table{};
    for (auto &entry : table)
        entry = kInvalid;
    const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < 64; ++i)
        table[static_cast<unsigned char>(alphabet[i])] = static_cast<signed char>(i);
    // The URL-safe alphabet shows up in the wild as well.
    table[static_cast<unsigned char>('-')] = 62;
    table[static_cast<unsigned char>('_')] = 63;
    return table;
}

constexpr std::array<signed char, 256> kBase64 = makeBase64Table();

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

} // namespace

QByteArray decodeBase64(QByteArrayView encoded)
{
    return Base64Decoder().decode(encoded);
}

QByteArray Base64Decoder::decode(QByteArrayView encoded)
{
    QByteArray out;
    if (m_ended)
        return out;
    out.resize(encoded.size() / 4 * 3 + 3);
    char *dst = out.data();
    for (const char c : encoded) {
        if (c == '=') {
            m_ended = true;
            break;
        }
        const signed char value = kBase64[static_cast<unsigned char>(c)];
        if (value == kInvalid)
            continue;
        m_accumulator = (m_accumulator << 6) | quint32(value);
        m_bits += 6;
        if (m_bits >= 8) {
            m_bits -= 8;
            *dst++ = char((m_accumulator >> m_bits) & 0xff);
        }
    }
    out.truncate(dst - out.constData());
    return out;
}

qint64 Base64Decoder::decodedSize(QByteArrayView encoded)
{
    qint64 sextets = 0;
    for (const char c : encoded) {
        if (c == '=')
            break;
        if (kBase64[static_cast<unsigned char>(c)] != kInvalid)
            ++sextets;
    }
    return sextets * 6 / 8;
}

QByteArray decodeQuotedPrintable(QByteArrayView encoded)
{
    QByteArray out;
    out.reserve(encoded.size());
    const qsizetype size = encoded.size();
    for (qsizetype i = 0; i < size; ++i) {
        const char c = encoded.at(i);
        if (c != '=') {
            out += c;
            continue;
        }
        // Soft line break: '=' then optional blanks then a line end.
        qsizetype j = i + 1;
        while (j < size && (encoded.at(j) == ' ' || encoded.at(j) == '\t'))
            ++j;
        if (j < size && (encoded.at(j) == '\r' || encoded.at(j) == '\n')) {
            if (encoded.at(j) == '\r' && j + 1 < size && encoded.at(j + 1) == '\n')
                ++j;
            i = j;
            continue;
        }
        if (j >= size) {
            i = j;
            continue;
        }
        if (i + 2 < size) {
            const int high = hexValue(encoded.at(i + 1));
            const int low = hexValue(encoded.at(i + 2));
            if (high >= 0 && low >= 0) {
                out += char(high * 16 + low);
                i += 2;
                continue;
            }
        }
        out += c;
    }
    return out;
}

TransferEncoding transferEncodingFromHeader(QByteArrayView value)
{
    const QByteArray lower = value.trimmed().toByteArray().toLower();
    if (lower == "base64")
        return TransferEncoding::Base64;
    if (lower == "quoted-printable")
        return TransferEncoding::QuotedPrintable;
    return TransferEncoding::Identity;
}

} // namespace Dmarc::Mail
