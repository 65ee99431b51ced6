#include "commitretry.h"

#include "common/log.h"
#include "common/logging.h"
#include "metrics/metricsregistry.h"

#include <QTimer>

#include <algorithm>

namespace Dmarc {

namespace {

// The store's error codes (StoreDialect::errorCode) as a person would say them.
QString faultInWords(const QString &code)
{
    if (code == QLatin1String("store_full"))
        return QStringLiteral("the disk holding the store is full");
    if (code == QLatin1String("store_readonly"))
        return QStringLiteral("the storage file is read-only");
    if (code == QLatin1String("store_locked"))
        return QStringLiteral("another program holds the storage file locked");
    if (code == QLatin1String("store_io"))
        return QStringLiteral("the disk failed to write the storage file");
    if (code == QLatin1String("store_unreachable"))
        return QStringLiteral("the database server cannot be reached");
    if (code == QLatin1String("store_conflict"))
        return QStringLiteral("another exporter wrote the same rows at the same time");
    return QStringLiteral("the storage file cannot be written");
}

} // namespace

CommitRetry::CommitRetry(MetricsRegistry *metrics, QObject *parent)
    : QObject(parent)
    , m_metrics(metrics)
    , m_timer(new QTimer(this))
{
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, &CommitRetry::run);
    m_metrics->setStoreUp(true);
}

void CommitRetry::submit(const QObject *owner, Commit commit)
{
    const auto same = [owner](const Waiting &waiting) { return waiting.owner == owner; };
    if (auto it = std::find_if(m_waiting.begin(), m_waiting.end(), same); it != m_waiting.end())
        it->commit = std::move(commit);
    else
        m_waiting.append(Waiting{owner, std::move(commit)});
    // After a failure a commit waits for the retry, unless that retry has come already and
    // found nothing to try (the failed batch was dropped, its watcher stopped): then nobody
    // would try it.
    if (m_status.usable || !m_timer->isActive())
        run();
}

void CommitRetry::drop(const QObject *owner)
{
    m_waiting.removeIf([owner](const Waiting &waiting) { return waiting.owner == owner; });
}

void CommitRetry::retryNow()
{
    if (!m_waiting.isEmpty())
        run();
}

void CommitRetry::run()
{
    // A commit may hand its emails on, and a new batch may come in meanwhile: it queues.
    if (m_running)
        return;
    m_running = true;
    m_timer->stop();
    while (!m_waiting.isEmpty()) {
        const Waiting next = m_waiting.takeFirst();
        const Result<void> committed = next.commit();
        if (!committed) {
            // Unless its owner has a newer batch by now, this one is the first to try again.
            if (std::none_of(m_waiting.cbegin(), m_waiting.cend(),
                             [&](const Waiting &w) { return w.owner == next.owner; }))
                m_waiting.prepend(next);
            failed(committed.error());
            break;
        }
        if (!m_status.usable) {
            const quint64 failedCommits = m_status.failedCommits;
            m_status = StoreStatus();
            m_status.failedCommits = failedCommits;
            m_delayMs = kFirstDelayMs;
            m_metrics->setStoreUp(true);
            Log::info(lcStore(), QStringLiteral("The store takes commits again"), {});
            Q_EMIT statusChanged(m_status);
        }
    }
    m_running = false;
}

void CommitRetry::failed(const Error &error)
{
    ++m_status.failedCommits;
    m_status.usable = false;
    m_status.reason = faultInWords(error.code);
    m_status.error = error.message;
    m_status.nextRetry = QDateTime::currentDateTimeUtc().addMSecs(m_delayMs);
    m_metrics->setStoreUp(false);
    m_metrics->countCommitError();
    // Without a durable verdict no email may move: they stay in the inbox meanwhile.
    Log::write(lcStore(), QtCriticalMsg,
               QStringLiteral("Cannot commit; the emails stay in the inbox until a retry succeeds"),
               {{QStringLiteral("reason"), m_status.reason},
                {QStringLiteral("error"), error.message},
                {QStringLiteral("retry_in_seconds"), QString::number(m_delayMs / 1000.0)}});
    m_timer->start(m_delayMs);
    m_delayMs = std::min(m_delayMs * 2, kLongestDelayMs);
    Q_EMIT statusChanged(m_status);
}

} // namespace Dmarc
