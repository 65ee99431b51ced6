#pragma once

#include "gzipencoder.h"
#include "report/counters.h"
#include "report/outcome.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <array>
#include <functional>
#include <memory>
#include <optional>

namespace Dmarc {

// The families of SMTP TLS reports and DMARC failure reports (docs/counting.md section 8.6),
// and of the sending sources.
enum class ReportFamily
{
    TlsSuccessfulSessions,    // reporter, policy_domain, policy_type
    TlsFailedSessions,        // reporter, policy_domain, policy_type
    TlsFailureDetailSessions, // reporter, policy_domain, policy_type, result_type
    TlsReports,               // reporter, policy_domain
    TlsInvalidReports,        // from_email
    FailureReports,           // reported_domain, auth_failure, identity_alignment, delivery_result
    // The sending sources (docs/counting.md section 10.7).
    SourceMessages,  // from_domain, source
    SourceCompliant, // from_domain, source
};
constexpr int kReportFamilies = 8;

// What one scrape sends: `cached` then `fresh`. Two parts so the large cached one is shared,
// never copied, per scrape.
struct Exposition
{
    QByteArray cached;
    QByteArray fresh;
    bool gzip = false; // the concatenation is one gzip member

    QByteArray body() const { return cached + fresh; }
    qsizetype size() const { return cached.size() + fresh.size(); }
};

// The exporter's own per-account figures.
struct AccountMetrics
{
    bool up = false;
    qint64 lastSuccess = 0;
    quint64 pollErrors = 0;
    // With instances sharing a database: whether this one watches the account (1) or another
    // holds its lease (0); -1 without a shared database.
    int watched = -1;
};

// Whether the store takes commits, and how many it refused since the start.
struct StoreMetrics
{
    bool up = true;
    quint64 commitErrors = 0;
};

// What a scrape sends, frozen at one moment: the cached families and the values of the self
// families. Immutable, so the endpoint's thread reads it while the registry changes.
class ExpositionSnapshot
{
public:
    // The text format 0.0.4 body, gzip-encoded when asked; the self and process_* families are
    // serialised at each call.
    Exposition exposition(bool gzip) const;

private:
    friend class MetricsRegistry;

    QByteArray dynamicPart() const;

    std::optional<GzipEncoder> m_cachedGzip;
    QByteArray m_cachedBody; // when zlib failed
    quint64 m_emails[2] = {0, 0};
    quint64 m_reports[3] = {0, 0, 0};
    quint64 m_refused[3] = {0, 0, 0}; // by Refusal
    QMap<QString, AccountMetrics> m_accounts;
    StoreMetrics m_store;
    QMap<QString, quint64> m_reverseDnsQueries;
    QString m_instance;
};

// The exported metrics (docs/counting.md section 6) plus the exporter's own: their values, and
// their text exposition. The dmarc families are serialised once per change and served from a cache
// kept gzipped only (inflated for a client without gzip); the small self and process_* families
// are appended per scrape.
// Not thread-safe: use it from one thread.
class MetricsRegistry
{
public:
    MetricsRegistry();
    ~MetricsRegistry();
    MetricsRegistry(const MetricsRegistry &) = delete;
    MetricsRegistry &operator=(const MetricsRegistry &) = delete;

    void addCounts(const LabelSet &labels, const Counters &counters);
    void addInvalidReport(const QString &fromEmail, quint64 count = 1);
    // Adds to the sample of `labels` (in the family's label order), creating it, even with 0: a
    // family shows every label set it has seen. A family appears once it has a sample.
    void addToFamily(ReportFamily family, const QStringList &labels, quint64 value = 1);

    // The same samples raised to `held`, what the store holds, each value on its own: at start
    // into an empty registry, and at each read of a store that several instances share
    // (docs/metrics.md, "Several instances, one database"). A value above `held` stays, so a
    // served counter never goes down; the exposition changes only when a value rose or a
    // sample is new.
    void raiseCounts(const LabelSet &labels, const Counters &held);
    void raiseInvalidReport(const QString &fromEmail, quint64 held);
    void raiseInFamily(ReportFamily family, const QStringList &labels, quint64 held);
    void countEmails(EmailVerdict verdict, quint64 count = 1);
    void countReports(ReportOutcome outcome, quint64 count = 1);
    // A report refused past a limit or from a foreign domain (docs/counting.md section 9).
    void countRefused(Refusal reason, quint64 count = 1);
    quint64 refused(Refusal reason) const { return m_refused[int(reason)]; }

    // Per IMAP account (label "account").
    void setAccountUp(const QString &account, bool up);
    void setLastSuccessfulPoll(const QString &account, qint64 secsSinceEpoch);
    void countPollError(const QString &account);
    // Drops the series of every account not in `accounts` (gone with a reload); the others keep
    // their values.
    void keepAccounts(const QStringList &accounts);
    // With instances sharing a database: whether this instance watches `account`, and its name.
    void setAccountWatched(const QString &account, bool watched);
    void setInstanceName(const QString &name);

    void setStoreUp(bool up);
    void countCommitError();

    // PTR queries for source IPs by what they came to (label "outcome"); with 0 the sample is
    // only created. The family appears once it has a sample.
    void countReverseDnsQueries(const QString &outcome, quint64 count = 1);

    Counters counters(const LabelSet &labels) const { return m_counters.value(labels); }
    quint64 invalidReports(const QString &fromEmail) const { return m_invalid.value(fromEmail); }
    int labelSetCount() const { return m_labelOrder.size(); }
    std::optional<quint64> familyValue(ReportFamily family, const QStringList &labels) const;

    // Copies the label sets and invalid senders into fresh storage, each distinct string once.
    // Those added since the last call share their strings with the batch that brought them, in
    // memory scattered among the batch's freed allocations, where they keep whole pages
    // resident. Called when a check has ended; does nothing when nothing was added.
    void compact();

    // The text format 0.0.4 body, gzip-encoded when asked.
    Exposition exposition(bool gzip) { return snapshot()->exposition(gzip); }
    // The exposition as it is now, serialising the dmarc families if they changed.
    std::shared_ptr<const ExpositionSnapshot> snapshot();
    // Called at the first change after each snapshot() (the endpoint publishes a new one).
    void setChangeHandler(std::function<void()> handler) { m_changeHandler = std::move(handler); }
    // How often the dmarc families were serialised (tests check the cache with it).
    quint64 serializations() const { return m_serializations; }

    static QByteArray contentType()
    {
        return QByteArrayLiteral("text/plain; version=0.0.4; charset=utf-8");
    }

private:
    // One report family's samples, label sets in first-seen order.
    struct FamilySamples
    {
        QList<QStringList> order;
        QHash<QStringList, quint64> values;
    };

    void ensureCached();
    void changed();
    // The cached families are stale: a value rose or a sample is new.
    void countersChanged();
    // The counters of `labels`, a sample of zeros appended when new.
    Counters &countersOf(const LabelSet &labels, bool *created);
    quint64 &invalidOf(const QString &fromEmail, bool *created);
    quint64 &familySample(ReportFamily family, const QStringList &labels, bool *created);

    QList<LabelSet> m_labelOrder;
    QHash<LabelSet, Counters> m_counters;
    QList<QString> m_invalidOrder;
    QHash<QString, quint64> m_invalid;
    std::array<FamilySamples, kReportFamilies> m_families;
    QMap<QString, AccountMetrics> m_accounts;
    quint64 m_emails[2] = {0, 0};
    quint64 m_reports[3] = {0, 0, 0};
    quint64 m_refused[3] = {0, 0, 0};
    StoreMetrics m_store;
    QMap<QString, quint64> m_reverseDnsQueries;
    QString m_instance;

    bool m_dirty = true;
    QByteArray m_cachedBody; // the cached families as text, only while they cannot be gzipped
    std::optional<GzipEncoder> m_cachedGzip; // the cached families, compressed once
    quint64 m_serializations = 0;
    qsizetype m_compacted = 0; // label sets and invalid senders at the last compact()
    std::function<void()> m_changeHandler;
    bool m_changeReported = false;
};

} // namespace Dmarc
