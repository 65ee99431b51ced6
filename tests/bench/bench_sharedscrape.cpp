// Scrapes of an exporter whose counters come from a PostgreSQL store that several instances
// share (docs/metrics.md section 1.5), measured on the real exporter process from outside:
//   1. a private PostgreSQL server (the test support's) holding LABEL-SETS realistic label sets
//      (10,000 unless given);
//   2. the read that each refresh makes (Store::snapshot(), every label set at once), timed 20
//      times from this process: p50 and the largest;
//   3. the exporter started on that database, with an account nobody answers for;
//   4. scrapes over a real HTTP socket, gzip and plain in turns, for SECONDS (30 unless given),
//      while another writer commits a report of 500 of the label sets every second, so that each
//      of the exporter's refreshes (every 5 s) finds higher counters, serialises them and
//      publishes them: p50, p99 and the slowest scrape; then the exporter's dmarc_total,
//      summed, against the store's.
// Target: scrape p99 <= 20 ms (gzip, as Prometheus asks; plain shown beside it).
//
// Usage: bench_sharedscrape PATH-TO-dmarc-metrics-exporter [SECONDS] [LABEL-SETS] [--no-writer]
//   --no-writer: nobody commits meanwhile, so the refreshes read and find nothing new

#include "config/config.h"
#include "exporterharness.h"
#include "exposition.h"
#include "postgresserver.h"
#include "scrapeload.h"
#include "store/store.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTextStream>

#include <atomic>
#include <chrono>
#include <thread>

using namespace Dmarc;
using namespace Dmarc::Test;

namespace {

QTextStream out(stdout);

QString verdict(bool ok)
{
    return ok ? QStringLiteral("ok") : QStringLiteral("MISSED");
}

// The report of round `round`: 500 of the label sets, each one message more.
EmailCommit roundReport(int round, int labelSets)
{
    EmailCommit email;
    email.identity = EmailIdentity{QStringLiteral("writer"), QStringLiteral("INBOX"), 1,
                                   quint32(round + 1), QByteArray::number(round)};
    email.analysis.fromEmail = QStringLiteral("noreply@reporter.example");
    email.analysis.candidates = 1;
    ReportCounts report;
    report.orgName = QStringLiteral("writer");
    report.reportId = QStringLiteral("round-%1").arg(round);
    report.policyDomain = QStringLiteral("example.com");
    for (int i = 0; i < 500; ++i) {
        Counters counters;
        counters.total = counters.compliant = 1;
        report.counts << LabelCounts{realisticLabelSet((round * 500 + i) % labelSets), counters};
    }
    email.analysis.reports << report;
    return email;
}

double sumOf(const QMap<QString, double> &samples)
{
    double sum = 0;
    for (const double value : samples)
        sum += value;
    return sum;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc < 2) {
        out << "usage: bench_sharedscrape PATH-TO-dmarc-metrics-exporter [SECONDS] [LABEL-SETS] "
               "[--no-writer]\n";
        return 2;
    }
    const QString binary = QString::fromLocal8Bit(argv[1]);
    const int seconds = argc > 2 ? QByteArray(argv[2]).toInt() : 30;
    const int labelSets = argc > 3 ? QByteArray(argv[3]).toInt() : Config().maxLabelSets;
    const bool writes = !(argc > 4 && QByteArray(argv[4]) == "--no-writer");

    PostgresServer postgres;
    if (const auto started = postgres.start(); !started) {
        out << started.error().message << "\n";
        return 1;
    }
    auto database = DatabaseSettings::fromUrl(postgres.urlWithPassword());
    if (!database) {
        out << database.error().message << "\n";
        return 1;
    }
    QTemporaryDir dir;
    const StoreLocation location{dir.filePath(QStringLiteral("state")), *database};
    QElapsedTimer clock;
    clock.start();
    if (!fillStore(location, labelSets, out))
        return 1;
    out << "PostgreSQL store filled with " << labelSets << " label sets in " << clock.elapsed()
        << " ms\n";

    {
        auto store = Store::open(location);
        if (!store) {
            out << store.error().message << "\n";
            return 1;
        }
        QList<double> ms;
        for (int i = 0; i < 20; ++i) {
            clock.restart();
            if (!(*store)->snapshot()) {
                out << "the store could not be read\n";
                return 1;
            }
            ms << double(clock.nsecsElapsed()) / 1e6;
        }
        std::sort(ms.begin(), ms.end());
        out << "one read of the counters back (Store::snapshot) x20: p50 "
            << QString::number(ms.at(10), 'f', 1) << " ms, slowest "
            << QString::number(ms.last(), 'f', 1) << " ms\n";
    }

    const quint16 port = freeLocalPort();
    const QJsonObject shared{
        {QStringLiteral("database"),
         QJsonObject{{QStringLiteral("url"), postgres.url()},
                     {QStringLiteral("password_file"), postgres.passwordFile()},
                     {QStringLiteral("instance"), QStringLiteral("bench")}}}};
    QProcess exporter;
    exporter.setStandardOutputFile(QProcess::nullDevice());
    exporter.setStandardErrorFile(QProcess::nullDevice());
    exporter.start(binary, {QStringLiteral("--no-gui"), QStringLiteral("--configuration"),
                            writeConfig(dir, location.directory, port, shared)});
    exporter.waitForStarted();
    clock.restart();
    while (scrapeOnce(port, false) < 0 && clock.elapsed() < 30000 &&
           exporter.state() == QProcess::Running) {
    }
    if (exporter.state() != QProcess::Running || clock.elapsed() >= 30000) {
        out << "the exporter did not answer\n";
        return 1;
    }

    // Another instance's commits, once a second, on a connection of its own.
    std::atomic<bool> writing{writes};
    std::atomic<int> rounds{0};
    std::thread writer([&] {
        auto store = Store::open(location);
        if (!store)
            return;
        for (int round = 0; writing; ++round) {
            if ((*store)->commit({roundReport(round, labelSets)},
                                 QDateTime::currentSecsSinceEpoch()))
                ++rounds;
            std::this_thread::sleep_for(std::chrono::seconds(1));
        }
    });
    QList<double> ms[2]; // plain, gzip: taken in turns
    clock.restart();
    for (int i = 0; clock.elapsed() < qint64(seconds) * 1000; ++i) {
        QElapsedTimer scrape;
        scrape.start();
        if (scrapeOnce(port, i % 2) < 0) {
            out << "a scrape failed\n";
            break;
        }
        ms[i % 2] << double(scrape.nsecsElapsed()) / 1e6;
    }
    writing = false;
    writer.join();
    out << "over " << seconds << " s, " << rounds
        << " reports of 500 label sets committed meanwhile by another writer:\n";
    for (const bool gzip : {true, false}) {
        QList<double> &sorted = ms[gzip];
        std::sort(sorted.begin(), sorted.end());
        const double p99 =
            sorted.at(std::min<qsizetype>(sorted.size() - 1, qsizetype(sorted.size() * 0.99)));
        out << (gzip ? "  gzip " : "  plain") << " scrapes x" << sorted.size() << ": p50 "
            << QString::number(sorted.at(sorted.size() / 2), 'f', 1) << " ms, p99 "
            << QString::number(p99, 'f', 1) << " ms, slowest "
            << QString::number(sorted.last(), 'f', 1) << " ms -> " << verdict(p99 <= 20) << "\n";
    }

    // What the exporter serves catches up with the store within a refresh.
    auto store = Store::open(location);
    const auto snapshot = (*store)->snapshot();
    double stored = 0;
    for (const LabelCounts &entry : snapshot->counters)
        stored += double(entry.counters.total);
    double served = -1;
    clock.restart();
    while (served != stored && clock.elapsed() < 15000) {
        served = sumOf(
            parseExposition(httpGet(QUrl(QStringLiteral("http://127.0.0.1:%1/metrics").arg(port))))
                .samplesOf(QStringLiteral("dmarc_total")));
    }
    out << "dmarc_total summed: served " << served << ", stored " << stored << " after "
        << clock.elapsed() << " ms -> " << verdict(served == stored) << "\n";
    exporter.terminate();
    exporter.waitForFinished(10000);
    return 0;
}
