#include "mail/mimeheaders.h"
#include "mail/mimewalker.h"
#include "mail/payloadunpacker.h"
#include "mail/transferencoding.h"

#include <QTest>

using namespace Dmarc::Mail;

namespace {

QByteArray crlf(QByteArray text)
{
    return text.replace("\n", "\r\n");
}

} // namespace

class TestMimeWalker : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // Which leaves may hold an aggregate or a TLS report, and which say TLS report
    // (docs/counting.md sections 1.2, 8.1 and 8.4).
    void candidates_data()
    {
        QTest::addColumn<QByteArray>("contentType");
        QTest::addColumn<QString>("fileName");
        QTest::addColumn<bool>("candidate");
        QTest::addColumn<bool>("labelledTls");
        for (const char *type :
             {"text/xml", "application/xml", "application/gzip", "application/x-gzip",
              "application/zip", "application/x-zip", "application/x-zip-compressed",
              "application/octet-stream", "APPLICATION/XML"}) {
            QTest::addRow("%s", type) << QByteArray(type) << QString() << true << false;
        }
        for (const char *type : {"application/tlsrpt+gzip", "application/tlsrpt+json",
                                 "application/json", "Application/TLSRPT+GZIP"}) {
            QTest::addRow("%s", type) << QByteArray(type) << QString() << true << true;
        }
        QTest::newRow("application/tlsrpt+other is labelled, no candidate")
            << QByteArray("application/tlsrpt+other") << QString() << false << true;
        for (const char *name : {"r.xml", "r.XML.gz", "r.gzip", "r.zip"}) {
            QTest::addRow("named %s", name)
                << QByteArray("text/plain") << QString::fromLatin1(name) << true << false;
        }
        for (const char *name : {"r.json", "R.JSON", "r.json.gz", "r.json.GZIP"}) {
            QTest::addRow("named %s", name)
                << QByteArray("text/plain") << QString::fromLatin1(name) << true << true;
        }
        QTest::newRow("named .json.zip: a candidate, not labelled")
            << QByteArray("text/plain") << QStringLiteral("r.json.zip") << true << false;
        for (const char *type : {"text/plain", "text/html", "image/png", "message/feedback-report",
                                 "text/rfc822-headers"}) {
            QTest::addRow("%s is no candidate", type)
                << QByteArray(type) << QString() << false << false;
        }
    }
    void candidates()
    {
        QFETCH(QByteArray, contentType);
        QFETCH(QString, fileName);
        QFETCH(bool, candidate);
        QFETCH(bool, labelledTls);
        QCOMPARE(isCandidate(contentType, fileName), candidate);
        QCOMPARE(isLabelledTlsReport(contentType, fileName), labelledTls);
    }

    void base64_data()
    {
        QTest::addColumn<QByteArray>("encoded");
        QTest::addColumn<QByteArray>("decoded");
        QTest::newRow("padded") << QByteArray("aGVsbG8=") << QByteArray("hello");
        QTest::newRow("no padding") << QByteArray("aGVsbG8") << QByteArray("hello");
        QTest::newRow("line breaks")
            << QByteArray("aGVs\r\nbG8g\nd29y\r\nbGQ=\r\n") << QByteArray("hello world");
        QTest::newRow("blanks and junk") << QByteArray(" aG Vs*bG8= ") << QByteArray("hello");
        QTest::newRow("empty") << QByteArray() << QByteArray();
        QTest::newRow("binary") << QByteArray("H4sI") << QByteArray("\x1f\x8b\x08", 3);
    }
    void base64()
    {
        QFETCH(QByteArray, encoded);
        QFETCH(QByteArray, decoded);
        QCOMPARE(decodeBase64(encoded), decoded);
        QCOMPARE(Base64Decoder::decodedSize(encoded), qint64(decoded.size()));
        // Cut anywhere, in two or in single characters, the pieces decode to the same bytes.
        for (qsizetype cut = 0; cut <= encoded.size(); ++cut) {
            Base64Decoder decoder;
            QByteArray both = decoder.decode(QByteArrayView(encoded).first(cut));
            both += decoder.decode(QByteArrayView(encoded).sliced(cut));
            QCOMPARE(both, decoded);
        }
        Base64Decoder decoder;
        QByteArray pieces;
        for (const char c : encoded)
            pieces += decoder.decode(QByteArrayView(&c, 1));
        QCOMPARE(pieces, decoded);
        // Past the first '=' nothing more is decoded.
        if (encoded.contains('='))
            QVERIFY(decoder.decode("aGVsbG8").isEmpty());
    }

    void quotedPrintable_data()
    {
        QTest::addColumn<QByteArray>("encoded");
        QTest::addColumn<QByteArray>("decoded");
        QTest::newRow("escape") << QByteArray("caf=C3=A9") << QByteArray("caf\xc3\xa9");
        QTest::newRow("lower-case hex") << QByteArray("=3c=3E") << QByteArray("<>");
        QTest::newRow("soft break crlf") << QByteArray("ab=\r\ncd") << QByteArray("abcd");
        QTest::newRow("soft break lf") << QByteArray("ab=\ncd") << QByteArray("abcd");
        QTest::newRow("soft break after blanks")
            << QByteArray("ab= \t\r\ncd") << QByteArray("abcd");
        QTest::newRow("malformed kept") << QByteArray("a=zz=") << QByteArray("a=zz");
        QTest::newRow("hard break kept") << QByteArray("a\r\nb") << QByteArray("a\r\nb");
    }
    void quotedPrintable()
    {
        QFETCH(QByteArray, encoded);
        QFETCH(QByteArray, decoded);
        QCOMPARE(decodeQuotedPrintable(encoded), decoded);
    }

    void encodedWords_data()
    {
        QTest::addColumn<QByteArray>("raw");
        QTest::addColumn<QString>("decoded");
        QTest::newRow("plain") << QByteArray("Report domain: a.de")
                               << QStringLiteral("Report domain: a.de");
        QTest::newRow("base64") << QByteArray("=?UTF-8?B?UmVwb3J0IMO8?=")
                                << QStringLiteral("Report \u00fc");
        QTest::newRow("q") << QByteArray("=?iso-8859-1?q?caf=E9_ok?=")
                           << QStringLiteral("caf\u00e9 ok");
        QTest::newRow("adjacent words join")
            << QByteArray("=?UTF-8?Q?a?= \r\n =?UTF-8?Q?b?=") << QStringLiteral("ab");
        QTest::newRow("text between kept")
            << QByteArray("x =?UTF-8?Q?a?= y") << QStringLiteral("x a y");
        QTest::newRow("language tag") << QByteArray("=?UTF-8*en?Q?hi?=") << QStringLiteral("hi");
        QTest::newRow("unknown charset") << QByteArray("=?x-nope?Q?hi?=") << QStringLiteral("hi");
        QTest::newRow("not a word") << QByteArray("=?broken") << QStringLiteral("=?broken");
        QTest::newRow("raw utf-8") << QByteArray("caf\xc3\xa9") << QStringLiteral("caf\u00e9");
        QTest::newRow("raw latin-1") << QByteArray("caf\xe9") << QStringLiteral("caf\u00e9");
    }
    void encodedWords()
    {
        QFETCH(QByteArray, raw);
        QFETCH(QString, decoded);
        QCOMPARE(decodeEncodedWords(raw), decoded);
    }

    void parameters_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<QByteArray>("token");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("expected");
        QTest::newRow("plain") << QByteArray("attachment; filename=report.xml")
                               << QByteArray("attachment") << QStringLiteral("filename")
                               << QStringLiteral("report.xml");
        QTest::newRow("quoted with ; and escape")
            << QByteArray("Application/GZIP; name=\"a;b\\\"c.gz\"")
            << QByteArray("application/gzip") << QStringLiteral("name")
            << QStringLiteral("a;b\"c.gz");
        QTest::newRow("name case-insensitive")
            << QByteArray("text/xml; NAME=r.xml") << QByteArray("text/xml")
            << QStringLiteral("name") << QStringLiteral("r.xml");
        QTest::newRow("rfc2231 continuations")
            << QByteArray(
                   "attachment; filename*0=\"google.com!example.org\"; filename*1=\"!1!2.xml.gz\"")
            << QByteArray("attachment") << QStringLiteral("filename")
            << QStringLiteral("google.com!example.org!1!2.xml.gz");
        QTest::newRow("rfc2231 out of order")
            << QByteArray("attachment; filename*1=\"b.zip\"; filename*0=\"a-\"")
            << QByteArray("attachment") << QStringLiteral("filename") << QStringLiteral("a-b.zip");
        QTest::newRow("rfc2231 encoded continuation")
            << QByteArray("attachment; filename*0*=UTF-8''r%C3%A9port; filename*1*=%2Exml; "
                          "filename*2=\".gz\"")
            << QByteArray("attachment") << QStringLiteral("filename")
            << QStringLiteral("r\u00e9port.xml.gz");
        QTest::newRow("rfc2231 single encoded")
            << QByteArray("attachment; filename*=iso-8859-1'de'caf%E9.zip")
            << QByteArray("attachment") << QStringLiteral("filename")
            << QStringLiteral("caf\u00e9.zip");
        QTest::newRow("rfc2047 in quotes")
            << QByteArray("attachment; filename=\"=?UTF-8?B?cmVwb3J0LnhtbC5neg==?=\"")
            << QByteArray("attachment") << QStringLiteral("filename")
            << QStringLiteral("report.xml.gz");
        QTest::newRow("blanks around =")
            << QByteArray("attachment; filename = \"x.zip\" ") << QByteArray("attachment")
            << QStringLiteral("filename") << QStringLiteral("x.zip");
        QTest::newRow("missing") << QByteArray("inline") << QByteArray("inline")
                                 << QStringLiteral("filename") << QString();
    }
    void parameters()
    {
        QFETCH(QByteArray, value);
        QFETCH(QByteArray, token);
        QFETCH(QString, name);
        QFETCH(QString, expected);
        const HeaderParameters parsed = parseParameterizedHeader(value);
        QCOMPARE(parsed.token, token);
        QCOMPARE(parsed.parameters.value(name.toLatin1()), expected);
    }

    void address_data()
    {
        QTest::addColumn<QByteArray>("from");
        QTest::addColumn<QString>("address");
        QTest::newRow("bare") << QByteArray("noreply-dmarc-support@google.com")
                              << QStringLiteral("noreply-dmarc-support@google.com");
        QTest::newRow("angle") << QByteArray("invalid <Invalid@Example.INVALID>")
                               << QStringLiteral("invalid@example.invalid");
        QTest::newRow("quoted name with comma")
            << QByteArray("\"Doe, John\" <john@a.de>") << QStringLiteral("john@a.de");
        QTest::newRow("quoted name with <")
            << QByteArray("\"a <b@c.d>\" <real@a.de>") << QStringLiteral("real@a.de");
        QTest::newRow("encoded display name")
            << QByteArray("=?UTF-8?B?RE1BUkMsIFLDqXBvcnQ=?= <dmarc@yahoo.com>")
            << QStringLiteral("dmarc@yahoo.com");
        QTest::newRow("comment") << QByteArray("dmarc@x.org (DMARC, reports)")
                                 << QStringLiteral("dmarc@x.org");
        QTest::newRow("comment first") << QByteArray("(hi) a@b.c") << QStringLiteral("a@b.c");
        QTest::newRow("list takes first") << QByteArray("a@b.c, d@e.f") << QStringLiteral("a@b.c");
        QTest::newRow("group") << QByteArray("Reports: a@b.c, d@e.f;") << QStringLiteral("a@b.c");
        QTest::newRow("empty group") << QByteArray("undisclosed-recipients:;") << QString();
        QTest::newRow("route") << QByteArray("<@relay.net:a@b.c>") << QStringLiteral("a@b.c");
        QTest::newRow("empty") << QByteArray() << QString();
        QTest::newRow("no address") << QByteArray("just a name") << QString();
    }
    void address()
    {
        QFETCH(QByteArray, from);
        QFETCH(QString, address);
        QCOMPARE(firstAddress(from), address);
    }

    void headersUnfold()
    {
        const MimeHeaders headers = MimeHeaders::parse(
            "From nobody Mon Jan 1 00:00:00 2024\r\nSubject: a\r\n  b\r\n\tc\r\nX-Empty:\r\n"
            "subject: second\r\n");
        QCOMPARE(headers.value("SUBJECT"), QByteArray("a  b\tc"));
        QCOMPARE(headers.value("x-empty"), QByteArray(""));
        QVERIFY(headers.value("x-missing").isNull());
        QCOMPARE(headers.fields().size(), 3);
    }

    void tree_data()
    {
        QTest::addColumn<QByteArray>("raw");
        QTest::addColumn<QStringList>("leaves"); // section|type|file name|decoded body
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("subject");

        QTest::newRow("headers only") << crlf("From: A <a@b.c>\nSubject: Minimal\n")
                                      << QStringList{QStringLiteral("1|text/plain||")}
                                      << QStringLiteral("a@b.c") << QStringLiteral("Minimal");
        QTest::newRow("single part base64 lf")
            << QByteArray("Content-Type: application/gzip; name=r.gz\nContent-Transfer-Encoding: "
                          "BASE64\n\naGVs\nbG8\n")
            << QStringList{QStringLiteral("1|application/gzip|r.gz|hello")} << QString()
            << QString();
        QTest::newRow("multipart mixed")
            << crlf("From: x@y.z\nSubject: =?UTF-8?Q?R=C3=A9port?=\n folded\nContent-Type: "
                    "multipart/mixed; "
                    "boundary=\"b1\"\n\npreamble\n--b1\nContent-Type: text/plain\n\nhi\n--b1  \n"
                    "Content-Type: text/xml\nContent-Disposition: attachment;\n filename*0=a;\n "
                    "filename*1=.xml\nContent-Transfer-Encoding: quoted-printable\n\n<a>=3D</a>\n"
                    "--b1--\nepilogue\n")
            << QStringList{QStringLiteral("1|text/plain||hi"),
                           QStringLiteral("2|text/xml|a.xml|<a>=</a>")}
            << QStringLiteral("x@y.z") << QStringLiteral("R\u00e9port folded");
        QTest::newRow("boundary prefix of inner boundary")
            << crlf("Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: multipart/"
                    "alternative; "
                    "boundary=b-1\n\n--b-1\n\none\n--b-1\n\ntwo\n--b-1--\n\n--b\n\nthree\n--b--\n")
            << QStringList{QStringLiteral("1.1|text/plain||one"),
                           QStringLiteral("1.2|text/plain||two"),
                           QStringLiteral("2|text/plain||three")}
            << QString() << QString();
        QTest::newRow("unterminated multipart")
            << crlf("Content-Type: multipart/mixed; boundary=b\n\n--b\n\none\n--b\n\ntwo")
            << QStringList{QStringLiteral("1|text/plain||one"), QStringLiteral("2|text/plain||two")}
            << QString() << QString();
        QTest::newRow("nested rfc822 two levels, outer From wins")
            << crlf("From: outer@a.de\nContent-Type: multipart/mixed; "
                    "boundary=o\n\n--o\n\nbody\n--o\n"
                    "Content-Type: message/rfc822\n\nFrom: inner@b.de\nContent-Type: "
                    "multipart/mixed; "
                    "boundary=i\n\n--i\nContent-Type: message/rfc822\n\nFrom: deep@c.de\n"
                    "Content-Type: application/zip; name=r.zip\nContent-Transfer-Encoding: "
                    "base64\n\n"
                    "aGVsbG8=\n--i--\n--o--\n")
            << QStringList{QStringLiteral("1|text/plain||body"),
                           QStringLiteral("2.1.1|application/zip|r.zip|hello")}
            << QStringLiteral("outer@a.de") << QString();
        QTest::newRow("base64 encoded rfc822")
            << crlf("Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n"
                    "Q29udGVudC1UeXBlOiB0ZXh0L3htbAoKPGEvPgo=\n")
            << QStringList{QStringLiteral("1.1|text/xml||<a/>\n")} << QString() << QString();
        QTest::newRow("digest default type")
            << crlf("Content-Type: multipart/digest; boundary=d\n\n--d\n\nContent-Type: "
                    "text/xml\n\n<x/>\n--d--\n")
            << QStringList{QStringLiteral("1.1|text/xml||<x/>")} << QString() << QString();
        QTest::newRow("invalid content type is text/plain")
            << crlf("Content-Type: garbage\n\nx") << QStringList{QStringLiteral("1|text/plain||x")}
            << QString() << QString();
        QTest::newRow("multipart without boundary is a leaf")
            << crlf("Content-Type: multipart/mixed\n\nx")
            << QStringList{QStringLiteral("1|multipart/mixed||x")} << QString() << QString();
    }
    void tree()
    {
        QFETCH(QByteArray, raw);
        QFETCH(QStringList, leaves);
        QFETCH(QString, from);
        QFETCH(QString, subject);
        const MimeMessage message = walkMime(raw);
        QStringList actual;
        for (const MimeLeaf &leaf : message.leaves) {
            actual << leaf.section + QLatin1Char('|') + QString::fromLatin1(leaf.contentType) +
                          QLatin1Char('|') + leaf.fileName + QLatin1Char('|') +
                          QString::fromUtf8(leaf.decodedBody());
        }
        QCOMPARE(actual, leaves);
        QCOMPARE(message.fromAddress, from);
        QCOMPARE(message.subject, subject);
    }

    void deepNestingStaysBounded()
    {
        QByteArray raw;
        for (int i = 0; i < 5000; ++i)
            raw += "Content-Type: message/rfc822\r\n\r\n";
        raw += "x";
        const MimeMessage message = walkMime(raw);
        QCOMPARE(message.leaves.size(), 1);
        QCOMPARE(message.leaves.constFirst().contentType, QByteArray("message/rfc822"));
        QVERIFY(message.tooDeep);
    }

    // The walk says when it stopped at the depth limit, so that "no report" can say why.
    void depthLimitIsReported_data()
    {
        QTest::addColumn<int>("depth");
        QTest::addColumn<bool>("tooDeep");
        QTest::newRow("shallow") << 3 << false;
        QTest::newRow("at the limit") << kMaxMimeDepth << false;
        QTest::newRow("one past the limit") << kMaxMimeDepth + 1 << true;
        QTest::newRow("10,000 levels") << 10000 << true;
    }

    void depthLimitIsReported()
    {
        QFETCH(int, depth);
        QFETCH(bool, tooDeep);
        // `depth` nested multiparts, the innermost holding one text part.
        QByteArray raw;
        for (int i = 0; i < depth; ++i)
            raw += "Content-Type: multipart/mixed; boundary=b" + QByteArray::number(i) +
                   "\r\n\r\n--b" + QByteArray::number(i) + "\r\n";
        raw += "Content-Type: text/plain\r\n\r\nx\r\n";
        const MimeMessage message = walkMime(raw);
        QCOMPARE(message.tooDeep, tooDeep);
        QCOMPARE(message.leaves.size(), 1);
        QCOMPARE(message.leaves.constFirst().contentType,
                 tooDeep ? QByteArray("multipart/mixed") : QByteArray("text/plain"));
    }
};

QTEST_GUILESS_MAIN(TestMimeWalker)
#include "tst_mimewalker.moc"
