#pragma once

#include <QDateTime>
#include <QMetaType>
#include <QString>

namespace Dmarc {

// Whether the store takes commits, and when not, why and when it is tried again.
struct StoreStatus
{
    bool usable = true;
    QString reason;            // the fault in plain words; empty while usable
    QString error;             // the store's own message, naming the file
    QDateTime nextRetry;       // UTC; invalid while usable
    quint64 failedCommits = 0; // since the start
};

} // namespace Dmarc

Q_DECLARE_METATYPE(Dmarc::StoreStatus)
