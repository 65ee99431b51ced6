#pragma once

#include "common/result.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace Dmarc::Imap {

// One value in a server response: NIL, an atom, a number, a string (quoted or literal) or a
// parenthesised list.
struct ImapValue
{
    enum class Type
    {
        Nil,
        Atom,
        Number,
        String,
        List
    };

    Type type = Type::Nil;
    QByteArray bytes; // atom text, string content, or the digits of a number
    quint64 number = 0;
    QList<ImapValue> list;

    bool isNil() const { return type == Type::Nil; }
    bool isList() const { return type == Type::List; }
    bool isNumber() const { return type == Type::Number; }
    // Atom, number or string content; empty for NIL and lists.
    QByteArray text() const { return type == Type::List ? QByteArray() : bytes; }
};

// `[NAME arguments]` in a status response.
struct ImapResponseCode
{
    QByteArray name; // upper-cased
    QList<ImapValue> arguments;
    QByteArray text; // the raw text between the name and ']' (without literals)
};

// One attribute of a FETCH response: NAME[section]<origin> value.
struct FetchItem
{
    QByteArray name; // upper-cased, e.g. "BODY", "UID", "RFC822.SIZE"
    bool hasSection = false;
    QByteArray section; // the text between the brackets
    std::optional<quint64> origin;
    ImapValue value;
};

struct ImapResponse
{
    enum class Type
    {
        Continuation, // "+ text"
        Untagged,     // "* ..."
        Tagged        // "tag OK|NO|BAD ..."
    };

    Type type = Type::Untagged;
    QByteArray tag;
    // Upper-cased: OK/NO/BAD/BYE/PREAUTH, CAPABILITY, EXISTS, EXPUNGE, FETCH, LIST, SEARCH, ...
    QByteArray name;
    std::optional<quint64> number; // "* 3 EXISTS", "* 3 FETCH"
    std::optional<ImapResponseCode> code;
    QByteArray text;          // resp-text or continuation text; CAPABILITY's raw list
    QList<ImapValue> values;  // data of other untagged responses (LIST, SEARCH, ...)
    QList<FetchItem> fetch;   // FETCH attributes, in server order
    QList<QByteArray> chunks; // the response as text and literal content, in order

    bool isStatus() const
    {
        return name == "OK" || name == "NO" || name == "BAD" || name == "BYE" || name == "PREAUTH";
    }
    const FetchItem *fetchItem(const QByteArray &itemName) const;
};

// A tagged response as the result of its command: ok for OK, else the error "<what> failed:
// NO <text>", which names the command for whoever reads the log.
Result<void> commandResult(const ImapResponse &tagged, const QString &what);

struct ParserLimits
{
    qint64 maxLineBytes = 1024 * 1024;                  // one line between literals
    qint64 maxLiteralBytes = qint64(64) * 1024 * 1024;  // one literal
    qint64 maxResponseBytes = qint64(80) * 1024 * 1024; // one response, literals included
};

// Incremental response parser: feed bytes as they arrive, take complete responses out. Pure:
// no I/O. Memory is bounded by the limits: a line or literal over a limit is an error at once,
// before the bytes arrive, and bytes are only ever stored once they have arrived.
class ImapResponseParser
{
public:
    explicit ImapResponseParser(const ParserLimits &limits = ParserLimits());

    void feed(const QByteArray &bytes);
    // The next complete response, std::nullopt when more bytes are needed, or an error. After an
    // error the parser stays failed.
    Result<std::optional<ImapResponse>> next();
    // True while a response has started but is not complete (bytes are buffered).
    bool hasPartialResponse() const;
    // The sizes of all literals announced so far ("{N}" at a line's end), added up.
    qint64 literalBytesAnnounced() const { return m_literalBytesAnnounced; }

    // Parses values ("a (b c) {3}\r\nxyz") from one complete string: a response's section text,
    // or a test input.
    static Result<QList<ImapValue>> parseValues(const QByteArray &text);

private:
    Result<bool> frame();

    ParserLimits m_limits;
    QByteArray m_buffer;
    qsizetype m_offset = 0;    // start of the response in progress
    qsizetype m_scan = 0;      // where to continue looking for CRLF
    qint64 m_literalSize = -1; // size of the literal being received, -1 outside one
    // The literal being received: its bytes go here straight from feed(), never through
    // m_buffer, so that a large one (an email) is held once.
    QByteArray m_literal;
    QList<QByteArray> m_lines;
    QList<QByteArray> m_literals;
    qint64 m_responseBytes = 0;
    qint64 m_literalBytesAnnounced = 0;
    std::optional<Error> m_error;
};

} // namespace Dmarc::Imap
