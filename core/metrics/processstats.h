#pragma once

#include "common/result.h"

#include <QByteArray>

namespace Dmarc {

// The process_* figures of docs/metrics.md section 3, as other native exporters report them.
struct ProcessStats
{
    double cpuSeconds = 0;
    double residentBytes = 0;
    double virtualBytes = 0;
    double openFds = 0;
    double maxFds = 0;
    double startTime = 0; // seconds since the epoch
};

// What the figures of proc(5) are counted in and relative to.
struct SystemConstants
{
    double ticksPerSecond = 0; // sysconf(_SC_CLK_TCK)
    double pageSize = 0;       // sysconf(_SC_PAGESIZE)
    double bootTime = 0;       // btime of /proc/stat, seconds since the epoch
};

// Pure: the CPU time, start time, virtual and resident size in the contents of a
// /proc/<pid>/stat file. The descriptor counts are left at zero.
Result<ProcessStats> parseProcessStat(const QByteArray &stat, const SystemConstants &system);

// Pure: the boot time (btime) in the contents of /proc/stat.
Result<double> parseBootTime(const QByteArray &systemStat);

// This process's figures, read at each call. What cannot be read is zero: a scrape always gets
// all process_* families.
ProcessStats readProcessStats();

} // namespace Dmarc
