#include "configreader.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace Dmarc {

namespace {

int editDistance(const QString &a, const QString &b)
{
    std::vector<int> row(b.size() + 1);
    for (int j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (int i = 1; i <= a.size(); ++i) {
        int diagonal = row[0];
        row[0] = i;
        for (int j = 1; j <= b.size(); ++j) {
            const int above = row[j];
            const int substitution = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
            row[j] = std::min({above + 1, row[j - 1] + 1, substitution});
            diagonal = above;
        }
    }
    return row[b.size()];
}

// The letters and digits of a key, lower case: "Verify-Cert" and "verify_cert" are alike.
QString lettersOf(const QString &key)
{
    QString letters;
    for (const QChar c : key) {
        if (c.isLetterOrNumber())
            letters += c.toLower();
    }
    return letters;
}

// Whether every character of `part` appears in `whole`, in the same order.
bool isSubsequence(const QString &part, const QString &whole)
{
    qsizetype at = 0;
    for (const QChar c : whole) {
        if (at < part.size() && part.at(at) == c)
            ++at;
    }
    return at == part.size();
}

QString joinPath(const QString &path, const QString &key)
{
    return path.isEmpty() ? key : path + QLatin1Char('.') + key;
}

} // namespace

QString closestMatch(const QString &word, const QStringList &candidates)
{
    // A typo (a few letters off) or a shortening ("verify_cert", "dedup_max_seconds"): the
    // word's letters in the candidate's order, covering at least half of it.
    const QString typed = lettersOf(word);
    const int typoDistance = std::max<int>(2, int(word.size()) / 3);
    QString best;
    int bestDistance = std::numeric_limits<int>::max();
    for (const QString &candidate : candidates) {
        const QString known = lettersOf(candidate);
        const int distance = editDistance(word.toLower(), candidate.toLower());
        const bool shortened =
            typed.size() >= 4 && 2 * typed.size() >= known.size() && isSubsequence(typed, known);
        if ((distance <= typoDistance || shortened) && distance < bestDistance) {
            bestDistance = distance;
            best = candidate;
        }
    }
    return best;
}

QString formatNumber(double number)
{
    // Whole numbers as a person writes them (316224000, not 3.16224e+08), as far as a double
    // holds them exactly; others as short as they read back the same.
    constexpr double kExact = 9007199254740992.0; // 2^53
    if (std::floor(number) == number && std::fabs(number) <= kExact)
        return QString::number(qint64(number));
    return QString::number(number, 'g', QLocale::FloatingPointShortest);
}

QString describeJsonValue(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double:
        return formatNumber(value.toDouble());
    case QJsonValue::String:
        return QLatin1Char('"') + value.toString() + QLatin1Char('"');
    case QJsonValue::Array:
        return QStringLiteral("a list");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("nothing");
}

QByteArray jsonScalar(const QJsonValue &value)
{
    const QByteArray list = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return list.mid(1, list.size() - 2);
}

ConfigReader::ConfigReader(QJsonObject object, QString path, QList<Error> *errors,
                           UnknownMembers *unknown, QString unknownPath)
    : m_object(std::move(object))
    , m_path(std::move(path))
    , m_errors(errors)
    , m_unknown(unknown)
    , m_unknownPath(std::move(unknownPath))
{}

QString ConfigReader::path(const QString &key) const
{
    return joinPath(m_path, key);
}

void ConfigReader::addError(const QString &key, const QString &message)
{
    m_errors->append(Error{QStringLiteral("config"),
                           QLatin1Char('`') + path(key) + QStringLiteral("`: ") + message});
}

void ConfigReader::typeError(const QString &key, const QString &expected, const QJsonValue &value)
{
    addError(key, QStringLiteral("expected %1, got %2").arg(expected, describeJsonValue(value)));
}

std::optional<QJsonValue> ConfigReader::take(const QString &key)
{
    m_known.append(key);
    const auto it = m_object.constFind(key);
    if (it == m_object.constEnd())
        return std::nullopt;
    return *it;
}

QJsonValue ConfigReader::raw(const QString &key)
{
    return take(key).value_or(QJsonValue(QJsonValue::Undefined));
}

QString ConfigReader::string(const QString &key, const QString &fallback)
{
    const auto value = take(key);
    if (!value)
        return fallback;
    if (!value->isString()) {
        typeError(key, QStringLiteral("a string"), *value);
        return fallback;
    }
    return value->toString();
}

bool ConfigReader::boolean(const QString &key, bool fallback)
{
    const auto value = take(key);
    if (!value)
        return fallback;
    if (!value->isBool()) {
        typeError(key, QStringLiteral("true or false"), *value);
        return fallback;
    }
    return value->toBool();
}

qint64 ConfigReader::integer(const QString &key, qint64 fallback, qint64 minimum, qint64 maximum)
{
    const auto value = take(key);
    if (!value)
        return fallback;
    const QString expected =
        QStringLiteral("a whole number from %1 to %2").arg(minimum).arg(maximum);
    const double number = value->toDouble(std::nan(""));
    if (!value->isDouble() || std::floor(number) != number || number < double(minimum) ||
        number > double(maximum)) {
        typeError(key, expected, *value);
        return fallback;
    }
    return qint64(number);
}

double ConfigReader::number(const QString &key, double fallback, double minimum, double maximum)
{
    const auto value = take(key);
    if (!value)
        return fallback;
    const double number = value->toDouble(std::nan(""));
    if (!value->isDouble() || !(number >= minimum && number <= maximum)) {
        typeError(key,
                  QStringLiteral("a number from %1 to %2")
                      .arg(formatNumber(minimum), formatNumber(maximum)),
                  *value);
        return fallback;
    }
    return number;
}

QString ConfigReader::choice(const QString &key, const QString &fallback,
                             const QStringList &choices)
{
    const auto value = take(key);
    if (!value)
        return fallback;
    const QString expected = QStringLiteral("one of ") + choices.join(QStringLiteral(", "));
    if (!value->isString()) {
        typeError(key, expected, *value);
        return fallback;
    }
    for (const QString &candidate : choices) {
        if (candidate.compare(value->toString(), Qt::CaseInsensitive) == 0)
            return candidate;
    }
    typeError(key, expected, *value);
    return fallback;
}

std::optional<QJsonObject> ConfigReader::object(const QString &key)
{
    const auto value = take(key);
    if (!value)
        return std::nullopt;
    if (!value->isObject()) {
        typeError(key, QStringLiteral("an object"), *value);
        return std::nullopt;
    }
    return value->toObject();
}

std::optional<QJsonArray> ConfigReader::array(const QString &key)
{
    const auto value = take(key);
    if (!value)
        return std::nullopt;
    if (!value->isArray()) {
        typeError(key, QStringLiteral("a list"), *value);
        return std::nullopt;
    }
    return value->toArray();
}

std::optional<ConfigReader> ConfigReader::child(const QString &key)
{
    const auto value = object(key);
    if (!value)
        return std::nullopt;
    return ConfigReader(*value, path(key), m_errors, m_unknown, joinPath(m_unknownPath, key));
}

std::optional<ConfigReader> ConfigReader::child(const QString &key, UnknownMembers *unknown)
{
    const auto value = object(key);
    if (!value)
        return std::nullopt;
    return ConfigReader(*value, path(key), m_errors, unknown, key);
}

ConfigReader ConfigReader::element(const QString &key, int index, const QJsonObject &object,
                                   UnknownMembers *unknown) const
{
    return ConfigReader(object, path(key) + QStringLiteral("[%1]").arg(index), m_errors, unknown);
}

QJsonObject ConfigReader::keepUnknown()
{
    QJsonObject unknown;
    for (auto it = m_object.constBegin(); it != m_object.constEnd(); ++it) {
        if (!m_known.contains(it.key()))
            unknown.insert(it.key(), it.value());
    }
    if (!unknown.isEmpty())
        m_unknown->insert(m_unknownPath, unknown);
    return unknown;
}

QStringList ConfigReader::unreadKeys()
{
    QStringList keys;
    const QJsonObject unknown = keepUnknown();
    for (auto it = unknown.constBegin(); it != unknown.constEnd(); ++it) {
        keys << path(it.key());
        m_known << it.key();
    }
    return keys;
}

void ConfigReader::finish()
{
    const QJsonObject unknown = keepUnknown();
    for (auto it = unknown.constBegin(); it != unknown.constEnd(); ++it) {
        const QString suggestion = closestMatch(it.key(), m_known);
        addError(it.key(), suggestion.isEmpty()
                               ? QStringLiteral("unknown key")
                               : QStringLiteral("unknown key; did you mean `%1`?").arg(suggestion));
    }
}

} // namespace Dmarc
