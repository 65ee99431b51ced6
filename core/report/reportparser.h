#pragma once

#include "common/result.h"
#include "report/aggregatereport.h"
#include "report/xmltextdecoder.h"

#include <QByteArrayView>
#include <QStringList>
#include <QVarLengthArray>
#include <QXmlStreamReader>

#include <functional>

namespace Dmarc {

// Streaming reader for one aggregate report document (docs/counting.md section 2). Feed the bytes
// in chunks of any size; each complete <record> goes to the handler as soon as it is read, so
// memory does not grow with the report. Metadata and policy are available after finish().
//
// Errors have the code "malformed" ("too_large" for a single token of more than 4 MiB, which
// the reader would have to hold in memory) and name the XML line and column. After an error the
// handler is not called again; records it already received belong to a report that failed.
//
// Real reports' quirks are read through (docs/counting.md section 2.7): white space before the
// XML declaration, bytes the encoding cannot decode (U+FFFD), and a stray start tag before the
// report: when the document element is not <feedback> or the XML breaks, the report is read
// again from a later <feedback> start tag. `onRestart` is called then: the records handed out
// before belong to the failed first reading and must be dropped.
class ReportParser
{
public:
    using RecordHandler = std::function<void(const ReportRecord &)>;
    using RestartHandler = std::function<void()>;

    explicit ReportParser(RecordHandler onRecord, RestartHandler onRestart = {});

    // Returns false once the document has failed: feeding more is pointless.
    bool addData(QByteArrayView chunk);
    // The input is complete: fails unless a whole <feedback> document was read.
    Result<void> finish();
    // Ends the reading with `error`, e.g. from the record handler when the report is refused:
    // no record follows, addData() returns false and finish() returns `error`.
    void stop(Error error);

    const QString &version() const { return m_version; }
    const ReportMetadata &metadata() const { return m_metadata; }
    const PolicyPublished &policy() const { return m_policy; }
    // What the reading recovered from, for `inspect`; complete once finish() succeeded.
    QStringList notes() const;

    enum class Node : quint8
    {
        Document,
        Feedback,
        Metadata,
        DateRange,
        Policy,
        Record,
        Row,
        PolicyEvaluated,
        Reason,
        Identifiers,
        AuthResults,
        Dkim,
        Spf,
        Text
    };

private:
    struct Frame
    {
        Node node;
        quint32 seen = 0; // children that may occur once and did
    };

    enum class Phase
    {
        Reading,
        Hunting, // the first reading failed: looking for a later <feedback> start tag
        Done     // the second reading closed its <feedback>: the rest is ignored
    };

    void feedText(const QString &text);
    void hunt(QStringView text);
    void restart(const QString &text);
    void resetDocument();
    void readTokens();
    void startElement();
    void endElement();
    void endText();
    // A failure that a later <feedback> start tag may recover from, or else a final one.
    void fail(const QString &message, bool recoverable = false);
    QString position() const;

    static constexpr qint64 kMaxTokenBytes = 4 * 1024 * 1024;

    RecordHandler m_onRecord;
    RestartHandler m_onRestart;
    XmlTextDecoder m_input;
    QXmlStreamReader m_reader;
    Phase m_phase = Phase::Reading;
    bool m_recovered = false; // the second reading, from a later <feedback> tag
    bool m_spaceBeforeDeclaration = false;
    std::optional<Error> m_firstError; // of the first reading, once it failed
    QString m_tail;        // given to the reader after its last good token; unsearched, hunting
    qint64 m_fed = 0;      // characters given to the reader
    qint64 m_lastGood = 0; // character offset after the last token read well
    QVarLengthArray<Frame, 16> m_stack;
    int m_skipDepth = 0;  // > 0 inside an unknown or repeated element
    int m_textField = -1; // which child of its parent the open text element is
    QString m_text;
    bool m_rootClosed = false;
    QXmlStreamReader::TokenType m_lastToken = QXmlStreamReader::NoToken;
    qint64 m_bytesSinceToken = 0; // input fed since the reader last completed a token
    bool m_sawData = false;
    std::optional<Error> m_error;

    QString m_version;
    ReportMetadata m_metadata;
    PolicyPublished m_policy;
    ReportRecord m_record;
};

// Reads a whole report into the model; for tests, `inspect` and callers that want every record.
Result<AggregateReport> parseAggregateReport(QByteArrayView xml);

} // namespace Dmarc
