#include "legacyimport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace Dmarc {

namespace {

Error legacyError(const QString &path, const QString &detail)
{
    return Error{QStringLiteral("malformed"),
                 QStringLiteral("%1: cannot import: %2").arg(path, detail)};
}

// A non-negative integer count; upstream wrote them as JSON integers.
bool readCount(const QJsonValue &value, quint64 *out)
{
    if (value.isUndefined() || value.isNull()) {
        *out = 0;
        return true;
    }
    if (!value.isDouble() || value.toDouble() < 0)
        return false;
    *out = quint64(value.toDouble());
    return true;
}

Result<LabelCounts> readEntry(const QJsonValue &value, const QString &path, int index)
{
    const QString where = QStringLiteral("metrics entry %1").arg(index);
    const QJsonArray pair = value.toArray();
    if (!value.isArray() || pair.size() != 2 || !pair.at(0).isObject() || !pair.at(1).isObject())
        return legacyError(path, where + QStringLiteral(" is not a [labels, counts] pair"));
    const QJsonObject meta = pair.at(0).toObject();
    const QJsonObject counts = pair.at(1).toObject();

    LabelCounts entry;
    entry.labels = LabelSet{meta.value(QLatin1String("reporter")).toString(),
                            meta.value(QLatin1String("from_domain")).toString(),
                            meta.value(QLatin1String("dkim_domain")).toString(),
                            meta.value(QLatin1String("spf_domain")).toString()};
    const std::pair<const char *, quint64 *> fields[] = {
        {"total_count", &entry.counters.total},
        {"dmarc_compliant_count", &entry.counters.compliant},
        {"dkim_pass_count", &entry.counters.dkimPass},
        {"spf_pass_count", &entry.counters.spfPass},
        {"dkim_aligned_count", &entry.counters.dkimAligned},
        {"spf_aligned_count", &entry.counters.spfAligned}};
    for (const auto &[name, field] : fields) {
        if (!readCount(counts.value(QLatin1String(name)), field))
            return legacyError(path, where % QStringLiteral(": ") % QLatin1String(name) %
                                         QStringLiteral(" is not a count"));
    }
    const QJsonObject dispositions = counts.value(QLatin1String("disposition_counts")).toObject();
    for (auto it = dispositions.begin(); it != dispositions.end(); ++it) {
        quint64 count = 0;
        if (!readCount(it.value(), &count))
            return legacyError(path, where % QStringLiteral(": disposition ") % it.key() %
                                         QStringLiteral(" is not a count"));
        if (it.key() == QLatin1String("quarantine"))
            entry.counters.quarantine = count;
        else if (it.key() == QLatin1String("reject"))
            entry.counters.reject = count;
        else if (it.key() != QLatin1String("none"))
            return legacyError(path, where % QStringLiteral(": unknown disposition ") % it.key());
    }
    return entry;
}

} // namespace

Result<StoreSnapshot> parseLegacyMetrics(const QByteArray &json, const QString &path)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (doc.isNull())
        return legacyError(path, QStringLiteral("not JSON: ") + parseError.errorString());

    QJsonArray metrics;
    QJsonArray invalid;
    if (doc.isArray()) {
        metrics = doc.array();
    } else {
        const QJsonObject root = doc.object();
        if (!root.value(QLatin1String("metrics")).isArray())
            return legacyError(path, QStringLiteral("no \"metrics\" list"));
        metrics = root.value(QLatin1String("metrics")).toArray();
        const QJsonValue invalidValue = root.value(QLatin1String("invalid_reports"));
        if (!invalidValue.isUndefined() && !invalidValue.isArray())
            return legacyError(path, QStringLiteral("\"invalid_reports\" is not a list"));
        invalid = invalidValue.toArray();
    }

    StoreSnapshot snapshot;
    for (int i = 0; i < metrics.size(); ++i) {
        auto entry = readEntry(metrics.at(i), path, i);
        if (!entry.ok())
            return entry.error();
        snapshot.counters << entry.value();
    }
    for (int i = 0; i < invalid.size(); ++i) {
        const QJsonArray pair = invalid.at(i).toArray();
        InvalidCount count;
        if (pair.size() != 2 || !pair.at(0).isObject() || !readCount(pair.at(1), &count.count))
            return legacyError(path, QStringLiteral("invalid_reports entry %1 is not a "
                                                    "[{\"from_email\": ...}, count] pair")
                                         .arg(i));
        // Upstream allowed a null sender; it is the empty address here.
        count.fromEmail = pair.at(0).toObject().value(QLatin1String("from_email")).toString();
        snapshot.invalidReports << count;
    }
    return snapshot;
}

Result<StoreSnapshot> readLegacyMetrics(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error{QStringLiteral("io"),
                     QStringLiteral("%1: cannot read: %2").arg(path, file.errorString())};
    return parseLegacyMetrics(file.readAll(), path);
}

} // namespace Dmarc
