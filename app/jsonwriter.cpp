#include "jsonwriter.h"

#include "config/configreader.h"

#include <QJsonArray>
#include <QJsonObject>

namespace Dmarc::App {

namespace {

constexpr qsizetype kChunk = 64 * 1024;

} // namespace

JsonWriter::JsonWriter(std::FILE *out)
    : m_out(out)
{}

JsonWriter::~JsonWriter()
{
    m_buffer += '\n';
    std::fwrite(m_buffer.constData(), 1, size_t(m_buffer.size()), m_out);
    std::fflush(m_out);
}

void JsonWriter::startMember(const QString &key)
{
    if (m_levels.isEmpty())
        return;
    Level &level = m_levels.last();
    m_buffer += level.empty ? "\n" : ",\n";
    level.empty = false;
    m_buffer += QByteArray(m_levels.size() * 4, ' ');
    if (level.close == '}')
        m_buffer += jsonScalar(key) + ": ";
}

void JsonWriter::begin(const QString &key, char bracket)
{
    startMember(key);
    m_buffer += bracket;
    m_levels.append(Level{bracket == '{' ? '}' : ']', true});
}

void JsonWriter::beginObject(const QString &key)
{
    begin(key, '{');
}

void JsonWriter::beginArray(const QString &key)
{
    begin(key, '[');
}

void JsonWriter::end()
{
    const Level level = m_levels.takeLast();
    if (!level.empty)
        m_buffer += '\n' + QByteArray(m_levels.size() * 4, ' ');
    m_buffer += level.close;
    flushIfFull();
}

void JsonWriter::value(const QString &key, const QJsonValue &value)
{
    if (value.isObject()) {
        beginObject(key);
        const QJsonObject object = value.toObject();
        for (auto it = object.constBegin(); it != object.constEnd(); ++it)
            this->value(it.key(), it.value());
        end();
    } else if (value.isArray()) {
        beginArray(key);
        for (const QJsonValue &element : value.toArray())
            this->value(element);
        end();
    } else {
        startMember(key);
        m_buffer += jsonScalar(value);
    }
}

void JsonWriter::flushIfFull()
{
    if (m_buffer.size() < kChunk)
        return;
    std::fwrite(m_buffer.constData(), 1, size_t(m_buffer.size()), m_out);
    m_buffer.clear();
}

} // namespace Dmarc::App
