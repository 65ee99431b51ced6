#include "fetchbatchjob.h"

#include "common/logging.h"
#include "imap/imapsession.h"

#include <algorithm>
#include <utility>

namespace Dmarc::Imap {

FetchBatchJob::FetchBatchJob(ImapSession *session, const ImapSettings &settings, MailboxBatch batch,
                             InboxQueue queue, QObject *parent)
    : QObject(parent)
    , m_session(session)
    , m_settings(settings)
    , m_batch(std::move(batch))
    , m_queue(std::move(queue))
{}

void FetchBatchJob::start()
{
    connect(m_session, &ImapSession::untagged, this, &FetchBatchJob::onUntagged);
    if (m_queue.pending.isEmpty())
        search();
    else
        fetchNextBatch();
}

bool FetchBatchJob::succeeded(const ImapResponse &tagged, const QString &what)
{
    const Result<void> result = commandResult(tagged, what);
    if (!result)
        Q_EMIT finished(result.error());
    return result.ok();
}

void FetchBatchJob::onUntagged(const ImapResponse &response)
{
    if (response.name == "SEARCH" && m_searching) {
        for (const auto &value : response.values) {
            if (value.isNumber())
                m_found.append(quint32(value.number));
        }
    } else if (response.name == "FETCH") {
        const auto *uid = response.fetchItem("UID");
        if (!uid)
            return;
        if (const auto *size = response.fetchItem("RFC822.SIZE"))
            m_queue.sizes.insert(quint32(uid->value.number), qint64(size->value.number));
        const auto *body = response.fetchItem("BODY");
        if (body && body->hasSection && body->section.isEmpty())
            m_bodies.insert(quint32(uid->value.number), body->value.bytes);
    }
}

void FetchBatchJob::search()
{
    m_found.clear();
    m_queue.sizes.clear();
    m_searching = true;
    m_mailArrived = false; // what arrives from here on may be missing from the result
    m_session->send(
        m_session->command("UID SEARCH").raw("UNDELETED").build(),
        [this](const ImapResponse &tagged) {
            m_searching = false;
            if (!succeeded(tagged, QStringLiteral("UID SEARCH")))
                return;
            std::sort(m_found.begin(), m_found.end());
            m_queue.pending.clear();
            for (const quint32 uid : std::as_const(m_found)) {
                if (!m_queue.offered.contains(uid))
                    m_queue.pending.append(uid);
            }
            if (m_queue.pending.isEmpty())
                Q_EMIT finished(NextBatch{std::move(m_batch), std::move(m_queue), m_mailArrived});
            else
                fetchSizes();
        });
}

void FetchBatchJob::fetchSizes()
{
    m_session->send(m_session->command("UID FETCH")
                        .raw(uidSet(m_queue.pending))
                        .raw("(UID RFC822.SIZE)")
                        .build(),
                    [this](const ImapResponse &tagged) {
                        if (!succeeded(tagged, QStringLiteral("UID FETCH (RFC822.SIZE)")))
                            return;
                        // Emails expunged meanwhile have no size: they are gone.
                        QList<quint32> &pending = m_queue.pending;
                        pending.erase(std::remove_if(pending.begin(), pending.end(),
                                                     [this](quint32 uid) {
                                                         return !m_queue.sizes.contains(uid);
                                                     }),
                                      pending.end());
                        fetchNextBatch();
                    });
}

void FetchBatchJob::fetchNextBatch()
{
    if (m_queue.pending.isEmpty()) {
        search(); // mail that arrived meanwhile
        return;
    }
    m_bodies.clear();
    QList<quint32> toFetch;
    qint64 total = 0;
    while (!m_queue.pending.isEmpty()) {
        const quint32 uid = m_queue.pending.first();
        const qint64 size = m_queue.sizes.value(uid);
        const bool oversized = size > m_settings.maxMessageBytes;
        if (!oversized && !toFetch.isEmpty() && total + size > m_settings.maxBatchBytes)
            break;
        m_queue.pending.removeFirst();
        m_batch.emails.append(FetchedEmail{uid, size, {}, oversized});
        if (!oversized) {
            toFetch.append(uid);
            total += size;
        }
    }
    if (toFetch.isEmpty()) {
        takeBodies({});
        return;
    }
    m_session->send(
        m_session->command("UID FETCH").raw(uidSet(toFetch)).raw("(UID BODY.PEEK[])").build(),
        [this, toFetch](const ImapResponse &tagged) {
            if (succeeded(tagged, QStringLiteral("UID FETCH (BODY.PEEK[])")))
                takeBodies(toFetch);
        });
}

void FetchBatchJob::takeBodies(const QList<quint32> &fetched)
{
    // Emails expunged by someone else meanwhile are left out.
    m_batch.emails.erase(std::remove_if(m_batch.emails.begin(), m_batch.emails.end(),
                                        [&](const FetchedEmail &email) {
                                            return !email.oversized &&
                                                   !m_bodies.contains(email.uid);
                                        }),
                         m_batch.emails.end());
    for (FetchedEmail &email : m_batch.emails) {
        if (fetched.contains(email.uid))
            email.raw = m_bodies.take(email.uid);
    }
    m_bodies.clear();
    if (m_batch.emails.isEmpty()) {
        fetchNextBatch();
        return;
    }
    // Offered once per check: a later SEARCH of this check does not hand them over again.
    for (const FetchedEmail &email : std::as_const(m_batch.emails))
        m_queue.offered.insert(email.uid);
    qCDebug(lcImap).noquote() << m_settings.displayName() + u':' << "handing over"
                              << m_batch.emails.size() << "emails";
    Q_EMIT finished(NextBatch{std::move(m_batch), std::move(m_queue), false});
}

} // namespace Dmarc::Imap

#include "moc_fetchbatchjob.cpp"
