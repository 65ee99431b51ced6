#include "metricsregistry.h"

#include "common/log.h"
#include "common/logging.h"
#include "common/version.h"
#include "processstats.h"
#include "textwriter.h"

#include <QSet>

#include <algorithm>
#include <iterator>

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace Dmarc {

namespace {

using Type = TextWriter::Type;

// Upstream's names and HELP texts, typos included, so dashboards and alerts keep working.
struct DmarcFamily
{
    const char *name;
    const char *help;
    quint64 Counters::*field;
};
const DmarcFamily kDmarcFamilies[] = {
    {"dmarc_total", "Total number of reported messages.", &Counters::total},
    {"dmarc_compliant_total", "Total number of DMARC compliant messages.", &Counters::compliant},
    {"dmarc_quarantine_total", "Total number of quarantined messages.", &Counters::quarantine},
    {"dmarc_reject_total", "Total number of rejected messages.", &Counters::reject},
    {"dmarc_spf_aligned_total", "Total number of SPF algined messages.", &Counters::spfAligned},
    {"dmarc_spf_pass_total", "Total number of messages with raw SPF pass.", &Counters::spfPass},
    {"dmarc_dkim_aligned_total", "Total number of DKIM algined messages.", &Counters::dkimAligned},
    {"dmarc_dkim_pass_total", "Total number of messages with raw DKIM pass.", &Counters::dkimPass},
};

// docs/counting.md section 8.6, in the order of ReportFamily; label names in the order of the
// label values.
struct ReportFamilySpec
{
    const char *name;
    const char *help;
    std::vector<const char *> labels;
};
const ReportFamilySpec kReportFamilySpecs[kReportFamilies] = {
    {"tlsrpt_successful_sessions_total",
     "Successful TLS sessions reported in SMTP TLS reports.",
     {"reporter", "policy_domain", "policy_type"}},
    {"tlsrpt_failed_sessions_total",
     "Failed TLS sessions reported in SMTP TLS reports.",
     {"reporter", "policy_domain", "policy_type"}},
    {"tlsrpt_failure_detail_sessions_total",
     "Failed TLS sessions per failure result type; details may overlap.",
     {"reporter", "policy_domain", "policy_type", "result_type"}},
    {"tlsrpt_reports_total",
     "SMTP TLS reports counted, per policy domain they list.",
     {"reporter", "policy_domain"}},
    {"tlsrpt_invalid_reports_total",
     "Emails with an SMTP TLS report that could not be read.",
     {"from_email"}},
    {"dmarc_failure_reports_total",
     "DMARC failure reports received.",
     {"reported_domain", "auth_failure", "identity_alignment", "delivery_result"}},
    {"dmarc_source_total",
     "Reported messages per sending source: a class of yours, a known sender or unknown.",
     {"from_domain", "source"}},
    {"dmarc_source_compliant_total",
     "DMARC compliant messages per sending source.",
     {"from_domain", "source"}},
};

// Raises `served` to `held`; whether it rose.
bool raise(quint64 &served, quint64 held)
{
    if (held <= served)
        return false;
    served = held;
    return true;
}

} // namespace

MetricsRegistry::MetricsRegistry() = default;
MetricsRegistry::~MetricsRegistry() = default;

Counters &MetricsRegistry::countersOf(const LabelSet &labels, bool *created)
{
    auto it = m_counters.find(labels);
    *created = it == m_counters.end();
    if (*created) {
        m_labelOrder << labels;
        it = m_counters.insert(labels, Counters());
    }
    return *it;
}

quint64 &MetricsRegistry::invalidOf(const QString &fromEmail, bool *created)
{
    auto it = m_invalid.find(fromEmail);
    *created = it == m_invalid.end();
    if (*created) {
        m_invalidOrder << fromEmail;
        it = m_invalid.insert(fromEmail, 0);
    }
    return *it;
}

quint64 &MetricsRegistry::familySample(ReportFamily family, const QStringList &labels,
                                       bool *created)
{
    FamilySamples &samples = m_families[size_t(family)];
    auto it = samples.values.find(labels);
    *created = it == samples.values.end();
    if (*created) {
        samples.order << labels;
        it = samples.values.insert(labels, 0);
    }
    return *it;
}

void MetricsRegistry::countersChanged()
{
    m_dirty = true;
    changed();
}

void MetricsRegistry::addCounts(const LabelSet &labels, const Counters &counters)
{
    bool created = false;
    countersOf(labels, &created) += counters;
    countersChanged();
}

void MetricsRegistry::raiseCounts(const LabelSet &labels, const Counters &held)
{
    bool rose = false;
    Counters &served = countersOf(labels, &rose);
    for (const DmarcFamily &spec : kDmarcFamilies)
        rose = raise(served.*spec.field, held.*spec.field) || rose;
    if (rose)
        countersChanged();
}

void MetricsRegistry::compact()
{
    if (m_compacted == m_labelOrder.size() + m_invalidOrder.size())
        return;
    QSet<QString> pool;
    const auto fresh = [&pool](const QString &text) {
        if (text.isEmpty())
            return QString();
        auto it = pool.constFind(text);
        if (it == pool.constEnd())
            it = pool.insert(QString(text.constData(), text.size()));
        return *it;
    };
    QList<LabelSet> order;
    order.reserve(m_labelOrder.size());
    QHash<LabelSet, Counters> counters;
    counters.reserve(m_counters.size());
    for (const LabelSet &labels : std::as_const(m_labelOrder)) {
        order.append(LabelSet{fresh(labels.reporter), fresh(labels.fromDomain),
                              fresh(labels.dkimDomain), fresh(labels.spfDomain)});
        counters.insert(order.constLast(), m_counters.value(labels));
    }
    QList<QString> invalidOrder;
    invalidOrder.reserve(m_invalidOrder.size());
    QHash<QString, quint64> invalid;
    invalid.reserve(m_invalid.size());
    for (const QString &fromEmail : std::as_const(m_invalidOrder)) {
        invalidOrder.append(fresh(fromEmail));
        invalid.insert(invalidOrder.constLast(), m_invalid.value(fromEmail));
    }
    m_labelOrder.swap(order);
    m_counters.swap(counters);
    m_invalidOrder.swap(invalidOrder);
    m_invalid.swap(invalid);
    m_compacted = m_labelOrder.size() + m_invalidOrder.size();
}

void MetricsRegistry::addInvalidReport(const QString &fromEmail, quint64 count)
{
    bool created = false;
    invalidOf(fromEmail, &created) += count;
    countersChanged();
}

void MetricsRegistry::addToFamily(ReportFamily family, const QStringList &labels, quint64 value)
{
    bool created = false;
    familySample(family, labels, &created) += value;
    countersChanged();
}

void MetricsRegistry::raiseInvalidReport(const QString &fromEmail, quint64 held)
{
    bool created = false;
    if (raise(invalidOf(fromEmail, &created), held) || created)
        countersChanged();
}

void MetricsRegistry::raiseInFamily(ReportFamily family, const QStringList &labels, quint64 held)
{
    bool created = false;
    if (raise(familySample(family, labels, &created), held) || created)
        countersChanged();
}

std::optional<quint64> MetricsRegistry::familyValue(ReportFamily family,
                                                    const QStringList &labels) const
{
    const FamilySamples &samples = m_families[size_t(family)];
    const auto it = samples.values.constFind(labels);
    if (it == samples.values.cend())
        return std::nullopt;
    return *it;
}

void MetricsRegistry::countEmails(EmailVerdict verdict, quint64 count)
{
    m_emails[int(verdict)] += count;
    changed();
}

void MetricsRegistry::countReports(ReportOutcome outcome, quint64 count)
{
    m_reports[int(outcome)] += count;
    changed();
}

void MetricsRegistry::countRefused(Refusal reason, quint64 count)
{
    m_refused[int(reason)] += count;
    changed();
}

void MetricsRegistry::setAccountUp(const QString &account, bool up)
{
    m_accounts[account].up = up;
    changed();
}

void MetricsRegistry::setLastSuccessfulPoll(const QString &account, qint64 secsSinceEpoch)
{
    m_accounts[account].lastSuccess = secsSinceEpoch;
    changed();
}

void MetricsRegistry::countPollError(const QString &account)
{
    ++m_accounts[account].pollErrors;
    changed();
}

void MetricsRegistry::setAccountWatched(const QString &account, bool watched)
{
    m_accounts[account].watched = watched ? 1 : 0;
    changed();
}

void MetricsRegistry::setInstanceName(const QString &name)
{
    m_instance = name;
    changed();
}

void MetricsRegistry::keepAccounts(const QStringList &accounts)
{
    if (m_accounts.removeIf([&](const auto &account) { return !accounts.contains(account.key()); }))
        changed();
}

void MetricsRegistry::setStoreUp(bool up)
{
    m_store.up = up;
    changed();
}

void MetricsRegistry::countCommitError()
{
    ++m_store.commitErrors;
    changed();
}

void MetricsRegistry::countReverseDnsQueries(const QString &outcome, quint64 count)
{
    m_reverseDnsQueries[outcome] += count;
    changed();
}

void MetricsRegistry::changed()
{
    if (m_changeReported || !m_changeHandler)
        return;
    m_changeReported = true;
    m_changeHandler();
}

void MetricsRegistry::ensureCached()
{
    if (!m_dirty)
        return;
    // Written straight as text: a sample structure per value, serialised through iostreams,
    // took about 44 us per label set.
    QByteArray body;
    TextWriter writer(body);
    writer.family("dmarc_metrics_exporter_build_info",
                  "A metric with a constant '1' value labeled by version of the "
                  "dmarc-metrics-exporter.",
                  Type::Gauge);
    writer.sample(TextWriter::labelText({{"version", QString::fromUtf8(kVersion)}}), 1);

    // Label names in sorted order, as upstream writes them; each label set escaped once.
    QList<QByteArray> labels;
    labels.reserve(m_labelOrder.size());
    for (const LabelSet &set : std::as_const(m_labelOrder)) {
        labels.append(TextWriter::labelText({{"dkim_domain", set.dkimDomain},
                                             {"from_domain", set.fromDomain},
                                             {"reporter", set.reporter},
                                             {"spf_domain", set.spfDomain}}));
    }
    QList<const Counters *> counters;
    counters.reserve(m_labelOrder.size());
    for (const LabelSet &set : std::as_const(m_labelOrder))
        counters.append(&*m_counters.constFind(set));
    // The eight families in one allocation: growing the buffer step by step took half the time.
    qsizetype labelBytes = 0;
    for (const QByteArray &text : std::as_const(labels))
        labelBytes += text.size();
    body.reserve(body.size() + 8 * (labelBytes + labels.size() * 48) + 4096);
    for (const DmarcFamily &spec : kDmarcFamilies) {
        writer.family(spec.name, spec.help, Type::Counter);
        for (qsizetype i = 0; i < labels.size(); ++i)
            writer.sample(labels.at(i), double(counters.at(i)->*spec.field));
    }
    labels = {};
    counters = {};
    writer.family("dmarc_invalid_reports_total",
                  "Total numebr of report emails from which no report could be parsed.",
                  Type::Counter);
    for (const QString &fromEmail : std::as_const(m_invalidOrder)) {
        writer.sample(TextWriter::labelText({{"from_email", fromEmail}}),
                      double(m_invalid.value(fromEmail)));
    }
    for (int i = 0; i < kReportFamilies; ++i) {
        const ReportFamilySpec &spec = kReportFamilySpecs[i];
        const FamilySamples &samples = m_families[size_t(i)];
        if (samples.order.isEmpty())
            continue; // absent until counted, as upstream's golden files expect
        writer.family(spec.name, spec.help, Type::Counter);
        for (const QStringList &values : samples.order) {
            TextWriter::Labels pairs;
            for (size_t l = 0; l < spec.labels.size(); ++l)
                pairs.emplace_back(spec.labels[l], values.value(qsizetype(l)));
            writer.sample(TextWriter::labelText(pairs), double(samples.values.value(values)));
        }
    }

    // Kept gzipped only (a tenth of the size); if zlib fails, as text until a scrape retries.
    m_cachedGzip.reset();
    m_cachedBody.clear();
    Result<GzipEncoder> encoded = GzipEncoder::start(body);
    if (encoded.ok())
        m_cachedGzip = std::move(encoded).value();
    else
        m_cachedBody = body;
    body.clear();
    m_dirty = false;
    ++m_serializations;
#ifdef __GLIBC__
    // The label texts were many small allocations among the ones that stay; give their pages
    // back.
    malloc_trim(0);
#endif
}

QByteArray ExpositionSnapshot::dynamicPart() const
{
    QByteArray text;
    TextWriter writer(text);
    writer.family("dmarc_metrics_exporter_emails_processed_total",
                  "Emails committed, by the folder they go to.", Type::Counter);
    for (EmailVerdict verdict : {EmailVerdict::Done, EmailVerdict::Error}) {
        writer.sample(TextWriter::labelText({{"outcome", QString(outcomeName(verdict))}}),
                      double(m_emails[int(verdict)]));
    }

    writer.family("dmarc_metrics_exporter_reports_processed_total",
                  "Reports seen in committed emails, by outcome.", Type::Counter);
    for (ReportOutcome outcome :
         {ReportOutcome::Counted, ReportOutcome::Duplicate, ReportOutcome::Malformed}) {
        writer.sample(TextWriter::labelText({{"outcome", QString(outcomeName(outcome))}}),
                      double(m_reports[int(outcome)]));
    }

    writer.family("dmarc_metrics_exporter_reports_refused_total",
                  "Reports not counted: past a limit on label sets or from a "
                  "foreign domain, by reason.",
                  Type::Counter);
    for (Refusal reason :
         {Refusal::LabelSetsPerReport, Refusal::LabelSets, Refusal::ForeignDomain}) {
        writer.sample(TextWriter::labelText({{"reason", QString(outcomeName(reason))}}),
                      double(m_refused[int(reason)]));
    }

    const auto perAccount = [&](const char *name, const char *help, Type type,
                                double (*value)(const AccountMetrics &)) {
        writer.family(name, help, type);
        for (auto it = m_accounts.cbegin(); it != m_accounts.cend(); ++it)
            writer.sample(TextWriter::labelText({{"account", it.key()}}), value(*it));
    };
    perAccount("dmarc_metrics_exporter_imap_up",
               "Whether the last poll of the IMAP account succeeded (1) or not (0).", Type::Gauge,
               [](const AccountMetrics &account) { return account.up ? 1.0 : 0.0; });
    perAccount("dmarc_metrics_exporter_imap_last_success_timestamp_seconds",
               "When the IMAP account was last polled successfully, in seconds since the epoch.",
               Type::Gauge,
               [](const AccountMetrics &account) { return double(account.lastSuccess); });
    perAccount("dmarc_metrics_exporter_imap_poll_errors_total", "Failed polls of the IMAP account.",
               Type::Counter,
               [](const AccountMetrics &account) { return double(account.pollErrors); });
    // Only where instances share a database (docs/metrics.md).
    if (!m_instance.isEmpty()) {
        writer.family("dmarc_metrics_exporter_instance_info",
                      "This instance's name among those sharing the database.", Type::Gauge);
        writer.sample(TextWriter::labelText({{"name", m_instance}}), 1);
        perAccount("dmarc_metrics_exporter_account_watched",
                   "Whether this instance watches the IMAP account (1) or another instance holds "
                   "its lease (0).",
                   Type::Gauge,
                   [](const AccountMetrics &account) { return account.watched > 0 ? 1.0 : 0.0; });
    }

    writer.family("dmarc_metrics_exporter_store_up",
                  "Whether the store took the last commit (1) or refused it (0).", Type::Gauge);
    writer.sample({}, m_store.up ? 1 : 0);
    writer.family("dmarc_metrics_exporter_store_commit_errors_total",
                  "Commits the store refused (e.g. disk full); each is retried.", Type::Counter);
    writer.sample({}, double(m_store.commitErrors));

    if (!m_reverseDnsQueries.isEmpty()) {
        writer.family("dmarc_metrics_exporter_reverse_dns_queries_total",
                      "PTR queries for source IPs, by what they came to (not_asked: not sent, "
                      "too many were waiting).",
                      Type::Counter);
        for (auto it = m_reverseDnsQueries.cbegin(); it != m_reverseDnsQueries.cend(); ++it)
            writer.sample(TextWriter::labelText({{"outcome", it.key()}}), double(it.value()));
    }

    const ProcessStats stats = readProcessStats();
    const std::pair<const char *, const char *> processFamilies[] = {
        {"process_cpu_seconds_total", "Total user and system CPU time spent in seconds."},
        {"process_resident_memory_bytes", "Resident memory size in bytes."},
        {"process_virtual_memory_bytes", "Virtual memory size in bytes."},
        {"process_open_fds", "Number of open file descriptors."},
        {"process_max_fds", "Maximum number of open file descriptors."},
        {"process_start_time_seconds", "Start time of the process since unix epoch in seconds."},
    };
    const double processValues[] = {stats.cpuSeconds, stats.residentBytes, stats.virtualBytes,
                                    stats.openFds,    stats.maxFds,        stats.startTime};
    for (int i = 0; i < 6; ++i) {
        writer.family(processFamilies[i].first, processFamilies[i].second,
                      i == 0 ? Type::Counter : Type::Gauge);
        writer.sample({}, processValues[i]);
    }
    return text;
}

std::shared_ptr<const ExpositionSnapshot> MetricsRegistry::snapshot()
{
    ensureCached();
    if (!m_cachedGzip) {
        // zlib failed when the families were cached: try again.
        Result<GzipEncoder> started = GzipEncoder::start(m_cachedBody);
        if (started.ok()) {
            m_cachedGzip = std::move(started).value();
            m_cachedBody.clear();
        }
    }
    auto snapshot = std::make_shared<ExpositionSnapshot>();
    snapshot->m_cachedGzip = m_cachedGzip;
    snapshot->m_cachedBody = m_cachedBody;
    std::copy(std::begin(m_emails), std::end(m_emails), snapshot->m_emails);
    std::copy(std::begin(m_reports), std::end(m_reports), snapshot->m_reports);
    std::copy(std::begin(m_refused), std::end(m_refused), snapshot->m_refused);
    snapshot->m_accounts = m_accounts;
    snapshot->m_store = m_store;
    snapshot->m_reverseDnsQueries = m_reverseDnsQueries;
    snapshot->m_instance = m_instance;
    m_changeReported = false;
    return snapshot;
}

Exposition ExpositionSnapshot::exposition(bool gzip) const
{
    const QByteArray dynamic = dynamicPart();
    // The cached families as text: inflated for this scrape when they are kept gzipped.
    const auto text = [&] {
        if (!m_cachedGzip)
            return m_cachedBody;
        const Result<QByteArray> inflated = m_cachedGzip->prefix();
        if (inflated.ok())
            return inflated.value();
        Log::write(lcHttp(), QtCriticalMsg, QStringLiteral("Cannot inflate the cached metrics"),
                   {{QStringLiteral("error"), inflated.error().message}});
        return QByteArray();
    };
    if (!gzip)
        return Exposition{text(), dynamic, false};

    // When zlib fails, the scrape still gets the metrics, uncompressed.
    const auto plain = [&](const Error &error) {
        Log::write(lcHttp(), QtWarningMsg, QStringLiteral("Sending the metrics uncompressed"),
                   {{QStringLiteral("error"), error.message}});
        return Exposition{text(), dynamic, false};
    };
    if (!m_cachedGzip)
        return plain(Error{QStringLiteral("zlib"),
                           QStringLiteral("the cached metrics could not be compressed")});
    const Result<QByteArray> tail = m_cachedGzip->finish(dynamic);
    if (!tail.ok())
        return plain(tail.error());
    return Exposition{m_cachedGzip->head(), tail.value(), true};
}

} // namespace Dmarc
