#pragma once

#include <QByteArrayView>
#include <QString>
#include <QVarLengthArray>

#include <optional>

namespace Dmarc {

// A strict RFC 8259 reader over one complete JSON text, for reading a known structure: the
// caller asks for the values it expects and skips the rest. It builds no tree, so memory does
// not grow with the text, and nesting is kept in a plain stack, never in recursion.
//
// Objects: beginObject(), then `while (nextMember(key))` read or skip each member's value.
// Arrays: beginArray(), then `while (nextElement())` read or skip each element. Once the text
// breaks the grammar, every call fails and error() says where and why.
class JsonReader
{
public:
    enum class Type
    {
        Object,
        Array,
        String,
        Number,
        Literal, // true, false or null
        Invalid  // no value here: the text is broken (error() is set)
    };

    explicit JsonReader(QByteArrayView text);

    // What the next value is; white space is skipped.
    Type peek();
    bool beginObject();
    // The next member's key, its value next in line; false after the closing brace, or on error.
    bool nextMember(QString *key);
    bool beginArray();
    // Whether another element follows; false after the closing bracket, or on error.
    bool nextElement();
    std::optional<QString> readString();
    // The number's text, checked against the grammar.
    std::optional<QByteArrayView> readNumber();
    bool skipValue();
    // Whether only white space is left; an error otherwise.
    bool atEnd();

    bool failed() const { return !m_error.isEmpty(); }
    const QString &error() const { return m_error; }

private:
    enum class Open : quint8
    {
        Object,
        Array
    };

    bool begin(Open kind);
    void skipSpace();
    bool expect(char c, const char *what);
    // Moves past the separator before the next member or element; false at the closing mark.
    bool nextInside(Open kind);
    bool readLiteral();
    bool scanString(QString *out);
    void fail(const QString &message);

    QByteArrayView m_text;
    qsizetype m_pos = 0;
    struct Level
    {
        Open kind;
        bool empty; // no member or element read yet
    };
    QVarLengthArray<Level, 16> m_open;
    QString m_error;
};

} // namespace Dmarc
