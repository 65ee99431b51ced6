#include "exporter.h"

#include "accountleases.h"
#include "activitylog.h"
#include "commitretry.h"
#include "common/log.h"
#include "common/logging.h"
#include "dashboardqueries.h"
#include "imap/imapcommand.h"
#include "imap/mailboxwatcher.h"
#include "metrics/metricsendpoint.h"
#include "metrics/metricsregistry.h"
#include "pipeline.h"
#include "ptrlookups.h"
#include "store/store.h"
#include "storeoptions.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>

#include <algorithm>

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace Dmarc {

namespace {

// How often an instance sharing its database reads the counters back, and the least time
// between two reads after its own commits (docs/metrics.md, "Several instances, one database").
constexpr int kRefreshMs = 5000;
constexpr int kRefreshGapMs = 1000;

// How long after a mailbox check the weeks its commits added to are summed again per week
// (Store::sumWeeks): checks close together, as with IDLE, share one sum. A week is summed
// once two days have passed after it: the reports of a day come within a day or two of its end,
// so a week is rarely marked again by a late report and summed twice (a sum reads its days).
constexpr int kWeeksDelayMs = 5 * 60 * 1000;
constexpr int kWeeksSettleDays = 2;

// Raises the served counters to what the store holds: every family the store keeps, the TLS
// and failure-report tables as the families they feed (docs/counting.md section 8.6; the
// session table feeds two) and the sending sources' pairs, zeros included.
void raiseToStore(MetricsRegistry &metrics, const StoreSnapshot &snapshot)
{
    for (const LabelCounts &entry : snapshot.counters)
        metrics.raiseCounts(entry.labels, entry.counters);
    for (const InvalidCount &entry : snapshot.invalidReports)
        metrics.raiseInvalidReport(entry.fromEmail, entry.count);
    const auto rows = [&snapshot](CountTable table) -> const QList<CountRow> & {
        return snapshot.counts[size_t(table)];
    };
    for (const CountRow &row : rows(CountTable::TlsSessions)) {
        metrics.raiseInFamily(ReportFamily::TlsSuccessfulSessions, row.labels, row.values.value(0));
        metrics.raiseInFamily(ReportFamily::TlsFailedSessions, row.labels, row.values.value(1));
    }
    const std::pair<CountTable, ReportFamily> single[] = {
        {CountTable::TlsFailureDetails, ReportFamily::TlsFailureDetailSessions},
        {CountTable::TlsReports, ReportFamily::TlsReports},
        {CountTable::TlsInvalidReports, ReportFamily::TlsInvalidReports},
        {CountTable::FailureReports, ReportFamily::FailureReports}};
    for (const auto &[table, family] : single) {
        for (const CountRow &row : rows(table))
            metrics.raiseInFamily(family, row.labels, row.values.value(0));
    }
    for (const SourceCounter &counter : snapshot.sourceCounters) {
        const QStringList pair{counter.pair.fromDomain, counter.pair.source};
        metrics.raiseInFamily(ReportFamily::SourceMessages, pair, counter.total);
        metrics.raiseInFamily(ReportFamily::SourceCompliant, pair, counter.compliant);
    }
}

// The dotted paths of the members that differ between two objects ("imap.host"); an array or a
// value that changes kind counts as one. A missing object compares as an empty one.
void differences(const QJsonObject &before, const QJsonObject &after, const QString &prefix,
                 QStringList &paths)
{
    QStringList keys = before.keys() + after.keys();
    keys.removeDuplicates();
    keys.sort();
    for (const QString &key : std::as_const(keys)) {
        const QJsonValue old = before.value(key);
        const QJsonValue now = after.value(key);
        if (old == now)
            continue;
        const QString path = prefix.isEmpty() ? key : prefix + QLatin1Char('.') + key;
        const auto objectOrNone = [](const QJsonValue &v) {
            return v.isObject() || v.isUndefined();
        };
        if (objectOrNone(old) && objectOrNone(now))
            differences(old.toObject(), now.toObject(), path, paths);
        else
            paths.append(path);
    }
}

QJsonObject fileForm(const Config &config)
{
    return QJsonDocument::fromJson(toJson(config, ConfigForm::File)).object();
}

AccountStatus::Activity activityOf(MailboxStatus::Activity activity)
{
    using Watcher = MailboxStatus::Activity;
    using Shown = AccountStatus::Activity;
    switch (activity) {
    case Watcher::Stopped:
        return Shown::Stopped;
    case Watcher::Connecting:
        return Shown::Connecting;
    case Watcher::Syncing:
        return Shown::Checking;
    case Watcher::AwaitingVerdicts:
        return Shown::Processing;
    case Watcher::Idling:
        return Shown::WaitingForMail;
    case Watcher::Waiting:
        return Shown::WaitingForPoll;
    case Watcher::Reconnecting:
        break;
    }
    return Shown::Reconnecting;
}

AccountStatus::Trouble troubleOf(MailboxStatus::Failure failure)
{
    using Failure = MailboxStatus::Failure;
    using Trouble = AccountStatus::Trouble;
    switch (failure) {
    case Failure::None:
        return Trouble::None;
    case Failure::LoginRefused:
        return Trouble::LoginRefused;
    case Failure::Certificate:
        return Trouble::Certificate;
    case Failure::Network:
        return Trouble::Unreachable;
    case Failure::Other:
        break;
    }
    return Trouble::Other;
}

// One account as the status views show it.
AccountStatus accountStatus(const ImapSettings &settings, const MailboxStatus &status)
{
    AccountStatus shown;
    shown.name = settings.displayName();
    shown.activity = activityOf(status.activity);
    shown.connected = status.connected;
    shown.pushMode = status.pushMode;
    shown.pollIntervalSeconds = settings.pollIntervalSeconds;
    shown.lastSuccessfulPoll = status.lastSuccessfulPoll;
    shown.pollErrors = status.pollErrors;
    shown.lastError = status.lastError;
    shown.emailsMoved = status.emailsMoved;
    shown.host = settings.host;
    shown.user = settings.username;
    shown.trouble = troubleOf(status.failure);
    if (const auto &refused = status.refusedCertificate) {
        shown.certificateIssuer = refused->issuer;
        shown.certificateNames = refused->names;
        shown.certificateProblems = refused->problems;
    }
    shown.nextAttempt = status.nextAttempt;
    return shown;
}

// The fetched emails as the pipeline takes them.
QList<IncomingEmail> incomingEmails(const MailboxBatch &batch)
{
    QList<IncomingEmail> emails;
    emails.reserve(batch.emails.size());
    for (const FetchedEmail &fetched : batch.emails) {
        IncomingEmail email;
        email.identity = EmailIdentity{batch.account, batch.mailbox, batch.uidValidity, fetched.uid,
                                       QByteArray()};
        email.raw = fetched.raw;
        email.oversized = fetched.oversized;
        email.label = QStringLiteral("uid %1").arg(fetched.uid);
        emails.append(email);
    }
    return emails;
}

} // namespace

Exporter::Exporter(Config config, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_graceTimer(new QTimer(this))
    , m_weeksTimer(new QTimer(this))
{
    m_weeksTimer->setSingleShot(true);
    m_weeksTimer->setInterval(kWeeksDelayMs);
    connect(m_weeksTimer, &QTimer::timeout, this, &Exporter::sumWeeks);
    m_graceTimer->setSingleShot(true);
    connect(m_graceTimer, &QTimer::timeout, this, [this] {
        Log::warning(lcApp(), QStringLiteral("Accounts did not log out in time; stopping anyway"),
                     {});
        m_running = 0;
        watcherStopped();
    });
}

Exporter::~Exporter() = default;

Result<void> Exporter::start()
{
    const QString storagePath = m_config.storagePath;
    // With a database, storage_path only offers metrics.db to import.
    if (!m_config.database.isSet() && !QDir().mkpath(storagePath)) {
        return Error{QStringLiteral("storage"),
                     QStringLiteral("storage_path %1 does not exist and cannot be created")
                         .arg(storagePath)};
    }
    if (!m_config.database.isSet() && !QFileInfo(storagePath).isWritable()) {
        return Error{
            QStringLiteral("storage"),
            QStringLiteral("storage_path %1 is not writable by this user").arg(storagePath)};
    }
    const StoreLocation location = storeLocationFor(m_config);
    auto store = Store::open(location, storeOptionsFor(m_config));
    if (!store)
        return store.error();
    m_store = std::move(*store);
    Log::info(lcStore(), QStringLiteral("Store opened"),
              {{QStringLiteral("store"), m_store->location()}});
    m_queries = new DashboardQueries(location, this);
    auto snapshot = m_store->snapshot();
    if (!snapshot)
        return snapshot.error();
    m_metrics = std::make_unique<MetricsRegistry>();
    raiseToStore(*m_metrics, *snapshot);
    auto naming = SourceNaming::fromSettings(m_config.sources);
    if (!naming)
        return naming.error();
    m_pipeline = std::make_unique<Pipeline>(m_store.get(), m_metrics.get(), m_config.limits,
                                            std::move(naming).value());
    m_ptrLookups = std::make_unique<PtrLookups>(m_store.get(), m_metrics.get());
    if (auto started = m_ptrLookups->apply(m_config.reverseDns); !started)
        return started;
    m_pipeline->setKnownPtr([this](const QString &ip) { return m_ptrLookups->knownPtr(ip); });
    m_activity = std::make_unique<ActivityLog>(m_store.get());
    m_commits = new CommitRetry(m_metrics.get(), this);
    connect(m_commits, &CommitRetry::statusChanged, this, &Exporter::storeStatusChanged);

    m_endpoint = new MetricsEndpoint(m_metrics.get(), this);
    if (auto listening = m_endpoint->start(m_config.endpoint); !listening)
        return listening;

    if (m_config.database.isSet()) {
        // Instances sharing the database: each account is watched by the one holding its lease.
        const QString instance = m_config.database.instance.isEmpty()
                                     ? AccountLeases::defaultInstanceName()
                                     : m_config.database.instance;
        m_leases = new AccountLeases(m_config.database, instance,
                                     m_config.database.takeoverSeconds, this);
        m_metrics->setInstanceName(instance);
        connect(m_leases, &AccountLeases::leaseChanged, this, &Exporter::applyLease);
        connect(m_leases, &AccountLeases::holdersChanged, this, [this] {
            for (int i = 0; i < m_watchers.size(); ++i)
                Q_EMIT accountChanged(i, statusOf(m_watchers.at(i), m_watchers.at(i)->status()));
        });
        // What the other instances counted is served here too: the counters are read back.
        m_refreshTimer = new QTimer(this);
        m_refreshTimer->setSingleShot(true);
        connect(m_refreshTimer, &QTimer::timeout, this, &Exporter::refreshCounters);
        m_lastRefresh.start();
        m_refreshTimer->start(kRefreshMs);
    }
    m_weeksTimer->start(); // what an earlier run left to sum
    startWatchers();
    return {};
}

void Exporter::sumWeeks()
{
    QElapsedTimer timer;
    timer.start();
    const auto summed =
        m_store->sumWeeks(QDateTime::currentDateTimeUtc().date().addDays(-kWeeksSettleDays));
    if (!summed) {
        // The next check tries again; the dashboard reads the weeks from their days meanwhile.
        Log::warning(lcStore(), QStringLiteral("Cannot sum the weeks again"),
                     {{QStringLiteral("error"), summed.error().message}});
    } else if (*summed > 0) {
        Log::info(lcStore(), QStringLiteral("Weeks summed again"),
                  {{QStringLiteral("weeks"), QString::number(*summed)},
                   {QStringLiteral("seconds"), QString::number(timer.elapsed() / 1000.0)}});
    }
}

void Exporter::refreshCounters()
{
    // On the main thread, as every use of the store; a scrape meanwhile is answered from the
    // snapshot published last.
    m_lastRefresh.start();
    m_refreshTimer->start(kRefreshMs);
    const auto snapshot = m_store->snapshot();
    if (!snapshot) {
        if (!m_refreshFailing)
            Log::warning(lcStore(),
                         QStringLiteral("Cannot read the counters back; serving those read last"),
                         {{QStringLiteral("error"), snapshot.error().message}});
        m_refreshFailing = true;
        return;
    }
    if (m_refreshFailing)
        Log::info(lcStore(), QStringLiteral("Reading the counters back again"), {});
    m_refreshFailing = false;
    raiseToStore(*m_metrics, *snapshot);
    m_metrics->compact();
}

void Exporter::refreshSoon()
{
    const qint64 wait = std::max<qint64>(0, kRefreshGapMs - m_lastRefresh.elapsed());
    const int remaining = m_refreshTimer->remainingTime();
    if (remaining < 0 || remaining > wait)
        m_refreshTimer->start(int(wait));
}

bool Exporter::mayWatch(const QString &account) const
{
    return !m_leases || m_leases->holds(account);
}

void Exporter::applyLease(const QString &account, bool held)
{
    m_metrics->setAccountWatched(account, held);
    for (MailboxWatcher *watcher : std::as_const(m_watchers)) {
        if (watcher->settings().displayName() != account)
            continue;
        // A watcher that loses its lease abandons its batch, as on stop(): nothing of it moves
        // before its commit, and the instance that takes over finds the emails in the inbox.
        if (!held)
            stopWatching(watcher);
        else if (!m_paused && !m_stopping)
            startWatching(watcher);
    }
}

void Exporter::startWatching(MailboxWatcher *watcher)
{
    // The lease may come back (a short break of the database connection) before the watcher
    // that lost it has logged out.
    if (watcher->status().activity == MailboxStatus::Activity::Stopped)
        watcher->start();
    else
        m_startWhenStopped.insert(watcher);
}

void Exporter::stopWatching(MailboxWatcher *watcher)
{
    m_startWhenStopped.remove(watcher);
    watcher->stop();
}

AccountStatus Exporter::statusOf(const MailboxWatcher *watcher, const MailboxStatus &status) const
{
    AccountStatus shown = accountStatus(watcher->settings(), status);
    if (m_leases) {
        shown.watchedHere = m_leases->holds(shown.name);
        // The holders are read now and then; this instance knows its own leases at once.
        shown.watcher = shown.watchedHere ? m_leases->instance() : m_leases->holder(shown.name);
    }
    return shown;
}

void Exporter::startWatchers()
{
    if (m_leases) {
        QStringList names;
        for (const ImapSettings &settings : std::as_const(m_config.accounts))
            names.append(settings.displayName());
        m_leases->setAccounts(names);
    }
    for (const ImapSettings &settings : std::as_const(m_config.accounts)) {
        auto *watcher = new MailboxWatcher(settings, this);
        const int index = int(m_watchers.size());
        m_watchers.append(watcher);
        m_metrics->setAccountUp(settings.displayName(), false);
        if (m_leases)
            m_metrics->setAccountWatched(settings.displayName(), mayWatch(settings.displayName()));
        connect(watcher, &MailboxWatcher::batchReady, this,
                [this, watcher](const MailboxBatch &batch) { processBatch(watcher, batch); });
        connect(watcher, &MailboxWatcher::statusChanged, this,
                [this, watcher, index](const MailboxStatus &status) {
                    Q_EMIT accountChanged(index, statusOf(watcher, status));
                });
        connect(watcher, &MailboxWatcher::pollFinished, this,
                [this, watcher](bool ok, const QString &error) {
                    const QString account = watcher->settings().displayName();
                    m_metrics->setAccountUp(account, ok);
                    if (ok) {
                        m_metrics->setLastSuccessfulPoll(account,
                                                         QDateTime::currentSecsSinceEpoch());
                    } else {
                        m_metrics->countPollError(account);
                        Log::warning(lcImap(), QStringLiteral("Mailbox check failed"),
                                     {{QStringLiteral("account"), account},
                                      {QStringLiteral("error"), error}});
                    }
                    addActivity(m_activity->checkEnded(watcher, watcher->settings(), ok, error,
                                                       QDateTime::currentSecsSinceEpoch()));
                    if (!m_weeksTimer->isActive())
                        m_weeksTimer->start();
                    releaseIdleMemory();
                });
        connect(watcher, &QObject::destroyed, this,
                [this, watcher] { m_activity->forget(watcher); });
        connect(watcher, &MailboxWatcher::emailsMoved, this,
                [watcher](quint32 uidValidity, const QList<quint32> &uids, const QString &folder) {
                    const ImapSettings &settings = watcher->settings();
                    Log::info(lcImap(), QStringLiteral("Emails moved"),
                              {{QStringLiteral("account"), settings.displayName()},
                               {QStringLiteral("uidvalidity"), QString::number(uidValidity)},
                               {QStringLiteral("count"), QString::number(uids.size())},
                               {QStringLiteral("uids"), QString::fromLatin1(Imap::uidSet(uids))},
                               {QStringLiteral("folder"), folder}});
                });
        connect(watcher, &MailboxWatcher::stopped, this, &Exporter::watcherStopped);
        // A stopped watcher has abandoned its batch: its commit no longer waits.
        connect(watcher, &MailboxWatcher::stopped, m_commits,
                [this, watcher] { dropBatch(watcher); });
        connect(watcher, &MailboxWatcher::stopped, this, [this, watcher] {
            if (m_startWhenStopped.remove(watcher))
                watcher->start();
        });
        if (!m_paused && mayWatch(settings.displayName()))
            watcher->start();
    }
}

void Exporter::retireWatchers()
{
    // A retired watcher abandons its batch as on stop() (nothing of it is moved before its
    // commit) and logs out on its own; it is gone once it has stopped. Its index and its
    // stopping are no longer the exporter's.
    m_startWhenStopped.clear();
    for (MailboxWatcher *watcher : std::as_const(m_watchers)) {
        disconnect(watcher, &MailboxWatcher::batchReady, this, nullptr);
        disconnect(watcher, &MailboxWatcher::statusChanged, this, nullptr);
        disconnect(watcher, &MailboxWatcher::pollFinished, this, nullptr);
        disconnect(watcher, &MailboxWatcher::stopped, this, nullptr);
        if (watcher->status().activity == MailboxStatus::Activity::Stopped) {
            dropBatch(watcher);
            watcher->deleteLater();
            continue;
        }
        connect(watcher, &MailboxWatcher::stopped, watcher, &QObject::deleteLater);
        watcher->stop();
    }
    m_watchers.clear();
}

Result<QStringList> Exporter::reload()
{
    const Log::Fields trigger{{QStringLiteral("file"), m_config.sourcePath}};
    Result<Config> reloaded = loadConfig(m_config.sourcePath, systemEnvironment());
    // The naming of sources anew: the map file is read again, as it may have changed in place.
    Result<SourceNaming> naming = reloaded ? SourceNaming::fromSettings(reloaded->sources)
                                           : Result<SourceNaming>(reloaded.error());
    if (!naming) {
        Log::warning(lcApp(), QStringLiteral("Configuration not reloaded; running on unchanged"),
                     trigger + Log::Fields{{QStringLiteral("error"), naming.error().message}});
        return naming.error();
    }
    QStringList changed;
    differences(fileForm(m_config), fileForm(*reloaded), QString(), changed);
    const QString mapFile = QStringLiteral("sources.map_file");
    if (!changed.contains(mapFile) && !naming->hasSameMap(m_pipeline->naming()))
        changed.append(mapFile);
    if (changed.isEmpty()) {
        Log::info(lcApp(), QStringLiteral("Configuration reloaded; nothing changed"), trigger);
        return QStringList();
    }
    // What a running process changes in place; the rest is read at start only.
    const auto under = [](const QString &key, std::initializer_list<const char *> prefixes) {
        for (const char *prefix : prefixes) {
            const QString name = QString::fromLatin1(prefix);
            if (key == name || key.startsWith(name + QLatin1Char('.')))
                return true;
        }
        return false;
    };
    QStringList applied;
    QStringList restart;
    bool logging = false;
    bool accounts = false;
    bool endpoint = false;
    bool reverseDns = false;
    bool sourceNaming = false;
    for (const QString &key : std::as_const(changed)) {
        if (under(key, {"logging"}))
            logging = true;
        else if (under(key, {"imap", "folders", "accounts", "poll_interval_seconds"}))
            accounts = true;
        else if (under(key, {"listen_addr", "port", "web"}))
            endpoint = true;
        else if (under(key, {"sources.reverse_dns", "sources.dns_server"}))
            reverseDns = true;
        else if (under(key, {"sources.classes", "sources.map_file"}))
            sourceNaming = true;
        else {
            restart.append(key);
            continue;
        }
        applied.append(key);
    }
    if (endpoint && !m_stopping && m_endpoint) {
        if (auto listening = m_endpoint->start(reloaded->endpoint); !listening) {
            if (auto restored = m_endpoint->start(m_config.endpoint); !restored)
                Log::write(lcHttp(), QtCriticalMsg, restored.error().message, {});
            Log::warning(
                lcApp(), QStringLiteral("Configuration not reloaded; running on unchanged"),
                trigger + Log::Fields{{QStringLiteral("error"), listening.error().message}});
            return listening.error();
        }
    }
    for (const QString &warning : std::as_const(reloaded->warnings))
        Log::warning(lcApp(), warning, {});
    Log::Fields fields = trigger;
    fields.append({QStringLiteral("applied"), applied.join(QLatin1Char(','))});
    if (!restart.isEmpty())
        fields.append({QStringLiteral("restart_needed"), restart.join(QLatin1Char(','))});
    // Written before a new level applies, which could hide it.
    Log::write(lcApp(), restart.isEmpty() ? QtInfoMsg : QtWarningMsg,
               QStringLiteral("Configuration reloaded"), fields);
    if (logging) {
        m_config.logFormat = reloaded->logFormat;
        m_config.logLevel = reloaded->logLevel;
        Log::install(m_config.logFormat, m_debugLogging ? QtDebugMsg : m_config.logLevel);
    }
    if (endpoint)
        m_config.endpoint = reloaded->endpoint;
    if (reverseDns) {
        m_config.reverseDns = reloaded->reverseDns;
        if (auto started = m_ptrLookups->apply(m_config.reverseDns); !started)
            Log::warning(lcApp(), QStringLiteral("Reverse DNS is off"),
                         {{QStringLiteral("error"), started.error().message}});
    }
    // The sources of the commits from now on; what is committed keeps its names.
    if (sourceNaming) {
        m_config.sources = reloaded->sources;
        m_pipeline->setNaming(std::move(naming).value());
    }
    if (accounts && !m_stopping) {
        m_config.accounts = reloaded->accounts;
        m_config.pollIntervalSeconds = reloaded->pollIntervalSeconds;
        retireWatchers();
        startWatchers();
        QStringList names;
        for (const ImapSettings &account : std::as_const(m_config.accounts))
            names << account.displayName();
        m_metrics->keepAccounts(names);
        Q_EMIT accountsReplaced();
    }
    m_config.warnings = reloaded->warnings;
    return restart;
}

void Exporter::processBatch(MailboxWatcher *watcher, const MailboxBatch &batch)
{
    // The watcher waits for the destinations meanwhile: while the PTR names of the batch's
    // sources are asked for, and through the retries of a refused commit. A new batch of its
    // (after a reconnect) replaces a waiting one.
    auto analysed = m_pipeline->analyse(incomingEmails(batch));
    if (!analysed) { // the store could not be read: the commit tries the whole batch again
        m_commits->submit(watcher, [this, watcher, batch] { return commitBatch(watcher, batch); });
        return;
    }
    const auto shared = std::make_shared<const AnalysedBatch>(std::move(analysed).value());
    QList<EmailAnalysis> analyses;
    for (const qsizetype at : shared->toCommit)
        analyses.append(shared->emails.at(at).analysis);
    m_ptrLookups->lookUp(watcher, m_ptrLookups->isOn() ? sourceIps(analyses) : QStringList(),
                         [this, watcher, shared] {
                             m_commits->submit(watcher, [this, watcher, shared] {
                                 return commitAnalysed(watcher, *shared);
                             });
                         });
}

Result<void> Exporter::commitBatch(MailboxWatcher *watcher, const MailboxBatch &batch)
{
    const auto analysed = m_pipeline->analyse(incomingEmails(batch));
    if (!analysed)
        return commitFailed(analysed.error());
    return commitAnalysed(watcher, *analysed);
}

Error Exporter::commitFailed(const Error &error)
{
    // Without a durable verdict no email may move: CommitRetry tries the batch again.
    if (m_commits->status().usable)
        Q_EMIT storeFailed(error.message);
    return error;
}

void Exporter::dropBatch(MailboxWatcher *watcher)
{
    m_commits->drop(watcher);
    m_ptrLookups->cancel(watcher);
}

Result<void> Exporter::commitAnalysed(MailboxWatcher *watcher, const AnalysedBatch &batch)
{
    const auto processed = m_pipeline->commit(batch, QDateTime::currentSecsSinceEpoch());
    if (!processed)
        return commitFailed(processed.error());
    const ImapSettings &settings = watcher->settings();
    QHash<quint32, QString> destinations;
    for (const ProcessedEmail &email : *processed)
        destinations.insert(email.identity.uid, email.verdict == EmailVerdict::Done
                                                    ? settings.doneFolder
                                                    : settings.errorFolder);
    watcher->submitDestinations(destinations);
    if (m_refreshTimer)
        refreshSoon(); // what others added to the same series meanwhile
    Q_EMIT emailsProcessed(QList<EmailOutcome>(processed->begin(), processed->end()));
    addActivity(m_activity->emailsProcessed(watcher, settings, *processed,
                                            QDateTime::currentSecsSinceEpoch()));
    return {};
}

void Exporter::addActivity(const QList<ActivityEntry> &entries)
{
    if (!entries.isEmpty())
        Q_EMIT activityAdded(entries);
}

void Exporter::releaseIdleMemory()
{
    // The batches of a check can be tens of megabytes; once they are gone, give the memory back
    // to the system rather than keep it while waiting for the next mail. The analysis threads
    // end first, so that the trim reaches their arenas too, and the new label sets move out of
    // the pages the batch used, which they would otherwise keep resident.
    m_pipeline->endIdleThreads();
    m_metrics->compact();
    if (auto released = m_store->releaseMemory(); !released)
        Log::warning(lcStore(), released.error().message, {});
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

QUrl Exporter::metricsUrl() const
{
    QUrl url;
    url.setScheme(m_endpoint && m_endpoint->usesTls() ? QStringLiteral("https")
                                                      : QStringLiteral("http"));
    QHostAddress address = m_endpoint ? m_endpoint->serverAddress() : QHostAddress();
    if (address == QHostAddress::AnyIPv4 || address == QHostAddress::Any)
        address = QHostAddress::LocalHost;
    else if (address == QHostAddress::AnyIPv6)
        address = QHostAddress::LocalHostIPv6;
    url.setHost(address.toString());
    url.setPort(m_endpoint ? m_endpoint->serverPort() : m_config.endpoint.port);
    url.setPath(QStringLiteral("/metrics"));
    return url;
}

quint64 Exporter::refusedReports(Refusal reason) const
{
    return m_metrics ? m_metrics->refused(reason) : 0;
}

StoreStatus Exporter::storeStatus() const
{
    return m_commits ? m_commits->status() : StoreStatus();
}

void Exporter::retryStore()
{
    if (m_commits)
        m_commits->retryNow();
}

QList<AccountStatus> Exporter::accounts() const
{
    QList<AccountStatus> states;
    for (const MailboxWatcher *watcher : m_watchers)
        states.append(statusOf(watcher, watcher->status()));
    return states;
}

void Exporter::retryAccount(int index)
{
    if (!m_paused && !m_stopping && index >= 0 && index < m_watchers.size())
        m_watchers.at(index)->checkNow();
}

void Exporter::checkNow()
{
    if (m_paused || m_stopping)
        return;
    for (MailboxWatcher *watcher : std::as_const(m_watchers)) {
        m_activity->checkAsked(watcher);
        watcher->checkNow();
    }
    // A batch waiting for the store is part of the check: it is tried now too.
    retryStore();
}

void Exporter::setPaused(bool paused)
{
    if (paused == m_paused || m_stopping)
        return;
    m_paused = paused;
    Log::info(lcApp(), paused ? QStringLiteral("Paused") : QStringLiteral("Resumed"), {});
    for (MailboxWatcher *watcher : std::as_const(m_watchers)) {
        if (paused)
            stopWatching(watcher);
        else if (mayWatch(watcher->settings().displayName()))
            startWatching(watcher);
    }
}

void Exporter::stop(int graceMs)
{
    if (m_stopping)
        return;
    m_stopping = true;
    m_running = 0;
    m_startWhenStopped.clear();
    for (MailboxWatcher *watcher : std::as_const(m_watchers)) {
        if (watcher->status().activity != MailboxStatus::Activity::Stopped) {
            ++m_running;
            watcher->stop();
        }
    }
    if (m_endpoint)
        m_endpoint->stop();
    if (m_refreshTimer)
        m_refreshTimer->stop();
    if (m_running == 0) {
        QTimer::singleShot(0, this, &Exporter::stopped);
        return;
    }
    m_graceTimer->start(graceMs);
}

void Exporter::watcherStopped()
{
    if (!m_stopping)
        return;
    if (m_running > 0)
        --m_running;
    if (m_running == 0) {
        m_graceTimer->stop();
        m_stopping = false;
        Q_EMIT stopped();
    }
}

} // namespace Dmarc
