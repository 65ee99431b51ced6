#pragma once

#include "imap/imapsettings.h"
#include "service/activity.h"
#include "service/pipeline.h"

#include <QHash>
#include <QList>
#include <QSet>
#include <QString>

namespace Dmarc {

class Store;

// The recent activity (activity.h) as the exporter sees it happen: a line per email committed,
// a line when a check the user asked for found nothing new, and a line when checks start to
// fail or fail differently. Kept in the store; a line the store cannot keep is still returned.
// Accounts are told apart by an opaque key (their watcher).
class ActivityLog
{
public:
    explicit ActivityLog(Store *store)
        : m_store(store)
    {}

    // The lines of a committed batch of `account`.
    QList<ActivityEntry> emailsProcessed(const void *key, const ImapSettings &account,
                                         const QList<ProcessedEmail> &emails, qint64 nowSecs);
    // "Check now": the end of the account's next check is told, with nothing new or not.
    void checkAsked(const void *key);
    // A check of the account ended; the line it makes, if any.
    QList<ActivityEntry> checkEnded(const void *key, const ImapSettings &account, bool ok,
                                    const QString &error, qint64 nowSecs);
    // The account is gone.
    void forget(const void *key);

private:
    QList<ActivityEntry> keep(QList<ActivityEntry> entries);

    Store *m_store;
    QSet<const void *> m_asked;               // accounts whose next check end is told
    QSet<const void *> m_mailSinceAsk;        // ... and which had emails since
    QHash<const void *, QString> m_lastError; // the failure told last, until a check succeeds
};

} // namespace Dmarc
