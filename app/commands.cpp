#include "commands.h"

#include "common/log.h"
#include "common/logging.h"
#include "config/config.h"
#include "service/exporter.h"
#include "service/fileimporter.h"
#include "service/storemigrator.h"
#include "signalwatcher.h"

#include <QCoreApplication>
#include <QTextStream>

#include <cstdio>
#include <unistd.h>

namespace Dmarc::App {

namespace {

// Loads the configuration, or prints why not (exit code 2).
std::optional<Config> loadOrComplain(const CommandLine &commandLine)
{
    auto config = loadConfig(commandLine.configurationPath, systemEnvironment());
    if (!config) {
        QTextStream(stderr) << "dmarc-metrics-exporter: " << config.error().message << '\n';
        return std::nullopt;
    }
    return std::move(config).value();
}

} // namespace

void installLogging(const Config &config, bool debug, std::optional<QtMsgType> level)
{
    Log::install(config.logFormat, debug ? QtDebugMsg : level.value_or(config.logLevel));
    for (const QString &warning : config.warnings)
        Log::warning(lcApp(), warning, {});
}

int runCheckConfig(const CommandLine &commandLine)
{
    const auto config = loadOrComplain(commandLine);
    if (!config)
        return 2;
    QTextStream err(stderr);
    for (const QString &warning : config->warnings)
        err << "warning: " << warning << '\n';
    QTextStream(stdout) << toJson(*config, ConfigForm::Shown);
    err << config->sourcePath << ": OK\n";
    return 0;
}

QStringList collectReportFiles(const char *command, const QStringList &paths, bool *allFound)
{
    QTextStream err(stderr);
    QStringList missing;
    const QStringList files = FileImporter::collect(paths, &missing);
    for (const QString &path : std::as_const(missing))
        err << command << ": no such file or folder: " << path << '\n';
    if (files.isEmpty())
        err << command << ": no report files found\n";
    *allFound = missing.isEmpty();
    return files;
}

int runImport(const CommandLine &commandLine)
{
    const auto config = loadOrComplain(commandLine);
    if (!config)
        return 2;
    const bool terminal = ::isatty(STDERR_FILENO);
    // On a terminal the progress bar speaks; per-file lines only with --debug.
    installLogging(*config, commandLine.debug,
                   terminal ? std::optional(QtWarningMsg) : std::nullopt);
    QTextStream err(stderr);

    bool allFound = true;
    const QStringList files = collectReportFiles("import", commandLine.files, &allFound);
    if (files.isEmpty())
        return 1;

    const auto summary = FileImporter::run(*config, files, [&](int done, int total) {
        if (!terminal)
            return;
        constexpr int width = 30;
        const int filled = total > 0 ? done * width / total : width;
        err << "\r[" << QString(filled, QLatin1Char('#'))
            << QString(width - filled, QLatin1Char('.')) << "] " << done << '/' << total << " files"
            << Qt::flush;
    });
    if (terminal)
        err << '\n';
    if (!summary) {
        err << "import: " << summary.error().message << '\n';
        return 1;
    }
    err << "Imported " << summary->files << " files: " << summary->reportsCounted
        << " reports counted, " << summary->reportsDuplicate << " duplicates skipped, "
        << summary->failed << " files with errors, " << summary->alreadyImported
        << " files already counted.\n";
    if (summary->failed > 0)
        err << "Run `dmarc-metrics-exporter inspect FILE` to see why a file failed.\n";
    return (summary->failed > 0 || !allFound) ? 1 : 0;
}

int runMigrate(const CommandLine &commandLine)
{
    const auto config = loadOrComplain(commandLine);
    if (!config)
        return 2;
    // What happened is printed below; the store's own lines only with --debug.
    installLogging(*config, commandLine.debug, QtWarningMsg);
    const auto migration = migrateToDatabase(*config, commandLine.files.constFirst());
    if (!migration) {
        QTextStream(stderr) << "migrate: " << migration.error().message << '\n';
        return 1;
    }
    QTextStream out(stdout);
    const QString source =
        migration->source +
        (migration->sourceVersion < migration->version
             ? QStringLiteral(" (schema version %1, brought up to %2 on a copy; the file is "
                              "unchanged)")
                   .arg(migration->sourceVersion)
                   .arg(migration->version)
             : QStringLiteral(" (schema version %1)").arg(migration->version));
    if (migration->copied)
        out << "Copied " << source << "\ninto " << migration->target << ".\n";
    else
        out << "Nothing to copy: " << migration->target << "\nholds the rows of " << source
            << " already; nothing was changed.\n";
    out << '\n'
        << QStringLiteral("%1 %2").arg(QStringLiteral("table"), -28).arg(QStringLiteral("rows"), 12)
        << '\n';
    qint64 messages = 0;
    for (const TableTally &table : migration->tables) {
        out << QStringLiteral("%1 %2").arg(table.table, -28).arg(table.rows, 12) << '\n';
        for (const auto &[column, sum] : table.sums) {
            if (table.table == QLatin1String("counters") && column == QLatin1String("total"))
                messages = sum;
        }
    }
    out << "\nVerified: every table has as many rows in both, and each of its number columns "
           "the same sum.\nDMARC messages counted: "
        << messages << ".\n";
    return 0;
}

int runExporter(const CommandLine &commandLine)
{
    const auto config = loadOrComplain(commandLine);
    if (!config)
        return 2;
    installLogging(*config, commandLine.debug);

    Exporter exporter(*config);
    if (auto started = exporter.start(); !started) {
        Log::write(lcApp(), QtCriticalMsg, started.error().message, {});
        return 1;
    }
    return serve(exporter, commandLine.debug);
}

int serve(Exporter &exporter, bool debug)
{
    SignalWatcher signalWatcher;
    QObject::connect(&signalWatcher, &SignalWatcher::terminationRequested, &exporter,
                     [&exporter](int signalNumber) {
                         Log::info(lcApp(), QStringLiteral("Stopping"),
                                   {{QStringLiteral("signal"), QString::number(signalNumber)}});
                         exporter.stop();
                     });
    exporter.setDebugLogging(debug);
    // reload() logs what it applied, or why nothing.
    QObject::connect(&signalWatcher, &SignalWatcher::reloadRequested, &exporter,
                     [&exporter] { static_cast<void>(exporter.reload()); });
    QObject::connect(&exporter, &Exporter::stopped, QCoreApplication::instance(),
                     [] { QCoreApplication::exit(0); });
    return QCoreApplication::exec();
}

} // namespace Dmarc::App
