#pragma once

#include <QByteArray>
#include <QJsonValue>
#include <QList>
#include <QString>

#include <cstdio>

namespace Dmarc::App {

// Writes one JSON document piece by piece, indented as QJsonDocument::Indented writes it, so
// that a long list is never held whole: what is written goes out in chunks of a few KB.
class JsonWriter
{
public:
    explicit JsonWriter(std::FILE *out);
    ~JsonWriter();
    JsonWriter(const JsonWriter &) = delete;
    JsonWriter &operator=(const JsonWriter &) = delete;

    // Inside an object, members take their key; inside a list, elements take none.
    void beginObject(const QString &key = QString());
    void beginArray(const QString &key = QString());
    void end();
    // A value of any kind (objects and lists written member by member).
    void value(const QString &key, const QJsonValue &value);
    void value(const QJsonValue &value) { this->value(QString(), value); }

private:
    void begin(const QString &key, char bracket);
    // The separator, a new line and the indentation before a member, and its key if any.
    void startMember(const QString &key);
    void flushIfFull();

    struct Level
    {
        char close;
        bool empty;
    };
    std::FILE *m_out;
    QByteArray m_buffer;
    QList<Level> m_levels;
};

} // namespace Dmarc::App
