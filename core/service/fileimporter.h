#pragma once

#include "common/result.h"
#include "service/pipeline.h"

#include <QStringList>

#include <functional>

namespace Dmarc {

// The outcome of importing report files.
struct ImportSummary
{
    int files = 0;
    int done = 0;            // files whose reports all parsed
    int failed = 0;          // files with no report or a broken one
    int alreadyImported = 0; // the same file (same path and content) was imported before
    int reportsCounted = 0;
    int reportsDuplicate = 0;
};

// Counts local report files (.eml, .xml, .gz, .zip; folders recursively) into the store with
// the same deduplication as the mailbox, committing in batches.
class FileImporter
{
public:
    explicit FileImporter(Pipeline *pipeline);

    // The report files named by `paths`, folders expanded recursively, sorted; paths that do
    // not exist are reported in `missing`.
    static QStringList collect(const QStringList &paths, QStringList *missing);

    // Imports `files`; `progress(done, total)` is called after each batch.
    Result<ImportSummary> run(const QStringList &files,
                              const std::function<void(int, int)> &progress);

private:
    Pipeline *m_pipeline;
};

} // namespace Dmarc
