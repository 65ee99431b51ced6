// Dashboard benchmark: a year of a large domain (365 days, 2,000 reports a day, 5,000 label
// sets), then the dashboard as a person meets it: from the start of its process to a dashboard
// painted with its figures, switching the range, each table's first paint, and the process's
// resident memory; with the CPU time the process spent on its start and on each switch (every
// thread's), which a loaded machine stretches less than the time on the clock. Run through
// tests/bench/run.sh dashboard.
//
// The store is written through Store::commit, a day at a time. The dashboard runs in a process
// of its own (this program with --dashboard, offscreen), started and timed from here.
//
// With --sources (run.sh sources), the same year also holds a large domain's sending sources:
// 365 days of 20,000 source_days rows (day, from domain, source IP), and the Sources view is
// timed from choosing "Last 30 days" to its first rows painted.
#include "dashboardmodels.h"
#include "dashboardwindow.h"
#include "exporterfixture.h"
#include "service/dashboardqueries.h"
#include "service/exporter.h"
#include "service/sourcequeries.h"
#include "sourcesview.h"
#include "store/store.h"
#include "store/storedialect.h"

#include <QApplication>
#include <QComboBox>
#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTest>

#include <algorithm>
#include <cstdio>
#include <ctime>
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
constexpr int kSourceRowsPerDay = 20000;
constexpr int kSourceRounds = 20;

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
        return LabelSet{reporterName(reporter), from, QString(),
                        QStringLiteral("forwarder.example")};
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
    email.identity =
        EmailIdentity{QStringLiteral("bench"), QStringLiteral("INBOX"), 1,
                      quint32(dayNumber * kReportsPerDay + index), QByteArray::number(index)};
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

// The sending sources of the year, written with SQL into the tables the commits fill (a commit
// per day would take most of an hour for 7.3 million rows). Per day 20,000 rows: 16,000 from a
// pool of 24,000 addresses that send every few days (the domain's own servers, Microsoft 365,
// Google Workspace, ESPs, CRM and marketing platforms, forwarders, a few unnamed ones), named
// as the known-senders map names them and with their PTR names in the reverse DNS cache, and
// 4,000 addresses seen on that day only (spoofing and forwarding, "unknown", no PTR name). One
// address in ten is IPv6; 60 % of the rows are for bigcorp.example, the rest for 24 of its
// subdomains, an address always for the same one. A day's reporters and DKIM and SPF domains
// (source_days.domains, read by the drill-down only) are left empty; the sums per week and each
// address's first day are filled from the days.
int generateSources(const QString &directory)
{
    const QString connectionName = QStringLiteral("bench-sources");
    int failed = 0;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connectionName);
        db.setDatabaseName(QDir(directory).filePath(Store::fileName()));
        QSqlQuery query(db);
        const auto exec = [&query](const QString &sql) {
            if (query.exec(sql))
                return true;
            std::fprintf(stderr, "%s\n", qPrintable(query.lastError().text()));
            return false;
        };
        if (!db.open() || !exec(QStringLiteral("SELECT COUNT(*) FROM source_days")) ||
            !query.next()) {
            std::fprintf(stderr, "cannot read the sources of %s\n", qPrintable(directory));
            failed = 1;
        } else if (query.value(0).toLongLong() > 0) {
            std::printf("sources: %lld rows (kept from an earlier run)\n",
                        query.value(0).toLongLong());
        } else {
            QElapsedTimer timer;
            timer.start();
            // n: days back; k: the row of the day; id: the address (pool addresses below 24,000);
            // b: the sender of a pool address (per cent).
            const QString rows =
                QStringLiteral(
                    "WITH RECURSIVE days(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM days "
                    "WHERE n < %1), "
                    "ks(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM ks WHERE k < %2 - 1), "
                    "r AS (SELECT n, CASE WHEN k < 16000 THEN (k + n * 331) % 24000 "
                    "ELSE 24000 + n * 4000 + k - 16000 END AS id FROM days, ks), "
                    "s AS (SELECT n, id, CASE WHEN id < 24000 THEN id % 100 ELSE 100 END AS b, "
                    "1 + (id * 2654435761 + n * 40503) % "
                    "CASE WHEN id < 24000 THEN 400 ELSE 5 END AS m FROM r) ")
                    .arg(kDays)
                    .arg(kSourceRowsPerDay);
            const QString ip = QStringLiteral(
                "CASE WHEN id % 10 = 0 THEN printf('2001:db8:%x:%x::%x', 1 + id / 65536, "
                "1 + id % 65535, 1 + id % 4000) "
                "ELSE printf('%d.%d.%d.%d', 20 + (id / 65536) % 180, "
                "(id / 256) % 256, id % 256, 1 + (id * 7) % 250) END");
            const QString name = QStringLiteral(
                "CASE WHEN b < 25 THEN 'Microsoft 365' WHEN b < 40 THEN 'Google Workspace' "
                "WHEN b < 55 THEN 'SendGrid' WHEN b < 65 THEN 'Amazon SES' "
                "WHEN b < 73 THEN 'Mailchimp' WHEN b < 79 THEN 'Salesforce' "
                "WHEN b < 84 THEN 'HubSpot' WHEN b < 87 THEN 'office' "
                "WHEN b < 92 THEN 'Google Groups' ELSE 'unknown' END");
            const QString type = QStringLiteral(
                "CASE WHEN b < 40 THEN 'mailbox-provider' WHEN b < 65 THEN 'esp' "
                "WHEN b < 73 THEN 'marketing' WHEN b < 84 THEN 'crm' WHEN b < 87 THEN 'own' "
                "WHEN b < 92 THEN 'forwarder' ELSE '' END");
            const QString ptr = QStringLiteral(
                "CASE WHEN b < 25 THEN printf('mail-%d.outbound.protection.outlook.com', id) "
                "WHEN b < 40 THEN printf('mail-%d.google.com', id) "
                "WHEN b < 55 THEN printf('o%d.ptr.sendgrid.net', id) "
                "WHEN b < 65 THEN printf('a%d.smtp-out.amazonses.com', id) "
                "WHEN b < 73 THEN printf('mail%d.mcsv.net', id) "
                "WHEN b < 79 THEN printf('smtp%d.mta.salesforce.com', id) "
                "WHEN b < 84 THEN printf('o%d.hubspotemail.net', id) "
                "WHEN b < 87 THEN printf('smtp%d.bigcorp.example', id) "
                "WHEN b < 92 THEN printf('mail-%d.googlegroups.com', id) ELSE '' END");
            const QString fromDomain =
                QStringLiteral("CASE WHEN id % 5 < 3 THEN 'bigcorp.example' "
                               "ELSE printf('mail%d.bigcorp.example', 1 + id % 24) END");
            // Unnamed sources fail and are rejected, forwarders keep DKIM for 70 %.
            const QString sourceDays =
                rows %
                QStringLiteral(
                    "INSERT INTO source_days (day, from_domain, source_ip, source_name, "
                    "source_type, messages, compliant, dkim_aligned, spf_aligned, "
                    "quarantined, rejected) SELECT date('now', printf('-%d days', n)), ") %
                fromDomain % QStringLiteral(", ") % ip % QStringLiteral(", ") % name %
                QStringLiteral(", ") % type %
                QStringLiteral(
                    ", m, CASE WHEN b < 87 THEN m WHEN b < 92 THEN m * 7 / 10 ELSE 0 END, "
                    "CASE WHEN b < 87 THEN m WHEN b < 92 THEN m * 7 / 10 ELSE 0 END, "
                    "CASE WHEN b < 87 THEN m ELSE 0 END, 0, "
                    "CASE WHEN b < 87 THEN 0 WHEN b < 92 THEN m - m * 7 / 10 ELSE m END "
                    "FROM s");
            const QString ptrCache =
                QStringLiteral("WITH RECURSIVE pool(id) AS (SELECT 0 UNION ALL SELECT id + 1 FROM "
                               "pool WHERE id < 23999), s AS (SELECT id, id % 100 AS b FROM pool) "
                               "INSERT INTO ptr_cache (ip, outcome, name, expires) SELECT ") %
                ip % QStringLiteral(", CASE WHEN b < 92 THEN 'name' ELSE 'no_name' END, ") % ptr %
                QStringLiteral(", 4102444800 FROM s");
            bool written = exec(QStringLiteral("BEGIN")) && exec(sourceDays) && exec(ptrCache);
            // The sums per week and the first days, filled from the days as the schema
            // version that adds them does.
            for (const QString &statement : sourcePagesMigration(SqliteDialect())) {
                if (written && statement.startsWith(QLatin1String("INSERT ")))
                    written = exec(statement);
            }
            written = written && exec(QStringLiteral("COMMIT"));
            const double seconds = double(timer.elapsed()) / 1000.0;
            if (!written ||
                !exec(QStringLiteral(
                    "SELECT COUNT(*), COUNT(DISTINCT source_ip) FROM source_days")) ||
                !query.next()) {
                failed = 1;
            } else {
                std::printf("sources: %lld rows of %lld addresses written in %.1f s, a %.0f MB "
                            "store\n",
                            query.value(0).toLongLong(), query.value(1).toLongLong(), seconds,
                            double(QFileInfo(db.databaseName()).size()) / 1e6);
            }
        }
        query.finish();
        db.close();
    }
    QSqlDatabase::removeDatabase(connectionName);
    return failed;
}

double percentile(std::vector<double> values, double p)
{
    std::sort(values.begin(), values.end());
    return values[std::min(values.size() - 1, size_t(p * double(values.size())))];
}

// CPU time of the whole process so far (every thread), in milliseconds.
double processCpuMs()
{
    timespec now{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return double(now.tv_sec) * 1e3 + double(now.tv_nsec) / 1e6;
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
    std::printf("start: %.0f ms of CPU time\npainted\n", processCpuMs());
    std::fflush(stdout);
    const long startKb = residentKb();
    if (startOnly) {
        window.close();
        Test::stopExporter(exporter);
        return 0;
    }

    std::vector<double> switches;
    std::vector<double> switchCpu; // the process's CPU time during each switch
    std::vector<double> perRange[4];
    std::vector<double> tables[4];
    const Ui::Range ranges[] = {Ui::Range::Yesterday, Ui::Range::Month, Ui::Range::All,
                                Ui::Range::Week};
    auto *tabs = window.tabs();
    for (int round = 0; round < kSwitchRounds; ++round) {
        for (const Ui::Range range : ranges) {
            tabs->setCurrentIndex(0);
            timer.restart();
            const double cpuBefore = processCpuMs();
            window.setRange(range);
            switches.push_back(settleAndPaint(window, timer));
            switchCpu.push_back(processCpuMs() - cpuBefore);
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
    std::printf("  CPU time of a switch (every thread): p50 %.1f ms, p99 %.1f ms\n",
                percentile(switchCpu, 0.5), percentile(switchCpu, 0.99));
    std::printf("  the first, at once after the start: %.1f ms\n", switches.front());
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

// The Sources view on the year with its sources: the Sources tab open on "Last 7 days", then
// "Last 30 days" chosen, kSourceRounds times (back to "Last 7 days" in between, untimed): the
// time to the view's rows (the answer in the model, sorted) and to their first paint, and the
// store's and service's read alone (the same question asked of the queries directly).
int sourcesDashboard(const QString &directory)
{
    QStandardPaths::setTestModeEnabled(true);
    auto exporter = Test::startExporterWithUnreachableAccount(directory);
    if (!exporter)
        return 1;
    Ui::DashboardWindow window(*exporter);
    Ui::SourcesView *view = window.sourcesView();
    window.tabs()->setCurrentWidget(view);
    window.setRange(Ui::Range::Week);
    window.show();
    QElapsedTimer timer;
    timer.start();
    std::printf("start to the Sources view painted (Last 7 days): %.0f ms\n",
                settleAndPaint(window, timer));
    auto *table = view->findChild<QTableView *>(QStringLiteral("sourcesTable"));
    bool answered = false;
    QObject::connect(view->model(), &QAbstractItemModel::modelReset, &window,
                     [&answered] { answered = true; });
    const auto waitFor = [](const bool &flag) {
        while (!flag)
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    };
    const DayRange month = Ui::dayRange(Ui::Range::Month, QDateTime::currentDateTimeUtc().date());
    const auto store = Store::open(directory);
    if (!store) {
        std::fprintf(stderr, "%s\n", qPrintable(store.error().message));
        return 1;
    }
    std::vector<double> rowsIn, painted, settled, reads;
    int rows = 0;
    for (int round = 0; round < kSourceRounds; ++round) {
        window.setRange(Ui::Range::Week);
        settleAndPaint(window, timer);
        answered = false;
        timer.restart();
        window.setRange(Ui::Range::Month);
        waitFor(answered);
        rowsIn.push_back(double(timer.nsecsElapsed()) / 1e6);
        table->grab();
        painted.push_back(double(timer.nsecsElapsed()) / 1e6);
        settled.push_back(settleAndPaint(window, timer));
        rows = view->model()->rowCount();

        // The same first page read of a store of its own, nothing kept.
        timer.restart();
        const auto page = sourcePageOf(**store, month, SourceFilter{}, SourceOrder{}, 0,
                                       Ui::SourcesView::kPageRows);
        reads.push_back(double(timer.nsecsElapsed()) / 1e6);
        if (!page) {
            std::fprintf(stderr, "%s\n", qPrintable(page.error().message));
            return 1;
        }
    }
    const auto line = [](const char *what, const std::vector<double> &values) {
        std::printf("%s: p50 %.0f ms, p99 %.0f ms (%zu times)\n", what, percentile(values, 0.5),
                    percentile(values, 0.99), values.size());
    };
    std::printf("Last 30 days: %lld source rows, %d of them in the view's model\n",
                qlonglong(view->model()->total()), rows);
    // The first round reads the store; the others find the pages kept, nothing having been
    // committed since.
    std::printf("first round: rows in the model %.0f ms, painted %.0f ms, settled %.0f ms\n",
                rowsIn.front(), painted.front(), settled.front());
    line("Last 30 days chosen to the Sources view's rows in its model", rowsIn);
    line("... to its first rows painted", painted);
    line("... to the whole window's answers in and painted", settled);
    line("the first page read alone (store and service, nothing kept)", reads);
    std::printf("VmRSS: %.1f MB\n", double(residentKb()) / 1024.0);
    window.close();
    Test::stopExporter(exporter);
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    const bool startOnly = argc == 3 && qstrcmp(argv[1], "--start") == 0;
    const bool sourcesOnly = argc == 3 && qstrcmp(argv[1], "--sources-view") == 0;
    if (argc == 3 && (startOnly || sourcesOnly || qstrcmp(argv[1], "--dashboard") == 0)) {
        qputenv("QT_QPA_PLATFORM", "offscreen");
        QApplication app(argc, argv);
        const QString directory = QString::fromLocal8Bit(argv[2]);
        return sourcesOnly ? sourcesDashboard(directory) : dashboard(directory, startOnly);
    }
    QCoreApplication app(argc, argv);
    // With --sources: the year with its sources, in a folder of its own.
    const bool sources = argc >= 2 && qstrcmp(argv[1], "--sources") == 0;
    const int folderArg = sources ? 2 : 1;
    // The store in a folder that outlives the run (a year takes a while to write), or a given one.
    const QString directory =
        argc > folderArg ? QString::fromLocal8Bit(argv[folderArg])
                         : QDir::temp().filePath(sources ? QStringLiteral("dmarc-bench-sources")
                                                         : QStringLiteral("dmarc-bench-dashboard"));
    if (const int failed = generate(directory))
        return failed;
    if (sources) {
        if (const int failed = generateSources(directory))
            return failed;
        QProcess child;
        child.setProcessChannelMode(QProcess::ForwardedChannels);
        child.start(QCoreApplication::applicationFilePath(),
                    {QStringLiteral("--sources-view"), directory});
        child.waitForFinished(-1);
        return child.exitCode();
    }
    for (int run = 0; run < 3; ++run) {
        QProcess child;
        child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        QElapsedTimer timer;
        timer.start();
        // The first run measures everything, the others only the start.
        child.start(
            QCoreApplication::applicationFilePath(),
            {run == 0 ? QStringLiteral("--dashboard") : QStringLiteral("--start"), directory});
        QByteArray output;
        while (!output.contains("painted\n") && child.waitForReadyRead(60000))
            output += child.readAllStandardOutput();
        const double startMs = double(timer.nsecsElapsed()) / 1e6;
        if (!output.contains("painted\n")) {
            std::fprintf(stderr, "the dashboard did not start\n");
            return 1;
        }
        const qsizetype cpuAt = output.indexOf("start: ");
        std::printf("run %d: process start to a painted dashboard (Last 7 days): %.0f ms (%s)\n",
                    run + 1, startMs,
                    output.mid(cpuAt + 7, output.indexOf('\n', cpuAt) - cpuAt - 7).constData());
        child.waitForFinished(600000);
        output += child.readAllStandardOutput();
        if (run == 0)
            std::printf("%s", output.mid(output.indexOf("painted\n") + 8).constData());
    }
    return 0;
}
