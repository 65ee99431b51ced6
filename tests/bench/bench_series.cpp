// Series at the default limits (docs/counting.md section 9), measured on the real exporter
// process from outside, as Prometheus and a user see it:
//   1. a store filled to limits.max_label_sets (10,000 unless given) with realistic label sets (40 reporters,
//      the own domains, their DKIM signers and SPF domains);
//   2. the exporter started on it: the time until its first answer on /metrics and the length of
//      that first scrape, which serialises every family (the "first scrape after a restart");
//   3. scrapes over a real HTTP socket, plain and gzip: p50 and p99; VmRSS afterwards;
//   4. a hostile email of one report with 300,000 label sets imported by the real binary: wall
//      time and peak RSS of the whole process (wait4), and the email refused.
// Targets: scrape p99 <= 100 ms plain and gzip, VmRSS <= 150 MB, first scrape <= 1 s, the
// hostile email refused in under 1 s with a peak RSS under 100 MB.
//
// Usage: bench_series PATH-TO-dmarc-metrics-exporter [SCRAPES] [LABEL-SETS]
//   SCRAPES     of each kind (default 200); LABEL-SETS in the store (default: the default limit)

#include "config/config.h"
#include "exporterharness.h"
#include "processstatus.h"
#include "reportfixtures.h"
#include "scrapeload.h"
#include "store/store.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTextStream>

#include <algorithm>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace Dmarc;
using namespace Dmarc::Test;

namespace {

QTextStream out(stdout);

int labelSetCount = Config().maxLabelSets;
constexpr int kHostileLabelSets = 300000;

// An email with one gzipped report of `labelSets` records, each its own label set.
QByteArray hostileEmail(int labelSets)
{
    QByteArray records;
    records.reserve(qsizetype(labelSets) * 330);
    for (int i = 0; i < labelSets; ++i) {
        records += record(
            "<disposition>none</disposition><dkim>fail</dkim><spf>fail</spf>", "<count>1</count>",
            "<header_from>h" + QByteArray::number(i) + ".attacker.example</header_from>");
    }
    const QByteArray xml = feedback(records, "hostile");
    out << "hostile report: " << labelSets << " label sets, " << xml.size() / 1024 / 1024
        << " MB of XML, ";
    const QByteArray compressed = gzip(xml, 9);
    out << compressed.size() / 1024 << " KB gzipped\n";
    return email({attachment("application/gzip", "hostile.xml.gz", compressed)});
}

// Runs `program arguments`, output discarded: wall seconds and peak RSS in KiB (wait4).
bool runMeasured(const QStringList &command, double *seconds, long *maxRssKiB, int *exitCode)
{
    QList<QByteArray> args;
    for (const QString &arg : command)
        args << arg.toLocal8Bit();
    std::vector<char *> argv;
    for (QByteArray &arg : args)
        argv.push_back(arg.data());
    argv.push_back(nullptr);
    QElapsedTimer clock;
    clock.start();
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::freopen("/dev/null", "w", stdout);
        ::freopen("/dev/null", "w", stderr);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    int status = 0;
    rusage usage{};
    if (pid < 0 || ::wait4(pid, &status, 0, &usage) != pid)
        return false;
    *seconds = double(clock.nsecsElapsed()) / 1e9;
    *maxRssKiB = usage.ru_maxrss;
    *exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return true;
}

QString verdict(bool ok)
{
    return ok ? QStringLiteral("ok") : QStringLiteral("MISSED");
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc < 2) {
        out << "usage: bench_series PATH-TO-dmarc-metrics-exporter [SCRAPES]\n";
        return 2;
    }
    const QString binary = QString::fromLocal8Bit(argv[1]);
    const int count = argc > 2 ? QByteArray(argv[2]).toInt() : 200;
    if (argc > 3)
        labelSetCount = QByteArray(argv[3]).toInt();
    QTemporaryDir dir;
    const QString storage = dir.filePath(QStringLiteral("state"));

    QElapsedTimer clock;
    clock.start();
    if (!fillStore(StoreLocation{storage, {}}, labelSetCount, out))
        return 1;
    out << "store filled with " << labelSetCount << " label sets in " << clock.elapsed() << " ms\n";

    const quint16 port = freeLocalPort();
    QProcess exporter;
    exporter.setStandardOutputFile(QProcess::nullDevice());
    exporter.setStandardErrorFile(QProcess::nullDevice());
    clock.restart();
    exporter.start(binary, {QStringLiteral("--no-gui"), QStringLiteral("--configuration"),
                            writeConfig(dir, storage, port)});
    exporter.waitForStarted();
    // The first scrape that succeeds; each try is a new connection.
    qint64 firstBytes = -1;
    qint64 firstScrapeMs = 0;
    while (firstBytes < 0 && clock.elapsed() < 30000 && exporter.state() == QProcess::Running) {
        QElapsedTimer scrape;
        scrape.start();
        firstBytes = scrapeOnce(port, false);
        firstScrapeMs = scrape.elapsed();
    }
    const qint64 readyMs = clock.elapsed();
    if (firstBytes < 0) {
        out << "the exporter did not answer\n";
        return 1;
    }
    out << "after the start: first /metrics answer after " << readyMs << " ms; that scrape took "
        << firstScrapeMs << " ms (" << firstBytes / 1024 / 1024 << " MB) -> "
        << verdict(firstScrapeMs <= 1000) << "\n";

    for (const bool gzip : {false, true}) {
        const Timings t = scrapes(port, gzip, count);
        out << (gzip ? "gzip " : "plain") << " scrapes x" << count << ": p50 "
            << QString::number(t.p50, 'f', 1) << " ms, p99 " << QString::number(t.p99, 'f', 1)
            << " ms, " << t.bytes / 1024 << " KB -> " << verdict(t.p99 <= 100) << "\n";
    }
    const ProcessStatus status = processStatus(exporter.processId());
    out << "exporter VmRSS " << status.rssKiB / 1024 << " MB (peak " << status.hwmKiB / 1024
        << " MB) -> " << verdict(status.rssKiB <= 150 * 1024) << "\n";
    exporter.terminate();
    exporter.waitForFinished(10000);

    // The hostile email, imported by the real binary into a store of its own.
    const QString emailPath = dir.filePath(QStringLiteral("hostile.eml"));
    QFile emailFile(emailPath);
    emailFile.open(QIODevice::WriteOnly);
    emailFile.write(hostileEmail(kHostileLabelSets));
    emailFile.close();
    QTemporaryDir importDir;
    const QString importConfig =
        writeConfig(importDir, importDir.filePath(QStringLiteral("state")), 0);
    double seconds = 0;
    long maxRss = 0;
    int exitCode = 0;
    if (!runMeasured({binary, QStringLiteral("--configuration"), importConfig,
                      QStringLiteral("import"), emailPath},
                     &seconds, &maxRss, &exitCode))
        return 1;
    auto store = Store::open(importDir.filePath(QStringLiteral("state")));
    const auto snapshot = store ? (*store)->snapshot() : Result<StoreSnapshot>(store.error());
    const bool refused =
        snapshot && snapshot->counters.isEmpty() && snapshot->invalidReports.size() == 1;
    out << "hostile email imported in " << QString::number(seconds, 'f', 2) << " s, peak RSS "
        << maxRss / 1024 << " MB, exit " << exitCode << ", "
        << (refused ? "refused: no label set stored, counted invalid" : "NOT refused") << " -> "
        << verdict(refused && seconds < 1.0 && maxRss < 100 * 1024) << "\n";
    return 0;
}
