#include "fileimporter.h"

#include "metrics/metricsregistry.h"
#include "pipeline.h"
#include "store/store.h"
#include "storeoptions.h"

#include <QDateTime>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>

namespace Dmarc {

namespace {

constexpr int kBatchFiles = 200;
constexpr qint64 kBatchBytes = qint64(64) * 1024 * 1024;

bool isReportFile(const QString &path)
{
    const QString name = path.toLower();
    for (const char *suffix : {".eml", ".xml", ".json", ".gz", ".gzip", ".zip"}) {
        if (name.endsWith(QLatin1String(suffix)))
            return true;
    }
    return false;
}

} // namespace

QStringList FileImporter::collect(const QStringList &paths, QStringList *missing)
{
    QStringList files;
    for (const QString &path : paths) {
        const QFileInfo info(path);
        if (info.isDir()) {
            QDirIterator it(path, QDir::Files | QDir::Readable, QDirIterator::Subdirectories);
            while (it.hasNext()) {
                const QString file = it.next();
                if (isReportFile(file))
                    files << QFileInfo(file).absoluteFilePath();
            }
        } else if (info.isFile()) {
            files << info.absoluteFilePath(); // named explicitly: taken whatever its suffix
        } else if (missing) {
            missing->append(path);
        }
    }
    files.sort();
    files.removeDuplicates();
    return files;
}

Result<ImportSummary> FileImporter::run(const Config &config, const QStringList &files,
                                        const std::function<void(int, int)> &progress)
{
    auto store = Store::open(storeLocationFor(config), storeOptionsFor(config));
    if (!store)
        return store.error();
    // Counted into the store only: no endpoint serves these metrics.
    MetricsRegistry metrics;
    // The sources are named as the mailbox names them, without reverse DNS.
    auto naming = SourceNaming::fromSettings(config.sources);
    if (!naming)
        return naming.error();
    Pipeline pipeline(store->get(), &metrics, config.limits, std::move(naming).value());

    ImportSummary summary;
    QList<IncomingEmail> batch;
    qint64 batchBytes = 0;
    const auto flush = [&]() -> Result<void> {
        if (batch.isEmpty())
            return {};
        const auto processed =
            pipeline.process(std::move(batch), QDateTime::currentSecsSinceEpoch());
        batch.clear();
        batchBytes = 0;
        if (!processed)
            return processed.error();
        for (const ProcessedEmail &email : *processed) {
            ++summary.files;
            if (email.alreadyDecided) {
                ++summary.alreadyImported;
                continue;
            }
            (email.verdict == EmailVerdict::Done ? summary.done : summary.failed) += 1;
            const int counted = int(email.reports.count(ReportOutcome::Counted));
            summary.reportsCounted += counted;
            summary.reportsDuplicate += int(email.reports.size()) - counted;
        }
        if (progress)
            progress(summary.files, int(files.size()));
        return {};
    };
    for (const QString &path : files) {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            return Error{QStringLiteral("io"),
                         QStringLiteral("cannot read %1: %2").arg(path, file.errorString())};
        }
        IncomingEmail email;
        email.kind = IncomingEmail::Kind::ReportFile;
        email.raw = file.readAll();
        email.label = path;
        email.identity.account = QStringLiteral("import");
        email.identity.mailbox = path;
        batchBytes += email.raw.size();
        batch.append(std::move(email));
        if (batch.size() >= kBatchFiles || batchBytes >= kBatchBytes) {
            if (auto flushed = flush(); !flushed)
                return flushed.error();
        }
    }
    if (auto flushed = flush(); !flushed)
        return flushed.error();
    // An archive is mostly of weeks long over: they are summed now, not by the next exporter.
    if (auto summed = (*store)->sumWeeks(QDateTime::currentDateTimeUtc().date()); !summed)
        return summed.error();
    return summary;
}

} // namespace Dmarc
