#include "imapcommand.h"

#include <algorithm>

namespace Dmarc::Imap {

namespace {

bool isAtomSafe(const QByteArray &value)
{
    if (value.isEmpty() || value.compare("NIL", Qt::CaseInsensitive) == 0)
        return false;
    for (const char c : value) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7f || c == '(' || c == ')' || c == '{' || c == '"' || c == '\\' ||
            c == '%' || c == '*' || c == ']')
            return false;
    }
    return true;
}

bool isQuotable(const QByteArray &value)
{
    if (value.size() > 1000)
        return false;
    return std::all_of(value.begin(), value.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u >= 0x20 && u < 0x7f;
    });
}

} // namespace

ImapCommandBuilder::ImapCommandBuilder(const QByteArray &tag, const QByteArray &name,
                                       bool literalPlus)
    : m_literalPlus(literalPlus)
{
    m_command.name = name;
    m_current = tag + ' ' + name;
    m_currentTrace = m_current;
}

void ImapCommandBuilder::append(const QByteArray &text, bool isSecret)
{
    m_current += text;
    m_currentTrace += isSecret ? QByteArray("***") : text;
}

ImapCommandBuilder &ImapCommandBuilder::raw(const QByteArray &text)
{
    append(' ' + text, false);
    return *this;
}

ImapCommandBuilder &ImapCommandBuilder::astring(const QByteArray &value)
{
    addString(value, false);
    return *this;
}

ImapCommandBuilder &ImapCommandBuilder::secret(const QByteArray &value)
{
    addString(value, true);
    return *this;
}

void ImapCommandBuilder::addString(const QByteArray &value, bool isSecret)
{
    append(" ", false);
    if (isAtomSafe(value)) {
        append(value, isSecret);
        return;
    }
    if (isQuotable(value)) {
        QByteArray quoted = value;
        quoted.replace('\\', "\\\\").replace('"', "\\\"");
        append('"' + quoted + '"', isSecret);
        return;
    }
    append('{' + QByteArray::number(value.size()) + (m_literalPlus ? "+}\r\n" : "}\r\n"), false);
    if (!m_literalPlus) {
        m_command.parts.append(m_current);
        m_command.traceParts.append(m_currentTrace);
        m_current.clear();
        m_currentTrace.clear();
    }
    append(value, isSecret);
}

ImapCommandBuilder &ImapCommandBuilder::mailbox(const QString &name)
{
    return astring(encodeMailboxName(name));
}

ImapCommandBuilder &ImapCommandBuilder::sasl(const QByteArray &challengeReply)
{
    m_command.sasl = true;
    m_command.challengeReply = challengeReply;
    return *this;
}

ImapCommandBuilder &ImapCommandBuilder::secretLine(const QByteArray &line)
{
    m_command.parts.append(m_current + "\r\n");
    m_command.traceParts.append(m_currentTrace + "\r\n");
    m_current = line;
    m_currentTrace = "***";
    return *this;
}

ImapCommand ImapCommandBuilder::build()
{
    m_command.parts.append(m_current + "\r\n");
    m_command.traceParts.append(m_currentTrace + "\r\n");
    m_current.clear();
    m_currentTrace.clear();
    return m_command;
}

QByteArray encodeMailboxName(const QString &name)
{
    QByteArray out;
    QString pending; // characters waiting for base64
    const auto flush = [&]() {
        if (pending.isEmpty())
            return;
        QByteArray utf16;
        for (const QChar c : pending) {
            utf16.append(char(c.unicode() >> 8));
            utf16.append(char(c.unicode() & 0xff));
        }
        QByteArray encoded = utf16.toBase64(QByteArray::OmitTrailingEquals);
        encoded.replace('/', ',');
        out += '&' + encoded + '-';
        pending.clear();
    };
    for (const QChar c : name) {
        const char16_t u = c.unicode();
        if (u >= 0x20 && u <= 0x7e) {
            flush();
            out += u == '&' ? QByteArray("&-") : QByteArray(1, char(u));
        } else {
            pending += c;
        }
    }
    flush();
    return out;
}

QString decodeMailboxName(const QByteArray &encoded)
{
    QString out;
    qsizetype i = 0;
    while (i < encoded.size()) {
        const char c = encoded.at(i);
        if (c != '&') {
            out += QLatin1Char(c);
            ++i;
            continue;
        }
        const qsizetype end = encoded.indexOf('-', i + 1);
        if (end < 0)
            return QString::fromUtf8(encoded); // not modified UTF-7 after all
        if (end == i + 1) {
            out += QLatin1Char('&');
        } else {
            QByteArray base64 = encoded.mid(i + 1, end - i - 1);
            base64.replace(',', '/');
            const QByteArray utf16 = QByteArray::fromBase64(base64);
            for (qsizetype k = 0; k + 1 < utf16.size(); k += 2)
                out += QChar(char16_t((uchar(utf16.at(k)) << 8) | uchar(utf16.at(k + 1))));
        }
        i = end + 1;
    }
    return out;
}

QByteArray uidSet(QList<quint32> uids)
{
    std::sort(uids.begin(), uids.end());
    uids.erase(std::unique(uids.begin(), uids.end()), uids.end());
    QByteArray out;
    for (qsizetype i = 0; i < uids.size();) {
        qsizetype j = i;
        while (j + 1 < uids.size() && uids.at(j + 1) == uids.at(j) + 1)
            ++j;
        if (!out.isEmpty())
            out += ',';
        out += QByteArray::number(uids.at(i));
        if (j > i)
            out += ':' + QByteArray::number(uids.at(j));
        i = j + 1;
    }
    return out;
}

} // namespace Dmarc::Imap
