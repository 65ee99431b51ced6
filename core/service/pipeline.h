#pragma once

#include "analysis/emailanalysis.h"
#include "common/parallel.h"
#include "common/result.h"
#include "mail/payloadlimits.h"
#include "service/emailoutcome.h"
#include "service/sourcenaming.h"
#include "store/store.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace Dmarc {

class MetricsRegistry;

// One email (or report file) to decide.
struct IncomingEmail
{
    enum class Kind
    {
        Email,     // raw RFC 5322 bytes from a mailbox
        ReportFile // a local .eml/.xml/.gz/.zip file (the import command)
    };

    Kind kind = Kind::Email;
    EmailIdentity identity; // the digest is filled in from `raw` when empty
    QByteArray raw;
    bool oversized = false; // too large to download: decided as an error without content
    QString label;          // for logs: "uid 17" or a file path
};

// What became of one email, and the key its verdict is remembered under.
struct ProcessedEmail : EmailOutcome
{
    EmailIdentity identity;
    IncomingEmail::Kind kind = IncomingEmail::Kind::Email;
};

// A batch analysed and not committed yet (Pipeline::analyse()).
struct AnalysedBatch
{
    QList<ProcessedEmail> emails; // the whole batch, in order
    QList<qsizetype> toCommit;    // the positions in `emails` of those analysed, to commit
    qint64 analysedMs = 0;        // how long the analysis took
};

// Adds what one committed email counted to the metrics (nothing when it was decided before).
void recordCommitted(MetricsRegistry &metrics, const EmailCommit &commit,
                     const EmailCommitResult &result);

// extract -> parse -> dedup -> one store commit -> metrics, for a batch of emails. The verdicts
// it returns are durable: the caller may move the emails once this returned successfully.
class Pipeline
{
public:
    // `naming` names the sources of the reports before each commit (docs/counting.md 10.7).
    Pipeline(Store *store, MetricsRegistry *metrics, const PayloadLimits &limits,
             SourceNaming naming);
    // Where the commit finds the PTR names known for rule 2 of docs/counting.md section 10.2;
    // none by default.
    void setKnownPtr(KnownPtr knownPtr) { m_knownPtr = std::move(knownPtr); }
    // The naming of the sources of the commits from now on (a reload's classes and map); what
    // is committed keeps its names.
    void setNaming(SourceNaming naming) { m_naming = std::move(naming); }
    const SourceNaming &naming() const { return m_naming; }

    // Commits the whole batch in one transaction, or nothing (then the error says why and no
    // email may be moved).
    Result<QList<ProcessedEmail>> process(QList<IncomingEmail> emails, qint64 nowSecs);
    // The two halves of process(), for a caller that waits between them (for the PTR names of
    // the sources, docs/counting.md section 10.6): the emails hashed, those decided before
    // found, the others analysed; then their commit, which may be tried again with the same
    // batch when it fails.
    Result<AnalysedBatch> analyse(QList<IncomingEmail> emails);
    Result<QList<ProcessedEmail>> commit(const AnalysedBatch &batch, qint64 nowSecs);
    // Ends the analysis threads (when a check has ended); the next batch starts new ones.
    void endIdleThreads() { m_parallel.endIdleThreads(); }

private:
    EmailAnalysis analyze(const IncomingEmail &email) const;
    void log(const ProcessedEmail &email) const;

    Store *m_store;
    MetricsRegistry *m_metrics;
    PayloadLimits m_limits;
    SourceNaming m_naming;
    KnownPtr m_knownPtr;
    ParallelRunner m_parallel;
};

} // namespace Dmarc
