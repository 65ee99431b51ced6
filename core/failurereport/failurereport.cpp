#include "failurereport/failurereport.h"

#include "mail/mimeheaders.h"
#include "report/reportcounter.h"

#include <QRegularExpression>
#include <QStringList>

namespace Dmarc {

namespace {

// A field's value without RFC 5322 comments ("delivered (to the inbox)"), trimmed; "" when
// the field is missing.
QString fieldValue(const Mail::MimeHeaders &fields, QByteArrayView name)
{
    const QString raw = QString::fromUtf8(fields.value(name));
    QString value;
    int depth = 0;
    for (qsizetype i = 0; i < raw.size(); ++i) {
        const QChar c = raw.at(i);
        if (c == u'\\' && depth > 0)
            ++i;
        else if (c == u'(')
            ++depth;
        else if (c == u')' && depth > 0)
            --depth;
        else if (depth == 0)
            value += c;
    }
    return value.trimmed();
}

// The value lower-cased when it is one of `known`; `other` for any other value; `missing` when
// there is none.
QString label(const QString &value, std::initializer_list<const char *> known,
              const QString &missing)
{
    if (value.isEmpty())
        return missing;
    const QString lower = value.toLower();
    for (const char *candidate : known) {
        if (lower == QLatin1StringView(candidate))
            return lower;
    }
    return QStringLiteral("other");
}

// RFC 9991's Identity-Alignment: "none", or the aligned mechanisms in any order and case.
QString alignment(const QString &value)
{
    static const QRegularExpression separators(QStringLiteral("[,\\s]+"));
    bool none = false;
    bool dkim = false;
    bool spf = false;
    for (const QString &token : value.toLower().split(separators, Qt::SkipEmptyParts)) {
        none = none || token == QLatin1StringView("none");
        dkim = dkim || token == QLatin1StringView("dkim");
        spf = spf || token == QLatin1StringView("spf");
    }
    if (dkim || spf) {
        QStringList aligned;
        if (dkim)
            aligned << QStringLiteral("dkim");
        if (spf)
            aligned << QStringLiteral("spf");
        return aligned.join(u',');
    }
    return none ? QStringLiteral("none") : QString();
}

} // namespace

std::optional<FailureReport> readFailureReport(QByteArrayView block)
{
    const Mail::MimeHeaders fields = Mail::MimeHeaders::parse(block);
    if (fieldValue(fields, "Feedback-Type")
            .compare(QLatin1StringView("auth-failure"), Qt::CaseInsensitive) != 0)
        return std::nullopt;
    FailureReport report;
    report.reportedDomain = normalizeDomain(fieldValue(fields, "Reported-Domain"));
    report.authFailure = label(fieldValue(fields, "Auth-Failure"),
                               {"dmarc", "dkim", "spf", "bodyhash", "revoked", "signature", "adsp"},
                               QStringLiteral("other"));
    report.identityAlignment = alignment(fieldValue(fields, "Identity-Alignment"));
    report.deliveryResult = label(fieldValue(fields, "Delivery-Result"),
                                  {"delivered", "spam", "policy", "reject", "other"}, QString());
    return report;
}

} // namespace Dmarc
