#pragma once

#include "common/result.h"
#include "config.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace Dmarc {

// Reads one JSON object of the configuration with strict checking. Every accessor names the key
// it reads; a wrong type or range becomes an error naming the key's full path and what was
// expected. finish() reports the keys nobody asked for, each with the closest known key, and
// keeps them in `unknown` under `unknownPath` (children extend the path), so a writer can give
// them back. Errors are collected, so one run reports every mistake in the file.
class ConfigReader
{
public:
    ConfigReader(QJsonObject object, QString path, QList<Error> *errors, UnknownMembers *unknown,
                 QString unknownPath = QString());

    bool has(const QString &key) const { return m_object.contains(key); }
    QString path(const QString &key) const;

    QString string(const QString &key, const QString &fallback);
    bool boolean(const QString &key, bool fallback);
    qint64 integer(const QString &key, qint64 fallback, qint64 minimum, qint64 maximum);
    double number(const QString &key, double fallback, double minimum, double maximum);
    // One of `choices`, compared case-insensitively; returns the choice as spelled there.
    QString choice(const QString &key, const QString &fallback, const QStringList &choices);
    // Sub-objects and lists: nullopt when absent (or wrong type, which is reported).
    std::optional<QJsonObject> object(const QString &key);
    std::optional<QJsonArray> array(const QString &key);
    // A reader for a sub-object (errors go to the same list); nullopt when absent. Its unknown
    // members go to `unknown` at the key's path, or to another collection when given.
    std::optional<ConfigReader> child(const QString &key);
    std::optional<ConfigReader> child(const QString &key, UnknownMembers *unknown);
    // A reader for an object that is an element of a list read with array(); its unknown members
    // go to `unknown` at the top.
    ConfigReader element(const QString &key, int index, const QJsonObject &object,
                         UnknownMembers *unknown) const;
    // Marks a key as known without interpreting it.
    QJsonValue raw(const QString &key);

    void finish();
    // The full paths of the keys nobody asked for; they count as read afterwards.
    QStringList unreadKeys();

    void addError(const QString &key, const QString &message);

private:
    std::optional<QJsonValue> take(const QString &key);
    void typeError(const QString &key, const QString &expected, const QJsonValue &value);
    // The members nobody asked for, also kept in m_unknown.
    QJsonObject keepUnknown();

    QJsonObject m_object;
    QString m_path;
    QList<Error> *m_errors;
    UnknownMembers *m_unknown;
    QString m_unknownPath;
    QStringList m_known;
};

// The closest of `candidates` to `word` by edit distance, if it is a plausible typo or
// shortening of it; empty otherwise.
QString closestMatch(const QString &word, const QStringList &candidates);

// A number as a person writes it: whole numbers without exponent, others as short as they
// read back the same.
QString formatNumber(double number);

// A string, number, boolean or null as JSON text, escaped as QJsonDocument escapes it.
QByteArray jsonScalar(const QJsonValue &value);

// A JSON value as a person would write it, for messages: "abc" (string), 12, true, an object.
QString describeJsonValue(const QJsonValue &value);

} // namespace Dmarc
