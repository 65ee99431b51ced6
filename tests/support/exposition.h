#pragma once

#include <QByteArray>
#include <QMap>
#include <QString>
#include <QStringList>

namespace Dmarc::Test {

// A Prometheus text exposition reduced to what it means: family types and sample values, each
// sample keyed by its name and its labels sorted by name. HELP texts and float formatting drop
// out.
struct ParsedExposition
{
    QMap<QString, QString> types;  // family -> counter|gauge|...
    QMap<QString, double> samples; // name{a="x",b="y"} -> value
    QStringList errors;            // lines that did not parse

    QMap<QString, double> samplesOf(const QString &family) const
    {
        QMap<QString, double> result;
        for (auto it = samples.cbegin(); it != samples.cend(); ++it) {
            if (it.key() == family || it.key().startsWith(family + QLatin1Char('{')))
                result.insert(it.key(), it.value());
        }
        return result;
    }

    // The samples that instances sharing one database serve alike: every family but each
    // instance's own (dmarc_metrics_exporter_*, process_*).
    QMap<QString, double> sharedSamples() const
    {
        QMap<QString, double> shared;
        for (auto it = samples.cbegin(); it != samples.cend(); ++it) {
            if (!it.key().startsWith(QLatin1String("dmarc_metrics_exporter_")) &&
                !it.key().startsWith(QLatin1String("process_")))
                shared.insert(it.key(), it.value());
        }
        return shared;
    }
};

inline ParsedExposition parseExposition(const QByteArray &text)
{
    ParsedExposition parsed;
    for (const QByteArray &rawLine : text.split('\n')) {
        const QString line = QString::fromUtf8(rawLine);
        if (line.isEmpty() || line.startsWith(QLatin1String("# HELP ")))
            continue;
        if (line.startsWith(QLatin1String("# TYPE "))) {
            const QStringList parts = line.mid(7).split(QLatin1Char(' '));
            if (parts.size() == 2)
                parsed.types.insert(parts.at(0), parts.at(1));
            else
                parsed.errors << line;
            continue;
        }
        // name{label="value",...} value
        int i = 0;
        while (i < line.size() && line.at(i) != QLatin1Char('{') && line.at(i) != QLatin1Char(' '))
            ++i;
        const QString name = line.left(i);
        QStringList labels;
        if (i < line.size() && line.at(i) == QLatin1Char('{')) {
            ++i;
            while (i < line.size() && line.at(i) != QLatin1Char('}')) {
                const int eq = line.indexOf(QLatin1Char('='), i);
                if (eq < 0 || eq + 1 >= line.size() || line.at(eq + 1) != QLatin1Char('"'))
                    break;
                const QString labelName = line.mid(i, eq - i);
                QString value;
                int j = eq + 2;
                for (; j < line.size() && line.at(j) != QLatin1Char('"'); ++j) {
                    if (line.at(j) == QLatin1Char('\\') && j + 1 < line.size()) {
                        ++j;
                        value += line.at(j) == QLatin1Char('n') ? QLatin1Char('\n') : line.at(j);
                    } else {
                        value += line.at(j);
                    }
                }
                labels << labelName + QLatin1String("=\"") + value + QLatin1Char('"');
                i = j + 1;
                if (i < line.size() && line.at(i) == QLatin1Char(','))
                    ++i;
            }
            ++i; // '}'
        }
        bool ok = false;
        const double value = line.mid(i).trimmed().toDouble(&ok);
        if (!ok || name.isEmpty()) {
            parsed.errors << line;
            continue;
        }
        labels.sort();
        const QString key = labels.isEmpty() ? name
                                             : name + QLatin1Char('{') +
                                                   labels.join(QLatin1Char(',')) + QLatin1Char('}');
        parsed.samples.insert(key, value);
    }
    return parsed;
}

} // namespace Dmarc::Test
