#include "metrics/textwriter.h"

#include <QTest>

#include <cmath>
#include <limits>
#include <prometheus/metric_family.h>
#include <prometheus/text_serializer.h>
#include <sstream>

using Dmarc::TextWriter;

namespace {

// The same family through prometheus-cpp's TextSerializer, the format the writer must match.
QByteArray serialised(const char *name, const char *help, TextWriter::Type type,
                      const std::vector<TextWriter::Labels> &labelSets,
                      const std::vector<double> &values)
{
    prometheus::MetricFamily family;
    family.name = name;
    family.help = help;
    family.type = type == TextWriter::Type::Counter ? prometheus::MetricType::Counter
                                                    : prometheus::MetricType::Gauge;
    for (size_t i = 0; i < values.size(); ++i) {
        prometheus::ClientMetric metric;
        for (const auto &[label, value] : labelSets[i % labelSets.size()])
            metric.label.push_back({label, value.toStdString()});
        if (type == TextWriter::Type::Counter)
            metric.counter.value = values[i];
        else
            metric.gauge.value = values[i];
        family.metric.push_back(metric);
    }
    std::ostringstream out;
    prometheus::TextSerializer().Serialize(out, {family});
    return QByteArray::fromStdString(out.str());
}

QByteArray written(const char *name, const char *help, TextWriter::Type type,
                   const std::vector<TextWriter::Labels> &labelSets,
                   const std::vector<double> &values)
{
    QByteArray out;
    TextWriter writer(out);
    writer.family(name, help, type);
    for (size_t i = 0; i < values.size(); ++i)
        writer.sample(TextWriter::labelText(labelSets[i % labelSets.size()]), values[i]);
    return out;
}

} // namespace

class TestTextWriter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sameBytesAsTextSerializer_data()
    {
        QTest::addColumn<int>("type");
        QTest::addColumn<QString>("first");
        QTest::addColumn<QString>("second");
        QTest::newRow("plain") << int(TextWriter::Type::Counter) << QStringLiteral("google.com")
                               << QStringLiteral("example.com");
        QTest::newRow("escapes") << int(TextWriter::Type::Counter)
                                 << QStringLiteral("a\\b\"c\nd\\\\")
                                 << QStringLiteral("\"quoted\" \\n not a newline");
        QTest::newRow("unicode") << int(TextWriter::Type::Gauge)
                                 << QStringLiteral(u"b\u00fccher.example, \u4f8b\u3048.jp")
                                 << QStringLiteral(u"\U0001F4E7 m\u00e4il\r\ttab");
        QTest::newRow("empty values") << int(TextWriter::Type::Gauge) << QString() << QString();
    }

    void sameBytesAsTextSerializer()
    {
        QFETCH(int, type);
        QFETCH(QString, first);
        QFETCH(QString, second);
        const std::vector<TextWriter::Labels> labelSets = {
            {{"dkim_domain", first}, {"from_domain", second}, {"reporter", first}},
            {{"from_email", second}},
            {},
        };
        const std::vector<double> values = {
            0,
            1,
            42,
            97,
            1e15,
            9007199254740993.0, // 2^53 + 1, not a double: 2^53
            9999999999999998,
            1e16,
            12345678901234567890.0,
            double(std::numeric_limits<quint64>::max()),
            1e300,
            0.42,
            1234.5678,
            -3,
            -0.0,
            1.0 / 3,
            std::numeric_limits<double>::infinity(),
            -std::numeric_limits<double>::infinity(),
            std::nan(""),
        };
        const char *help = "Total number of SPF algined messages; 'quotes' \\ and \"more\".";
        const QByteArray ours =
            written("dmarc_spf_aligned_total", help, TextWriter::Type(type), labelSets, values);
        QCOMPARE(ours, serialised("dmarc_spf_aligned_total", help, TextWriter::Type(type),
                                  labelSets, values));
        QVERIFY(ours.contains("{dkim_domain=\""));
    }

    void wholeNumbersInFull()
    {
        QByteArray out;
        TextWriter::appendValue(out, 21807104);
        out += ' ';
        TextWriter::appendValue(out, 9999999999999998);
        out += ' ';
        TextWriter::appendValue(out, 1e16);
        out += ' ';
        TextWriter::appendValue(out, 0.42);
        QCOMPARE(out, QByteArray("21807104 9999999999999998 1e+16 0.42"));
    }

    void labelTextEscapesOnce()
    {
        QCOMPARE(TextWriter::labelText({{"a", QStringLiteral("x\\\"\n")}, {"b", QString()}}),
                 QByteArray("{a=\"x\\\\\\\"\\n\",b=\"\"}"));
        QCOMPARE(TextWriter::labelText({}), QByteArray());
    }
};

QTEST_GUILESS_MAIN(TestTextWriter)
#include "tst_textwriter.moc"
