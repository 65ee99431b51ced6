// Dashboard benchmark: a year of a large domain (365 days, 2,000 reports a day, 5,000 label
// sets), then the dashboard as a person meets it: from the start of its process to a dashboard
// painted with its figures, switching the range, each table's first paint, and the process's
// resident memory. Run through tests/bench/run.sh dashboard.
//
// The store is written through Store::commit, a day at a time. The dashboard runs in a process
// of its own (this program with --dashboard, offscreen), started and timed from here.
#include "dashboardwindow.h"
#include "exporterfixture.h"
#include "service/exporter.h"
#include "store/store.h"

#include <QApplication>
#include <QComboBox>
#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTest>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace Dmarc;

namespace {

constexpr int kDays = 365;
constexpr int kReportsPerDay = 2000;
constexpr int kReporters = 40;
constexpr int kDomains = 25;
constexpr int kVariants = 5; // DKIM/SPF outcomes per reporter and domain: 40 * 25 * 5 = 5,000
constexpr int kLabelSetsPerReport = 4;
constexpr int kSwitchRounds = 25;

// Reporters as they come: a few large ones send most reports.
QString reporterName(int r)
{
    static const QStringList big{QStringLiteral("google.com"), QStringLiteral("Outlook.com"),
                                 QStringLiteral("Yahoo"), QStringLiteral("Mail.Ru")};
    return r < big.size() ? big.at(r) : QStringLiteral("reporter-%1.example").arg(r);
}

LabelSet labelSet(int reporter, int domain, int variant)
{
    const QString from = domain == 0 ? QStringLiteral("bigcorp.example")
                                     : QStringLiteral("mail%1.bigcorp.example").arg(domain);
    // Aligned; signed by an ESP; SPF through an ESP; a forwarder; a spoofing source.
    switch (variant) {
    case 0:
        return LabelSet{reporterName(reporter), from, from, from};
    case 1:
        return LabelSet{reporterName(reporter), from, QStringLiteral("esp.example"), from};
    case 2:
        return LabelSet{reporterName(reporter), from, from, QStringLiteral("bounce.esp.example")};
    case 3:
        return LabelSet{reporterName(reporter), from, QString(), QStringLiteral("forwarder.example")};
    default:
        return LabelSet{reporterName(reporter), from, QStringLiteral("spoof.example"),
                        QStringLiteral("spoof.example")};
    }
}

EmailCommit reportEmail(int dayNumber, QDate day, int index, QRandomGenerator &random)
{
    // The large reporters send most of the reports.
    const int reporter =
        random.bounded(4) != 0 ? random.bounded(4) : 4 + random.bounded(kReporters - 4);
    ReportCounts report;
    report.orgName = reporterName(reporter);
    report.reportId = QStringLiteral("%1-%2").arg(day.toString(Qt::ISODate)).arg(index);
    report.policyDomain = QStringLiteral("bigcorp.example");
    report.policy = QStringLiteral("reject");
    report.source = QStringLiteral("generated");
    report.dateBegin = day.startOfDay(Qt::UTC).toSecsSinceEpoch();
    report.dateEnd = report.dateBegin + 86399;
    for (int i = 0; i < kLabelSetsPerReport; ++i) {
        const int variant = random.bounded(10) < 6 ? 0 : 1 + random.bounded(kVariants - 1);
        LabelCounts counts{labelSet(reporter, random.bounded(kDomains), variant), {}};
        Counters &c = counts.counters;
        c.total = 1 + random.bounded(200);
        const bool aligned = variant < 3;
        c.compliant = aligned ? c.total : 0;
        c.dkimAligned = variant == 0 || variant == 2 ? c.total : 0;
        c.spfAligned = variant == 0 || variant == 1 ? c.total : 0;
        c.dkimPass = c.dkimAligned;
        c.spfPass = c.spfAligned;
        c.reject = aligned ? 0 : c.total;
        const bool duplicate = std::any_of(
            report.counts.cbegin(), report.counts.cend(),
            [&counts](const LabelCounts &other) { return other.labels == counts.labels; });
        if (!duplicate) {
            report.counts << counts;
            report.records += 1;
            report.messages += c.total;
        }
    }
    EmailCommit email;
    email.identity = EmailIdentity{QStringLiteral("bench"), QStringLiteral("INBOX"), 1,
                                   quint32(dayNumber * kReportsPerDay + index),
                                   QByteArray::number(index)};
    email.analysis.fromEmail = QStringLiteral("dmarc@%1").arg(report.orgName.toLower());
    email.analysis.candidates = 1;
    email.analysis.reports = {report};
    return email;
}

int generate(const QString &directory)
{
    if (QFileInfo::exists(QDir(directory).filePath(Store::fileName()))) {
        std::printf("store: %s (kept from an earlier run)\n", qPrintable(directory));
        return 0;
    }
    auto store = Store::open(directory);
    if (!store) {
        std::fprintf(stderr, "%s\n", qPrintable(store.error().message));
        return 1;
    }
    QRandomGenerator random(20260101);
    const QDate today = QDateTime::currentDateTimeUtc().date();
    QElapsedTimer timer;
    timer.start();
    for (int back = kDays; back >= 1; --back) {
        const QDate day = today.addDays(-back);
        QList<EmailCommit> batch;
        batch.reserve(kReportsPerDay);
        for (int i = 0; i < kReportsPerDay; ++i)
            batch << reportEmail(back, day, i, random);
        // Committed the day after, as reports arrive.
        const qint64 now = day.addDays(1).startOfDay(Qt::UTC).toSecsSinceEpoch() + 3600;
        if (auto committed = (*store)->commit(batch, now); !committed) {
            std::fprintf(stderr, "%s\n", qPrintable(committed.error().message));
            return 1;
        }
    }
    const auto labelSets = (*store)->snapshot();
    std::printf("store: %d days x %d reports written in %.1f s, %lld label sets, %.0f MB\n", kDays,
                kReportsPerDay, double(timer.elapsed()) / 1000.0,
                labelSets ? qlonglong(labelSets->counters.size()) : -1LL,
                double(QFileInfo(QDir(directory).filePath(Store::fileName())).size()) / 1e6);
    return 0;
}

double percentile(std::vector<double> values, double p)
{
    std::sort(values.begin(), values.end());
    return values[std::min(values.size() - 1, size_t(p * double(values.size())))];
}

long residentKb()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLong();
    }
    return -1;
}

// Until the window's figures are in, then painted (grab() paints the whole window). Waits for
// each answer as the application's event loop does: processEvents() with a time limit would poll
// without sleeping and take a core from the queries' thread.
double settleAndPaint(Ui::DashboardWindow &window, const QElapsedTimer &since)
{
    while (window.isRefreshing())
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    window.grab();
    return double(since.nsecsElapsed()) / 1e6;
}

// The dashboard process: prints "painted" once the dashboard shows its figures, then, unless
// `startOnly`, measures.
int dashboard(const QString &directory, bool startOnly)
{
    QStandardPaths::setTestModeEnabled(true);
    auto exporter = Test::startExporterWithUnreachableAccount(directory);
    if (!exporter)
        return 1;
    Ui::DashboardWindow window(*exporter);
    window.setRange(Ui::Range::Week);
    window.show();
    QElapsedTimer timer;
    timer.start();
    settleAndPaint(window, timer);
    std::printf("painted\n");
    std::fflush(stdout);
    const long startKb = residentKb();
    if (startOnly) {
        window.close();
        Test::stopExporter(exporter);
        return 0;
    }

    std::vector<double> switches;
    std::vector<double> perRange[4];
    std::vector<double> tables[4];
    const Ui::Range ranges[] = {Ui::Range::Yesterday, Ui::Range::Month, Ui::Range::All,
                                Ui::Range::Week};
    auto *tabs = window.tabs();
    for (int round = 0; round < kSwitchRounds; ++round) {
        for (const Ui::Range range : ranges) {
            tabs->setCurrentIndex(0);
            timer.restart();
            window.setRange(range);
            switches.push_back(settleAndPaint(window, timer));
            perRange[int(range)].push_back(switches.back());
            // Each table's first paint with the new figures: its tab opened and painted.
            for (int tab = 1; tab < 4; ++tab) {
                timer.restart();
                tabs->setCurrentIndex(tab);
                tabs->currentWidget()->findChild<QTableView *>()->grab();
                tables[tab].push_back(double(timer.nsecsElapsed()) / 1e6);
            }
            tables[0].push_back(switches.back()); // the first tab is painted with the switch
        }
    }
    std::printf("range switch to a painted dashboard: p50 %.1f ms, p99 %.1f ms (%zu switches)\n",
                percentile(switches, 0.5), percentile(switches, 0.99), switches.size());
    for (const Ui::Range range : ranges)
        std::printf("  to %s: p50 %.1f ms, p99 %.1f ms\n", qPrintable(Ui::rangeText(range)),
                    percentile(perRange[int(range)], 0.5), percentile(perRange[int(range)], 0.99));
    const char *names[] = {"sending domains (with the switch)", "reporters", "DKIM domains",
                           "SPF domains"};
    for (int tab = 0; tab < 4; ++tab)
        std::printf("first paint of %s: p50 %.1f ms, p99 %.1f ms\n", names[tab],
                    percentile(tables[tab], 0.5), percentile(tables[tab], 0.99));
    std::printf("VmRSS: %.1f MB painted, %.1f MB after the switches\n", double(startKb) / 1024.0,
                double(residentKb()) / 1024.0);
    window.close();
    Test::stopExporter(exporter);
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    const bool startOnly = argc == 3 && qstrcmp(argv[1], "--start") == 0;
    if (argc == 3 && (startOnly || qstrcmp(argv[1], "--dashboard") == 0)) {
        qputenv("QT_QPA_PLATFORM", "offscreen");
        QApplication app(argc, argv);
        return dashboard(QString::fromLocal8Bit(argv[2]), startOnly);
    }
    QCoreApplication app(argc, argv);
    // The store in a folder that outlives the run (a year takes a while to write), or a given one.
    const QString directory = argc >= 2 ? QString::fromLocal8Bit(argv[1])
                                        : QDir::temp().filePath(QStringLiteral("dmarc-bench-dashboard"));
    if (const int failed = generate(directory))
        return failed;
    for (int run = 0; run < 3; ++run) {
        QProcess child;
        child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        QElapsedTimer timer;
        timer.start();
        // The first run measures everything, the others only the start.
        child.start(QCoreApplication::applicationFilePath(),
                    {run == 0 ? QStringLiteral("--dashboard") : QStringLiteral("--start"),
                     directory});
        QByteArray output;
        while (!output.contains("painted\n") && child.waitForReadyRead(60000))
            output += child.readAllStandardOutput();
        const double startMs = double(timer.nsecsElapsed()) / 1e6;
        if (!output.contains("painted\n")) {
            std::fprintf(stderr, "the dashboard did not start\n");
            return 1;
        }
        std::printf("run %d: process start to a painted dashboard (Last 7 days): %.0f ms\n", run + 1,
                    startMs);
        child.waitForFinished(600000);
        output += child.readAllStandardOutput();
        if (run == 0)
            std::printf("%s", output.mid(output.indexOf("painted\n") + 8).constData());
    }
    return 0;
}
