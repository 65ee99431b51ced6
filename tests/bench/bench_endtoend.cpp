// End-to-end throughput: report emails through a local Dovecot over TLS into the exporter
// (fetch, analyse, one commit per batch, then one move per destination folder), then the
// exporter's footprint while it waits in IDLE.
// Usage: bench_endtoend PATH-TO-dmarc-metrics-exporter [EMAILS] [IDLE-SECONDS]
// (BENCH_LOG=FILE keeps the exporter's log.)

#include "dovecotserver.h"
#include "exporterharness.h"
#include "reportfixtures.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>

#include <unistd.h>

using namespace Dmarc::Test;

namespace {

struct ProcessSample
{
    double cpuSeconds = 0;
    qint64 rssKiB = 0;
};

ProcessSample sample(qint64 pid)
{
    ProcessSample result;
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (stat.open(QIODevice::ReadOnly)) {
        const QList<QByteArray> fields = stat.readAll().split(' ');
        if (fields.size() > 15)
            result.cpuSeconds = (fields.at(13).toDouble() + fields.at(14).toDouble()) /
                                double(::sysconf(_SC_CLK_TCK));
    }
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (status.open(QIODevice::ReadOnly)) {
        for (const QByteArray &line : status.readAll().split('\n')) {
            if (line.startsWith("VmRSS:"))
                result.rssKiB = line.mid(6).trimmed().split(' ').constFirst().toLongLong();
        }
    }
    return result;
}

void waitMs(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    const QStringList args = QCoreApplication::arguments();
    if (args.size() < 2) {
        out << "usage: bench_endtoend PATH-TO-dmarc-metrics-exporter [EMAILS] [IDLE-SECONDS]\n";
        return 2;
    }
    const int count = args.value(2, QStringLiteral("2000")).toInt();
    const int idleSeconds = args.value(3, QStringLiteral("60")).toInt();

    DovecotServer server;
    if (!server.start().ok())
        return 1;
    QList<QByteArray> emails;
    for (int i = 0; i < count; ++i) {
        const QByteArray xml = feedback(record() + record(), "bench-" + QByteArray::number(i));
        emails << email({attachment("application/gzip", "r.xml.gz", gzip(xml))});
    }
    if (!server.deliverToInbox(emails).ok() ||
        server.messageCount(QStringLiteral("INBOX")) != count)
        return 1;

    QTemporaryDir dir;
    const quint16 port = freeLocalPort();
    const QString configPath = dir.filePath(QStringLiteral("config.json"));
    QFile config(configPath);
    config.open(QIODevice::WriteOnly);
    config.write(exporterConfig({dovecotAccount(server, QStringLiteral("bench"))},
                                dir.filePath(QStringLiteral("state")), port, 60));
    config.close();
    const QUrl metrics(QStringLiteral("http://127.0.0.1:%1/metrics").arg(port));

    QProcess exporter;
    exporter.setStandardOutputFile(QProcess::nullDevice());
    exporter.setStandardErrorFile(qEnvironmentVariable("BENCH_LOG", QProcess::nullDevice()));
    QElapsedTimer clock;
    clock.start();
    exporter.start(args.at(1),
                   {QStringLiteral("--no-gui"), QStringLiteral("--configuration"), configPath});
    // Done when every email is counted and a check has finished, which it does only after the
    // moves. Asking Dovecot instead (doveadm) would compete with its own work on the moves.
    const QString processed =
        QStringLiteral("dmarc_metrics_exporter_emails_processed_total{outcome=\"done\"}");
    const QString lastCheck =
        QStringLiteral("dmarc_metrics_exporter_imap_last_success_timestamp_seconds");
    while (clock.elapsed() < 300000) {
        const ParsedExposition exposition = scrape(metrics);
        if (exposition.samples.value(processed) >= count &&
            !exposition.samplesOf(lastCheck).isEmpty() &&
            exposition.samplesOf(lastCheck).first() > 0)
            break;
        waitMs(10);
    }
    const double seconds = double(clock.elapsed()) / 1000.0;
    if (server.messageCount(QStringLiteral("INBOX")) != 0) {
        out << "the inbox still holds emails\n";
        return 1;
    }
    out << count << " emails (TLS, fetch + analyse + commit + move, start-up included): "
        << QString::number(seconds, 'f', 2) << " s, " << QString::number(count / seconds, 'f', 0)
        << " emails/s\n";
    out << "archive now holds " << server.messageCount(QStringLiteral("Archive")) << " emails\n";
    out.flush();

    const ProcessSample before = sample(exporter.processId());
    waitMs(idleSeconds * 1000);
    const ProcessSample after = sample(exporter.processId());
    out << "idle in IDLE for " << idleSeconds << " s: RSS " << after.rssKiB / 1024.0 << " MiB, CPU "
        << QString::number(after.cpuSeconds - before.cpuSeconds, 'f', 3) << " s\n";
    exporter.terminate();
    exporter.waitForFinished(10000);
    return 0;
}
