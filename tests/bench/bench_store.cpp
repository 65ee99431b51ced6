// Store and endpoint benchmark: scrape latency with 10,000 label sets, and commit throughput
// with 1,000,000 dedup entries. Run through tests/bench/run.sh store.
#include "metrics/metricsendpoint.h"
#include "metrics/metricsregistry.h"
#include "store/store.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QThread>

#include <algorithm>
#include <cstdio>
#include <sys/resource.h>
#include <vector>

using namespace Dmarc;

namespace {

constexpr int kLabelSets = 10000;
constexpr int kScrapes = 500;
constexpr int kDedupEntries = 1000000;
constexpr int kCommitEmails = 20000;
constexpr int kBatchSize = 100;

LabelSet labels(int i)
{
    return LabelSet{QStringLiteral("Reporter %1").arg(i % 50),
                    QStringLiteral("domain-%1.example").arg(i),
                    QStringLiteral("dkim-%1.example").arg(i % 300),
                    QStringLiteral("spf-%1.example").arg(i % 200)};
}

// CPU seconds of the whole process so far (all threads): a figure that, unlike wall time, a busy
// machine does not inflate.
double cpuSeconds()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

double percentile(std::vector<double> values, double p)
{
    std::sort(values.begin(), values.end());
    return values[std::min(values.size() - 1, size_t(p * double(values.size())))];
}

struct ScrapeFigures
{
    std::vector<double> latenciesMs;
    qint64 bodyBytes = 0;
};

// Blocking client in its own thread, so the endpoint's event loop runs undisturbed.
class Scraper : public QThread
{
public:
    Scraper(quint16 port, bool gzip)
        : m_port(port)
        , m_gzip(gzip)
    {}
    ScrapeFigures figures;

protected:
    void run() override
    {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_port);
        if (!socket.waitForConnected(5000))
            return;
        const QByteArray request = m_gzip ? QByteArray("GET /metrics HTTP/1.1\r\n"
                                                       "Accept-Encoding: gzip\r\n\r\n")
                                          : QByteArray("GET /metrics HTTP/1.1\r\n\r\n");
        for (int i = 0; i < kScrapes; ++i) {
            QElapsedTimer timer;
            timer.start();
            socket.write(request);
            QByteArray buffer;
            qsizetype headEnd = -1;
            qint64 length = -1;
            while (length < 0 || buffer.size() < headEnd + 4 + length) {
                if (!socket.waitForReadyRead(10000))
                    return;
                buffer += socket.readAll();
                if (length < 0 && (headEnd = buffer.indexOf("\r\n\r\n")) >= 0) {
                    const qsizetype at = buffer.indexOf("Content-Length: ");
                    length = buffer.mid(at + 16, buffer.indexOf('\r', at) - at - 16).toLongLong();
                }
            }
            figures.latenciesMs.push_back(double(timer.nsecsElapsed()) / 1e6);
            figures.bodyBytes = length;
        }
    }

private:
    quint16 m_port;
    bool m_gzip;
};

void benchScrape()
{
    MetricsRegistry registry;
    Counters counters;
    counters.total = 123456;
    counters.compliant = 100000;
    counters.spfPass = 99999;
    for (int i = 0; i < kLabelSets; ++i)
        registry.addCounts(labels(i), counters);
    QElapsedTimer timer;
    timer.start();
    (void)registry.exposition(false);
    const double serializeMs = double(timer.nsecsElapsed()) / 1e6;
    timer.restart();
    (void)registry.exposition(true);
    const double gzipMs = double(timer.nsecsElapsed()) / 1e6;
    std::printf("scrape: %d label sets; serialising once after a change: %.1f ms, "
                "gzipping it once: %.1f ms\n",
                kLabelSets, serializeMs, gzipMs);

    MetricsEndpoint endpoint(&registry);
    EndpointSettings settings;
    settings.port = 0;
    if (!endpoint.start(settings).ok())
        return;
    for (bool gzip : {false, true}) {
        Scraper scraper(endpoint.serverPort(), gzip);
        const double cpuBefore = cpuSeconds();
        QEventLoop loop;
        QObject::connect(&scraper, &QThread::finished, &loop, &QEventLoop::quit);
        scraper.start();
        loop.exec();
        if (scraper.figures.latenciesMs.size() != size_t(kScrapes)) {
            std::printf("scrape: client failed\n");
            return;
        }
        const double cpuMs = (cpuSeconds() - cpuBefore) * 1000.0 / kScrapes;
        std::printf("scrape (%s): %d scrapes, p50 %.2f ms, p99 %.2f ms, body %lld bytes, "
                    "CPU %.2f ms per scrape (server and client)\n",
                    gzip ? "gzip" : "plain", kScrapes,
                    percentile(scraper.figures.latenciesMs, 0.50),
                    percentile(scraper.figures.latenciesMs, 0.99),
                    static_cast<long long>(scraper.figures.bodyBytes), cpuMs);
    }
}

// Fills the dedup table directly: 1,000,000 counted reports from the last days.
bool preloadDedup(const QString &path, qint64 now)
{
    const QString name = QStringLiteral("bench-preload");
    bool ok = false;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        ok = db.open() && db.transaction();
        QSqlQuery insert(db);
        ok = ok && insert.prepare(QStringLiteral("INSERT INTO dedup (org_name, report_id, "
                                                 "first_seen) VALUES (?, ?, ?)"));
        for (int i = 0; ok && i < kDedupEntries; ++i) {
            insert.addBindValue(QStringLiteral("Reporter %1").arg(i % 50));
            insert.addBindValue(QStringLiteral("preloaded-%1").arg(i));
            insert.addBindValue(now - (i % 500000));
            ok = insert.exec();
        }
        ok = ok && db.commit();
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return ok;
}

void benchCommits()
{
    QTemporaryDir dir;
    const qint64 now = 1700000000;
    {
        auto store = Store::open(dir.path());
        if (!store.ok()) {
            std::printf("commit: %s\n", qPrintable(store.error().message));
            return;
        }
    }
    QElapsedTimer timer;
    timer.start();
    if (!preloadDedup(dir.filePath(Store::fileName()), now)) {
        std::printf("commit: preloading failed\n");
        return;
    }
    std::printf("commit: preloaded %d dedup entries in %.1f s\n", kDedupEntries,
                double(timer.elapsed()) / 1000.0);
    auto store = std::move(Store::open(dir.path())).value();

    const auto makeEmail = [](int n) {
        ReportCounts report;
        report.orgName = QStringLiteral("Reporter %1").arg(n % 50);
        // Every fourth report was seen before: a lookup that hits.
        report.reportId = n % 4 == 0 ? QStringLiteral("preloaded-%1").arg(n * 7 % 400000)
                                     : QStringLiteral("new-%1").arg(n);
        report.dateBegin = 1700000000 - (n % 30) * 86400;
        report.records = 2;
        report.messages = 5;
        Counters c;
        c.total = 3;
        c.compliant = 2;
        report.counts << LabelCounts{labels(n % 1000), c} << LabelCounts{labels(n % 777), c};
        EmailCommit email;
        email.identity = EmailIdentity{QStringLiteral("main"), QStringLiteral("INBOX"), 1,
                                       quint32(n), QByteArray(32, char(n))};
        email.analysis.fromEmail = QStringLiteral("noreply@reporter.example");
        email.analysis.candidates = 1;
        email.analysis.reports << report;
        return email;
    };

    int offset = 0;
    for (int batchSize : {kBatchSize, 500, 1}) {
        const int emails = batchSize == 1 ? 1000 : kCommitEmails;
        offset += 1000000;
        const double cpuBefore = cpuSeconds();
        timer.restart();
        for (int start = 0; start < emails; start += batchSize) {
            QList<EmailCommit> batch;
            for (int n = start; n < start + batchSize; ++n)
                batch << makeEmail(offset + n);
            const auto result = store->commit(batch, now);
            if (!result.ok()) {
                std::printf("commit: %s\n", qPrintable(result.error().message));
                return;
            }
        }
        const double seconds = double(timer.nsecsElapsed()) / 1e9;
        const double cpu = cpuSeconds() - cpuBefore;
        std::printf("commit: %d emails in batches of %d: %.0f emails/s (%.2f ms per commit), "
                    "%.0f emails per CPU second\n",
                    emails, batchSize, double(emails) / seconds,
                    seconds * 1000.0 * batchSize / emails, double(emails) / cpu);
    }
    std::printf("commit: %lld dedup entries at the end\n",
                static_cast<long long>(*store->dedupEntryCount()));
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    benchScrape();
    benchCommits();
    return 0;
}
