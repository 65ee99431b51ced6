#pragma once

// Small tools the benchmarks that run the exporter as a process share: the samples of its decided
// emails, the machine's load, a wait that keeps the event loop turning, and a process's CPU time
// read from /proc.

#include <QByteArray>
#include <QEventLoop>
#include <QFile>
#include <QList>
#include <QString>
#include <QTimer>

#include <unistd.h>

namespace Dmarc::Test {

// The exporter's samples of the emails it decided, by outcome.
inline const QString kDone =
    QStringLiteral("dmarc_metrics_exporter_emails_processed_total{outcome=\"done\"}");
inline const QString kError =
    QStringLiteral("dmarc_metrics_exporter_emails_processed_total{outcome=\"error\"}");

// The 1, 5 and 15 minute load averages.
inline QString loadAverage()
{
    QFile file(QStringLiteral("/proc/loadavg"));
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("unknown");
    return QString::fromLatin1(file.readAll().split(' ').mid(0, 3).join(' '));
}

// Lets the event loop run for `ms` milliseconds.
inline void waitMs(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

// utime + stime of /proc/PID/stat in seconds, with `reapedChildren` those of the children it
// waited for too; 0 when the process is gone.
inline double cpuSecondsOf(qint64 pid, bool reapedChildren = false)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray text = stat.readAll();
    const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
    if (fields.size() < 15)
        return 0;
    double ticks = fields.at(11).toDouble() + fields.at(12).toDouble();
    if (reapedChildren)
        ticks += fields.at(13).toDouble() + fields.at(14).toDouble();
    return ticks / double(::sysconf(_SC_CLK_TCK));
}

} // namespace Dmarc::Test
