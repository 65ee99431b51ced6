#pragma once

#include <QString>

namespace Dmarc {

// One line of the recent activity: what became of an email, or of a check the user asked for.
// The exporter keeps the newest kActivityKept in the store, so they outlive a restart.
struct ActivityEntry
{
    enum class Event
    {
        Done,          // the email's reports were read; it goes to the done folder
        Invalid,       // it goes to the error folder; `detail` says why
        DecidedBefore, // committed before; only the move was left to do
        NothingNew,    // "Check now" found no new email
        CheckFailed    // a check ended with an error (`detail`), told once until it changes
    };

    qint64 id = 0;   // the store's key; 0 when the store could not keep it
    qint64 at = 0;   // seconds since the epoch
    QString account; // the account's name (its user name unless named)
    QString host;
    Event event = Event::Done;
    QString label; // "uid 17"
    QString fromEmail;
    quint64 counted = 0; // aggregate reports counted (of a line kept before schema version 8:
                         // the reports of every kind)
    quint64 duplicates = 0;
    QString folder; // where the email goes
    QString detail;
    // SMTP TLS and DMARC failure reports counted.
    quint64 tlsCounted = 0;
    quint64 failuresCounted = 0;
};

constexpr int kActivityKept = 200;

} // namespace Dmarc
