#pragma once

#include "common/result.h"

#include <QString>

namespace Dmarc {

// Keeps other processes off a store folder while held: an fcntl write lock on a file in the
// folder, which also holds the holder's PID for people to read. The kernel drops the lock with
// the process, so a lock file left behind by a dead process is simply taken over.
//
// Within one process the folder may be opened more than once (the dashboard reads the store
// over a connection of its own): those openings share the one lock, counted, since closing any
// descriptor of the file would drop a process's fcntl lock. The file is written only here.
class StoreLock
{
public:
    static QString fileName() { return QStringLiteral("dmarc-metrics-exporter.lock"); }

    // Takes the lock of `directory` (creating the lock file with mode 0600), or says which
    // process holds it.
    static Result<StoreLock> acquire(const QString &directory);

    StoreLock(StoreLock &&other) noexcept;
    StoreLock &operator=(StoreLock &&other) noexcept;
    StoreLock(const StoreLock &) = delete;
    StoreLock &operator=(const StoreLock &) = delete;
    ~StoreLock();

private:
    explicit StoreLock(QString path)
        : m_path(std::move(path))
    {}
    void release();

    QString m_path; // of the lock file; empty once moved from
};

} // namespace Dmarc
