#include "textwriter.h"

#include <charconv>
#include <cmath>

namespace Dmarc {

void TextWriter::family(const char *name, const char *help, Type type)
{
    m_name = name;
    m_out += "# HELP ";
    m_out += m_name;
    m_out += ' ';
    m_out += help;
    m_out += "\n# TYPE ";
    m_out += m_name;
    m_out += type == Type::Counter ? " counter\n" : " gauge\n";
}

void TextWriter::sample(const QByteArray &labels, double value)
{
    m_out += m_name;
    m_out += labels;
    m_out += ' ';
    appendValue(m_out, value);
    m_out += '\n';
}

QByteArray TextWriter::labelText(const Labels &labels)
{
    QByteArray text;
    for (const auto &[name, value] : labels) {
        text += text.isEmpty() ? '{' : ',';
        text += name;
        text += "=\"";
        const QByteArray utf8 = value.toUtf8();
        for (const char c : utf8) {
            if (c == '\n') {
                text += "\\n";
                continue;
            }
            if (c == '\\' || c == '"')
                text += '\\';
            text += c;
        }
        text += '"';
    }
    if (!text.isEmpty())
        text += '}';
    return text;
}

void TextWriter::appendValue(QByteArray &out, double value)
{
    if (std::isnan(value)) {
        out += "Nan";
        return;
    }
    if (std::isinf(value)) {
        out += value < 0 ? "-Inf" : "+Inf";
        return;
    }
    char buffer[32];
    // Counters are whole numbers: their digits, as "%.16g" writes them below 10^16.
    const bool whole = !std::signbit(value) && value < 1e16 && value == std::floor(value);
    const std::to_chars_result written =
        whole
            ? std::to_chars(buffer, buffer + sizeof buffer, quint64(value))
            : std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::general, 16);
    out.append(buffer, qsizetype(written.ptr - buffer));
}

} // namespace Dmarc
