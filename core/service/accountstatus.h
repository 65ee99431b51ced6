#pragma once

#include <QDateTime>
#include <QString>
#include <QStringList>

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
    // Why the last check failed, by what sets it right: the login was refused (user name,
    // password), the server's certificate is not trusted (a CA file, the peer name), the
    // server could not be reached or dropped the connection (wait), anything else.
    enum class Trouble
    {
        None,
        LoginRefused,
        Certificate,
        Unreachable,
        Other
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
    QString host; // the server
    QString user; // the user name it logs in with
    Trouble trouble = Trouble::None;
    // With Trouble::Certificate: the refused certificate's issuer, the names it is for, and
    // why it was refused (one sentence each).
    QString certificateIssuer;
    QStringList certificateNames;
    QStringList certificateProblems;
    QDateTime nextAttempt; // UTC; while Reconnecting, when the next attempt begins
    // With a database that several instances share: the instance watching the account (its
    // configured name or "host:pid"), empty while none does; and whether it is this one.
    QString watcher;
    bool watchedHere = true;
};

} // namespace Dmarc
