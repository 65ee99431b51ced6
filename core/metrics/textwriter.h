#pragma once

#include <QByteArray>
#include <QString>

#include <utility>
#include <vector>

namespace Dmarc {

// Writes the Prometheus text format (version 0.0.4) into a buffer, byte for byte as
// prometheus-cpp's TextSerializer writes counters and gauges: HELP as given; in label values a
// backslash and a quote get a backslash before them and a line feed becomes \n; values as
// "%.16g" in the C locale ("Nan", "+Inf", "-Inf"), so whole numbers below 10^16 in full. Straight
// into the buffer, without a sample structure per value (docs/metrics.md section 4).
class TextWriter
{
public:
    enum class Type
    {
        Counter,
        Gauge
    };
    using Labels = std::vector<std::pair<const char *, QString>>;

    explicit TextWriter(QByteArray &out)
        : m_out(out)
    {}

    // The "# HELP" and "# TYPE" lines; the samples that follow belong to this family.
    void family(const char *name, const char *help, Type type);

    // One sample of the current family. `labels` is what labelText() made (empty for none), so
    // that a label set written in several families is escaped once.
    void sample(const QByteArray &labels, double value);

    // `{name="value",...}` with the values escaped; empty for no labels.
    static QByteArray labelText(const Labels &labels);

    // `value` as the text format writes it.
    static void appendValue(QByteArray &out, double value);

private:
    QByteArray &m_out;
    QByteArray m_name;
};

} // namespace Dmarc
