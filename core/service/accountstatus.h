#pragma once

#include <QDateTime>
#include <QString>

namespace Dmarc {

// One account as the status views show it, taken from its mailbox watcher by the exporter.
struct AccountStatus
{
    enum class Activity
    {
        Stopped,
        Connecting,     // connect, TLS, greeting, login
        Checking,       // folders, search, fetch, moves
        Processing,     // a batch is being analysed and committed
        WaitingForMail, // connected, in IDLE
        WaitingForPoll, // disconnected until the next check
        Reconnecting    // waiting out the backoff after an error
    };

    QString name;
    Activity activity = Activity::Stopped;
    bool connected = false; // logged in
    bool pushMode = false;  // IDLE is used, else polling
    double pollIntervalSeconds = 0;
    QDateTime lastSuccessfulPoll; // UTC; invalid before the first success
    quint64 pollErrors = 0;
    QString lastError; // empty after a successful poll
    quint64 emailsMoved = 0;
};

} // namespace Dmarc
