#include "report/reportparser.h"

namespace Dmarc {

namespace {

using Node = ReportParser::Node;

// A child element a node knows. `field` numbers the child within its parent (for "first one
// wins"); a repeatable child has no bit.
struct Child
{
    QLatin1String name;
    Node node;
    int field;
    bool repeatable = false;
};

constexpr QLatin1String operator""_l1(const char *text, size_t size)
{
    return QLatin1String(text, qsizetype(size));
}

const Child kFeedback[] = {{"version"_l1, Node::Text, 0},
                           {"report_metadata"_l1, Node::Metadata, 1},
                           {"policy_published"_l1, Node::Policy, 2},
                           {"record"_l1, Node::Record, 3, true}};
const Child kMetadata[] = {
    {"org_name"_l1, Node::Text, 0},           {"email"_l1, Node::Text, 1},
    {"extra_contact_info"_l1, Node::Text, 2}, {"report_id"_l1, Node::Text, 3},
    {"date_range"_l1, Node::DateRange, 4},    {"generator"_l1, Node::Text, 5},
    {"error"_l1, Node::Text, 6, true}};
const Child kDateRange[] = {{"begin"_l1, Node::Text, 0}, {"end"_l1, Node::Text, 1}};
const Child kPolicy[] = {{"domain"_l1, Node::Text, 0},  {"adkim"_l1, Node::Text, 1},
                         {"aspf"_l1, Node::Text, 2},    {"p"_l1, Node::Text, 3},
                         {"sp"_l1, Node::Text, 4},      {"np"_l1, Node::Text, 5},
                         {"pct"_l1, Node::Text, 6},     {"fo"_l1, Node::Text, 7},
                         {"testing"_l1, Node::Text, 8}, {"discovery_method"_l1, Node::Text, 9}};
const Child kRecord[] = {{"row"_l1, Node::Row, 0},
                         {"identifiers"_l1, Node::Identifiers, 1},
                         {"auth_results"_l1, Node::AuthResults, 2}};
const Child kRow[] = {{"source_ip"_l1, Node::Text, 0},
                      {"count"_l1, Node::Text, 1},
                      {"policy_evaluated"_l1, Node::PolicyEvaluated, 2}};
const Child kPolicyEvaluated[] = {{"disposition"_l1, Node::Text, 0},
                                  {"dkim"_l1, Node::Text, 1},
                                  {"spf"_l1, Node::Text, 2},
                                  {"reason"_l1, Node::Reason, 3, true}};
const Child kReason[] = {{"type"_l1, Node::Text, 0}, {"comment"_l1, Node::Text, 1}};
const Child kIdentifiers[] = {{"header_from"_l1, Node::Text, 0},
                              {"envelope_from"_l1, Node::Text, 1},
                              {"envelope_to"_l1, Node::Text, 2}};
const Child kAuthResults[] = {{"dkim"_l1, Node::Dkim, 0, true}, {"spf"_l1, Node::Spf, 1, true}};
const Child kDkim[] = {{"domain"_l1, Node::Text, 0},
                       {"selector"_l1, Node::Text, 1},
                       {"result"_l1, Node::Text, 2},
                       {"human_result"_l1, Node::Text, 3}};
const Child kSpf[] = {{"domain"_l1, Node::Text, 0},
                      {"scope"_l1, Node::Text, 1},
                      {"result"_l1, Node::Text, 2},
                      {"human_result"_l1, Node::Text, 3}};

template<size_t N>
const Child *find(const Child (&children)[N], QStringView name)
{
    for (const Child &child : children) {
        if (child.name == name)
            return &child;
    }
    return nullptr;
}

const Child *findChild(Node parent, QStringView name)
{
    switch (parent) {
    case Node::Feedback:
        return find(kFeedback, name);
    case Node::Metadata:
        return find(kMetadata, name);
    case Node::DateRange:
        return find(kDateRange, name);
    case Node::Policy:
        return find(kPolicy, name);
    case Node::Record:
        return find(kRecord, name);
    case Node::Row:
        return find(kRow, name);
    case Node::PolicyEvaluated:
        return find(kPolicyEvaluated, name);
    case Node::Reason:
        return find(kReason, name);
    case Node::Identifiers:
        return find(kIdentifiers, name);
    case Node::AuthResults:
        return find(kAuthResults, name);
    case Node::Dkim:
        return find(kDkim, name);
    case Node::Spf:
        return find(kSpf, name);
    case Node::Document:
    case Node::Text:
        break;
    }
    return nullptr;
}

// Empties a string but keeps its buffer: records are read one after another into the same
// strings, so a big report does not allocate per value.
void clearKeep(QString &text)
{
    text.resize(0);
}

void assignKeep(QString &target, QStringView value)
{
    target.resize(0);
    target.append(value);
}

void resetRecord(ReportRecord &record)
{
    record.hasRow = false;
    record.hasPolicyEvaluated = false;
    clearKeep(record.sourceIp);
    record.count = 1;
    clearKeep(record.disposition);
    clearKeep(record.policyDkim);
    clearKeep(record.policySpf);
    record.reasons.clear();
    clearKeep(record.headerFrom);
    clearKeep(record.envelopeFrom);
    clearKeep(record.envelopeTo);
    record.dkim.clear();
    record.spf.clear();
}

qint64 parseTimestamp(const QString &text)
{
    bool ok = false;
    const qint64 value = text.toLongLong(&ok);
    return ok ? value : 0;
}

// Decimal digits only (docs/counting.md section 2); empty means 1.
std::optional<quint64> parseCount(QStringView text)
{
    if (text.isEmpty())
        return 1;
    quint64 value = 0;
    for (const QChar c : text) {
        if (c < QLatin1Char('0') || c > QLatin1Char('9'))
            return std::nullopt;
        const quint64 digit = quint64(c.unicode() - '0');
        if (value > (std::numeric_limits<quint64>::max() - digit) / 10)
            return std::nullopt;
        value = value * 10 + digit;
    }
    return value;
}

// Text kept while hunting, to find a start tag cut by a chunk boundary; no prefix is this long.
constexpr qsizetype kCutTag = 256;

} // namespace

ReportParser::ReportParser(RecordHandler onRecord, RestartHandler onRestart)
    : m_onRecord(std::move(onRecord))
    , m_onRestart(std::move(onRestart))
{
    resetDocument();
}

void ReportParser::resetDocument()
{
    m_reader.clear();
    m_stack.clear();
    m_stack.append({Node::Document});
    m_skipDepth = 0;
    m_textField = -1;
    m_rootClosed = false;
    m_lastToken = QXmlStreamReader::NoToken;
    m_bytesSinceToken = 0;
    m_tail.clear();
    m_fed = 0;
    m_lastGood = 0;
    m_version.clear();
    m_metadata = ReportMetadata();
    m_policy = PolicyPublished();
}

bool ReportParser::addData(QByteArrayView chunk)
{
    if (m_error)
        return false;
    if (chunk.isEmpty())
        return true;
    m_sawData = true;
    if (m_phase == Phase::Reading)
        m_bytesSinceToken += chunk.size();
    Result<QString> text = m_input.decode(chunk);
    if (!text) {
        fail(text.error().message);
        return false;
    }
    feedText(*text);
    // The reader holds a token in memory until it is complete, so one endless text node or
    // comment would grow without bound. No report needs a token anywhere near this size.
    if (!m_error && m_phase == Phase::Reading && m_bytesSinceToken > kMaxTokenBytes) {
        m_error =
            Error{QStringLiteral("too_large"),
                  position() + QStringLiteral("an XML token (text, comment, tag) is longer than %1 "
                                              "bytes")
                                   .arg(kMaxTokenBytes)};
    }
    return !m_error;
}

void ReportParser::feedText(const QString &text)
{
    if (m_phase == Phase::Hunting) {
        hunt(text);
        return;
    }
    if (m_phase == Phase::Done || text.isEmpty())
        return;
    m_reader.addData(text); // decoded already: the reader locks its encoding
    const qint64 textStart = m_fed;
    m_fed += text.size();
    readTokens();
    // Keep the text after the last token read well: a later <feedback> tag may start there.
    if (m_lastGood >= textStart) {
        m_tail = text.sliced(qMin<qint64>(m_lastGood - textStart, text.size()));
    } else {
        m_tail.append(text);
        m_tail.remove(0, qMax<qint64>(0, m_lastGood - (textStart - (m_tail.size() - text.size()))));
    }
    if (m_phase == Phase::Hunting)
        hunt(QStringView());
}

void ReportParser::hunt(QStringView text)
{
    const QString window = m_tail + text;
    const qsizetype at = findStartTag(window, u"feedback");
    if (at >= 0) {
        restart(window.sliced(at));
        return;
    }
    m_tail = window.right(kCutTag); // a tag cut off at the end may complete with the next text
}

void ReportParser::restart(const QString &text)
{
    resetDocument();
    m_phase = Phase::Reading;
    m_recovered = true;
    if (m_onRestart)
        m_onRestart();
    feedText(text);
}

void ReportParser::readTokens()
{
    while (!m_error && m_phase == Phase::Reading) {
        const QXmlStreamReader::TokenType token = m_reader.readNext();
        if (token != QXmlStreamReader::Invalid) {
            m_lastToken = token;
            m_bytesSinceToken = 0;
            m_lastGood = m_reader.characterOffset();
        }
        switch (token) {
        case QXmlStreamReader::StartDocument:
            m_spaceBeforeDeclaration =
                m_spaceBeforeDeclaration ||
                (!m_reader.documentVersion().isEmpty() && m_input.leadingSpace() > 0);
            break;
        case QXmlStreamReader::StartElement:
            startElement();
            break;
        case QXmlStreamReader::EndElement:
            endElement();
            break;
        case QXmlStreamReader::Characters:
            if (m_skipDepth == 0 && m_stack.last().node == Node::Text)
                m_text.append(m_reader.text());
            break;
        case QXmlStreamReader::EndDocument:
            return; // more input may follow; finish() decides
        case QXmlStreamReader::Invalid:
            if (m_reader.error() != QXmlStreamReader::PrematureEndOfDocumentError) {
                fail(m_reader.errorString(), true);
            } else if (m_lastToken == QXmlStreamReader::EndDocument) {
                // Qt 6.4 answers the first read after EndDocument with a stale "premature end"
                // even when data was added; the next read sees the data.
                m_lastToken = QXmlStreamReader::NoToken;
                continue;
            }
            return;
        default:
            break;
        }
    }
}

void ReportParser::startElement()
{
    if (m_skipDepth > 0) {
        ++m_skipDepth;
        return;
    }
    Frame &parent = m_stack.last();
    const QStringView name = m_reader.name();
    if (parent.node == Node::Document) {
        if (name != QLatin1String("feedback")) {
            fail(QStringLiteral("the document element is <%1>, not <feedback>")
                     .arg(m_reader.qualifiedName()),
                 true);
            return;
        }
        m_stack.append({Node::Feedback});
        return;
    }
    const Child *child = findChild(parent.node, name);
    if (!child) {
        m_skipDepth = 1;
        return;
    }
    if (!child->repeatable) {
        const quint32 bit = 1u << child->field;
        if (parent.seen & bit) {
            m_skipDepth = 1; // the first one wins
            return;
        }
        parent.seen |= bit;
    }
    switch (child->node) {
    case Node::Text:
        m_stack.append({Node::Text});
        m_textField = child->field;
        m_text.resize(0);
        return;
    case Node::Record:
        resetRecord(m_record);
        break;
    case Node::Row:
        m_record.hasRow = true;
        break;
    case Node::PolicyEvaluated:
        m_record.hasPolicyEvaluated = true;
        break;
    case Node::Reason:
        m_record.reasons.emplaceBack();
        break;
    case Node::Dkim:
        m_record.dkim.emplaceBack();
        break;
    case Node::Spf:
        m_record.spf.emplaceBack();
        break;
    default:
        break;
    }
    m_stack.append({child->node});
}

void ReportParser::endText()
{
    // The element that holds the text decides where it goes.
    const Node parent = m_stack.at(m_stack.size() - 2).node;
    const QStringView value = QStringView(m_text).trimmed();
    const int field = m_textField;
    QString *target = nullptr;
    switch (parent) {
    case Node::Feedback:
        target = &m_version;
        break;
    case Node::Metadata: {
        QString *const fields[] = {
            &m_metadata.orgName,  &m_metadata.email, &m_metadata.extraContactInfo,
            &m_metadata.reportId, nullptr,           &m_metadata.generator};
        if (field == 6) {
            m_metadata.errors.append(value.toString());
            return;
        }
        target = fields[field];
        break;
    }
    case Node::DateRange:
        if (field == 0)
            m_metadata.dateRange.begin = parseTimestamp(value.toString());
        else
            m_metadata.dateRange.end = parseTimestamp(value.toString());
        return;
    case Node::Policy: {
        QString *const fields[] = {&m_policy.domain,  &m_policy.adkim,
                                   &m_policy.aspf,    &m_policy.p,
                                   &m_policy.sp,      &m_policy.np,
                                   &m_policy.pct,     &m_policy.fo,
                                   &m_policy.testing, &m_policy.discoveryMethod};
        target = fields[field];
        break;
    }
    case Node::Row:
        if (field == 1) {
            const std::optional<quint64> count = parseCount(value);
            if (!count) {
                fail(QStringLiteral("<count> is \"%1\", not a number of messages").arg(value));
                return;
            }
            m_record.count = *count;
            return;
        }
        target = &m_record.sourceIp;
        break;
    case Node::PolicyEvaluated: {
        QString *const fields[] = {&m_record.disposition, &m_record.policyDkim,
                                   &m_record.policySpf};
        target = fields[field];
        break;
    }
    case Node::Reason: {
        PolicyOverrideReason &reason = m_record.reasons.last();
        target = field == 0 ? &reason.type : &reason.comment;
        break;
    }
    case Node::Identifiers: {
        QString *const fields[] = {&m_record.headerFrom, &m_record.envelopeFrom,
                                   &m_record.envelopeTo};
        target = fields[field];
        break;
    }
    case Node::Dkim: {
        DkimAuthResult &dkim = m_record.dkim.last();
        QString *const fields[] = {&dkim.domain, &dkim.selector, &dkim.result, &dkim.humanResult};
        target = fields[field];
        break;
    }
    case Node::Spf: {
        SpfAuthResult &spf = m_record.spf.last();
        QString *const fields[] = {&spf.domain, &spf.scope, &spf.result, &spf.humanResult};
        target = fields[field];
        break;
    }
    default:
        return;
    }
    assignKeep(*target, value);
}

void ReportParser::endElement()
{
    if (m_skipDepth > 0) {
        --m_skipDepth;
        return;
    }
    const Node node = m_stack.last().node;
    if (node == Node::Text) {
        endText();
        m_stack.removeLast();
        return;
    }
    m_stack.removeLast();
    switch (node) {
    case Node::Record:
        if (m_onRecord && !m_error)
            m_onRecord(m_record);
        break;
    case Node::Feedback:
        m_rootClosed = true;
        if (m_recovered)
            m_phase = Phase::Done; // what follows the recovered report is not read
        break;
    default:
        break;
    }
}

void ReportParser::fail(const QString &message, bool recoverable)
{
    if (m_error || m_phase != Phase::Reading)
        return;
    Error error{QStringLiteral("malformed"), position() + message};
    if (recoverable && !m_recovered) {
        m_firstError = std::move(error);
        m_phase = Phase::Hunting;
        return;
    }
    if (m_recovered) {
        error.message = m_firstError->message +
                        QStringLiteral("; read again from a later <feedback> start tag: ") +
                        error.message;
    }
    m_error = std::move(error);
}

void ReportParser::stop(Error error)
{
    if (!m_error)
        m_error = std::move(error);
}

QString ReportParser::position() const
{
    return QStringLiteral("XML line %1, column %2: ")
        .arg(m_reader.lineNumber())
        .arg(m_reader.columnNumber());
}

QStringList ReportParser::notes() const
{
    QStringList notes;
    if (m_spaceBeforeDeclaration)
        notes << QStringLiteral("white space before the XML declaration skipped");
    if (const std::optional<TextPosition> bad = m_input.firstInvalid()) {
        notes << QStringLiteral("bytes that are not valid %1 read as U+FFFD, the first at line %2, "
                                "column %3")
                     .arg(m_input.encodingName())
                     .arg(bad->line)
                     .arg(bad->column);
    }
    if (m_recovered) {
        notes << QStringLiteral("read again from a later <feedback> start tag after: ") +
                     m_firstError->message;
    }
    return notes;
}

Result<void> ReportParser::finish()
{
    if (!m_error) {
        if (Result<QString> rest = m_input.finish(); rest)
            feedText(*rest);
        else
            fail(rest.error().message);
    }
    if (m_error)
        return *m_error;
    if (m_phase == Phase::Hunting)
        return *m_firstError;
    if (!m_sawData)
        return Error{QStringLiteral("malformed"), QStringLiteral("the report is empty")};
    if (m_phase == Phase::Done)
        return {};
    if (!m_rootClosed) {
        fail(QStringLiteral("premature end of document (truncated?)"));
        return *m_error;
    }
    // The reader cannot tell "more may come" from unfinished markup after the root ("<", an
    // open processing instruction). An empty comment settles it: it is only read as one when
    // nothing unfinished precedes it.
    feedText(QStringLiteral("<!---->"));
    if (m_error)
        return *m_error;
    if (m_phase == Phase::Hunting)
        return *m_firstError;
    if (m_lastToken != QXmlStreamReader::Comment && m_lastToken != QXmlStreamReader::EndDocument) {
        fail(QStringLiteral("unfinished content after the document element"));
        return *m_error;
    }
    return {};
}

Result<AggregateReport> parseAggregateReport(QByteArrayView xml)
{
    AggregateReport report;
    ReportParser parser([&report](const ReportRecord &record) { report.records.append(record); },
                        [&report] { report.records.clear(); });
    parser.addData(xml);
    if (Result<void> done = parser.finish(); !done)
        return done.error();
    report.version = parser.version();
    report.metadata = parser.metadata();
    report.policy = parser.policy();
    return report;
}

} // namespace Dmarc
