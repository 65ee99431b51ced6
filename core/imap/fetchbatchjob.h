#pragma once

#include "common/result.h"
#include "imap/imapsettings.h"
#include "imap/mailboxbatch.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QSet>

namespace Dmarc::Imap {

class ImapSession;
struct ImapResponse;

// What one check has found in the inbox and not yet handed over, carried from batch to batch.
struct InboxQueue
{
    QList<quint32> pending;       // found by SEARCH, size known, not yet handed over; ascending
    QHash<quint32, qint64> sizes; // RFC822.SIZE per UID
    QSet<quint32> offered;        // handed over during this check: a later SEARCH leaves them out
};

struct NextBatch
{
    MailboxBatch batch; // without emails: the inbox holds nothing more for this check
    InboxQueue queue;   // the rest, for the check's next FetchBatchJob
    // The inbox grew while the last SEARCH ran: the SEARCH result may lack that mail, and the
    // server reports it only once, so IDLE would not tell it again.
    bool mailArrived = false;
};

// The next batch of the selected inbox: when nothing is pending, UID SEARCH UNDELETED and the
// sizes of what it found; then consecutive emails up to maxBatchBytes (at least one), and the
// bodies of those not over maxMessageBytes. Emails expunged by someone else meanwhile are left
// out; a batch that loses all of them is followed by the next one.
class FetchBatchJob : public QObject
{
    Q_OBJECT
public:
    // `batch` names the account, mailbox and UIDVALIDITY the emails are handed over under; the
    // emails found are added to it.
    FetchBatchJob(ImapSession *session, const ImapSettings &settings, MailboxBatch batch,
                  InboxQueue queue, QObject *parent = nullptr);

    void start();
    // The inbox grew (a higher EXISTS). The owner counts the inbox for the whole session; this
    // job only needs to know whether it happened during its SEARCH.
    void noteMailArrived() { m_mailArrived = true; }

Q_SIGNALS:
    void finished(const Dmarc::Result<Dmarc::Imap::NextBatch> &next);

private:
    void onUntagged(const ImapResponse &response);
    void search();
    void fetchSizes();
    void fetchNextBatch();
    void takeBodies(const QList<quint32> &fetched);
    // False (and finished() with the error) unless `tagged` is OK.
    bool succeeded(const ImapResponse &tagged, const QString &what);

    ImapSession *m_session;
    ImapSettings m_settings;
    MailboxBatch m_batch;
    InboxQueue m_queue;
    QList<quint32> m_found;
    QHash<quint32, QByteArray> m_bodies;
    bool m_searching = false;
    bool m_mailArrived = false;
};

} // namespace Dmarc::Imap
