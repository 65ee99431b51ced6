#include "processstats.h"

#include <QFile>
#include <QList>

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

namespace Dmarc {

namespace {

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

Error malformed(const QString &message)
{
    return Error{QStringLiteral("malformed"), message};
}

SystemConstants systemConstants()
{
    SystemConstants system;
    system.ticksPerSecond = double(sysconf(_SC_CLK_TCK));
    system.pageSize = double(sysconf(_SC_PAGESIZE));
    const Result<double> boot = parseBootTime(readAll(QStringLiteral("/proc/stat")));
    system.bootTime = boot.ok() ? boot.value() : 0;
    return system;
}

double openFds()
{
    DIR *dir = opendir("/proc/self/fd");
    if (!dir)
        return 0;
    double count = 0;
    while (const dirent *entry = readdir(dir)) {
        if (entry->d_name[0] != '.')
            ++count;
    }
    closedir(dir);
    return count - 1; // the directory handle itself
}

double maxFds()
{
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return 0;
    return double(limit.rlim_cur);
}

} // namespace

Result<ProcessStats> parseProcessStat(const QByteArray &stat, const SystemConstants &system)
{
    // The command name may contain spaces and parentheses; fields start after the last ')'.
    const qsizetype nameEnd = stat.lastIndexOf(')');
    if (nameEnd < 0)
        return malformed(QStringLiteral("process stat: no command name"));
    const QList<QByteArray> fields = stat.mid(nameEnd + 2).split(' ');
    if (fields.size() < 22)
        return malformed(QStringLiteral("process stat: %1 fields after the command name, "
                                        "fewer than 22")
                             .arg(fields.size()));
    bool ok = true;
    // index 0 is field 3 (state) of proc(5).
    const auto number = [&fields, &ok](int index) {
        bool fieldOk = false;
        const double value = fields.at(index).toDouble(&fieldOk);
        ok = ok && fieldOk;
        return value;
    };
    ProcessStats stats;
    stats.cpuSeconds = (number(11) + number(12)) / system.ticksPerSecond;
    stats.startTime = system.bootTime + number(19) / system.ticksPerSecond;
    stats.virtualBytes = number(20);
    stats.residentBytes = number(21) * system.pageSize;
    if (!ok)
        return malformed(QStringLiteral("process stat: a field is not a number"));
    return stats;
}

Result<double> parseBootTime(const QByteArray &systemStat)
{
    for (const QByteArray &line : systemStat.split('\n')) {
        if (!line.startsWith("btime "))
            continue;
        bool ok = false;
        const double bootTime = line.mid(6).trimmed().toDouble(&ok);
        if (ok)
            return bootTime;
        break;
    }
    return malformed(QStringLiteral("system stat: no boot time (btime)"));
}

ProcessStats readProcessStats()
{
    // The tick rate, the page size and the boot time stay as they are while we run.
    static const SystemConstants system = systemConstants();
    const Result<ProcessStats> parsed =
        parseProcessStat(readAll(QStringLiteral("/proc/self/stat")), system);
    ProcessStats stats = parsed.ok() ? parsed.value() : ProcessStats();
    stats.openFds = openFds();
    stats.maxFds = maxFds();
    return stats;
}

} // namespace Dmarc
