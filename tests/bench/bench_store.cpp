// Store and endpoint benchmark: scrape latency with 10,000 label sets, and commit throughput
// with 1,000,000 dedup entries, of emails of one report with two label sets and of realistic
// emails. Run through tests/bench/run.sh store.
//
// Usage: bench_store [--postgresql]
//   --postgresql  the commits against a private PostgreSQL server of the test support's
//                 (storebackend.h) instead of a SQLite file, with the CPU time of the server's
//                 processes; no scrape
#include "analysis/emailanalyzer.h"
#include "imap/imapsettings.h"
#include "metrics/metricsendpoint.h"
#include "metrics/metricsregistry.h"
#include "realisticmailbox.h"
#include "service/sourcenaming.h"
#include "store/store.h"
#include "storebackend.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QThread>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <sys/resource.h>
#include <tuple>
#include <unistd.h>
#include <vector>

using namespace Dmarc;
using namespace Dmarc::Test;

namespace {

constexpr int kLabelSets = 10000;
constexpr int kScrapes = 500;
constexpr int kDedupEntries = 1000000;
constexpr int kRealisticEmails = 2000; // analysed once, committed again under new ids
constexpr int kCommitEmails = 10000;
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

// CPU seconds so far of the processes this one started and their children (a PostgreSQL
// server and its backends), read from /proc: the work of the server a commit waits for.
double childrenCpuSeconds()
{
    struct Process
    {
        qint64 parent = 0;
        double seconds = 0;
    };
    QHash<qint64, Process> processes;
    const double tick = double(sysconf(_SC_CLK_TCK));
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs);
    for (const QString &entry : entries) {
        bool number = false;
        const qint64 pid = entry.toLongLong(&number);
        QFile file(QStringLiteral("/proc/%1/stat").arg(entry));
        if (!number || !file.open(QIODevice::ReadOnly))
            continue;
        // After "pid (name) ": state, ppid, ..., utime and stime (fields 14 and 15), then the
        // same of the children it waited for.
        const QByteArray stat = file.readAll();
        const QList<QByteArray> fields = stat.mid(stat.lastIndexOf(')') + 2).split(' ');
        if (fields.size() < 15)
            continue;
        double ticks = 0;
        for (int field = 11; field <= 14; ++field)
            ticks += fields.at(field).toDouble();
        processes.insert(pid, Process{fields.at(1).toLongLong(), ticks / tick});
    }
    const qint64 self = QCoreApplication::applicationPid();
    double seconds = 0;
    for (auto it = processes.cbegin(); it != processes.cend(); ++it) {
        for (qint64 up = it->parent; up > 1; up = processes.value(up).parent) {
            if (up == self) {
                seconds += it->seconds;
                break;
            }
        }
    }
    return seconds;
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

// Fills the dedup table directly: 1,000,000 counted reports from the last days, from the
// reporters preloaded-org-0 to -39, entry i being report preloaded-i of preloaded-org-(i % 40).
bool preloadDedup(const QString &path, qint64 now)
{
    const QString name = QStringLiteral("bench-preload");
    bool ok = false;
    {
        QSqlDatabase db = rawDatabase(path, name);
        QSqlQuery insert(db);
        ok = db.open() &&
             insert.exec(QStringLiteral("WITH RECURSIVE entry(i) AS (SELECT 0 UNION ALL SELECT i + "
                                        "1 FROM entry WHERE i < %1) INSERT INTO dedup (org_name, "
                                        "report_id, first_seen) SELECT 'preloaded-org-' || (i % "
                                        "40), 'preloaded-' || i, %2 - (i % 500000) FROM entry")
                             .arg(kDedupEntries - 1)
                             .arg(now));
        if (!ok)
            std::printf("commit: %s\n", qPrintable(insert.lastError().text()));
        insert.finish();
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return ok;
}

// What the pipeline hands the store for a realistic mailbox (realisticmailbox.h: 40 reporters,
// 3,000 label sets, reports of 1 to thousands of records from many source IPs, a few invalid
// emails): each email analysed and its sources named as the exporter does.
// `fetched` is how many of them, in their order, one fetch of the default imap.max_batch_bytes
// takes, so one commit of the exporter.
QList<EmailCommit> realisticCommits(int &fetched)
{
    MailboxShape shape;
    shape.emails = kRealisticEmails;
    shape.labelSets = 3000;
    RealisticMailbox box = realisticMailbox(shape);
    const auto naming = SourceNaming::fromSettings({});
    if (!naming.ok()) {
        std::printf("commit: %s\n", qPrintable(naming.error().message));
        return {};
    }
    QList<EmailCommit> commits;
    qint64 records = 0;
    SourceNaming::Memo named;
    fetched = 0;
    for (qint64 bytes = 0; fetched < box.emails.size(); ++fetched) {
        bytes += box.emails.at(fetched).size();
        if (bytes > ImapSettings().maxBatchBytes)
            break;
    }
    for (QByteArray &raw : box.emails) {
        EmailCommit email;
        email.analysis = analyzeEmail(raw, PayloadLimits{});
        email.sourceLabels = naming->name(email.analysis, {}, named);
        email.identity.digest = QByteArray(32, char(commits.size()));
        for (const ReportCounts &report : std::as_const(email.analysis.reports))
            records += qint64(report.counts.size());
        commits << email;
        raw = QByteArray();
    }
    std::printf("commit: a realistic mailbox of %d emails (%d invalid), %d label sets, %lld label "
                "set rows in its reports, %.1f MB of XML, %.1f MB of email; one fetch of the "
                "default imap.max_batch_bytes takes %d of them\n",
                kRealisticEmails, box.invalid, box.labelSets, static_cast<long long>(records),
                double(box.xmlBytes) / 1e6, double(box.emailBytes) / 1e6, fetched);
    return commits;
}

// Email n of a series: one report of two label sets (the figure of the original's table), a
// quarter of the reports seen before (a lookup that hits).
EmailCommit simpleEmail(int n)
{
    ReportCounts report;
    const int seen = n * 7 % 400000;
    report.orgName = n % 4 == 0 ? QStringLiteral("preloaded-org-%1").arg(seen % 40)
                                : QStringLiteral("Reporter %1").arg(n % 50);
    report.reportId =
        n % 4 == 0 ? QStringLiteral("preloaded-%1").arg(seen) : QStringLiteral("new-%1").arg(n);
    report.dateBegin = 1700000000 - (n % 30) * 86400;
    report.records = 2;
    report.messages = 5;
    Counters c;
    c.total = 3;
    c.compliant = 2;
    report.counts << LabelCounts{labels(n % 1000), c} << LabelCounts{labels(n % 777), c};
    EmailCommit email;
    email.identity = EmailIdentity{QStringLiteral("main"), QStringLiteral("INBOX"), 1, quint32(n),
                                   QByteArray(32, char(n))};
    email.analysis.fromEmail = QStringLiteral("noreply@reporter.example");
    email.analysis.candidates = 1;
    email.analysis.reports << report;
    return email;
}

void benchCommits(bool postgres)
{
    const char *backend = postgres ? "postgresql" : "sqlite";
    if (const auto chosen = useStoreBackend(postgres); !chosen.ok()) {
        std::printf("commit: %s\n", qPrintable(chosen.error().message));
        return;
    }
    int fetched = 0;
    const QList<EmailCommit> realistic = realisticCommits(fetched);
    if (realistic.isEmpty())
        return;
    QTemporaryDir dir;
    const qint64 now = 1700000000;
    {
        auto store = Store::open(locationOf(dir.path()));
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
    std::printf("commit (%s): preloaded %d dedup entries in %.1f s\n", backend, kDedupEntries,
                double(timer.elapsed()) / 1000.0);
    auto store = std::move(Store::open(locationOf(dir.path()))).value();

    // Email n of a pass: a realistic one under an identity and report ids of its own; every
    // fourth report was seen before (a lookup that hits).
    const auto realisticEmail = [&realistic](int n) {
        EmailCommit email = realistic.at(n % kRealisticEmails);
        email.identity.account = QStringLiteral("main");
        email.identity.mailbox = QStringLiteral("INBOX");
        email.identity.uidValidity = 1;
        email.identity.uid = quint32(n);
        for (qsizetype r = 0; r < email.analysis.reports.size(); ++r) {
            ReportCounts &report = email.analysis.reports[r];
            if ((n + r) % 4 == 0) {
                const int seen = n * 7 % 400000;
                report.orgName = QStringLiteral("preloaded-org-%1").arg(seen % 40);
                report.reportId = QStringLiteral("preloaded-%1").arg(seen);
            } else {
                report.reportId += QStringLiteral("-%1").arg(n);
            }
        }
        return email;
    };

    // Realistic emails also in the batches the exporter commits while it works through a
    // backlog: as many as one fetch takes.
    const std::tuple<const char *, std::function<EmailCommit(int)>, QList<int>> kinds[] = {
        {"one report of two label sets", simpleEmail, {kBatchSize, 500, 1}},
        {"realistic", realisticEmail, {kBatchSize, 500, std::max(1, fetched), 1}}};
    int offset = 0;
    for (const auto &[kind, makeEmail, batchSizes] : kinds) {
        for (int batchSize : batchSizes) {
            const int emails = batchSize == 1 ? 1000 : kCommitEmails;
            offset += 1000000;
            const double cpuBefore = cpuSeconds();
            const double serverBefore = childrenCpuSeconds();
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
            const double server = childrenCpuSeconds() - serverBefore;
            std::printf("commit (%s, %s): %d emails in batches of %d: %.0f emails/s (%.2f ms per "
                        "commit), %.0f emails per CPU second of this process",
                        backend, kind, emails, batchSize, double(emails) / seconds,
                        seconds * 1000.0 * batchSize / emails, double(emails) / cpu);
            if (postgres)
                std::printf(", %.0f per CPU second of the server", double(emails) / server);
            std::printf("\n");
        }
    }
    // What the commits left to the sums per week of the counters and the sources
    // (Store::sumWeeks), which the exporter runs after a mailbox check.
    timer.restart();
    const double cpuBefore = cpuSeconds();
    const double serverBefore = childrenCpuSeconds();
    const auto summed = store->sumWeeks(QDate(2100, 1, 1));
    if (!summed.ok()) {
        std::printf("commit: %s\n", qPrintable(summed.error().message));
        return;
    }
    std::printf("commit (%s): the weeks of every commit above summed again: %d weeks in "
                "%.2f s, %.2f CPU seconds of this process",
                backend, *summed, double(timer.nsecsElapsed()) / 1e9, cpuSeconds() - cpuBefore);
    if (postgres)
        std::printf(", %.2f of the server", childrenCpuSeconds() - serverBefore);
    std::printf("\n");
    std::printf("commit (%s): %lld dedup entries at the end\n", backend,
                static_cast<long long>(*store->dedupEntryCount()));
    store.reset();
    stopStoreBackends();
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const bool postgres = app.arguments().contains(QStringLiteral("--postgresql"));
    if (!postgres)
        benchScrape();
    benchCommits(postgres);
    return 0;
}
