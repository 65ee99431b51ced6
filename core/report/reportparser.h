#pragma once

#include "common/result.h"
#include "report/aggregatereport.h"

#include <QByteArrayView>
#include <QStringDecoder>
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
class ReportParser
{
public:
    using RecordHandler = std::function<void(const ReportRecord &)>;

    explicit ReportParser(RecordHandler onRecord);

    // Returns false once the document has failed: feeding more is pointless.
    bool addData(QByteArrayView chunk);
    // The input is complete: fails unless a whole <feedback> document was read.
    Result<void> finish();

    const QString &version() const { return m_version; }
    const ReportMetadata &metadata() const { return m_metadata; }
    const PolicyPublished &policy() const { return m_policy; }

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

    void feedReader(QByteArrayView chunk);
    void readTokens();
    void startElement();
    void endElement();
    void endText();
    void fail(const QString &message);
    QString position() const;

    static constexpr qint64 kMaxTokenBytes = 4 * 1024 * 1024;

    RecordHandler m_onRecord;
    QXmlStreamReader m_reader;
    QByteArray m_head; // the first bytes, until the encoding family is known
    bool m_encodingKnown = false;
    QStringDecoder m_utf16; // set for UTF-16 input, which Qt 6.4 misreads in pieces
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
