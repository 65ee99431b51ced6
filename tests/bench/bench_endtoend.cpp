// End to end: a realistic mailbox of report emails (tests/support/realisticmailbox.h: 40
// reporters, thousands of label sets, 1 KB to 1 MB reports, zip, gzip and plain XML, a few
// invalid emails) through a local Dovecot over TLS into the real exporter process, and the
// process's memory at rest afterwards, measured from outside as a user would (/proc/PID/status).
//
// Usage: bench_endtoend PATH-TO-dmarc-metrics-exporter [EMAILS] [IDLE-SECONDS] [PHASES]
//   EMAILS        emails of the timed batch (default 2000)
//   IDLE-SECONDS  how long to watch the process in IDLE after the batch (default 40)
//   PHASES        comma-separated: empty, batch, growth, tiny, versus (default empty,batch,growth)
//     empty   the exporter on an empty inbox: VmRSS at rest (the reference)
//     batch   the realistic batch: throughput, VmRSS at rest, then IDLE for IDLE-SECONDS
//     growth  one exporter, three realistic batches that bring the store to 1,000, 10,000 and
//             50,000 label sets: VmRSS at rest after each
//     tiny    the former workload: EMAILS copies of one two-record report
//     versus  the realistic batch taken in turns by the exporter BENCH_VERSUS=PATH (e.g. an
//             earlier revision's) and by this one, BENCH_ROUNDS times each (default 3): each
//             run's throughput and the exporter's CPU time, with the load average at its
//             start, and the medians; BENCH_VERSUS_WITHOUT=KEY,... leaves top-level keys out
//             of that exporter's configuration (a revision before `sources` refuses the key)
// "At rest": the check has finished (every email counted, the inbox empty, the check's end
// published) and the process's thread count is back to what it was at rest on an empty inbox
// (the analysis helpers have ended) and has not changed for 2 s; at most 60 s.
// BENCH_LOG=FILE keeps the exporter's log. BENCH_SEED=N changes the mailbox (default 1).
// BENCH_ADDRESSES=new gives every record of the realistic mailboxes an address of its own (the
// heaviest case for the store); by default most come from a pool of sending servers used again
// and again, as a domain's reports do (SourceAddresses in tests/support/realisticmailbox.h).
// BENCH_WRAPPER="heaptrack -o FILE" (or any command) runs the exporter under it.

#include "benchtools.h"
#include "dovecotserver.h"
#include "exporterharness.h"
#include "processstatus.h"
#include "realisticmailbox.h"
#include "reportfixtures.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>

#include <algorithm>
#include <csignal>

using namespace Dmarc::Test;

namespace {

QTextStream out(stdout);

// The process's memory and threads (/proc/PID/status) and the CPU time it has used.
struct ProcessSample : ProcessStatus
{
    double cpuSeconds = 0;
};

ProcessSample sample(qint64 pid)
{
    ProcessSample result;
    static_cast<ProcessStatus &>(result) = processStatus(pid);
    result.cpuSeconds = cpuSecondsOf(pid);
    return result;
}

QString mb(qint64 kib)
{
    return QString::number(double(kib) / 1024.0, 'f', 1);
}

QString describe(const ProcessSample &s)
{
    return QStringLiteral("VmRSS %1 MB (RssAnon %2, RssFile %3), peak %4 MB, %5 threads")
        .arg(mb(s.rssKiB), mb(s.anonKiB), mb(s.fileKiB), mb(s.hwmKiB))
        .arg(s.threads);
}

const QString kLastCheck =
    QStringLiteral("dmarc_metrics_exporter_imap_last_success_timestamp_seconds");

// One exporter process with its own state directory and port.
class ExporterProcess
{
public:
    // `leftOut`: top-level keys of the configuration left out (an earlier revision refuses the
    // keys it does not know).
    ExporterProcess(const QString &binary, const DovecotServer &server,
                    const QStringList &leftOut = {})
    {
        m_port = freeLocalPort();
        const QString configPath = m_dir.filePath(QStringLiteral("config.json"));
        QFile config(configPath);
        config.open(QIODevice::WriteOnly);
        // The growth phase takes the store to 50,000 label sets, past the default limit.
        QJsonObject json = QJsonDocument::fromJson(
                               exporterConfig({dovecotAccount(server, QStringLiteral("bench"))},
                                              m_dir.filePath(QStringLiteral("state")), m_port, 60))
                               .object();
        json.insert(QStringLiteral("limits"),
                    QJsonObject{{QStringLiteral("max_label_sets"), 100000}});
        for (const QString &key : leftOut)
            json.remove(key);
        config.write(QJsonDocument(json).toJson());
        config.close();
        m_process.setStandardOutputFile(QProcess::nullDevice());
        const QString log = qEnvironmentVariable("BENCH_LOG");
        if (log.isEmpty())
            m_process.setStandardErrorFile(QProcess::nullDevice());
        else
            m_process.setStandardErrorFile(log, QIODevice::Append);
        QStringList command =
            qEnvironmentVariable("BENCH_WRAPPER").split(QLatin1Char(' '), Qt::SkipEmptyParts);
        command << binary << QStringLiteral("--no-gui") << QStringLiteral("--configuration")
                << configPath;
        m_process.start(command.takeFirst(), command);
        m_process.waitForStarted();
    }
    ~ExporterProcess()
    {
        if (pid() != m_process.processId())
            ::kill(pid_t(pid()), SIGTERM); // a wrapper may not pass the signal on
        m_process.terminate();
        if (!m_process.waitForFinished(10000))
            m_process.kill();
    }

    // The exporter's process: under a wrapper (e.g. BENCH_WRAPPER="heaptrack"), its youngest
    // descendant.
    qint64 pid() const
    {
        qint64 pid = m_process.processId();
        for (int depth = 0; depth < 4; ++depth) {
            QFile children(QStringLiteral("/proc/%1/task/%1/children").arg(pid));
            if (!children.open(QIODevice::ReadOnly))
                break;
            const QList<QByteArray> list = children.readAll().trimmed().split(' ');
            if (list.constLast().isEmpty())
                break;
            pid = list.constLast().toLongLong();
        }
        return pid;
    }
    bool running() const { return m_process.state() == QProcess::Running; }
    QUrl metrics() const { return QUrl(QStringLiteral("http://127.0.0.1:%1/metrics").arg(m_port)); }
    // Every one of `emails` emails decided and a check finished at or after `sinceSecs`.
    bool checked(double emails, double sinceSecs, double *seenEmails = nullptr) const
    {
        const ParsedExposition exposition = scrape(metrics());
        const double decided = exposition.samples.value(kDone) + exposition.samples.value(kError);
        if (seenEmails)
            *seenEmails = decided;
        const QMap<QString, double> last = exposition.samplesOf(kLastCheck);
        return decided >= emails && !last.isEmpty() && last.first() > 0 &&
               last.first() >= sinceSecs;
    }

private:
    QTemporaryDir m_dir;
    quint16 m_port = 0;
    QProcess m_process;
};

// Waits until the check is done (see ExporterProcess::checked); polls every `intervalMs`.
bool waitForCheck(const ExporterProcess &exporter, double emails, double sinceSecs, int intervalMs,
                  int timeoutMs)
{
    QElapsedTimer clock;
    clock.start();
    double seen = 0;
    while (clock.elapsed() < timeoutMs && exporter.running()) {
        if (exporter.checked(emails, sinceSecs, &seen))
            return true;
        waitMs(intervalMs);
    }
    out << "timed out: " << seen << " of " << emails << " emails decided; the exporter "
        << (exporter.running() ? "runs" : "has ended") << " (BENCH_LOG=FILE keeps its log)\n";
    out.flush();
    return false;
}

// Waits until the process is at rest: at most `idleThreads` threads (0: any), unchanged for 2 s.
ProcessSample waitForRest(qint64 pid, int idleThreads, double *restSeconds)
{
    QElapsedTimer clock;
    clock.start();
    ProcessSample last = sample(pid);
    qint64 stableSince = 0;
    while (clock.elapsed() < 60000) {
        waitMs(200);
        const ProcessSample now = sample(pid);
        if (now.threads != last.threads || (idleThreads > 0 && now.threads > idleThreads))
            stableSince = clock.elapsed();
        last = now;
        if (clock.elapsed() - stableSince >= 2000 && clock.elapsed() >= 3000)
            break;
    }
    *restSeconds = double(clock.elapsed()) / 1000.0;
    return last;
}

// Delivers into the inbox. A running exporter (`pausedPid`) is stopped meanwhile, so that it
// finds the whole delivery at once when it continues, as it would after a night's reports.
bool deliver(DovecotServer &server, const QList<QByteArray> &emails, qint64 pausedPid = 0)
{
    if (pausedPid > 0)
        ::kill(pid_t(pausedPid), SIGSTOP);
    const auto resume = qScopeGuard([&] {
        if (pausedPid > 0)
            ::kill(pid_t(pausedPid), SIGCONT);
    });
    const int before = server.messageCount(QStringLiteral("INBOX"));
    if (!server.deliverToInbox(emails).ok()) {
        out << "delivery failed\n";
        return false;
    }
    // Dovecot sees the new files on its next look at the maildir; files renamed into it within
    // the second of its last look may need another.
    QElapsedTimer clock;
    clock.start();
    int held = 0;
    while ((held = server.messageCount(QStringLiteral("INBOX"))) != before + emails.size() &&
           clock.elapsed() < 20000)
        waitMs(100);
    if (held != before + emails.size()) {
        out << "the inbox holds " << held << " emails, not " << before + emails.size() << "\n";
        return false;
    }
    return true;
}

void describeMailbox(const RealisticMailbox &box)
{
    out << "mailbox: " << box.emails.size() << " emails (" << box.valid << " valid, " << box.invalid
        << " invalid), " << box.labelSets << " new label sets, " << box.records << " records, "
        << box.addresses << " source addresses, " << mb(box.xmlBytes / 1024)
        << " MB of XML (largest report " << QString::number(double(box.largestXml) / 1024.0, 'f', 0)
        << " KB), " << mb(box.emailBytes / 1024) << " MB of email; attachments: " << box.zip
        << " zip, " << box.gzip << " gzip, " << box.xml << " XML\n";
    out.flush();
}

struct Bench
{
    QString binary;
    DovecotServer server;
    int idleThreads = 0; // threads of an exporter at rest on an empty inbox
    quint64 seed = 1;
    SourceAddresses addresses = SourceAddresses::KnownSenders;
    int batches = 0; // report id prefixes already used

    QByteArray nextPrefix() { return "b" + QByteArray::number(++batches); }

    bool empty()
    {
        out << "\n== empty inbox\n";
        ExporterProcess exporter(binary, server);
        if (!waitForCheck(exporter, 0, 1, 50, 60000))
            return false;
        double rest = 0;
        const ProcessSample atRest = waitForRest(exporter.pid(), 0, &rest);
        idleThreads = atRest.threads;
        out << "at rest (" << QString::number(rest, 'f', 1)
            << " s after the check): " << describe(atRest) << "\n";
        out.flush();
        return true;
    }

    RealisticMailbox realisticBatch(int count)
    {
        MailboxShape shape;
        shape.seed = seed;
        shape.addresses = addresses;
        shape.emails = count;
        shape.labelSets = count * 21 / 20;
        shape.generation = 0;
        shape.reportIdPrefix = nextPrefix();
        RealisticMailbox box = realisticMailbox(shape);
        out << "\n== realistic batch\n";
        describeMailbox(box);
        return box;
    }

    bool batch(int count, int idleSeconds)
    {
        double emailsPerSecond = 0;
        return take(binary, realisticBatch(count), idleSeconds, &emailsPerSecond);
    }

    // The batch `box` taken by a fresh `exporterBinary` on a fresh store: its throughput in
    // `emailsPerSecond`; then, unless `idleSeconds` is negative, the process at rest and after
    // `idleSeconds` in IDLE.
    bool take(const QString &exporterBinary, const RealisticMailbox &box, int idleSeconds,
              double *emailsPerSecond, const QStringList &leftOut = {},
              double *cpuSeconds = nullptr)
    {
        const int count = int(box.emails.size());
        if (!deliver(server, box.emails))
            return false;

        QElapsedTimer clock;
        clock.start();
        ExporterProcess exporter(exporterBinary, server, leftOut);
        // Done when every email is decided and a check has finished, which it does only after
        // the moves. Asking Dovecot instead (doveadm) would compete with its own work on them.
        if (!waitForCheck(exporter, count, 1, 20, 300000))
            return false;
        const double seconds = double(clock.elapsed()) / 1000.0;
        const ProcessSample done = sample(exporter.pid());
        if (server.messageCount(QStringLiteral("INBOX")) != 0) {
            out << "the inbox still holds emails\n";
            return false;
        }
        *emailsPerSecond = count / seconds;
        out << count << " emails (TLS, fetch + analyse + commit + move, start-up included): "
            << QString::number(seconds, 'f', 2) << " s, "
            << QString::number(*emailsPerSecond, 'f', 0) << " emails/s\n";
        out << "archive " << server.messageCount(QStringLiteral("Archive")) << ", invalid "
            << server.messageCount(QStringLiteral("Invalid")) << " emails\n";
        out << "check ended: " << describe(done) << ", CPU "
            << QString::number(done.cpuSeconds, 'f', 2) << " s\n";
        out.flush();
        if (cpuSeconds)
            *cpuSeconds = done.cpuSeconds;
        if (idleSeconds < 0)
            return true;
        double rest = 0;
        const ProcessSample atRest = waitForRest(exporter.pid(), idleThreads, &rest);
        out << "at rest (" << QString::number(rest, 'f', 1)
            << " s after the check): " << describe(atRest) << "\n";
        out.flush();
        waitMs(idleSeconds * 1000);
        const ProcessSample after = sample(exporter.pid());
        out << "then " << idleSeconds << " s in IDLE: " << describe(after) << ", CPU "
            << QString::number(after.cpuSeconds - atRest.cpuSeconds, 'f', 3) << " s\n";
        out.flush();
        return true;
    }

    // The same realistic batch taken by the exporter `other` (its configuration without the keys
    // `otherLeftOut`) and by this one in turns, `rounds` times each, `other` first: each run's
    // throughput and CPU time, and their medians. The machine's speed drifts, so only runs close
    // together compare fairly.
    bool versus(const QString &other, const QStringList &otherLeftOut, int count, int rounds)
    {
        if (other.isEmpty() || rounds < 1) {
            out << "versus needs BENCH_VERSUS=PATH and BENCH_ROUNDS of at least 1\n";
            return false;
        }
        const RealisticMailbox box = realisticBatch(count);
        QList<double> figures[2];
        QList<double> cpu[2];
        const QString binaries[2] = {other, binary};
        for (int round = 0; round < rounds; ++round) {
            for (int which = 0; which < 2; ++which) {
                out << "\n-- round " << round + 1 << ", " << binaries[which] << " (load average "
                    << loadAverage() << ")\n";
                double emailsPerSecond = 0;
                double cpuSeconds = 0;
                if (!take(binaries[which], box, -1, &emailsPerSecond,
                          which == 0 ? otherLeftOut : QStringList(), &cpuSeconds))
                    return false;
                figures[which] << emailsPerSecond;
                cpu[which] << cpuSeconds;
            }
        }
        out << "\n";
        // The median, lowest and highest of `values`, with `decimals` digits.
        const auto spread = [rounds](QList<double> values, int decimals) {
            std::sort(values.begin(), values.end());
            const double median = (values.at((rounds - 1) / 2) + values.at(rounds / 2)) / 2;
            return QStringLiteral("median %1 (%2 to %3)")
                .arg(QString::number(median, 'f', decimals),
                     QString::number(values.constFirst(), 'f', decimals),
                     QString::number(values.constLast(), 'f', decimals));
        };
        for (int which = 0; which < 2; ++which) {
            out << binaries[which] << ", " << rounds << " runs: emails/s "
                << spread(figures[which], 0) << ", CPU seconds of the exporter "
                << spread(cpu[which], 2) << "\n";
        }
        return true;
    }

    bool tiny(int count)
    {
        out << "\n== tiny batch (one two-record report, " << count << " copies)\n";
        QList<QByteArray> emails;
        const QByteArray prefix = nextPrefix();
        for (int i = 0; i < count; ++i) {
            const QByteArray xml = feedback(record() + record(), prefix + QByteArray::number(i));
            emails << email({attachment("application/gzip", "r.xml.gz", gzip(xml))});
        }
        if (!deliver(server, emails))
            return false;
        QElapsedTimer clock;
        clock.start();
        ExporterProcess exporter(binary, server);
        if (!waitForCheck(exporter, count, 1, 20, 300000))
            return false;
        const double seconds = double(clock.elapsed()) / 1000.0;
        out << count << " emails: " << QString::number(seconds, 'f', 2) << " s, "
            << QString::number(count / seconds, 'f', 0) << " emails/s\n";
        double rest = 0;
        const ProcessSample atRest = waitForRest(exporter.pid(), idleThreads, &rest);
        out << "at rest (" << QString::number(rest, 'f', 1)
            << " s after the check): " << describe(atRest) << "\n";
        out.flush();
        return true;
    }

    // One exporter, new label sets batch after batch; delivered while it waits in IDLE.
    bool growth()
    {
        out << "\n== growth: label sets in the store -> VmRSS at rest\n";
        ExporterProcess exporter(binary, server);
        if (!waitForCheck(exporter, 0, 1, 50, 60000))
            return false;
        double rest = 0;
        const ProcessSample start = waitForRest(exporter.pid(), idleThreads, &rest);
        out << "0 label sets: " << describe(start) << "\n";
        out.flush();
        struct Step
        {
            int labelSets; // in the store after this batch
            int emails;
        };
        const Step steps[] = {{1000, 2000}, {10000, 2000}, {50000, 2000}};
        int total = 0;
        int emails = 0;
        qint64 firstKiB = 0;
        int firstSets = 0;
        for (int step = 0; step < 3; ++step) {
            MailboxShape shape;
            shape.seed = seed;
            shape.addresses = addresses;
            shape.emails = steps[step].emails;
            shape.labelSets = steps[step].labelSets - total;
            shape.generation = 100 + step;
            shape.reportIdPrefix = nextPrefix();
            const RealisticMailbox box = realisticMailbox(shape);
            describeMailbox(box);
            const double since = double(QDateTime::currentSecsSinceEpoch());
            if (!deliver(server, box.emails, exporter.pid()))
                return false;
            total += box.labelSets;
            emails += int(box.emails.size());
            QElapsedTimer clock;
            clock.start();
            // Scrapes as seldom as Prometheus would: each one after a change serialises every
            // label set.
            if (!waitForCheck(exporter, emails, since, 1000, 600000))
                return false;
            while (server.messageCount(QStringLiteral("INBOX")) != 0 && clock.elapsed() < 60000)
                waitMs(200);
            const double seconds = double(clock.elapsed()) / 1000.0;
            const ProcessSample atRest = waitForRest(exporter.pid(), idleThreads, &rest);
            out << total << " label sets (batch in " << QString::number(seconds, 'f', 1)
                << " s, at rest after " << QString::number(rest, 'f', 1)
                << " s): " << describe(atRest) << "\n";
            if (step == 0) {
                firstKiB = atRest.rssKiB;
                firstSets = total;
            } else {
                out << "  growth since " << firstSets << ": "
                    << QString::number(double(atRest.rssKiB - firstKiB) / 1024.0 /
                                           (double(total - firstSets) / 1000.0),
                                       'f', 2)
                    << " MB per 1,000 label sets\n";
            }
            out.flush();
        }
        return true;
    }
};

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    if (args.size() < 2) {
        out << "usage: bench_endtoend PATH-TO-dmarc-metrics-exporter [EMAILS] [IDLE-SECONDS] "
               "[empty,batch,growth,tiny,versus]\n";
        return 2;
    }
    const int count = args.value(2, QStringLiteral("2000")).toInt();
    const int idleSeconds = args.value(3, QStringLiteral("40")).toInt();
    const QStringList phases =
        args.value(4, QStringLiteral("empty,batch,growth")).split(QLatin1Char(','));

    Bench bench;
    bench.binary = args.at(1);
    bench.seed = qEnvironmentVariable("BENCH_SEED", QStringLiteral("1")).toULongLong();
    if (qEnvironmentVariable("BENCH_ADDRESSES") == QLatin1String("new"))
        bench.addresses = SourceAddresses::EveryRecordNew;
    if (!bench.server.start().ok())
        return 1;
    QElapsedTimer clock;
    clock.start();
    // The empty-inbox rest gives the thread count of a process at rest; the others wait for it.
    if (!bench.empty())
        return 1;
    for (const QString &phase : phases) {
        bool ok = true;
        if (phase == QLatin1String("batch"))
            ok = bench.batch(count, idleSeconds);
        else if (phase == QLatin1String("growth"))
            ok = bench.growth();
        else if (phase == QLatin1String("tiny"))
            ok = bench.tiny(count);
        else if (phase == QLatin1String("versus"))
            ok = bench.versus(qEnvironmentVariable("BENCH_VERSUS"),
                              qEnvironmentVariable("BENCH_VERSUS_WITHOUT")
                                  .split(QLatin1Char(','), Qt::SkipEmptyParts),
                              count,
                              qEnvironmentVariable("BENCH_ROUNDS", QStringLiteral("3")).toInt());
        else if (phase != QLatin1String("empty"))
            ok = false;
        if (!ok)
            return 1;
    }
    out << "\nwhole benchmark: " << QString::number(double(clock.elapsed()) / 1000.0, 'f', 0)
        << " s\n";
    return 0;
}
