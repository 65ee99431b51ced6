#pragma once

// Another process's memory and threads as /proc/PID/status shows them (Linux), as a user
// measures a running service.

#include <QByteArray>
#include <QFile>
#include <QList>
#include <QString>

namespace Dmarc::Test {

struct ProcessStatus
{
    qint64 rssKiB = 0;  // VmRSS
    qint64 anonKiB = 0; // RssAnon: private memory (heap, stacks, anonymous mappings)
    qint64 fileKiB = 0; // RssFile: mapped files (code of the program and its libraries)
    qint64 hwmKiB = 0;  // VmHWM: the peak of VmRSS
    int threads = 0;
};

// All zero when the process does not exist.
inline ProcessStatus processStatus(qint64 pid)
{
    ProcessStatus status;
    QFile file(QStringLiteral("/proc/%1/status").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return status;
    const auto value = [](const QByteArray &line) {
        const QByteArray rest = line.mid(line.indexOf(':') + 1).trimmed();
        return rest.left(rest.indexOf(' ') < 0 ? rest.size() : rest.indexOf(' ')).toLongLong();
    };
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            status.rssKiB = value(line);
        else if (line.startsWith("RssAnon:"))
            status.anonKiB = value(line);
        else if (line.startsWith("RssFile:"))
            status.fileKiB = value(line);
        else if (line.startsWith("VmHWM:"))
            status.hwmKiB = value(line);
        else if (line.startsWith("Threads:"))
            status.threads = int(value(line));
    }
    return status;
}

} // namespace Dmarc::Test
