#pragma once

#include "common/result.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace Dmarc {

// Reads one JSON object of the configuration with strict checking. Every accessor names the key
// it reads; a wrong type or range becomes an error naming the key's full path and what was
// expected. finish() reports the keys nobody asked for, each with the closest known key.
// Errors are collected, so one run reports every mistake in the file.
class ConfigReader
{
public:
    ConfigReader(QJsonObject object, QString path, QList<Error> *errors);

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
    // A reader for a sub-object (errors go to the same list); nullopt when absent.
    std::optional<ConfigReader> child(const QString &key);
    // A reader for an object that is an element of a list read with array().
    ConfigReader element(const QString &key, int index, const QJsonObject &object) const;
    // Marks a key as known without interpreting it.
    QJsonValue raw(const QString &key);

    void finish();
    // The full paths of the keys nobody asked for; they count as read afterwards.
    QStringList unreadKeys();

    void addError(const QString &key, const QString &message);

private:
    std::optional<QJsonValue> take(const QString &key);
    void typeError(const QString &key, const QString &expected, const QJsonValue &value);

    QJsonObject m_object;
    QString m_path;
    QList<Error> *m_errors;
    QStringList m_known;
};

// The closest of `candidates` to `word` by edit distance, if it is close enough to be a
// plausible typo; empty otherwise.
QString closestMatch(const QString &word, const QStringList &candidates);

// A JSON value as a person would write it, for messages: "abc" (string), 12, true, an object.
QString describeJsonValue(const QJsonValue &value);

} // namespace Dmarc
