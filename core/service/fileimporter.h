#pragma once

#include "common/result.h"
#include "config/config.h"

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
    // The report files named by `paths`, folders expanded recursively, sorted; paths that do
    // not exist are reported in `missing`.
    static QStringList collect(const QStringList &paths, QStringList *missing);

    // Imports `files` into the store of `config` (its storage path, deduplication window and
    // payload limits); `progress(done, total)` is called after each batch.
    static Result<ImportSummary> run(const Config &config, const QStringList &files,
                                     const std::function<void(int, int)> &progress);
};

} // namespace Dmarc
