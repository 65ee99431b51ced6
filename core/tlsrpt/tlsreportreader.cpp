#include "tlsrpt/tlsreportreader.h"

#include "report/reportcounter.h"
#include "tlsrpt/jsonreader.h"

#include <QDateTime>
#include <QHash>
#include <QRegularExpression>

#include <limits>

namespace Dmarc {

namespace {

using Type = JsonReader::Type;

constexpr quint64 kMaxCount = quint64(1) << 53;

Error malformed(const QString &message)
{
    return {QStringLiteral("malformed"), message};
}

// The value of a JSON number when it is a whole number from 0 to 2^53 (1.0 and 1e3 are);
// nullopt for a negative number, a fraction or anything larger.
std::optional<quint64> wholeNumber(QByteArrayView number)
{
    const bool negative = number.startsWith('-');
    if (negative)
        number = number.sliced(1);
    qsizetype end = 0;
    while (end < number.size() && number.at(end) != 'e' && number.at(end) != 'E')
        ++end;
    qint64 exponent = 0;
    if (end < number.size()) {
        QByteArrayView digits = number.sliced(end + 1);
        const bool down = digits.startsWith('-');
        if (digits.startsWith('-') || digits.startsWith('+'))
            digits = digits.sliced(1);
        for (const char c : digits)
            exponent = qMin<qint64>(exponent * 10 + (c - '0'), 1'000'000);
        if (down)
            exponent = -exponent;
    }
    // The significant digits, with the exponent adjusted for the fraction.
    QByteArray digits = number.first(end).toByteArray();
    if (const qsizetype dot = digits.indexOf('.'); dot >= 0) {
        exponent -= digits.size() - dot - 1;
        digits.remove(dot, 1);
    }
    while (digits.size() > 1 && digits.startsWith('0'))
        digits.remove(0, 1);
    while (digits.size() > 1 && digits.endsWith('0')) {
        digits.chop(1);
        ++exponent;
    }
    if (digits == "0")
        return 0;
    if (negative || exponent < 0 || digits.size() + exponent > 16)
        return std::nullopt;
    quint64 value = digits.toULongLong();
    for (qint64 i = 0; i < exponent; ++i)
        value *= 10;
    if (value > kMaxCount)
        return std::nullopt;
    return value;
}

quint64 saturatingAdd(quint64 a, quint64 b)
{
    return a > std::numeric_limits<quint64>::max() - b ? std::numeric_limits<quint64>::max()
                                                       : a + b;
}

// Seconds since the epoch of an RFC 3339 date-time, a time without a zone being UTC; 0 when the
// text is no such time.
qint64 parseDateTime(const QString &text)
{
    static const QRegularExpression pattern(
        QStringLiteral("^(\\d{4})-(\\d{2})-(\\d{2})[Tt ](\\d{2}):(\\d{2}):(\\d{2})(?:\\.\\d+)?"
                       "(?:[Zz]|([+-])(\\d{2}):?(\\d{2}))?$"));
    const QRegularExpressionMatch match = pattern.match(text.trimmed());
    if (!match.hasMatch())
        return 0;
    auto number = [&match](int group) { return match.capturedView(group).toInt(); };
    const QDate date(number(1), number(2), number(3));
    // A leap second is read as the second before it.
    const QTime time(number(4), number(5), qMin(number(6), 59));
    if (!date.isValid() || !time.isValid())
        return 0;
    qint64 seconds = QDateTime(date, time, Qt::UTC).toSecsSinceEpoch();
    if (match.hasCaptured(7)) {
        const qint64 offset = number(8) * 3600 + number(9) * 60;
        seconds += match.capturedView(7) == u'+' ? -offset : offset;
    }
    return seconds;
}

QString oneOf(const QString &value, std::initializer_list<const char *> known)
{
    const QString label = value.trimmed().toLower();
    for (const char *candidate : known) {
        if (label == QLatin1StringView(candidate))
            return label;
    }
    return QStringLiteral("other");
}

// A session count as read: `error` says why it is not a whole number from 0 to 2^53.
struct Count
{
    quint64 value = 0;
    QString error;
};

// What one element of "policies" says. Each part is read whole and replaces an earlier one of
// the same key (the last one wins), bad counts included.
struct PolicyEntry
{
    QString domain;
    QString type = QStringLiteral("other");
    Count successful;
    Count failed;
    QList<TlsFailureCount> details;
    QString detailsError; // the first bad count in "failure-details"

    QString error() const
    {
        for (const QString *error : {&successful.error, &failed.error, &detailsError}) {
            if (!error->isEmpty())
                return *error;
        }
        return QString();
    }
};

// Reads the structure of RFC 8460 section 4.4 out of a JSON text.
class ReportReading
{
public:
    explicit ReportReading(QByteArrayView text)
        : m_json(text)
    {}

    Result<TlsReport> read()
    {
        TlsReport report;
        std::optional<Policies> policies; // missing, or not an array
        if (m_json.peek() != Type::Object)
            return malformed(m_json.failed() ? m_json.error()
                                             : QStringLiteral("a TLS report is a JSON object"));
        readObject([&](const QString &key) {
            if (key == QLatin1StringView("organization-name"))
                report.organizationName = readText();
            else if (key == QLatin1StringView("report-id"))
                report.reportId = readText();
            else if (key == QLatin1StringView("date-range"))
                readDateRange(report);
            else if (key == QLatin1StringView("policies"))
                policies = readPolicies();
            else
                return false;
            return true;
        });
        if (!m_json.failed())
            m_json.atEnd();
        if (m_json.failed())
            return malformed(m_json.error());
        if (!policies)
            return malformed(QStringLiteral("\"policies\" is missing or not an array"));
        if (!policies->error.isEmpty())
            return malformed(policies->error);
        report.policies = std::move(policies->counts);
        return report;
    }

private:
    struct Policies
    {
        QList<TlsPolicyCounts> counts;
        QHash<QPair<QString, QString>, qsizetype> index;
        QString error; // the first bad count
    };

    // Reads an object member by member: `read(key)` reads the values it knows and returns false
    // for the others, which are skipped. Anything but an object is skipped whole.
    template<typename Read>
    void readObject(Read &&read)
    {
        if (m_json.peek() != Type::Object) {
            m_json.skipValue();
            return;
        }
        m_json.beginObject();
        QString key;
        while (m_json.nextMember(&key)) {
            if (!read(key))
                m_json.skipValue();
        }
    }

    // Reads the objects of an array, `read(index)` each (counted from 1); the elements that are
    // not objects are skipped. False when the value is not an array (it is skipped then).
    template<typename Read>
    bool readObjects(Read &&read)
    {
        if (m_json.peek() != Type::Array) {
            m_json.skipValue();
            return false;
        }
        m_json.beginArray();
        for (int index = 1; m_json.nextElement(); ++index) {
            if (m_json.peek() == Type::Object)
                read(index);
            else
                m_json.skipValue();
        }
        return true;
    }

    // A string, trimmed; anything else reads as "".
    QString readText()
    {
        if (m_json.peek() == Type::String)
            return m_json.readString().value_or(QString()).trimmed();
        m_json.skipValue();
        return QString();
    }

    Count readCount(const QString &where)
    {
        std::optional<QByteArrayView> number;
        if (m_json.peek() == Type::Number)
            number = m_json.readNumber();
        else
            m_json.skipValue();
        const std::optional<quint64> value = number ? wholeNumber(*number) : std::nullopt;
        if (value || m_json.failed())
            return {value.value_or(0), QString()};
        return {0, QStringLiteral("%1 is %2, not a whole number from 0 to 2^53")
                       .arg(where, number ? QString::fromLatin1(*number)
                                          : QStringLiteral("not a number"))};
    }

    void readDateRange(TlsReport &report)
    {
        report.dateBegin = report.dateEnd = 0;
        readObject([&](const QString &key) {
            if (key == QLatin1StringView("start-datetime"))
                report.dateBegin = parseDateTime(readText());
            else if (key == QLatin1StringView("end-datetime"))
                report.dateEnd = parseDateTime(readText());
            else
                return false;
            return true;
        });
    }

    std::optional<Policies> readPolicies()
    {
        Policies policies;
        const bool isArray = readObjects([&](int index) {
            const PolicyEntry entry = readPolicyEntry(index);
            if (policies.error.isEmpty())
                policies.error = entry.error();
            add(policies, entry);
        });
        return isArray ? std::optional(std::move(policies)) : std::nullopt;
    }

    static void add(Policies &policies, const PolicyEntry &entry)
    {
        const QPair<QString, QString> key{entry.domain, entry.type};
        auto it = policies.index.constFind(key);
        if (it == policies.index.cend()) {
            policies.counts.append({entry.domain, entry.type, 0, 0, {}});
            it = policies.index.insert(key, policies.counts.size() - 1);
        }
        TlsPolicyCounts &counts = policies.counts[*it];
        counts.successfulSessions =
            saturatingAdd(counts.successfulSessions, entry.successful.value);
        counts.failedSessions = saturatingAdd(counts.failedSessions, entry.failed.value);
        for (const TlsFailureCount &detail : entry.details) {
            auto same = std::find_if(counts.failures.begin(), counts.failures.end(),
                                     [&detail](const TlsFailureCount &known) {
                                         return known.resultType == detail.resultType;
                                     });
            if (same == counts.failures.end())
                counts.failures.append(detail);
            else
                same->sessions = saturatingAdd(same->sessions, detail.sessions);
        }
    }

    // Each part replaces an earlier one of the same key whole: the last one wins.
    PolicyEntry readPolicyEntry(int index)
    {
        PolicyEntry entry;
        const QString where = QStringLiteral("policy %1: ").arg(index);
        readObject([&](const QString &key) {
            if (key == QLatin1StringView("policy")) {
                entry.domain.clear();
                entry.type = QStringLiteral("other");
                readPolicy(entry);
            } else if (key == QLatin1StringView("summary")) {
                entry.successful = entry.failed = Count();
                readSummary(entry, where);
            } else if (key == QLatin1StringView("failure-details")) {
                entry.details.clear();
                entry.detailsError.clear();
                readDetails(entry, where);
            } else {
                return false;
            }
            return true;
        });
        return entry;
    }

    void readPolicy(PolicyEntry &entry)
    {
        // mx-host (a string or an array), policy-string and the rest are not read.
        readObject([&](const QString &key) {
            if (key == QLatin1StringView("policy-type"))
                entry.type = oneOf(readText(), {"sts", "tlsa", "no-policy-found"});
            else if (key == QLatin1StringView("policy-domain"))
                entry.domain = normalizeDomain(readText());
            else
                return false;
            return true;
        });
    }

    void readSummary(PolicyEntry &entry, const QString &where)
    {
        readObject([&](const QString &key) {
            if (key == QLatin1StringView("total-successful-session-count"))
                entry.successful = readCount(where + key);
            else if (key == QLatin1StringView("total-failure-session-count"))
                entry.failed = readCount(where + key);
            else
                return false;
            return true;
        });
    }

    void readDetails(PolicyEntry &entry, const QString &where)
    {
        readObjects([&](int index) {
            TlsFailureCount failure{QStringLiteral("other"), 0};
            Count sessions;
            readObject([&](const QString &key) {
                if (key == QLatin1StringView("result-type")) {
                    failure.resultType =
                        oneOf(readText(), {"starttls-not-supported", "certificate-host-mismatch",
                                           "certificate-expired", "certificate-not-trusted",
                                           "validation-failure", "tlsa-invalid", "dnssec-invalid",
                                           "dane-required", "sts-policy-fetch-error",
                                           "sts-policy-invalid", "sts-webpki-invalid"});
                } else if (key == QLatin1StringView("failed-session-count")) {
                    sessions = readCount(
                        where +
                        QStringLiteral("failure detail %1: failed-session-count").arg(index));
                } else {
                    return false;
                }
                return true;
            });
            failure.sessions = sessions.value;
            if (entry.detailsError.isEmpty())
                entry.detailsError = sessions.error;
            entry.details.append(failure);
        });
    }

    JsonReader m_json;
};

} // namespace

TlsReportReader::TlsReportReader(qint64 maxBytes)
    : m_maxBytes(maxBytes)
{}

bool TlsReportReader::addData(QByteArrayView chunk)
{
    m_total += chunk.size();
    if (m_total > m_maxBytes) {
        m_text.clear();
        return false;
    }
    m_text.append(chunk);
    return true;
}

Result<TlsReport> TlsReportReader::finish()
{
    if (m_total > m_maxBytes) {
        return Error{
            QStringLiteral("too_large"),
            QStringLiteral("the TLS report is larger than the limit of %1 bytes").arg(m_maxBytes)};
    }
    const QByteArray text = std::exchange(m_text, QByteArray());
    const QByteArrayView json = QByteArrayView(text).startsWith("\xef\xbb\xbf")
                                    ? QByteArrayView(text).sliced(3)
                                    : QByteArrayView(text);
    return ReportReading(json).read();
}

Result<TlsReport> parseTlsReport(QByteArrayView json, qint64 maxBytes)
{
    TlsReportReader reader(maxBytes);
    reader.addData(json);
    return reader.finish();
}

} // namespace Dmarc
