#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace Dmarc::Imap {

// A command ready for the wire, split where the client must wait for a continuation ("+").
// Each part ends with CRLF; a part that ends in a literal header carries the header in the
// same buffer, so it goes out in one write (Exchange mis-parses a split header).
struct ImapCommand
{
    QByteArray name; // e.g. "UID MOVE", for logs and errors
    QList<QByteArray> parts;
    QList<QByteArray> traceParts; // the same, with credentials replaced by "***"
    // AUTHENTICATE: a challenge after the last part is answered with this line (an empty or
    // cancelling SASL response), so the server can send its tagged NO.
    bool sasl = false;
    QByteArray challengeReply;
};

// Builds one command: arguments are added in order and encoded as atoms, quoted strings or
// literals, whichever the content needs.
class ImapCommandBuilder
{
public:
    // `literalPlus`: the server announced LITERAL+ (or LITERAL- for small literals), so literals
    // need no continuation.
    ImapCommandBuilder(const QByteArray &tag, const QByteArray &name, bool literalPlus = false);

    ImapCommandBuilder &raw(const QByteArray &text); // sent as is ("UID", "(UID RFC822.SIZE)")
    ImapCommandBuilder &astring(const QByteArray &value);
    ImapCommandBuilder &mailbox(const QString &name);           // modified UTF-7, then astring
    ImapCommandBuilder &secret(const QByteArray &value);        // an astring masked in the trace
    ImapCommandBuilder &sasl(const QByteArray &challengeReply); // marks AUTHENTICATE
    // A further line sent after the next continuation (a SASL response), masked in the trace.
    ImapCommandBuilder &secretLine(const QByteArray &line);
    ImapCommand build();

private:
    void append(const QByteArray &text, bool isSecret);
    void addString(const QByteArray &value, bool isSecret);

    ImapCommand m_command;
    QByteArray m_current;
    QByteArray m_currentTrace;
    bool m_literalPlus;
};

// RFC 3501 5.1.3 mailbox name encoding.
QByteArray encodeMailboxName(const QString &name);
QString decodeMailboxName(const QByteArray &encoded);

// "1:3,7,9:10" from UIDs (any order, duplicates allowed).
QByteArray uidSet(QList<quint32> uids);

} // namespace Dmarc::Imap
