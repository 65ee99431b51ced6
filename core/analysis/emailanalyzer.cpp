#include "analysis/emailanalyzer.h"

#include "mail/mimewalker.h"
#include "mail/payloadunpacker.h"
#include "report/reportcounter.h"
#include "report/reportparser.h"
#include "tlsrpt/tlsreportreader.h"

#include <optional>

namespace Dmarc {

namespace {

// White space before a payload's first byte is looked past this far, then it counts as XML.
constexpr qsizetype kMaxLeadingSpace = 64 * 1024;

// The kind a payload's first byte that is not white space (a UTF-8 byte order mark skipped)
// says (docs/counting.md section 8.1); nullopt while only white space has come.
std::optional<ReportKind> kindOf(QByteArrayView bytes)
{
    const QByteArrayView bom("\xef\xbb\xbf");
    if (bom.startsWith(bytes.first(qMin(bytes.size(), bom.size()))))
        bytes = bytes.sliced(qMin(bytes.size(), bom.size()));
    for (const char c : bytes) {
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
            return c == '{' ? ReportKind::Tls : ReportKind::Aggregate;
    }
    return std::nullopt;
}

// Reads each payload of one candidate as it is unpacked: as a TLS report or an aggregate report,
// by its first bytes.
class CountingSink : public Mail::PayloadSink
{
public:
    CountingSink(EmailAnalysis &analysis, QString part, bool labelledTls,
                 const PayloadLimits &limits)
        : m_analysis(analysis)
        , m_part(std::move(part))
        , m_labelledTls(labelledTls)
        , m_limits(limits)
    {}

    void beginPayload(const QString &member) override
    {
        ++m_analysis.candidates;
        m_source = member.isEmpty() ? m_part : m_part + QStringLiteral(", member ") + member;
        m_kind.reset();
        m_head.clear();
    }

    bool payloadData(QByteArrayView chunk) override
    {
        if (m_kind)
            return feed(chunk);
        if (m_head.isEmpty()) {
            if (const std::optional<ReportKind> kind = kindOf(chunk)) {
                start(*kind);
                return feed(chunk);
            }
        }
        m_head.append(chunk);
        const std::optional<ReportKind> kind = kindOf(m_head);
        if (!kind && m_head.size() < kMaxLeadingSpace)
            return true;
        start(kind.value_or(ReportKind::Aggregate));
        return feed(std::exchange(m_head, QByteArray()));
    }

    void endPayload(const std::optional<Error> &error, const QStringList &notes) override
    {
        // Without a first byte, the part's label tells the kind (docs/counting.md section 8.4).
        const ReportKind labelled = m_labelledTls ? ReportKind::Tls : ReportKind::Aggregate;
        if (!m_kind) {
            if (error) {
                m_analysis.failures.append({m_source, *error, labelled});
                return;
            }
            start(kindOf(m_head).value_or(labelled));
            feed(std::exchange(m_head, QByteArray()));
        }
        if (error)
            m_analysis.failures.append({m_source, *error, *m_kind});
        else if (*m_kind == ReportKind::Tls)
            finishTlsReport(notes);
        else
            finishAggregateReport(notes);
        m_parser.reset();
        m_counter.reset();
        m_tlsReader.reset();
    }

private:
    void start(ReportKind kind)
    {
        m_kind = kind;
        if (kind == ReportKind::Tls) {
            m_tlsReader.emplace(m_limits.maxTlsReportBytes);
            return;
        }
        m_counter.emplace(m_limits.maxLabelSetsPerReport);
        // Past the label set limit the reading stops at once (docs/counting.md section 9.1).
        m_parser.emplace(
            [this](const ReportRecord &record) {
                if (!m_counter->add(record))
                    m_parser->stop(m_counter->limitError());
            },
            [this] { m_counter.emplace(m_limits.maxLabelSetsPerReport); });
    }

    bool feed(QByteArrayView chunk)
    {
        return m_tlsReader ? m_tlsReader->addData(chunk) : m_parser->addData(chunk);
    }

    void finishAggregateReport(const QStringList &notes)
    {
        if (const Result<void> parsed = m_parser->finish(); !parsed) {
            m_analysis.failures.append({m_source, parsed.error(), ReportKind::Aggregate});
            return;
        }
        ReportCounts report = m_counter->result(m_parser->metadata(), m_parser->policy());
        report.source = m_source;
        report.notes = notes + m_parser->notes();
        m_analysis.reports.append(std::move(report));
    }

    void finishTlsReport(const QStringList &notes)
    {
        Result<TlsReport> report = m_tlsReader->finish();
        if (!report) {
            m_analysis.failures.append({m_source, report.error(), ReportKind::Tls});
            return;
        }
        report->source = m_source;
        report->notes = notes;
        m_analysis.tlsReports.append(std::move(*report));
    }

    EmailAnalysis &m_analysis;
    QString m_part;
    bool m_labelledTls;
    const PayloadLimits &m_limits;
    QString m_source;
    std::optional<ReportKind> m_kind; // unknown while only white space has come
    QByteArray m_head;                // that white space
    std::optional<ReportParser> m_parser;
    std::optional<ReportCounter> m_counter;
    std::optional<TlsReportReader> m_tlsReader;
};

// Whether a file's content is a report document (XML or JSON) rather than an email.
bool looksLikeReport(QByteArrayView bytes)
{
    if (bytes.startsWith("\xef\xbb\xbf"))
        bytes = bytes.sliced(3);
    if (bytes.startsWith("\xff\xfe") || bytes.startsWith("\xfe\xff") ||
        bytes.startsWith(QByteArrayView("<\0", 2)) || bytes.startsWith(QByteArrayView("\0<", 2)))
        return true;
    for (const char c : bytes) {
        if (c == '<' || c == '{')
            return true;
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
            return false;
    }
    return false;
}

} // namespace

QString EmailAnalysis::noReportReason() const
{
    if (candidates == 0 && mimeTooDeep)
        return QStringLiteral("MIME nesting deeper than %1 levels").arg(Mail::kMaxMimeDepth);
    return QString();
}

QString EmailAnalysis::failureSummary(qsizetype maxLength) const
{
    QString summary;
    for (qsizetype i = 0; i < failures.size(); ++i) {
        const QString next =
            failures.at(i).part + QStringLiteral(": ") + failures.at(i).error.message;
        if (i > 0 && summary.size() + 2 + next.size() > maxLength)
            return summary + QStringLiteral(" \u2026 and %1 more").arg(failures.size() - i);
        if (i > 0)
            summary += QStringLiteral("; ");
        summary += next;
    }
    return summary;
}

EmailAnalysis analyzeEmail(const QByteArray &raw, const PayloadLimits &limits)
{
    EmailAnalysis analysis;
    const Mail::MimeMessage message = Mail::walkMime(raw);
    analysis.fromEmail = message.fromAddress;
    analysis.subject = message.subject;
    analysis.mimeTooDeep = message.tooDeep;
    analysis.size = raw.size();
    analysis.partCount = message.leaves.size();
    int parts = 0; // candidate parts (docs/counting.md section 1.5)
    for (const Mail::MimeLeaf &leaf : message.leaves) {
        const bool feedbackReport = leaf.contentType == "message/feedback-report";
        const bool candidate =
            !feedbackReport && Mail::isCandidate(leaf.contentType, leaf.fileName);
        if (analysis.parts.size() < kListedParts) {
            analysis.parts.append(EmailPart{leaf.section, QString::fromLatin1(leaf.contentType),
                                            leaf.fileName, leaf.body.size(),
                                            feedbackReport ? EmailPart::Kind::FailureReport
                                            : candidate    ? EmailPart::Kind::Report
                                                           : EmailPart::Kind::Other});
        }
        if (!feedbackReport && !candidate)
            continue;
        if (++parts > limits.maxCandidateParts)
            continue;
        // A feedback report is a candidate only as a DMARC failure report (docs/counting.md 8.1).
        if (feedbackReport) {
            if (std::optional<FailureReport> report = readFailureReport(leaf.decodedBody())) {
                ++analysis.candidates;
                report->source = leaf.description();
                analysis.failureReports.append(std::move(*report));
            }
            continue;
        }
        CountingSink sink(analysis, leaf.description(),
                          Mail::isLabelledTlsReport(leaf.contentType, leaf.fileName), limits);
        Mail::unpackPayloads(leaf, limits, sink);
    }
    if (parts > limits.maxCandidateParts) {
        // The parts past the limit fail together, as the members past a zip's limit do.
        ++analysis.candidates;
        analysis.failures.append(
            {QStringLiteral("candidate parts %1 to %2")
                 .arg(limits.maxCandidateParts + 1)
                 .arg(parts),
             Error{QStringLiteral("too_large"),
                   QStringLiteral("the email holds %1 candidate parts, more than the limit of %2")
                       .arg(parts)
                       .arg(limits.maxCandidateParts)},
             ReportKind::Aggregate});
    }
    return analysis;
}

EmailAnalysis analyzeFile(const QByteArray &contents, const QString &fileName,
                          const PayloadLimits &limits)
{
    if (Mail::detectContainer(contents) == Mail::Container::Xml && !looksLikeReport(contents))
        return analyzeEmail(contents, limits);
    EmailAnalysis analysis;
    analysis.size = contents.size();
    analysis.partCount = 1;
    analysis.parts.append(
        EmailPart{QString(), QString(), fileName, contents.size(), EmailPart::Kind::Report});
    CountingSink sink(analysis, fileName, Mail::isLabelledTlsReport(QByteArray(), fileName),
                      limits);
    Mail::unpackPayloads(contents, limits, sink);
    return analysis;
}

} // namespace Dmarc
