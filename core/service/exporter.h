#pragma once

#include "common/result.h"
#include "config/config.h"
#include "service/accountstatus.h"
#include "service/activity.h"
#include "service/emailoutcome.h"
#include "service/storestatus.h"

#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QSet>
#include <QUrl>

#include <memory>

class QTimer;

namespace Dmarc {

class AccountLeases;
class ActivityLog;
class CommitRetry;
class DashboardQueries;
class MailboxWatcher;
class MetricsEndpoint;
class MetricsRegistry;
class Pipeline;
class PtrLookups;
class Store;
struct AnalysedBatch;
struct MailboxBatch;
struct MailboxStatus;

// The exporter: the store, the metrics endpoint and one mailbox watcher per account, joined by
// the pipeline (fetch -> analyse -> one commit -> only then move). The headless service and the
// desktop dashboard both run on it, through this API and its signals; the dashboard reads the
// store through queries() (docs/architecture.md 1.1: the desktop sees no store and no IMAP).
class Exporter : public QObject
{
    Q_OBJECT
public:
    explicit Exporter(Config config, QObject *parent = nullptr);
    ~Exporter() override;

    // Opens the store (creating storage_path if needed), restores the counters, listens, and
    // starts watching every account. Errors name the file, address or setting that failed.
    Result<void> start();
    // Lets every account finish or abandon its batch safely and log out; emits stopped().
    // Gives up waiting after `graceMs` (the store is consistent at every moment anyway).
    void stop(int graceMs = 8000);

    // Reads the configuration file again (SIGHUP, or the settings saved on the desktop) and
    // applies in place what changed: the log level and format, the accounts (restarted), the
    // metrics endpoint (listening anew), reverse DNS, and the classes and map file that name the
    // sources of the commits from then on (the map file is read again even under the same name);
    // the store stays open and the counters stay. The other keys take effect at the next start.
    // One log line names the keys applied and those that need a restart, which are returned.
    // When the file is not valid (a bad line of the map file among it), or the endpoint cannot
    // listen as asked, the error is logged and returned and the running configuration is kept.
    Result<QStringList> reload();
    // --debug: the log level stays at debug through reloads.
    void setDebugLogging(bool debug) { m_debugLogging = debug; }

    void checkNow();
    void setPaused(bool paused);
    bool isPaused() const { return m_paused; }

    const Config &config() const { return m_config; }
    QUrl metricsUrl() const;
    // The store's figures for the dashboard; null until start() succeeded.
    DashboardQueries *queries() const { return m_queries; }
    QList<AccountStatus> accounts() const;
    // Tries the account at `index` of accounts() now, whatever its backoff (not while paused).
    void retryAccount(int index);
    // Whether the store takes commits; when not, why and when the next try is.
    StoreStatus storeStatus() const;
    // Tries the commits waiting for the store now.
    void retryStore();
    // Reports refused since the start, by reason (docs/counting.md section 9).
    quint64 refusedReports(Refusal reason) const;

Q_SIGNALS:
    void accountChanged(int index, const Dmarc::AccountStatus &status);
    void emailsProcessed(const QList<Dmarc::EmailOutcome> &emails);
    // New lines of the recent activity, kept in the store (DashboardQueries::recentActivity).
    void activityAdded(const QList<Dmarc::ActivityEntry> &entries);
    // A commit failed (e.g. disk full) while the store was usable: nothing of the batch was
    // counted or moved; it is retried (storeStatusChanged says when).
    void storeFailed(const QString &message);
    void storeStatusChanged(const Dmarc::StoreStatus &status);
    void stopped();
    // reload() replaced the accounts: accounts() now lists the new ones.
    void accountsReplaced();

private:
    void startWatchers();
    void retireWatchers();
    void releaseIdleMemory();
    void addActivity(const QList<ActivityEntry> &entries);
    void processBatch(MailboxWatcher *watcher, const MailboxBatch &batch);
    Result<void> commitBatch(MailboxWatcher *watcher, const MailboxBatch &batch);
    Result<void> commitAnalysed(MailboxWatcher *watcher, const AnalysedBatch &batch);
    Error commitFailed(const Error &error);
    // The watcher's batch is abandoned: it is neither committed nor waits for PTR names.
    void dropBatch(MailboxWatcher *watcher);
    void watcherStopped();
    // start() and stop() of a watcher as the leases and pausing ask: a watcher asked to start
    // while it still logs out after a stop() (which start() ignores) starts once it has stopped.
    void startWatching(MailboxWatcher *watcher);
    void stopWatching(MailboxWatcher *watcher);
    // Whether this instance may watch `account`: always, unless instances share the database
    // and another holds its lease (docs/architecture.md, section 3).
    bool mayWatch(const QString &account) const;
    void applyLease(const QString &account, bool held);
    // With a shared database: the served counters raised to what the store holds (every
    // kRefreshMs, and soon after a commit of this instance's), so that every instance serves
    // the same values (docs/metrics.md, "Several instances, one database").
    void refreshCounters();
    void refreshSoon();
    void sumWeeks();
    AccountStatus statusOf(const MailboxWatcher *watcher, const MailboxStatus &status) const;

    Config m_config;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<MetricsRegistry> m_metrics;
    std::unique_ptr<Pipeline> m_pipeline;
    std::unique_ptr<PtrLookups> m_ptrLookups; // before the store goes
    std::unique_ptr<ActivityLog> m_activity;
    CommitRetry *m_commits = nullptr;
    AccountLeases *m_leases = nullptr; // with a database only
    MetricsEndpoint *m_endpoint = nullptr;
    DashboardQueries *m_queries = nullptr;
    QList<MailboxWatcher *> m_watchers;
    QSet<MailboxWatcher *> m_startWhenStopped;
    int m_running = 0; // watchers not yet stopped while stopping
    bool m_stopping = false;
    bool m_paused = false;
    bool m_debugLogging = false;
    QTimer *m_graceTimer;
    QTimer *m_weeksTimer;
    QTimer *m_refreshTimer = nullptr; // with a database only
    QElapsedTimer m_lastRefresh;
    bool m_refreshFailing = false; // said once until a read succeeds again
};

} // namespace Dmarc
