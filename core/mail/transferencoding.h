#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace Dmarc::Mail {

// Base64 as mail carries it: characters outside the alphabet (line breaks, blanks) are skipped,
// padding is optional, decoding stops at the first '='.
QByteArray decodeBase64(QByteArrayView encoded);

// The same, a piece at a time: decode() takes the encoded text in pieces cut anywhere and returns
// the bytes each completes, so that a large body is never decoded whole.
class Base64Decoder
{
public:
    QByteArray decode(QByteArrayView encoded);
    // How many bytes `encoded` decodes to, without decoding it.
    static qint64 decodedSize(QByteArrayView encoded);

private:
    quint32 m_accumulator = 0;
    int m_bits = 0;
    bool m_ended = false; // '=' seen
};

// Quoted-printable (RFC 2045 6.7): =XX escapes and soft line breaks; a malformed escape is kept
// as written.
QByteArray decodeQuotedPrintable(QByteArrayView encoded);

enum class TransferEncoding
{
    Identity,
    Base64,
    QuotedPrintable
};

// Content-Transfer-Encoding value -> encoding; 7bit, 8bit, binary and unknown values are
// identity.
TransferEncoding transferEncodingFromHeader(QByteArrayView value);

} // namespace Dmarc::Mail
