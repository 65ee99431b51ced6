// The /metrics endpoint under attack: the real exporter process, with basic auth (bcrypt cost
// 10), processes a batch of report emails from a local Dovecot over TLS while a Prometheus-like
// scraper asks for /metrics every 250 ms over a keep-alive connection. Each round runs twice:
// quiet, then under attack by 64 clients guessing passwords (each from its own loopback address,
// asking again as soon as it is answered) and 300 half-open connections (one address; each sends
// part of a request head and nothing more, and is opened again a second after the endpoint
// closes it). Reports how long the batch took and how quickly scrapes were answered; a scrape not
// answered within 1 s counts as failed. The verdict compares the median batch times.
//
// Usage: bench_attack PATH-TO-dmarc-metrics-exporter [EMAILS] [ROUNDS]   (default 500, 3)
// Loopback only; each run lasts at least 10 s and at most 300 s. BENCH_LOG=FILE keeps the
// exporter's log.

#include "dovecotserver.h"
#include "exporterharness.h"
#include "reportfixtures.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>

#include <algorithm>
#include <memory>
#include <optional>
#include <vector>

using namespace Dmarc::Test;

namespace {

QTextStream out(stdout);

// "s3cret", bcrypt with cost 10.
const char kHash[] = "$2b$10$VOWFwHjtm5t1r6ZEmmFHpOB8nQmJpBUQMgiu3h.HxVBvcVFn6O/ke";
constexpr int kScrapeIntervalMs = 250;
constexpr int kScrapeTimeoutMs = 1000;
constexpr int kGuessers = 64;
constexpr int kHalfOpen = 300;
constexpr int kReopenMs = 1000;
constexpr int kMinimumRunMs = 10000;
constexpr int kMaximumRunMs = 300000;

QByteArray request(const QByteArray &credentials)
{
    return "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic " +
           credentials.toBase64() + "\r\n\r\n";
}

double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    return values[std::min(values.size() - 1, size_t(p * double(values.size())))];
}

// Scrapes every 250 ms over one keep-alive connection (a new one after a failure), as Prometheus
// does, and keeps the latest body.
class Scraper : public QObject
{
public:
    explicit Scraper(quint16 port)
        : m_port(port)
    {
        connect(&m_tick, &QTimer::timeout, this, &Scraper::tick);
        m_tick.start(kScrapeIntervalMs);
        tick();
    }
    ~Scraper() override
    {
        if (m_socket)
            m_socket->disconnect(this);
    }

    std::vector<double> latenciesMs;
    int failed = 0;
    QByteArray lastBody;

private:
    void tick()
    {
        if (m_waiting && m_sent.elapsed() < kScrapeTimeoutMs)
            return; // still within its time; Prometheus would not ask twice either
        if (m_waiting) {
            ++failed;
            m_socket->disconnect(this);
            m_socket.reset();
        }
        if (!m_socket) {
            m_socket = std::make_unique<QTcpSocket>();
            QTcpSocket *socket = m_socket.get();
            connect(socket, &QIODevice::readyRead, this, &Scraper::read);
            connect(socket, &QAbstractSocket::disconnected, this, [this, socket] {
                if (m_waiting)
                    ++failed;
                m_waiting = false;
                m_socket.release();
                socket->deleteLater();
            });
            m_socket->connectToHost(QHostAddress::LocalHost, m_port);
            m_buffer.clear();
        }
        m_socket->write(request("prometheus:s3cret"));
        m_sent.start();
        m_waiting = true;
    }

    void read()
    {
        m_buffer += m_socket->readAll();
        const qsizetype end = m_buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        const QByteArray head = m_buffer.left(end).toLower();
        const qsizetype at = head.indexOf("content-length:");
        const qsizetype length =
            at < 0 ? 0 : head.mid(at + 15, head.indexOf('\r', at) - at - 15).trimmed().toLongLong();
        if (m_buffer.size() < end + 4 + length)
            return;
        if (m_waiting && m_sent.elapsed() <= kScrapeTimeoutMs && head.startsWith("http/1.1 200")) {
            latenciesMs.push_back(double(m_sent.nsecsElapsed()) / 1e6);
            lastBody = m_buffer.mid(end + 4, length);
        } else {
            ++failed;
        }
        m_waiting = false;
        m_buffer.remove(0, end + 4 + length);
    }

    quint16 m_port;
    QTimer m_tick;
    std::unique_ptr<QTcpSocket> m_socket;
    QByteArray m_buffer;
    QElapsedTimer m_sent;
    bool m_waiting = false;
};

// The attackers. Each socket is opened again kReopenMs after the endpoint closes it.
class Attack : public QObject
{
public:
    explicit Attack(quint16 port)
        : m_port(port)
    {
        for (int i = 0; i < kGuessers; ++i)
            open(QHostAddress(QStringLiteral("127.0.1.%1").arg(i + 1)), true);
        for (int i = 0; i < kHalfOpen; ++i)
            open(QHostAddress(QStringLiteral("127.0.2.1")), false);
    }
    ~Attack() override
    {
        // Without reopening.
        const QList<QTcpSocket *> sockets = findChildren<QTcpSocket *>();
        for (QTcpSocket *socket : sockets) {
            socket->disconnect();
            delete socket;
        }
    }

    int refused = 0; // 401 answers to the guesses
    int closed = 0;  // connections the endpoint closed

private:
    void open(const QHostAddress &from, bool guesser)
    {
        auto *socket = new QTcpSocket(this);
        socket->bind(from);
        const QByteArray guess = request("prometheus:guess");
        connect(socket, &QAbstractSocket::connected, socket, [socket, guesser, guess] {
            socket->write(guesser ? guess : QByteArray("GET /metrics HTTP/1.1\r\nHost: x\r\n"));
        });
        if (guesser) {
            connect(socket, &QIODevice::readyRead, socket, [this, socket, guess] {
                const int answers = int(socket->readAll().count("HTTP/1.1 401"));
                refused += answers;
                if (answers > 0)
                    socket->write(guess);
            });
        }
        connect(socket, &QAbstractSocket::stateChanged, socket,
                [this, socket, from, guesser](QAbstractSocket::SocketState state) {
                    if (state != QAbstractSocket::UnconnectedState)
                        return;
                    ++closed;
                    socket->deleteLater();
                    QTimer::singleShot(kReopenMs, this,
                                       [this, from, guesser] { open(from, guesser); });
                });
        socket->connectToHost(QHostAddress::LocalHost, m_port);
    }

    quint16 m_port;
};

// Runs the event loop (the scraper and the attackers) for about `ms`.
void runEvents(int ms)
{
    QDeadlineTimer deadline(ms);
    while (!deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents,
                                        int(qMax<qint64>(1, deadline.remainingTime())));
}

// Every one of `count` emails decided (done or error) and a check finished at or after `since`.
bool batchDone(const QByteArray &scrape, int count, double since)
{
    const ParsedExposition metrics = parseExposition(scrape);
    double decided = 0;
    const QMap<QString, double> processed =
        metrics.samplesOf(QStringLiteral("dmarc_metrics_exporter_emails_processed_total"));
    for (double value : processed)
        decided += value;
    const QMap<QString, double> checks = metrics.samplesOf(
        QStringLiteral("dmarc_metrics_exporter_imap_last_success_timestamp_seconds"));
    return decided >= count && !checks.isEmpty() && checks.first() >= since;
}

struct Run
{
    double seconds = 0; // to process the batch, start-up included
    std::vector<double> latenciesMs;
    int failedScrapes = 0;
    int refused = 0;
    int closed = 0;
};

// Emails of one gzipped two-record report each (bench_endtoend's "tiny" batch).
bool deliver(DovecotServer &server, int count, const QByteArray &prefix)
{
    QList<QByteArray> emails;
    for (int i = 0; i < count; ++i) {
        const QByteArray xml = feedback(record() + record(), prefix + QByteArray::number(i));
        emails << email({attachment("application/gzip", "r.xml.gz", gzip(xml))});
    }
    if (!server.deliverToInbox(emails).ok())
        return false;
    QElapsedTimer clock;
    clock.start();
    while (server.messageCount(QStringLiteral("INBOX")) != count && clock.elapsed() < 20000)
        runEvents(100);
    return server.messageCount(QStringLiteral("INBOX")) == count;
}

std::optional<Run> run(const QString &binary, DovecotServer &server, int count,
                       const QByteArray &prefix, bool attack)
{
    if (!deliver(server, count, prefix)) {
        out << "delivery failed\n";
        return std::nullopt;
    }
    QTemporaryDir dir;
    const quint16 port = freeLocalPort();
    QJsonObject config =
        QJsonDocument::fromJson(exporterConfig({dovecotAccount(server, QStringLiteral("bench"))},
                                               dir.filePath(QStringLiteral("state")), port, 60))
            .object();
    config.insert(
        QStringLiteral("web"),
        QJsonObject{{QStringLiteral("basic_auth_user"), QStringLiteral("prometheus")},
                    {QStringLiteral("basic_auth_password_hash"), QString::fromLatin1(kHash)}});
    const QString configPath = dir.filePath(QStringLiteral("config.json"));
    QFile file(configPath);
    if (!file.open(QIODevice::WriteOnly))
        return std::nullopt;
    file.write(QJsonDocument(config).toJson());
    file.close();

    const double since = double(QDateTime::currentSecsSinceEpoch());
    QElapsedTimer clock;
    clock.start();
    QProcess exporter;
    exporter.setStandardOutputFile(QProcess::nullDevice());
    const QString log = qEnvironmentVariable("BENCH_LOG");
    exporter.setStandardErrorFile(log.isEmpty() ? QProcess::nullDevice() : log, QIODevice::Append);
    exporter.start(binary,
                   {QStringLiteral("--no-gui"), QStringLiteral("--configuration"), configPath});
    if (!exporter.waitForStarted())
        return std::nullopt;
    // The scraper's first connection gets in before the attack starts, as Prometheus's would
    // have long before.
    std::unique_ptr<Scraper> scraper;
    while (clock.elapsed() < 20000) {
        QTcpSocket probe;
        probe.connectToHost(QHostAddress::LocalHost, port);
        if (probe.waitForConnected(1000))
            break;
        runEvents(20);
    }
    scraper = std::make_unique<Scraper>(port);
    std::unique_ptr<Attack> attacker = attack ? std::make_unique<Attack>(port) : nullptr;

    Run result;
    while (clock.elapsed() < kMaximumRunMs && exporter.state() == QProcess::Running) {
        runEvents(20);
        if (result.seconds == 0 && batchDone(scraper->lastBody, count, since))
            result.seconds = double(clock.elapsed()) / 1000.0;
        if (result.seconds > 0 && clock.elapsed() >= kMinimumRunMs)
            break;
    }
    result.latenciesMs = scraper->latenciesMs;
    result.failedScrapes = scraper->failed;
    if (attacker) {
        result.refused = attacker->refused;
        result.closed = attacker->closed;
    }
    attacker.reset();
    scraper.reset();
    exporter.terminate();
    if (!exporter.waitForFinished(10000))
        exporter.kill();
    if (result.seconds == 0) {
        out << "the batch was not processed in time\n";
        return std::nullopt;
    }
    return result;
}

void report(const char *name, int count, const Run &run)
{
    out << name << ": " << count << " emails in " << QString::number(run.seconds, 'f', 2) << " s; "
        << run.latenciesMs.size() << " scrapes answered within 1 s (p50 "
        << QString::number(percentile(run.latenciesMs, 0.5), 'f', 1) << " ms, p99 "
        << QString::number(percentile(run.latenciesMs, 0.99), 'f', 1) << " ms, max "
        << QString::number(percentile(run.latenciesMs, 1.0), 'f', 1) << " ms), "
        << run.failedScrapes << " failed";
    if (run.refused > 0 || run.closed > 0)
        out << "; guesses answered 401: " << run.refused
            << ", attack connections closed by the endpoint: " << run.closed;
    out << "\n";
    out.flush();
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    if (args.size() < 2) {
        out << "usage: bench_attack PATH-TO-dmarc-metrics-exporter [EMAILS] [ROUNDS]\n";
        return 2;
    }
    const int count = args.value(2, QStringLiteral("500")).toInt();
    const int rounds = args.value(3, QStringLiteral("3")).toInt();
    DovecotServer server;
    if (!server.start().ok())
        return 1;
    std::vector<double> quietSeconds;
    std::vector<double> attackedSeconds;
    int failedScrapes = 0;
    for (int round = 0; round < rounds; ++round) {
        const QByteArray prefix = "r" + QByteArray::number(round);
        const auto quiet = run(args.at(1), server, count, prefix + "-quiet-", false);
        if (!quiet)
            return 1;
        report("quiet", count, *quiet);
        const auto attacked = run(args.at(1), server, count, prefix + "-attack-", true);
        if (!attacked)
            return 1;
        report("under attack", count, *attacked);
        quietSeconds.push_back(quiet->seconds);
        attackedSeconds.push_back(attacked->seconds);
        failedScrapes += quiet->failedScrapes + attacked->failedScrapes;
    }
    const double quietMedian = percentile(quietSeconds, 0.5);
    const double attackedMedian = percentile(attackedSeconds, 0.5);
    const double slower = (attackedMedian / quietMedian - 1.0) * 100.0;
    out << "median batch time: quiet " << QString::number(quietMedian, 'f', 2)
        << " s, under attack " << QString::number(attackedMedian, 'f', 2) << " s ("
        << QString::number(slower, 'f', 0)
        << " % slower); scrapes not answered within 1 s: " << failedScrapes << "\n";
    return failedScrapes == 0 && slower <= 25.0 ? 0 : 1;
}
