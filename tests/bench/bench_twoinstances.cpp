// End to end with two exporters sharing one PostgreSQL: a realistic mailbox
// (tests/support/realisticmailbox.h) split between two mailboxes of one local Dovecot, each
// mailbox watched by its own exporter process, against one exporter taking both mailboxes on
// PostgreSQL and one on SQLite, on the same mail. Measured from outside as a user would: the
// wall time from the start of the processes until every email is decided and every account's
// check has ended (the inboxes then empty), emails/s, each process's CPU time and peak VmRSS
// (/proc/PID), and the CPU time of the PostgreSQL server (all its processes).
//
// Usage: bench_twoinstances [EMAILS] [PHASES]
//   EMAILS  the realistic mailbox (default 2000): the first half into INBOX, the rest into a
//           second mailbox
//   PHASES  comma-separated, run in this order (default sqlite,postgres,two):
//     sqlite    one exporter on SQLite, configured with both mailboxes
//     postgres  one exporter on PostgreSQL, configured with both mailboxes
//     two       two exporters on one PostgreSQL, each configured with one of the mailboxes (with
//               both in each configuration, the instance that starts first takes both leases)
// Every phase takes the same mail into a new store (a new database on the same server). Its
// counters, as served once every instance has read the others' back, must equal the first
// phase's. BENCH_ROUNDS=N runs the phases N times in turns (default 1) and prints each phase's
// median. BENCH_KEEP=1 keeps the exporters' folders (configurations and logs) and names them.

#include "benchtools.h"
#include "dovecotserver.h"
#include "exporterharness.h"
#include "postgresserver.h"
#include "processstatus.h"
#include "realisticmailbox.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>

#include <algorithm>
#include <memory>

using namespace Dmarc::Test;

namespace {

QTextStream out(stdout);

const QString kSecondInbox = QStringLiteral("Second");

// The PostgreSQL server's CPU time so far: the postmaster, the children it reaped and the
// backends still running.
double serverCpuSeconds(const PostgresServer &server)
{
    QFile pidFile(server.directory() + QStringLiteral("/data/postmaster.pid"));
    if (!pidFile.open(QIODevice::ReadOnly))
        return 0;
    const qint64 postmaster = pidFile.readLine().trimmed().toLongLong();
    double seconds = cpuSecondsOf(postmaster, true);
    QFile children(QStringLiteral("/proc/%1/task/%1/children").arg(postmaster));
    if (children.open(QIODevice::ReadOnly)) {
        for (const QByteArray &child : children.readAll().trimmed().split(' ')) {
            if (!child.isEmpty())
                seconds += cpuSecondsOf(child.toLongLong());
        }
    }
    return seconds;
}

QString fixed(double value, int decimals)
{
    return QString::number(value, 'f', decimals);
}

const QString kLastCheck =
    QStringLiteral("dmarc_metrics_exporter_imap_last_success_timestamp_seconds{account=\"%1\"}");

// One exporter process of a phase: the accounts it is configured with and the emails they hold.
struct Instance : ExporterChild
{
    QString name;
    QStringList accounts;
    int emails = 0;
    double cpu = 0;
    qint64 peakKiB = 0;

    // Every email of its accounts decided and each account's check ended.
    bool finished(int *decided) const
    {
        const ParsedExposition scraped = scrape(metrics);
        *decided = int(scraped.samples.value(kDone) + scraped.samples.value(kError));
        if (*decided < emails)
            return false;
        return std::all_of(accounts.cbegin(), accounts.cend(), [&](const QString &account) {
            return scraped.samples.value(kLastCheck.arg(account)) > 0;
        });
    }
};

struct Figures
{
    double seconds = 0;
    double emailsPerSecond = 0;
    double exporterCpu = 0; // all exporter processes of the phase
    double serverCpu = 0;   // PostgreSQL
};

struct Bench
{
    DovecotServer dovecot;
    PostgresServer postgres;
    QList<QByteArray> firstHalf;
    QList<QByteArray> secondHalf;
    QMap<QString, double> reference; // the counters the first phase served
    int databases = 0;
    bool keep = false;

    bool deliver()
    {
        const int inbox = dovecot.messageCount(QStringLiteral("INBOX"));
        const int second = dovecot.messageCount(kSecondInbox);
        if (inbox != 0 || second != 0) {
            out << "the inboxes are not empty\n";
            return false;
        }
        if (!dovecot.deliverMany(QStringLiteral("INBOX"), firstHalf).ok() ||
            !dovecot.deliverMany(kSecondInbox, secondHalf).ok()) {
            out << "delivery failed\n";
            return false;
        }
        // Dovecot sees the new files on its next look at the maildir.
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < 20000) {
            if (dovecot.messageCount(QStringLiteral("INBOX")) == firstHalf.size() &&
                dovecot.messageCount(kSecondInbox) == secondHalf.size())
                return true;
            waitMs(100);
        }
        out << "Dovecot does not show the delivered emails\n";
        return false;
    }

    // The configuration of `instance` in `dir`: its accounts, a store in SQLite (`database`
    // empty) or in the PostgreSQL database `database`.
    bool configure(Instance &instance, const QTemporaryDir &dir, const QString &database)
    {
        const auto account = [this](const QString &name) {
            return name == QLatin1String("first")
                       ? dovecotAccount(dovecot, name)
                       : dovecotAccount(dovecot, name, kSecondInbox, QStringLiteral("Archive2"),
                                        QStringLiteral("Invalid2"));
        };
        QList<QJsonObject> accounts;
        for (const QString &name : std::as_const(instance.accounts))
            accounts << account(name);
        const quint16 port = freeLocalPort();
        instance.metrics = QUrl(QStringLiteral("http://127.0.0.1:%1/metrics").arg(port));
        instance.configPath = dir.filePath(instance.name + QStringLiteral(".json"));
        QJsonObject config =
            QJsonDocument::fromJson(exporterConfig(accounts, dir.filePath(instance.name), port, 60))
                .object();
        // The realistic mailbox brings more label sets than the default limit allows.
        config.insert(QStringLiteral("limits"),
                      QJsonObject{{QStringLiteral("max_label_sets"), 100000}});
        if (!database.isEmpty()) {
            config.insert(QStringLiteral("database"),
                          QJsonObject{{QStringLiteral("url"), postgres.url(database)},
                                      {QStringLiteral("password_file"), postgres.passwordFile()},
                                      {QStringLiteral("instance"), instance.name}});
        }
        QFile file(instance.configPath);
        return file.open(QIODevice::WriteOnly) && file.write(QJsonDocument(config).toJson()) > 0;
    }

    bool run(const QString &phase, Figures *figures)
    {
        out << "\n-- " << phase << " (load average " << loadAverage() << ")\n";
        out.flush();
        if (!deliver())
            return false;
        QString database;
        if (phase != QLatin1String("sqlite")) {
            database = QStringLiteral("bench%1").arg(++databases);
            if (!postgres.createDatabase(database).ok()) {
                out << "cannot create the database " << database << "\n";
                return false;
            }
        }
        QTemporaryDir dir;
        dir.setAutoRemove(!keep);
        std::vector<std::unique_ptr<Instance>> instances;
        const auto add = [&](const QString &name, const QStringList &accounts, int emails) {
            auto instance = std::make_unique<Instance>();
            instance->name = name;
            instance->accounts = accounts;
            instance->emails = emails;
            instances.push_back(std::move(instance));
        };
        const QStringList both{QStringLiteral("first"), QStringLiteral("second")};
        if (phase == QLatin1String("two")) {
            add(QStringLiteral("alpha"), {both.at(0)}, int(firstHalf.size()));
            add(QStringLiteral("beta"), {both.at(1)}, int(secondHalf.size()));
        } else {
            add(QStringLiteral("single"), both, int(firstHalf.size() + secondHalf.size()));
        }
        for (auto &instance : instances) {
            if (!configure(*instance, dir, database)) {
                out << "cannot write the configuration\n";
                return false;
            }
        }

        const double serverBefore = database.isEmpty() ? 0 : serverCpuSeconds(postgres);
        QElapsedTimer clock;
        clock.start();
        for (auto &instance : instances) {
            if (!instance->start()) {
                out << "cannot start " << instance->name << "\n";
                return false;
            }
        }
        const auto stopAll = [&] {
            for (auto &instance : instances) {
                instance->process.terminate();
                if (!instance->waitForExit(10000))
                    instance->process.kill();
            }
            if (keep)
                out << "kept: " << dir.path() << "\n";
        };
        // Each instance's figures are read when it has finished; the other may still work.
        std::vector<bool> finished(instances.size(), false);
        int done = 0;
        while (done < int(instances.size()) && clock.elapsed() < 600000) {
            for (size_t i = 0; i < instances.size(); ++i) {
                Instance &instance = *instances.at(i);
                int decided = 0;
                if (finished.at(i) || !instance.finished(&decided))
                    continue;
                finished[i] = true;
                ++done;
                instance.cpu = cpuSecondsOf(instance.process.processId());
                instance.peakKiB = processStatus(instance.process.processId()).hwmKiB;
                out << instance.name << " done after " << fixed(clock.elapsed() / 1000.0, 2)
                    << " s\n";
            }
            if (std::any_of(instances.cbegin(), instances.cend(), [](const auto &instance) {
                    return instance->process.state() != QProcess::Running;
                }))
                break;
            waitMs(50);
        }
        const double seconds = double(clock.elapsed()) / 1000.0;
        const double serverCpu = database.isEmpty() ? 0 : serverCpuSeconds(postgres) - serverBefore;
        if (done < int(instances.size())) {
            out << "timed out or ended early\n";
            for (auto &instance : instances)
                out << instance->name << "'s log:\n" << instance->log().right(3000) << "\n";
            stopAll();
            return false;
        }
        if (dovecot.messageCount(QStringLiteral("INBOX")) != 0 ||
            dovecot.messageCount(kSecondInbox) != 0) {
            out << "an inbox still holds emails\n";
            stopAll();
            return false;
        }
        const int emails = int(firstHalf.size() + secondHalf.size());
        figures->seconds = seconds;
        figures->emailsPerSecond = emails / seconds;
        figures->serverCpu = serverCpu;
        out << emails << " emails: " << fixed(seconds, 2) << " s, "
            << fixed(figures->emailsPerSecond, 0) << " emails/s\n";
        for (const auto &instance : instances) {
            figures->exporterCpu += instance->cpu;
            out << "  " << instance->name << " (" << instance->accounts.join(QLatin1Char(','))
                << ", " << instance->emails << " emails): CPU " << fixed(instance->cpu, 2)
                << " s, peak VmRSS " << fixed(double(instance->peakKiB) / 1024.0, 1) << " MB\n";
        }
        if (!database.isEmpty())
            out << "  PostgreSQL server: CPU " << fixed(serverCpu, 2) << " s\n";
        out.flush();

        // The same counters served by every instance (each reads the others' back), and the
        // same as the first phase's.
        QElapsedTimer alike;
        alike.start();
        QMap<QString, double> served;
        bool same = false;
        while (!same && alike.elapsed() < 30000) {
            served = scrape(instances.front()->metrics).sharedSamples();
            same = std::all_of(instances.cbegin(), instances.cend(), [&](const auto &instance) {
                return scrape(instance->metrics).sharedSamples() == served;
            });
            if (!same)
                waitMs(200);
        }
        if (instances.size() > 1)
            out << "  both serve the same counters " << fixed(alike.elapsed() / 1000.0, 1)
                << " s later\n";
        stopAll();
        if (!same) {
            out << "the instances serve different counters\n";
            return false;
        }
        if (reference.isEmpty()) {
            reference = served;
        } else if (served != reference) {
            out << "the counters differ from the first phase's\n";
            return false;
        }
        out.flush();
        return true;
    }
};

double median(QList<double> values)
{
    std::sort(values.begin(), values.end());
    const qsizetype n = values.size();
    return (values.at((n - 1) / 2) + values.at(n / 2)) / 2;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    bool counted = false;
    const int count = args.value(1, QStringLiteral("2000")).toInt(&counted);
    const QStringList phases =
        args.value(2, QStringLiteral("sqlite,postgres,two")).split(QLatin1Char(','));
    const int rounds =
        std::max(1, qEnvironmentVariable("BENCH_ROUNDS", QStringLiteral("1")).toInt());
    for (const QString &phase : phases) {
        if (!counted || count < 2 ||
            (phase != QLatin1String("sqlite") && phase != QLatin1String("postgres") &&
             phase != QLatin1String("two"))) {
            out << "usage: bench_twoinstances [EMAILS] [sqlite,postgres,two]\n";
            return 2;
        }
    }

    Bench bench;
    bench.keep = qEnvironmentVariableIsSet("BENCH_KEEP");
    if (const auto started = bench.dovecot.start(); !started) {
        out << started.error().message << "\n";
        return 1;
    }
    if (const auto started = bench.postgres.start(); !started) {
        out << started.error().message << "\n";
        return 1;
    }
    if (!bench.dovecot.createMailbox(kSecondInbox).ok())
        return 1;
    MailboxShape shape;
    shape.emails = count;
    shape.labelSets = count * 21 / 20;
    shape.reportIdPrefix = "two";
    const RealisticMailbox box = realisticMailbox(shape);
    bench.firstHalf = box.emails.mid(0, count / 2);
    bench.secondHalf = box.emails.mid(count / 2);
    out << "mailbox: " << box.emails.size() << " emails (" << box.valid << " valid, " << box.invalid
        << " invalid), " << box.labelSets << " label sets, "
        << fixed(double(box.emailBytes) / 1048576.0, 1) << " MB of email; "
        << bench.firstHalf.size() << " into INBOX, " << bench.secondHalf.size() << " into "
        << kSecondInbox << "\n";

    QMap<QString, QList<Figures>> figures;
    for (int round = 0; round < rounds; ++round) {
        for (const QString &phase : phases) {
            Figures measured;
            if (!bench.run(phase, &measured))
                return 1;
            figures[phase] << measured;
        }
    }
    out << "\nmedians of " << rounds << " round(s):\n";
    for (const QString &phase : phases) {
        const auto of = [&](double Figures::*member) {
            QList<double> values;
            for (const Figures &f : figures.value(phase))
                values << f.*member;
            return median(values);
        };
        out << phase << ": " << fixed(of(&Figures::seconds), 2) << " s, "
            << fixed(of(&Figures::emailsPerSecond), 0) << " emails/s, exporters' CPU "
            << fixed(of(&Figures::exporterCpu), 2) << " s, PostgreSQL's CPU "
            << fixed(of(&Figures::serverCpu), 2) << " s\n";
    }
    return 0;
}
