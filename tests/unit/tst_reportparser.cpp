#include "report/reportcounter.h"
#include "report/reportparser.h"
#include "reportfixtures.h"

#include <QRegularExpression>
#include <QTest>

using namespace Dmarc;
using namespace Dmarc::Test;

namespace {

const QString kSample = QStringLiteral("google.com|mydomain.de|mydomain.de|my-spf-domain.de: ");

// Parses and counts `xml` fed in pieces of `chunk` bytes (0: all at once). "error: <message>"
// when it fails.
QString countInChunks(const QByteArray &xml, qsizetype chunk, ReportCounts *out = nullptr,
                      QStringList *notes = nullptr)
{
    ReportCounter counter;
    ReportParser parser([&counter](const ReportRecord &record) { counter.add(record); },
                        [&counter] { counter = ReportCounter(); });
    const qsizetype step = chunk == 0 ? qMax<qsizetype>(xml.size(), 1) : chunk;
    for (qsizetype pos = 0; pos < xml.size(); pos += step) {
        if (!parser.addData(QByteArrayView(xml).sliced(pos, qMin(step, xml.size() - pos))))
            break;
    }
    const Result<void> done = parser.finish();
    if (!done) {
        if (done.error().code != QLatin1String("malformed"))
            return QStringLiteral("wrong code ") + done.error().code;
        return QStringLiteral("error: ") + done.error().message;
    }
    const ReportCounts report = counter.result(parser.metadata(), parser.policy());
    if (out)
        *out = report;
    if (notes)
        *notes = parser.notes();
    return countsSummary(report);
}

QByteArray utf16(const QByteArray &utf8Document, bool bigEndian)
{
    const QString text = QString::fromUtf8(utf8Document);
    QByteArray out = bigEndian ? QByteArray("\xfe\xff") : QByteArray("\xff\xfe");
    for (const QChar c : text) {
        const char high = char(c.unicode() >> 8);
        const char low = char(c.unicode() & 0xff);
        out += bigEndian ? high : low;
        out += bigEndian ? low : high;
    }
    return out;
}

// Every element of the document in namespace prefix `d:`.
QByteArray prefixed(const QByteArray &document)
{
    QString text = QString::fromUtf8(document);
    text.replace(QRegularExpression(QStringLiteral("<(/?)([a-z_]+)")), QStringLiteral("<\\1d:\\2"));
    text.replace(QStringLiteral("<d:feedback"),
                 QStringLiteral("<d:feedback xmlns:d=\"urn:ietf:params:xml:ns:dmarc-2.0\""));
    return text.toUtf8();
}

QByteArray withOrgName(const QByteArray &declaration, const QByteArray &orgName)
{
    QByteArray document = feedback(record(), "r-1", QByteArray(), orgName);
    document.replace("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", declaration);
    return document;
}

} // namespace

class TestReportParser : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // One row per rule of docs/counting.md sections 2 and 3; every row is also fed in pieces.
    void counts_data()
    {
        QTest::addColumn<QByteArray>("xml");
        QTest::addColumn<QString>("expected"); // summary, or "error: " + the start of the message

        const QString sample = kSample + QStringLiteral("1 1 0 0 1 0 1 1");
        // 2: document element and namespaces
        QTest::newRow("2 no namespace") << feedback() << sample;
        QTest::newRow("2 RFC 7489 0.1 namespace")
            << feedback(record(), "r-1", " xmlns=\"http://dmarc.org/dmarc-xml/0.1\"") << sample;
        QTest::newRow("2 RFC 9990 namespace")
            << feedback(record(), "r-1", " xmlns=\"urn:ietf:params:xml:ns:dmarc-2.0\"") << sample;
        QTest::newRow("2 prefixed names") << prefixed(feedback()) << sample;
        QTest::newRow("2 root Feedback (case-sensitive)")
            << QByteArray("<Feedback><record/></Feedback>")
            << QStringLiteral("error: XML line 1, column 10: the document element is <Feedback>");
        QTest::newRow("2 non-feedback root")
            << QByteArray("<?xml version=\"1.0\"?>\n<report>\n</report>")
            << QStringLiteral(
                   "error: XML line 2, column 8: the document element is <report>, not <feedback>");
        // 2: unknown elements, repeated singletons
        QTest::newRow("2 unknown elements skipped with their subtree")
            << feedback(
                   "<extension><record>" + record().mid(8) + "</extension>" +
                       record("<disposition>none</disposition><dkim>pass</dkim><spf>fail</spf>",
                              "<foo><count>5</count></foo>") +
                       "<x:y xmlns:x=\"urn:x\"><count>9</count></x:y>",
                   "r-1", " unknown=\"attribute\"")
            << sample;
        QTest::newRow("2 first report_metadata wins")
            << feedback(record() + "<report_metadata><org_name>other</org_name></report_metadata>")
            << sample;
        QTest::newRow("2 first org_name wins")
            << feedback(record(), "r-1", QByteArray(), "google.com</org_name><org_name>other")
            << sample;
        QTest::newRow("2 first count wins")
            << feedback(record("<dkim>pass</dkim>", "<count>2</count><count>3</count>"))
            << kSample + QStringLiteral("2 2 0 0 2 0 2 2");
        QTest::newRow("2 first policy_evaluated wins")
            << feedback(record(
                   "<dkim>fail</dkim></policy_evaluated><policy_evaluated><dkim>pass</dkim>"))
            << kSample + QStringLiteral("1 0 0 0 0 0 1 1");
        // 2: encodings
        QTest::newRow("2 windows-1252")
            << withOrgName("<?xml version=\"1.0\" encoding=\"windows-1252\"?>", "Caf\xe9 \x80\x99")
            << QStringLiteral("Caf\u00e9 \u20ac\u2122|mydomain.de|mydomain.de|my-spf-domain.de: 1 "
                              "1 0 0 1 0 1 1");
        QTest::newRow("2 ISO-8859-1")
            << withOrgName("<?xml version='1.0' encoding='ISO-8859-1'?>", "Caf\xe9")
            << QStringLiteral(
                   "Caf\u00e9|mydomain.de|mydomain.de|my-spf-domain.de: 1 1 0 0 1 0 1 1");
        QTest::newRow("2 UTF-8 BOM") << "\xef\xbb\xbf" + feedback() << sample;
        QTest::newRow("2 UTF-16LE with BOM")
            << utf16(withOrgName("<?xml version=\"1.0\" encoding=\"UTF-16\"?>", "Caf\xc3\xa9"),
                     false)
            << QStringLiteral(
                   "Caf\u00e9|mydomain.de|mydomain.de|my-spf-domain.de: 1 1 0 0 1 0 1 1");
        QTest::newRow("2 UTF-16BE with BOM")
            << utf16(withOrgName("<?xml version=\"1.0\" encoding=\"UTF-16\"?>", "Caf\xc3\xa9"),
                     true)
            << QStringLiteral(
                   "Caf\u00e9|mydomain.de|mydomain.de|my-spf-domain.de: 1 1 0 0 1 0 1 1");
        QTest::newRow("2 UTF-16LE without BOM") << utf16(feedback(), false).mid(2) << sample;
        QTest::newRow("2 unsupported encoding")
            << withOrgName("<?xml version=\"1.0\" encoding=\"x-no-such\"?>", "a")
            << QStringLiteral("error: XML line 1");
        // 2: trimming and keywords
        QTest::newRow("2 values trimmed")
            << feedback(
                   record(
                       " <disposition> none </disposition>\n<dkim> pass </dkim><spf>\tfail</spf>",
                       "<count> 1 </count>", "<header_from>\n mydomain.de \n</header_from>",
                       "<dkim><domain> mydomain.de </domain><result> pass\n</result></dkim>"
                       "<spf><domain> my-spf-domain.de</domain><result>pass </result></spf>"),
                   "r-1", QByteArray(), "\n  google.com  ")
            << sample;
        QTest::newRow("2 keywords case-insensitive")
            << feedback(
                   record("<disposition>QUARANTINE</disposition><dkim>PASS</dkim><spf>Pass</spf>",
                          "<count>1</count>", "<header_from>mydomain.de</header_from>",
                          "<dkim><domain>mydomain.de</domain><result>Pass</result></dkim>"
                          "<spf><domain>my-spf-domain.de</domain><result>PASS</result></spf>"))
            << kSample + QStringLiteral("1 1 1 0 1 1 1 1");
        // 2: records and counts
        QTest::newRow("2 record without row skipped")
            << feedback(
                   "<record><identifiers><header_from>a.de</header_from></identifiers></record>" +
                   record())
            << sample;
        QTest::newRow("2 count missing is 1") << feedback(record("<dkim>pass</dkim>", QByteArray()))
                                              << kSample + QStringLiteral("1 1 0 0 1 0 1 1");
        QTest::newRow("2 count empty is 1") << feedback(record("<dkim>pass</dkim>", "<count/>"))
                                            << kSample + QStringLiteral("1 1 0 0 1 0 1 1");
        QTest::newRow("2 count blank is 1")
            << feedback(record("<dkim>pass</dkim>", "<count>  </count>"))
            << kSample + QStringLiteral("1 1 0 0 1 0 1 1");
        QTest::newRow("2 count 0 is 0") << feedback(record("<dkim>pass</dkim>", "<count>0</count>"))
                                        << kSample + QStringLiteral("0 0 0 0 0 0 0 0");
        QTest::newRow("2 count 007 is 7")
            << feedback(record("<dkim>pass</dkim>", "<count>007</count>"))
            << kSample + QStringLiteral("7 7 0 0 7 0 7 7");
        QTest::newRow("2 count large")
            << feedback(record("<dkim>pass</dkim>", "<count>18446744073709551615</count>"))
            << kSample + QStringLiteral(
                             "18446744073709551615 18446744073709551615 0 0 18446744073709551615 0 "
                             "18446744073709551615 18446744073709551615");
        for (const char *bad :
             {"-3", "+5", "abc", "1e3", "2.5", "0x1F", "1 2", "18446744073709551616", "\xd9\xa3"}) {
            QTest::addRow("2 count %s malformed", bad)
                << feedback(record() +
                            record("<dkim>pass</dkim>", "<count>" + QByteArray(bad) + "</count>"))
                << QStringLiteral("error: XML line 5, column ");
        }
        // 2: not well-formed
        QTest::newRow("2 unclosed element") << QByteArray("<feedback><report_metadata></feedback>")
                                            << QStringLiteral("error: XML line 1, column ");
        QTest::newRow("2 element after root")
            << feedback() + "<other/>"
            << QStringLiteral("error: XML line 7, column 8: Extra content");
        QTest::newRow("2 text after root")
            << feedback() + "junk" << QStringLiteral("error: XML line 7, column 1: Extra content");
        QTest::newRow("2 unfinished markup after root")
            << feedback() + "<" << QStringLiteral("error: XML line 7, column 2: ");
        QTest::newRow("2 comment and blanks after root")
            << feedback() + "<!-- end -->\n  " << sample;
        QTest::newRow("2 truncated")
            << feedback().left(300)
            << QStringLiteral("error: XML line 4, column 39: premature end of document");
        QTest::newRow("2 empty") << QByteArray() << QStringLiteral("error: the report is empty");
        QTest::newRow("2 only a declaration") << QByteArray("<?xml version=\"1.0\"?>")
                                              << QStringLiteral("error: XML line 1, column ");
        QTest::newRow("2 undeclared entity")
            << feedback(record(), "r-&nope;") << QStringLiteral("error: XML line 3, column ");
        QTest::newRow("2 not XML")
            << QByteArray("\x00\x01\x02garbage", 10) << QStringLiteral("error: XML line 1");
        QTest::newRow("2 entities and CDATA")
            << feedback(record(), "r-1", QByteArray(), "<![CDATA[A&B]]> &amp; co")
            << QStringLiteral("A&B & co|mydomain.de|mydomain.de|my-spf-domain.de: 1 1 0 0 1 0 1 1");
        // 2.7: quirks of real reports, read through
        const QByteArray body = feedback().sliced(feedback().indexOf("<feedback"));
        const QByteArray stray = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xs:schema "
                                 "xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">\n";
        QTest::newRow("2.7 blanks before the declaration") << " \r\n\t" + feedback() << sample;
        QTest::newRow("2.7 BOM and blanks before the declaration")
            << "\xef\xbb\xbf\n\n" + feedback() << sample;
        QTest::newRow("2.7 UTF-16 with blanks before the declaration")
            << utf16("\n  " + feedback(), false) << sample;
        QTest::newRow("2.7 an invalid UTF-8 byte")
            << withOrgName("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "Caf\x91")
            << QStringLiteral(
                   "Caf\uFFFD|mydomain.de|mydomain.de|my-spf-domain.de: 1 1 0 0 1 0 1 1");
        QTest::newRow("2.7 a cut UTF-8 sequence, no declaration")
            << withOrgName(QByteArray(), "Caf\xc3 \xe2\x82")
            << QStringLiteral("Caf\uFFFD \uFFFD\uFFFD|mydomain.de|mydomain.de|my-spf-domain.de: 1 "
                              "1 0 0 1 0 1 1");
        QTest::newRow("2.7 an invalid byte in a count is still a bad count")
            << feedback(record("<dkim>pass</dkim>", "<count>1\x91</count>"))
            << QStringLiteral("error: XML line 5, column ");
        QTest::newRow("2.7 stray start tag before the report") << stray + body << sample;
        QTest::newRow("2.7 stray tag, prefixed report")
            << stray + prefixed(feedback()).sliced(prefixed(feedback()).indexOf("<d:feedback"))
            << sample;
        QTest::newRow("2.7 stray tag left open, text and a comment after the report")
            << stray + body + "trailing <junk attr='1'> <!-- -->" << sample;
        QTest::newRow("2.7 text before the report")
            << "<?xml version=\"1.0\"?>\nnot XML at all\n" + body << sample;
        QTest::newRow("2.7 a broken report, read again from a later one")
            << "<?xml version=\"1.0\"?>\n<feedback><report_metadata><org_name>first</org_name>"
               "</report_metadata>" +
                   record("<dkim>pass</dkim>", "<count>5</count>") + "</wrong>\n" + body
            << sample;
        QTest::newRow("2.7 a second report after the first one")
            << feedback(record("<dkim>pass</dkim>", "<count>5</count>")) + body << sample;
        QTest::newRow("2.7 an empty report after the first one")
            << feedback() + "<feedback/>" << QString();
        QTest::newRow("2.7 a later tag far back in a long broken comment")
            << "<?xml version=\"1.0\"?>\n<feedback><!-- <feedback> " + QByteArray(5000, ' ') +
                   " -- -->" + body.sliced(10)
            << sample;
        QTest::newRow("2.7 the second reading fails too")
            << stray + "<feedback><report_metadata></feedback>"
            << QStringLiteral("error: XML line 2, column 55: the document element is <xs:schema>, "
                              "not <feedback>; read again from a later <feedback> start tag: XML "
                              "line 1, column 38: Opening and ending tag mismatch.");
        QTest::newRow("2.7 a bad count is not read again")
            << feedback(record("<dkim>pass</dkim>", "<count>x</count>")) + body
            << QStringLiteral("error: XML line 5, column 61: <count> is \"x\"");
        QTest::newRow("2.7 no later feedback start tag")
            << QByteArray("<?xml version=\"1.0\"?><html><!-- <feedbacks> --><myfeedback>"
                          "<x:feedback-x/></myfeedback> <feedback")
            << QStringLiteral("error: XML line 1, column 27: the document element is <html>");
        QTest::newRow("2.7 a tag only after the end of the text")
            << stray + "<feedback" << QStringLiteral("error: XML line 2, column 55: the document");
        // 2: missing values
        QTest::newRow("2 missing org_name, header_from and domains")
            << feedback(
                   record("<dkim>pass</dkim>", "<count>1</count>", QByteArray(),
                          "<dkim><result>pass</result></dkim><spf><result>pass</result></spf>"),
                   "r-1", QByteArray(), QByteArray())
                   .replace("<org_name></org_name>", "")
            << QStringLiteral("|||: 1 1 0 0 1 0 1 1");

        // 3: labels
        QTest::newRow("3 domains lower-cased, trailing dot dropped, reporter as written")
            << feedback(record("<dkim>pass</dkim>", "<count>1</count>",
                               "<header_from>MyDomain.DE.</header_from>",
                               "<dkim><domain>Sub.MyDomain.de.</domain><result>pass</result></dkim>"
                               "<spf><domain>MY-SPF-DOMAIN.DE</domain><result>pass</result></spf>"),
                        "r-1", QByteArray(), "Enterprise Outlook")
            << QStringLiteral("Enterprise Outlook|mydomain.de|sub.mydomain.de|my-spf-domain.de: 1 "
                              "1 0 0 1 0 1 1");
        QTest::newRow("3 label sets in first-seen order, summed")
            << feedback(record("<dkim>pass</dkim>", "<count>2</count>",
                               "<header_from>b.de</header_from>") +
                        record() +
                        record("<dkim>fail</dkim>", "<count>3</count>",
                               "<header_from>B.de</header_from>"))
            << QStringLiteral("google.com|b.de|mydomain.de|my-spf-domain.de: 5 2 0 0 2 0 5 5; ") +
                   sample;
        // 3: counters
        QTest::newRow("3 compliant by DKIM alignment")
            << feedback(record("<dkim>pass</dkim><spf>fail</spf>"))
            << kSample + QStringLiteral("1 1 0 0 1 0 1 1");
        QTest::newRow("3 compliant by SPF alignment")
            << feedback(record("<dkim>fail</dkim><spf>pass</spf>"))
            << kSample + QStringLiteral("1 1 0 0 0 1 1 1");
        QTest::newRow("3 not compliant") << feedback(record("<dkim>fail</dkim><spf>fail</spf>"))
                                         << kSample + QStringLiteral("1 0 0 0 0 0 1 1");
        QTest::newRow("3 compliant although the first DKIM result failed")
            << feedback(
                   record("<dkim>pass</dkim><spf>fail</spf>", "<count>4</count>",
                          "<header_from>mydomain.de</header_from>",
                          "<dkim><domain>esp.example</domain><result>fail</result></dkim>"
                          "<dkim><domain>mydomain.de</domain><result>pass</result></dkim>"
                          "<spf><domain>my-spf-domain.de</domain><result>softfail</result></spf>"
                          "<spf><domain>other.de</domain><result>pass</result></spf>"))
            << QStringLiteral(
                   "google.com|mydomain.de|esp.example|my-spf-domain.de: 4 4 0 0 4 0 0 0");
        QTest::newRow("3 no DKIM result")
            << feedback(record("<dkim>fail</dkim><spf>pass</spf>", "<count>1</count>",
                               "<header_from>mydomain.de</header_from>",
                               "<spf><domain>my-spf-domain.de</domain><result>pass</result></spf>"))
            << QStringLiteral("google.com|mydomain.de||my-spf-domain.de: 1 1 0 0 0 1 0 1");
        QTest::newRow("3 no SPF result")
            << feedback(record("<dkim>pass</dkim>", "<count>1</count>",
                               "<header_from>mydomain.de</header_from>",
                               "<dkim><domain>mydomain.de</domain><result>pass</result></dkim>"))
            << QStringLiteral("google.com|mydomain.de|mydomain.de|: 1 1 0 0 1 0 1 0");
        QTest::newRow("3 no auth_results")
            << feedback(record("<dkim>pass</dkim>", "<count>1</count>",
                               "<header_from>mydomain.de</header_from>", QByteArray())
                            .replace("<auth_results></auth_results>", ""))
            << QStringLiteral("google.com|mydomain.de||: 1 1 0 0 1 0 0 0");
        QTest::newRow("3 no policy_evaluated") << feedback(record(QByteArray(), "<count>3</count>"))
                                               << kSample + QStringLiteral("3 0 0 0 0 0 3 3");
        QTest::newRow("3 quarantine")
            << feedback(
                   record("<disposition>quarantine</disposition><dkim>fail</dkim><spf>fail</spf>",
                          "<count>5</count>"))
            << kSample + QStringLiteral("5 0 5 0 0 0 5 5");
        QTest::newRow("3 reject")
            << feedback(record("<disposition>reject</disposition><dkim>fail</dkim><spf>fail</spf>",
                               "<count>2</count>"))
            << kSample + QStringLiteral("2 0 0 2 0 0 2 2");
        QTest::newRow("3 disposition Reject")
            << feedback(record("<disposition>Reject</disposition>"))
            << kSample + QStringLiteral("1 0 0 1 0 0 1 1");
        QTest::newRow("3 disposition NONE") << feedback(record("<disposition>NONE</disposition>"))
                                            << kSample + QStringLiteral("1 0 0 0 0 0 1 1");
        QTest::newRow("3 disposition pass (RFC 9990)")
            << feedback(record("<disposition>pass</disposition><dkim>pass</dkim>")) << sample;
        QTest::newRow("3 disposition Pass")
            << feedback(record("<disposition>Pass</disposition><dkim>pass</dkim>")) << sample;
        QTest::newRow("3 disposition ' pass '")
            << feedback(record("<disposition> pass </disposition><dkim>pass</dkim>")) << sample;
        QTest::newRow("3 disposition missing") << feedback(record("<dkim>pass</dkim>")) << sample;
        QTest::newRow("3 disposition empty")
            << feedback(record("<disposition/><dkim>pass</dkim>")) << sample;
        QTest::newRow("3 disposition unknown")
            << feedback(record("<disposition>discard</disposition><dkim>pass</dkim>")) << sample;
        QTest::newRow("3 odd DKIM result is not pass")
            << feedback(record("<dkim>pass</dkim>", "<count>1</count>",
                               "<header_from>mydomain.de</header_from>",
                               "<dkim><domain>mydomain.de</domain><result>passed</result></dkim>"
                               "<spf><domain>my-spf-domain.de</domain><result/></spf>"))
            << kSample + QStringLiteral("1 1 0 0 1 0 0 0");
    }

    void counts()
    {
        QFETCH(QByteArray, xml);
        QFETCH(QString, expected);
        const QString whole = countInChunks(xml, 0);
        if (expected.startsWith(QLatin1String("error: ")))
            QVERIFY2(whole.startsWith(expected), qPrintable(whole));
        else
            QCOMPARE(whole, expected);
        // Split anywhere, the result is the same.
        for (const qsizetype chunk : {1, 2, 3, 5, 7, 64, 4093})
            QCOMPARE(countInChunks(xml, chunk), whole);
    }

    // What inspect shows of a recovery (docs/counting.md section 2.7), the same in any pieces.
    void notes_data()
    {
        QTest::addColumn<QByteArray>("xml");
        QTest::addColumn<QStringList>("notes");
        const QByteArray utf8 = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
        QTest::newRow("none") << feedback() << QStringList();
        QTest::newRow("blanks before the root element are no quirk")
            << feedback().sliced(feedback().indexOf('\n')).prepend("  ") << QStringList();
        QTest::newRow("blanks before the declaration")
            << "\n " + feedback()
            << QStringList{QStringLiteral("white space before the XML declaration skipped")};
        QTest::newRow("invalid bytes: the first one")
            << withOrgName(utf8, "Caf\x91\x92")
            << QStringList{QStringLiteral("bytes that are not valid UTF-8 read as U+FFFD, the "
                                          "first at line 3, column 31")};
        QTest::newRow("invalid byte after blanks and a character of two bytes")
            << "\r\n\r\n" + withOrgName(utf8, "\xc3\xa9\xff")
            << QStringList{
                   QStringLiteral("white space before the XML declaration skipped"),
                   QStringLiteral("bytes that are not valid UTF-8 read as U+FFFD, the first "
                                  "at line 5, column 29")};
        QTest::newRow("invalid byte in US-ASCII")
            << withOrgName("<?xml version=\"1.0\" encoding=\"US-ASCII\"?>", "Caf\xe9")
            << QStringList{QStringLiteral(
                   "bytes that are not valid US-ASCII read as U+FFFD, the first at line 3, "
                   "column 31")};
        QTest::newRow("read again")
            << "<?xml version=\"1.0\"?>\n<xs:schema xmlns:xs=\"urn:x\">" +
                   feedback().sliced(feedback().indexOf("<feedback"))
            << QStringList{QStringLiteral("read again from a later <feedback> start tag after: XML "
                                          "line 2, column 28: the document element is "
                                          "<xs:schema>, not <feedback>")};
    }
    void notes()
    {
        QFETCH(QByteArray, xml);
        QFETCH(QStringList, notes);
        for (const qsizetype chunk : {0, 1, 2, 3, 5, 64}) {
            QStringList actual;
            const QString summary = countInChunks(xml, chunk, nullptr, &actual);
            QVERIFY2(!summary.startsWith(QLatin1String("error")), qPrintable(summary));
            QCOMPARE(actual, notes);
        }
    }

    // Records of a first reading that failed are withdrawn before the report is read again.
    void restartWithdrawsRecords()
    {
        int records = 0;
        int restarts = 0;
        ReportParser parser([&records](const ReportRecord &) { ++records; },
                            [&records, &restarts] {
                                records = 0;
                                ++restarts;
                            });
        QVERIFY(parser.addData(QByteArray("<feedback>" + record() + record() + "</wrong>")));
        QCOMPARE(records, 2);
        QVERIFY(parser.addData(feedback().sliced(feedback().indexOf("<feedback"))));
        QVERIFY(parser.finish().ok());
        QCOMPARE(restarts, 1);
        QCOMPARE(records, 1);
        QCOMPARE(parser.metadata().reportId, QStringLiteral("r-1"));
    }

    void splitAtEveryOffset()
    {
        const QByteArray xml = feedback(record() + record("<disposition>reject</disposition>"));
        const QString whole = countInChunks(xml, 0);
        for (qsizetype split = 1; split < xml.size(); ++split) {
            ReportCounter counter;
            ReportParser parser([&counter](const ReportRecord &record) { counter.add(record); });
            QVERIFY(parser.addData(QByteArrayView(xml).first(split)));
            QVERIFY(parser.addData(QByteArrayView(xml).sliced(split)));
            QVERIFY(parser.finish().ok());
            QCOMPARE(countsSummary(counter.result(parser.metadata(), parser.policy())), whole);
        }
    }

    void reportIdentity_data()
    {
        QTest::addColumn<QByteArray>("xml");
        QTest::addColumn<QString>("orgName");
        QTest::addColumn<QString>("reportId");
        QTest::newRow("trimmed") << feedback(record(), " 12598866915817748661\n", QByteArray(),
                                             " google.com ")
                                 << QStringLiteral("google.com")
                                 << QStringLiteral("12598866915817748661");
        QTest::newRow("empty report_id")
            << feedback(record(), "  ") << QStringLiteral("google.com") << QString();
        QTest::newRow("missing report_id")
            << feedback(record()).replace("<report_id>r-1</report_id>", "")
            << QStringLiteral("google.com") << QString();
    }
    void reportIdentity()
    {
        QFETCH(QByteArray, xml);
        QFETCH(QString, orgName);
        QFETCH(QString, reportId);
        ReportCounts report;
        countInChunks(xml, 0, &report);
        QCOMPARE(report.orgName, orgName);
        QCOMPARE(report.reportId, reportId);
        QVERIFY(report.reportId.isEmpty() == reportId.isEmpty());
        QCOMPARE(report.dateBegin, 1601510400);
        QCOMPARE(report.dateEnd, 1601596799);
        QCOMPARE(report.policyDomain, QStringLiteral("mydomain.de"));
        QCOMPARE(report.policy, QStringLiteral("none"));
        QCOMPARE(report.records, quint64(1));
        QCOMPARE(report.messages, quint64(1));
    }

    // The whole model of an RFC 9990 report, with the elements RFC 7489 did not have.
    void rfc9990Model()
    {
        const QByteArray xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<feedback xmlns="urn:ietf:params:xml:ns:dmarc-2.0">
  <version>1.0</version>
  <report_metadata>
    <org_name>Example Receiver</org_name>
    <email>dmarc@receiver.example</email>
    <extra_contact_info>https://receiver.example/dmarc</extra_contact_info>
    <report_id>abc-123</report_id>
    <date_range><begin>1700000000</begin><end>1700086399</end></date_range>
    <generator>receiver-reporter 2.1</generator>
    <error>first problem</error>
    <error>second problem</error>
  </report_metadata>
  <policy_published>
    <domain>example.com</domain><discovery_method>treewalk</discovery_method>
    <adkim>s</adkim><aspf>r</aspf><p>reject</p><sp>quarantine</sp><np>reject</np>
    <fo>1</fo><testing>n</testing>
  </policy_published>
  <extension><vendor:thing xmlns:vendor="urn:vendor">x</vendor:thing></extension>
  <record>
    <row>
      <source_ip>2001:db8::1</source_ip><count>12</count>
      <policy_evaluated>
        <disposition>pass</disposition><dkim>pass</dkim><spf>fail</spf>
        <reason><type>local_policy</type><comment>arc</comment></reason>
        <reason><type>mailing_list</type></reason>
      </policy_evaluated>
    </row>
    <identifiers>
      <envelope_to>example.net</envelope_to><envelope_from>bounce.example.com</envelope_from>
      <header_from>example.com</header_from>
    </identifiers>
    <auth_results>
      <dkim><domain>esp.example</domain><selector>s1</selector><result>fail</result>
        <human_result>bad signature</human_result></dkim>
      <dkim><domain>example.com</domain><selector>s2</selector><result>pass</result></dkim>
      <spf><domain>bounce.example.com</domain><scope>mfrom</scope><result>softfail</result></spf>
    </auth_results>
    <extension><x>1</x></extension>
  </record>
  <record><row><source_ip>192.0.2.7</source_ip></row></record>
</feedback>
)";
        const Result<AggregateReport> parsed = parseAggregateReport(xml);
        QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error().message));
        const AggregateReport &report = *parsed;
        QCOMPARE(report.version, QStringLiteral("1.0"));
        QCOMPARE(report.metadata.orgName, QStringLiteral("Example Receiver"));
        QCOMPARE(report.metadata.email, QStringLiteral("dmarc@receiver.example"));
        QCOMPARE(report.metadata.extraContactInfo,
                 QStringLiteral("https://receiver.example/dmarc"));
        QCOMPARE(report.metadata.reportId, QStringLiteral("abc-123"));
        QCOMPARE(report.metadata.dateRange.begin, 1700000000);
        QCOMPARE(report.metadata.dateRange.end, 1700086399);
        QCOMPARE(report.metadata.generator, QStringLiteral("receiver-reporter 2.1"));
        QCOMPARE(report.metadata.errors, (QList<QString>{QStringLiteral("first problem"),
                                                         QStringLiteral("second problem")}));
        QCOMPARE(report.policy.domain, QStringLiteral("example.com"));
        QCOMPARE(report.policy.discoveryMethod, QStringLiteral("treewalk"));
        QCOMPARE(report.policy.adkim, QStringLiteral("s"));
        QCOMPARE(report.policy.aspf, QStringLiteral("r"));
        QCOMPARE(report.policy.p, QStringLiteral("reject"));
        QCOMPARE(report.policy.sp, QStringLiteral("quarantine"));
        QCOMPARE(report.policy.np, QStringLiteral("reject"));
        QCOMPARE(report.policy.fo, QStringLiteral("1"));
        QCOMPARE(report.policy.testing, QStringLiteral("n"));
        QCOMPARE(report.policy.pct, QString());
        QCOMPARE(report.records.size(), 2);
        const ReportRecord &first = report.records.at(0);
        QVERIFY(first.hasRow);
        QVERIFY(first.hasPolicyEvaluated);
        QCOMPARE(first.sourceIp, QStringLiteral("2001:db8::1"));
        QCOMPARE(first.count, quint64(12));
        QCOMPARE(first.disposition, QStringLiteral("pass"));
        QCOMPARE(first.policyDkim, QStringLiteral("pass"));
        QCOMPARE(first.policySpf, QStringLiteral("fail"));
        QCOMPARE(first.reasons.size(), 2);
        QCOMPARE(first.reasons.at(0).type, QStringLiteral("local_policy"));
        QCOMPARE(first.reasons.at(0).comment, QStringLiteral("arc"));
        QCOMPARE(first.reasons.at(1).type, QStringLiteral("mailing_list"));
        QCOMPARE(first.headerFrom, QStringLiteral("example.com"));
        QCOMPARE(first.envelopeFrom, QStringLiteral("bounce.example.com"));
        QCOMPARE(first.envelopeTo, QStringLiteral("example.net"));
        QCOMPARE(first.dkim.size(), 2);
        QCOMPARE(first.dkim.at(0).domain, QStringLiteral("esp.example"));
        QCOMPARE(first.dkim.at(0).selector, QStringLiteral("s1"));
        QCOMPARE(first.dkim.at(0).result, QStringLiteral("fail"));
        QCOMPARE(first.dkim.at(0).humanResult, QStringLiteral("bad signature"));
        QCOMPARE(first.dkim.at(1).domain, QStringLiteral("example.com"));
        QCOMPARE(first.spf.size(), 1);
        QCOMPARE(first.spf.at(0).scope, QStringLiteral("mfrom"));
        QCOMPARE(first.spf.at(0).result, QStringLiteral("softfail"));
        const ReportRecord &second = report.records.at(1);
        QVERIFY(second.hasRow);
        QVERIFY(!second.hasPolicyEvaluated);
        QCOMPARE(second.count, quint64(1));
        QVERIFY(second.dkim.isEmpty());

        QCOMPARE(
            countInChunks(xml, 0),
            QStringLiteral(
                "Example Receiver|example.com|esp.example|bounce.example.com: 12 12 0 0 12 0 0 0; "
                "Example Receiver|||: 1 0 0 0 0 0 0 0"));
    }

    void upstreamSamples_data()
    {
        QTest::addColumn<QString>("file");
        QTest::newRow("0.1") << QStringLiteral("report-0.1.xml");
        QTest::newRow("2.0") << QStringLiteral("report-2.0.xml");
    }
    void upstreamSamples()
    {
        QFETCH(QString, file);
        QFile input(QStringLiteral(DMARC_TEST_DATA_DIR "/upstream/") + file);
        QVERIFY(input.open(QIODevice::ReadOnly));
        ReportCounts report;
        QCOMPARE(countInChunks(input.readAll(), 0, &report),
                 kSample + QStringLiteral("1 1 0 0 1 0 1 1"));
        QCOMPARE(report.reportId, QStringLiteral("12598866915817748661"));
    }

    // The reader keeps an unfinished token in memory: one that never ends must not grow it.
    void endlessTokenIsTooLarge_data()
    {
        QTest::addColumn<QByteArray>("start");
        QTest::addColumn<char>("fill");
        QTest::newRow("text") << QByteArray("<feedback><report_metadata><org_name>") << 'a';
        QTest::newRow("blanks") << QByteArray("<feedback>") << ' ';
        QTest::newRow("comment") << QByteArray("<feedback><!-- ") << '<';
        QTest::newRow("cdata") << QByteArray("<feedback><report_id><![CDATA[") << '>';
        QTest::newRow("attribute") << QByteArray("<feedback a=\"") << 'x';
    }
    void endlessTokenIsTooLarge()
    {
        QFETCH(QByteArray, start);
        QFETCH(char, fill);
        ReportParser parser({});
        QVERIFY(parser.addData(start));
        const QByteArray chunk(64 * 1024, fill);
        int fed = 0;
        while (parser.addData(chunk) && fed < 1000)
            ++fed;
        QVERIFY2(fed < 80, QByteArray::number(fed)); // stopped after about 4 MiB
        const Result<void> done = parser.finish();
        QVERIFY(!done.ok());
        QCOMPARE(done.error().code, QStringLiteral("too_large"));
        QVERIFY2(done.error().message.contains(QLatin1String("longer than 4194304 bytes")),
                 qPrintable(done.error().message));
    }

    void errorStopsRecords()
    {
        int records = 0;
        ReportParser parser([&records](const ReportRecord &) { ++records; });
        parser.addData(
            feedback(record() + record("<dkim>pass</dkim>", "<count>x</count>") + record()));
        QVERIFY(!parser.finish().ok());
        QCOMPARE(records, 1);
        QVERIFY(!parser.addData("more"));
    }

    // docs/counting.md section 9.1: the counter takes a report's first `max` label sets, then
    // refuses; records of label sets it has keep counting.
    void labelSetLimit()
    {
        const auto from = [](const QByteArray &domain) {
            return record(QByteArray(), "<count>2</count>",
                          "<header_from>" + domain + "</header_from>");
        };
        ReportCounter counter(2);
        ReportParser parser([&counter](const ReportRecord &r) { QVERIFY(counter.add(r)); });
        parser.addData(feedback(from("a.example") + from("b.example") + from("A.example.")));
        QVERIFY(parser.finish().ok());
        const ReportCounts report = counter.result(parser.metadata(), parser.policy());
        QCOMPARE(report.counts.size(), 2);
        QCOMPARE(report.messages, quint64(6));

        ReportRecord third;
        third.hasRow = true;
        third.headerFrom = QStringLiteral("c.example");
        QVERIFY(!counter.add(third));
        const Error refused = counter.limitError();
        QCOMPARE(refused.code, QStringLiteral("label_sets_per_report"));
        QCOMPARE(refused.message, QStringLiteral("the report has more than 2 label sets "
                                                 "(limits.max_label_sets_per_report); reading "
                                                 "stopped after 3 records"));
        QCOMPARE(counter.result(parser.metadata(), parser.policy()).counts.size(), 2);
    }

    // The reading stops where the record handler refuses the report, long before its end.
    void stopEndsTheReading()
    {
        QByteArray records;
        for (int i = 0; i < 1000; ++i)
            records += record(QByteArray(), "<count>1</count>",
                              "<header_from>d" + QByteArray::number(i) + ".example</header_from>");
        const QByteArray xml = feedback(records);
        int seen = 0;
        ReportCounter counter(10);
        std::optional<ReportParser> parser;
        parser.emplace([&](const ReportRecord &r) {
            ++seen;
            if (!counter.add(r))
                parser->stop(counter.limitError());
        });
        qsizetype fed = 0;
        for (; fed < xml.size(); fed += 512) {
            if (!parser->addData(
                    QByteArrayView(xml).sliced(fed, qMin<qsizetype>(512, xml.size() - fed))))
                break;
        }
        QVERIFY2(fed < xml.size() / 20, QByteArray::number(fed));
        QCOMPARE(seen, 11);
        const Result<void> done = parser->finish();
        QVERIFY(!done.ok());
        QCOMPARE(done.error().code, QStringLiteral("label_sets_per_report"));
        QVERIFY(!parser->addData("<record/>"));
        QCOMPARE(seen, 11);
    }
};

QTEST_GUILESS_MAIN(TestReportParser)
#include "tst_reportparser.moc"
