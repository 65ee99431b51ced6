#include "analysis/emailanalyzer.h"

#include "mail/mimewalker.h"
#include "mail/payloadunpacker.h"
#include "report/reportcounter.h"
#include "report/reportparser.h"

#include <optional>

namespace Dmarc {

namespace {

// Parses and counts each payload of one candidate as it is unpacked.
class CountingSink : public Mail::PayloadSink
{
public:
    CountingSink(EmailAnalysis &analysis, QString part)
        : m_analysis(analysis)
        , m_part(std::move(part))
    {}

    void beginPayload(const QString &member) override
    {
        ++m_analysis.candidates;
        m_source = member.isEmpty() ? m_part : m_part + QStringLiteral(", member ") + member;
        m_counter.emplace();
        m_parser.emplace([this](const ReportRecord &record) { m_counter->add(record); },
                         [this] { m_counter.emplace(); });
    }

    bool payloadData(QByteArrayView chunk) override { return m_parser->addData(chunk); }

    void endPayload(const std::optional<Error> &error) override
    {
        if (error) {
            m_analysis.failures.append({m_source, *error});
        } else if (const Result<void> parsed = m_parser->finish(); !parsed) {
            m_analysis.failures.append({m_source, parsed.error()});
        } else {
            ReportCounts report = m_counter->result(m_parser->metadata(), m_parser->policy());
            report.source = m_source;
            m_analysis.reports.append(std::move(report));
        }
        m_parser.reset();
        m_counter.reset();
    }

private:
    EmailAnalysis &m_analysis;
    QString m_part;
    QString m_source;
    std::optional<ReportParser> m_parser;
    std::optional<ReportCounter> m_counter;
};

// Whether a file's content is a report document rather than an email.
bool looksLikeXml(QByteArrayView bytes)
{
    if (bytes.startsWith("\xef\xbb\xbf"))
        bytes = bytes.sliced(3);
    if (bytes.startsWith("\xff\xfe") || bytes.startsWith("\xfe\xff") ||
        bytes.startsWith(QByteArrayView("<\0", 2)) || bytes.startsWith(QByteArrayView("\0<", 2)))
        return true;
    for (const char c : bytes) {
        if (c == '<')
            return true;
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
            return false;
    }
    return false;
}

} // namespace

EmailAnalysis analyzeEmail(const QByteArray &raw, const PayloadLimits &limits)
{
    EmailAnalysis analysis;
    const Mail::MimeMessage message = Mail::walkMime(raw);
    analysis.fromEmail = message.fromAddress;
    analysis.subject = message.subject;
    for (const Mail::MimeLeaf &leaf : message.leaves) {
        if (!Mail::isCandidate(leaf.contentType, leaf.fileName))
            continue;
        CountingSink sink(analysis, leaf.description());
        Mail::unpackPayloads(leaf.decodedBody(), limits, sink);
    }
    return analysis;
}

EmailAnalysis analyzeFile(const QByteArray &contents, const QString &fileName,
                          const PayloadLimits &limits)
{
    if (Mail::detectContainer(contents) == Mail::Container::Xml && !looksLikeXml(contents))
        return analyzeEmail(contents, limits);
    EmailAnalysis analysis;
    CountingSink sink(analysis, fileName);
    Mail::unpackPayloads(contents, limits, sink);
    return analysis;
}

} // namespace Dmarc
