// Report parsing benchmark: generates a 200,000-record aggregate report (about 100 MB of XML) and
// 2,000 small reports, plain and gzipped, and measures parse+count against a bare
// QXmlStreamReader token scan of the same XML. Usage: bench_report [WORK_DIR]

#include "common/parallel.h"
#include "analysis/emailanalyzer.h"
#include "report/reportcounter.h"
#include "report/reportparser.h"
#include "reportfixtures.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTextStream>
#include <QThread>
#include <QXmlStreamReader>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <functional>
#include <sys/resource.h>
#include <zlib.h>

using namespace Dmarc;

namespace {

constexpr int kBigRecords = 200000;
constexpr int kSmallReports = 2000;
constexpr int kSmallRecords = 5;
constexpr int kRuns = 5;
constexpr int kBigRounds = 3;
constexpr qsizetype kChunk = 64 * 1024;

// Writes bytes to a file as they come, optionally through gzip.
class Writer
{
public:
    explicit Writer(const QString &path, bool compress)
        : m_file(path)
        , m_compress(compress)
    {
        m_file.open(QIODevice::WriteOnly | QIODevice::Truncate);
        if (m_compress)
            deflateInit2(&m_stream, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    }
    void write(const QByteArray &data, int flush = Z_NO_FLUSH)
    {
        if (!m_compress) {
            m_file.write(data);
            return;
        }
        m_stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.constData()));
        m_stream.avail_in = uInt(data.size());
        char out[kChunk];
        do {
            m_stream.next_out = reinterpret_cast<Bytef *>(out);
            m_stream.avail_out = sizeof out;
            deflate(&m_stream, flush);
            m_file.write(out, qint64(sizeof out - m_stream.avail_out));
        } while (m_stream.avail_out == 0);
    }
    void close()
    {
        if (m_compress) {
            write(QByteArray(), Z_FINISH);
            deflateEnd(&m_stream);
        }
        m_file.close();
    }

private:
    QFile m_file;
    bool m_compress;
    z_stream m_stream{};
};

QByteArray header(const QByteArray &reportId)
{
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feedback>\n  <report_metadata>\n"
           "    <org_name>google.com</org_name>\n    "
           "<email>noreply-dmarc-support@google.com</email>\n"
           "    <report_id>" +
           reportId +
           "</report_id>\n"
           "    <date_range>\n      <begin>1601510400</begin>\n      <end>1601596799</end>\n"
           "    </date_range>\n  </report_metadata>\n  <policy_published>\n"
           "    <domain>mydomain.de</domain>\n    <adkim>r</adkim>\n    <aspf>r</aspf>\n"
           "    <p>none</p>\n    <sp>none</sp>\n    <pct>100</pct>\n  </policy_published>\n";
}

// A realistic, varied record of about 500 bytes.
QByteArray record(int i)
{
    static const char *const dispositions[] = {"none", "none", "none", "quarantine", "reject"};
    static const char *const results[] = {"pass", "pass", "fail"};
    const QByteArray domain = "sender" + QByteArray::number(i % 97) + ".example";
    return "  <record>\n    <row>\n      <source_ip>" + QByteArray::number(10 + i % 200) + '.' +
           QByteArray::number(i % 251) + '.' + QByteArray::number((i / 251) % 251) + '.' +
           QByteArray::number(i % 7) + "</source_ip>\n      <count>" +
           QByteArray::number(1 + i % 13) +
           "</count>\n      <policy_evaluated>\n        <disposition>" + dispositions[i % 5] +
           "</disposition>\n        <dkim>" + results[i % 3] + "</dkim>\n        <spf>" +
           results[(i / 3) % 3] +
           "</spf>\n      </policy_evaluated>\n    </row>\n    <identifiers>\n"
           "      <header_from>" +
           domain +
           "</header_from>\n"
           "      <envelope_from>bounce." +
           domain +
           "</envelope_from>\n    </identifiers>\n"
           "    <auth_results>\n      <dkim>\n        <domain>" +
           domain + "</domain>\n        <selector>s" + QByteArray::number(i % 3) +
           "</selector>\n        <result>" + results[(i / 2) % 3] +
           "</result>\n      </dkim>\n      <spf>\n        <domain>bounce." + domain +
           "</domain>\n        <scope>mfrom</scope>\n        <result>" + results[(i / 5) % 3] +
           "</result>\n      </spf>\n    </auth_results>\n  </record>\n";
}

QByteArray smallReport(int n)
{
    QByteArray xml = header("small-" + QByteArray::number(n));
    for (int i = 0; i < kSmallRecords; ++i)
        xml += record(n * kSmallRecords + i);
    return xml + "</feedback>\n";
}

// Peak resident memory: VmHWM, which can be reset per phase through clear_refs.
long peakKiB()
{
    QFile status(QStringLiteral("/proc/self/status"));
    status.open(QIODevice::ReadOnly);
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').first().toLong();
    }
    return -1;
}

void resetPeak()
{
    QFile clearRefs(QStringLiteral("/proc/self/clear_refs"));
    if (clearRefs.open(QIODevice::WriteOnly))
        clearRefs.write("5");
}

void streamFile(const QString &path, const std::function<void(QByteArrayView)> &consume)
{
    QFile file(path);
    file.open(QIODevice::ReadOnly);
    QByteArray buffer(kChunk, Qt::Uninitialized);
    while (true) {
        const qint64 read = file.read(buffer.data(), buffer.size());
        if (read <= 0)
            break;
        consume(QByteArrayView(buffer.constData(), read));
    }
}

struct Measure
{
    double seconds = 0;
    long peakKiB = 0;
};

Measure measure(const std::function<void()> &work)
{
    resetPeak();
    QElapsedTimer timer;
    timer.start();
    work();
    return {double(timer.nsecsElapsed()) / 1e9, peakKiB()};
}

// The median run (by time) of several, with the highest peak of them all.
Measure median(QList<Measure> runs)
{
    std::sort(runs.begin(), runs.end(),
              [](const Measure &a, const Measure &b) { return a.seconds < b.seconds; });
    Measure middle = runs.at(runs.size() / 2);
    for (const Measure &m : std::as_const(runs))
        middle.peakKiB = qMax(middle.peakKiB, m.peakKiB);
    return middle;
}

double median(QList<double> values)
{
    std::sort(values.begin(), values.end());
    return values.at(values.size() / 2);
}

// The median of several runs, for phases short enough that one run is at the mercy of the
// machine's other work.
Measure medianOf(int runs, const std::function<void()> &work)
{
    QList<Measure> all;
    for (int i = 0; i < runs; ++i)
        all.append(measure(work));
    return median(all);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    QTemporaryDir temporary;
    const QString dir = argc > 1 ? QString::fromLocal8Bit(argv[1]) : temporary.path();
    QDir().mkpath(dir);
    const QString bigXml = dir + QStringLiteral("/big.xml");
    const QString bigGz = dir + QStringLiteral("/big.xml.gz");

    // Generation, streamed to disk so that it does not count towards the peaks below.
    {
        Writer plain(bigXml, false);
        Writer packed(bigGz, true);
        const QByteArray head = header("big-1");
        plain.write(head);
        packed.write(head);
        for (int i = 0; i < kBigRecords; ++i) {
            const QByteArray piece = record(i);
            plain.write(piece);
            packed.write(piece);
        }
        plain.write("</feedback>\n");
        packed.write("</feedback>\n");
        plain.close();
        packed.close();
    }
    QList<QByteArray> smallPlain;
    QList<QByteArray> smallGz;
    qint64 smallBytes = 0;
    for (int n = 0; n < kSmallReports; ++n) {
        smallPlain.append(smallReport(n));
        smallGz.append(Test::gzip(smallPlain.constLast()));
        smallBytes += smallPlain.constLast().size();
    }
    const double xmlMB = double(QFileInfo(bigXml).size()) / 1e6;
    const double gzMB = double(QFileInfo(bigGz).size()) / 1e6;
    out << "Report parsing benchmark\n"
        << QStringLiteral("big report: %1 records, %2 MB XML, %3 MB gzipped\n")
               .arg(kBigRecords)
               .arg(xmlMB, 0, 'f', 1)
               .arg(gzMB, 0, 'f', 1)
        << QStringLiteral("small reports: %1 x %2 records, %3 KB XML each on average; "
                          "their times are the median of %4 runs\n\n")
               .arg(kSmallReports)
               .arg(kSmallRecords)
               .arg(double(smallBytes) / kSmallReports / 1e3, 0, 'f', 1)
               .arg(kRuns);
    out.flush();

    // Bare token scan: the ceiling for any QXmlStreamReader-based parser.
    qint64 tokens = 0;
    const auto bareScan = [&] {
        tokens = 0;
        QXmlStreamReader reader;
        streamFile(bigXml, [&](QByteArrayView chunk) {
            reader.addData(chunk.toByteArray());
            while (reader.readNext() != QXmlStreamReader::Invalid)
                ++tokens;
        });
    };
    quint64 messages = 0;
    const auto parsePlain = [&] {
        ReportCounter counter;
        ReportParser parser([&counter](const ReportRecord &record) { counter.add(record); });
        streamFile(bigXml, [&](QByteArrayView chunk) { parser.addData(chunk); });
        if (!parser.finish().ok())
            qFatal("the big report did not parse");
        messages = counter.result(parser.metadata(), parser.policy()).messages;
    };
    const auto parsePacked = [&] {
        QFile file(bigGz);
        file.open(QIODevice::ReadOnly);
        const EmailAnalysis analysis = analyzeFile(file.readAll(), bigGz, PayloadLimits());
        if (analysis.reports.size() != 1 || analysis.reports.constFirst().messages != messages)
            qFatal("the gzipped report did not give the plain report's counts");
    };
    // The three big phases take turns, kBigRounds times: the machine's speed drifts over a run,
    // and a ratio is only fair between phases measured close together. Each phase reports its
    // median round, each ratio the median of its rounds' ratios.
    QList<Measure> bareRounds, plainRounds, packedRounds;
    QList<double> plainRatios, packedRatios;
    for (int round = 0; round < kBigRounds; ++round) {
        bareRounds << measure(bareScan);
        plainRounds << measure(parsePlain);
        packedRounds << measure(parsePacked);
        plainRatios << bareRounds.last().seconds / plainRounds.last().seconds;
        packedRatios << bareRounds.last().seconds / packedRounds.last().seconds;
    }
    const Measure bare = median(bareRounds);
    const Measure plain = median(plainRounds);
    const Measure packed = median(packedRounds);

    // The small phases: the median of kRuns runs each.
    int smallOk = 0;
    const Measure smallPlainRun = medianOf(kRuns, [&] {
        for (const QByteArray &xml : smallPlain)
            smallOk +=
                analyzeFile(xml, QStringLiteral("small.xml"), PayloadLimits()).reports.size();
    });
    const Measure smallGzRun = medianOf(kRuns, [&] {
        for (const QByteArray &gz : smallGz)
            smallOk +=
                analyzeFile(gz, QStringLiteral("small.xml.gz"), PayloadLimits()).reports.size();
    });
    // As the exporter analyses a batch of emails: spread over every core.
    ParallelRunner parallel;
    std::atomic<int> parallelOk{0};
    const Measure smallGzParallel = medianOf(kRuns, [&] {
        parallel.forEach(smallGz.size(), [&](qsizetype i) {
            parallelOk +=
                int(analyzeFile(smallGz.at(i), QStringLiteral("small.xml.gz"), PayloadLimits())
                        .reports.size());
        });
    });
    if (smallOk != 2 * kRuns * kSmallReports || parallelOk != kRuns * kSmallReports)
        qFatal("a small report did not parse");

    // The ratio compares throughput on the same XML, so it is only given for the big report.
    // `ratio`: the throughput as a share of the bare scan's; 0 for none.
    auto row = [&](const char *what, const Measure &m, double records, double megabytes,
                   double ratio) {
        out << QStringLiteral("%1 %2 s  %3 records/s  %4 MB/s  peak RSS %5 MB")
                   .arg(QLatin1String(what), -34)
                   .arg(m.seconds, 6, 'f', 3)
                   .arg(records / m.seconds, 9, 'f', 0)
                   .arg(megabytes / m.seconds, 6, 'f', 1)
                   .arg(double(m.peakKiB) / 1024, 5, 'f', 1);
        if (ratio > 0)
            out << QStringLiteral("  %1x bare scan").arg(ratio, 0, 'f', 2);
        out << '\n';
    };
    out << QStringLiteral(
               "bare QXmlStreamReader scan (%1 tokens); big phases: median of %2 rounds\n")
               .arg(tokens)
               .arg(kBigRounds);
    row("  big XML, token scan only", bare, kBigRecords, xmlMB, 1.0);
    row("big XML, parse+count", plain, kBigRecords, xmlMB, median(plainRatios));
    row("big gzipped, inflate+parse+count", packed, kBigRecords, xmlMB, median(packedRatios));
    row("2,000 small XML, parse+count", smallPlainRun, kSmallReports * kSmallRecords,
        double(smallBytes) / 1e6, 0);
    row("2,000 small gzipped", smallGzRun, kSmallReports * kSmallRecords, double(smallBytes) / 1e6,
        0);
    row(qPrintable(
            QStringLiteral("2,000 small gzipped, %1 threads").arg(QThread::idealThreadCount())),
        smallGzParallel, kSmallReports * kSmallRecords, double(smallBytes) / 1e6, 0);
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    out << QStringLiteral("\nmessages counted in the big report: %1\n").arg(messages)
        << QStringLiteral("peak RSS of the whole process: %1 MB\n")
               .arg(double(usage.ru_maxrss) / 1024, 0, 'f', 1);
    return 0;
}
