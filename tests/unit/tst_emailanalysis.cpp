#include "analysis/emailanalyzer.h"
#include "reportfixtures.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <sys/resource.h>

using namespace Dmarc;
using namespace Dmarc::Test;

namespace {

const QByteArray kXml = feedback();

Part textPart(const QByteArray &text = "Here is the report.")
{
    return {"Content-Type: text/plain; charset=utf-8", text};
}

Part rfc822(const QByteArray &message)
{
    return {"Content-Type: message/rfc822", message};
}

Part rawPart(const QByteArray &headers, const QByteArray &body)
{
    return {headers, body};
}

QStringList sources(const EmailAnalysis &analysis)
{
    QStringList out;
    for (const ReportCounts &report : analysis.reports)
        out << report.source + QStringLiteral(" #") + report.reportId;
    return out;
}

QStringList failures(const EmailAnalysis &analysis)
{
    QStringList out;
    for (const PayloadFailure &failure : analysis.failures)
        out << failure.part + QLatin1Char('|') + failure.error.code;
    return out;
}

// gzip of `prefix` followed by `fill` bytes of `pattern` repeated, compressed as it goes so that
// the test never holds the expanded data.
QByteArray gzipBomb(const QByteArray &prefix, qint64 fill, const QByteArray &pattern)
{
    z_stream stream{};
    deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY);
    QByteArray out;
    QByteArray buffer(1 << 16, Qt::Uninitialized);
    const QByteArray block = pattern.repeated((1 << 20) / pattern.size());
    auto push = [&](const QByteArray &data, int flush) {
        stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.constData()));
        stream.avail_in = uInt(data.size());
        do {
            stream.next_out = reinterpret_cast<Bytef *>(buffer.data());
            stream.avail_out = uInt(buffer.size());
            deflate(&stream, flush);
            out.append(buffer.constData(), buffer.size() - qsizetype(stream.avail_out));
        } while (stream.avail_out == 0);
    };
    push(prefix, Z_NO_FLUSH);
    for (qint64 done = 0; done < fill; done += block.size())
        push(block, Z_NO_FLUSH);
    push(QByteArray(), Z_FINISH);
    deflateEnd(&stream);
    return out;
}

// A zip whose one member holds `prefix` and `fill` bytes of `pattern`, written in pieces.
QByteArray zipBomb(const QByteArray &prefix, qint64 fill, const QByteArray &pattern)
{
    QBuffer buffer;
    buffer.open(QIODevice::ReadWrite);
    QuaZip archive(&buffer);
    archive.open(QuaZip::mdCreate);
    QuaZipFile file(&archive);
    file.open(QIODevice::WriteOnly, QuaZipNewInfo(QStringLiteral("bomb.xml")), nullptr, 0,
              Z_DEFLATED, Z_BEST_COMPRESSION);
    file.write(prefix);
    const QByteArray block = pattern.repeated((1 << 20) / pattern.size());
    for (qint64 done = 0; done < fill; done += block.size())
        file.write(block);
    file.close();
    archive.close();
    return buffer.data();
}

long peakRssMiB()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss / 1024;
}

QByteArray readData(const QString &name)
{
    QFile file(QStringLiteral(DMARC_TEST_DATA_DIR "/") + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(file.fileName()));
    return file.readAll();
}

} // namespace

class TestEmailAnalysis : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // One row per rule of docs/counting.md sections 1 and 5, and the quirks real reports show.
    void emails_data()
    {
        QTest::addColumn<QByteArray>("raw");
        QTest::addColumn<int>("candidates");
        QTest::addColumn<QStringList>("reports");  // source #report_id
        QTest::addColumn<QStringList>("failures"); // part|code
        QTest::addColumn<bool>("invalid");

        const QByteArray gz = gzip(kXml);
        const QByteArray zipped = zip({{QStringLiteral("r.xml"), kXml}});
        auto one = [](const QString &source) {
            return QStringList{source + QStringLiteral(" #r-1")};
        };

        // 1.1 where the report sits
        QTest::newRow("1.1 report is the root part")
            << QByteArray("From: a@b.c\r\nContent-Type: text/xml\r\n\r\n" + kXml) << 1
            << one(QStringLiteral("part 1 (text/xml)")) << QStringList() << false;
        QTest::newRow("1.1 attached directly")
            << email({textPart(), attachment("application/gzip", "r.xml.gz", gz)}) << 1
            << one(QStringLiteral("part 2 (r.xml.gz)")) << QStringList() << false;
        QTest::newRow("1.1 nested in message/rfc822")
            << email({textPart(), rfc822(email({attachment("application/zip", "r.zip", zipped)},
                                               "inner@x.de", "b-inner"))})
            << 1 << one(QStringLiteral("part 2.1 (r.zip), member r.xml")) << QStringList() << false;
        QTest::newRow("1.1 nested two levels deep")
            << email(
                   {textPart(),
                    rfc822(email({textPart(), rfc822(email({attachment("text/xml", "r.xml", kXml)},
                                                           "a@b.c", "b-2"))},
                                 "a@b.c", "b-1"))})
            << 1 << one(QStringLiteral("part 2.2.1 (r.xml)")) << QStringList() << false;
        // 1.2 candidates by type
        for (const char *type :
             {"text/xml", "application/xml", "application/gzip", "application/x-gzip",
              "application/zip", "application/x-zip", "application/x-zip-compressed",
              "application/octet-stream", "Application/X-GZIP; charset=binary"}) {
            const QByteArray data = QByteArray(type).contains("zip")    ? zipped
                                    : QByteArray(type).contains("gzip") ? gz
                                                                        : kXml;
            const QString member =
                QByteArray(type).contains("zip") ? QStringLiteral(", member r.xml") : QString();
            QTest::addRow("1.2 type %s", type)
                << email({textPart(), attachment(type, QByteArray(), data)}) << 1
                << one(QStringLiteral("part 2 (%1)")
                           .arg(
                               QString::fromLatin1(QByteArray(type).toLower().split(';').first())) +
                       member)
                << QStringList() << false;
        }
        // 1.2 candidates by file name
        QTest::newRow("1.2 octet-stream named .xml")
            << email({attachment("application/octet-stream", "report.xml", kXml)}) << 1
            << one(QStringLiteral("part 1 (report.xml)")) << QStringList() << false;
        QTest::newRow("1.2 text/plain named .XML.GZ")
            << email({attachment("text/plain", "REPORT.XML.GZ", gz)}) << 1
            << one(QStringLiteral("part 1 (REPORT.XML.GZ)")) << QStringList() << false;
        QTest::newRow("1.2 image/png named .gzip")
            << email({attachment("image/png", "report.gzip", gz)}) << 1
            << one(QStringLiteral("part 1 (report.gzip)")) << QStringList() << false;
        QTest::newRow("1.2 name from Content-Type name=")
            << email({rawPart("Content-Type: application/foo; "
                              "name=\"r.Zip\"\r\nContent-Transfer-Encoding: base64",
                              base64Lines(zipped))})
            << 1 << one(QStringLiteral("part 1 (r.Zip), member r.xml")) << QStringList() << false;
        QTest::newRow("1.2 RFC 2231 split file name")
            << email(
                   {rawPart("Content-Type: application/foo\r\nContent-Disposition: attachment;\r\n"
                            " filename*0=\"google.com!mydomain.de!1601510400\";\r\n "
                            "filename*1=\"!1601596799.xml.gz\"\r\n"
                            "Content-Transfer-Encoding: base64",
                            base64Lines(gz))})
            << 1
            << one(QStringLiteral("part 1 (google.com!mydomain.de!1601510400!1601596799.xml.gz)"))
            << QStringList() << false;
        QTest::newRow("1.2 RFC 2231 encoded file name")
            << email({rawPart(
                   "Content-Type: application/foo\r\nContent-Disposition: attachment;"
                   " filename*=utf-8''r%C3%A9port.ZIP\r\nContent-Transfer-Encoding: base64",
                   base64Lines(zipped))})
            << 1 << one(QStringLiteral("part 1 (r\u00e9port.ZIP), member r.xml")) << QStringList()
            << false;
        QTest::newRow("1.2 RFC 2047 file name")
            << email({rawPart(
                   "Content-Type: application/foo; name=\"=?UTF-8?Q?r=C3=A9port=2Exml?=\"\r\n"
                   "Content-Transfer-Encoding: base64",
                   base64Lines(kXml))})
            << 1 << one(QStringLiteral("part 1 (r\u00e9port.xml)")) << QStringList() << false;
        QTest::newRow("1.2 not candidates: text/plain, text/html, image/png")
            << email({textPart(), rawPart("Content-Type: text/html", "<p>" + kXml + "</p>"),
                      attachment("image/png", "logo.png", "PNG")})
            << 0 << QStringList() << QStringList() << true;
        // 1.3 transfer encodings
        QTest::newRow("1.3 quoted-printable")
            << email({rawPart(
                   "Content-Type: text/xml\r\nContent-Transfer-Encoding: quoted-printable",
                   QByteArray(kXml).replace("=", "=3D").replace("<record>", "<rec=\r\nord>"))})
            << 1 << one(QStringLiteral("part 1 (text/xml)")) << QStringList() << false;
        for (const char *encoding : {"7bit", "8bit", "binary", "x-unknown"}) {
            QTest::addRow("1.3 %s", encoding)
                << email({rawPart("Content-Type: text/xml\r\nContent-Transfer-Encoding: " +
                                      QByteArray(encoding),
                                  kXml)})
                << 1 << one(QStringLiteral("part 1 (text/xml)")) << QStringList() << false;
        }
        QTest::newRow("1.3 base64 without padding, odd line breaks")
            << email({rawPart("Content-Type: application/gzip\r\nContent-Transfer-Encoding: base64",
                              gz.toBase64(QByteArray::OmitTrailingEquals)
                                  .replace(7, 0, "\r\n")
                                  .replace(50, 0, "\n  "))})
            << 1 << one(QStringLiteral("part 1 (application/gzip)")) << QStringList() << false;
        // 1.4 container by magic bytes
        QTest::newRow("1.4 zip labelled .gz")
            << email({attachment("application/gzip", "r.xml.gz", zipped)}) << 1
            << one(QStringLiteral("part 1 (r.xml.gz), member r.xml")) << QStringList() << false;
        QTest::newRow("1.4 gzip labelled zip")
            << email({attachment("application/zip", "r.zip", gz)}) << 1
            << one(QStringLiteral("part 1 (r.zip)")) << QStringList() << false;
        QTest::newRow("1.4 XML labelled gzip")
            << email({attachment("application/gzip", "r.xml.gz", kXml)}) << 1
            << one(QStringLiteral("part 1 (r.xml.gz)")) << QStringList() << false;
        QTest::newRow("1.4 gzip with two members")
            << email({attachment("application/gzip", "r.xml.gz",
                                 gzip(kXml.left(100)) + gzip(kXml.mid(100)))})
            << 1 << one(QStringLiteral("part 1 (r.xml.gz)")) << QStringList() << false;
        QTest::newRow("1.4 gzip with zero padding")
            << email({attachment("application/gzip", "r.xml.gz", gz + QByteArray(16, '\0'))}) << 1
            << one(QStringLiteral("part 1 (r.xml.gz)")) << QStringList() << false;
        QTest::newRow("1.4 zip with a directory entry")
            << email({attachment("application/zip", "r.zip",
                                 zip({{QStringLiteral("reports/"), QByteArray()},
                                      {QStringLiteral("reports/r.xml"), kXml}}))})
            << 1 << one(QStringLiteral("part 1 (r.zip), member reports/r.xml")) << QStringList()
            << false;
        QTest::newRow("1.4 zip with two reports")
            << email({attachment("application/zip", "r.zip",
                                 zip({{QStringLiteral("a.xml"), feedback(record(), "a")},
                                      {QStringLiteral("b.xml"), feedback(record(), "b")}}))})
            << 2
            << QStringList{QStringLiteral("part 1 (r.zip), member a.xml #a"),
                           QStringLiteral("part 1 (r.zip), member b.xml #b")}
            << QStringList() << false;
        QTest::newRow("1.4 zip with only a directory")
            << email({attachment("application/zip", "r.zip",
                                 zip({{QStringLiteral("empty/"), QByteArray()}}))})
            << 1 << QStringList() << QStringList{QStringLiteral("part 1 (r.zip)|corrupt_archive")}
            << true;
        // 2 a broken member spoils only itself
        QTest::newRow("2 zip with one broken member")
            << email({attachment("application/zip", "r.zip",
                                 zip({{QStringLiteral("bad.xml"), "<feedback><record>"},
                                      {QStringLiteral("good.xml"), kXml}}))})
            << 2 << one(QStringLiteral("part 1 (r.zip), member good.xml"))
            << QStringList{QStringLiteral("part 1 (r.zip), member bad.xml|malformed")} << true;
        // corrupt containers
        QTest::newRow("truncated gzip")
            << email({attachment("application/gzip", "r.xml.gz", gz.left(gz.size() / 2))}) << 1
            << QStringList() << QStringList{QStringLiteral("part 1 (r.xml.gz)|corrupt_archive")}
            << true;
        QTest::newRow("gzip without its trailer")
            << email({attachment("application/gzip", "r.xml.gz", gz.chopped(4))}) << 1
            << QStringList() << QStringList{QStringLiteral("part 1 (r.xml.gz)|corrupt_archive")}
            << true;
        QByteArray flipped = gz;
        flipped[flipped.size() - 6] = char(flipped.at(flipped.size() - 6) ^ 0x55); // CRC
        QTest::newRow("gzip with a wrong CRC")
            << email({attachment("application/gzip", "r.xml.gz", flipped)}) << 1 << QStringList()
            << QStringList{QStringLiteral("part 1 (r.xml.gz)|corrupt_archive")} << true;
        // 1.6 container quirks of real providers
        for (const char *trailing : {"\r\n", "garbage", "\x1f", "PK\x03\x04", "\x8b\x1f"}) {
            QTest::addRow("1.6 gzip with trailing bytes %s", trailing)
                << email({attachment("application/gzip", "r.xml.gz", gz + trailing)}) << 1
                << one(QStringLiteral("part 1 (r.xml.gz)")) << QStringList() << false;
        }
        QTest::newRow("1.6 gzip with a broken member after the last one")
            << email({attachment("application/gzip", "r.xml.gz", gz + gz.left(12))}) << 1
            << QStringList() << QStringList{QStringLiteral("part 1 (r.xml.gz)|corrupt_archive")}
            << true;
        QTest::newRow("1.6 gzip in gzip, trailing bytes on both")
            << email({attachment("application/gzip", "r.xml.gz", gzip(gz + "\n") + "\r\n")}) << 1
            << one(QStringLiteral("part 1 (r.xml.gz)")) << QStringList() << false;
        QTest::newRow("1.6 gzip three levels deep")
            << email({attachment("application/gzip", "r.xml.gz", gzip(gzip(gz)))}) << 1
            << one(QStringLiteral("part 1 (r.xml.gz)")) << QStringList() << false;
        QTest::newRow("1.6 gzip four levels deep is too large")
            << email({attachment("application/gzip", "r.xml.gz", gzip(gzip(gzip(gz))))}) << 1
            << QStringList() << QStringList{QStringLiteral("part 1 (r.xml.gz)|too_large")} << true;
        QTest::newRow("1.6 gzip members in a zip")
            << email({attachment("application/zip", "r.zip",
                                 zip({{QStringLiteral("a.xml.gz"), gzip(feedback(record(), "a"))},
                                      {QStringLiteral("b.xml"), feedback(record(), "b")}}))})
            << 2
            << QStringList{QStringLiteral("part 1 (r.zip), member a.xml.gz #a"),
                           QStringLiteral("part 1 (r.zip), member b.xml #b")}
            << QStringList() << false;
        QTest::newRow("1.6 zip in gzip")
            << email({attachment("application/gzip", "r.gz", gzip(zipped))}) << 1
            << one(QStringLiteral("part 1 (r.gz), member r.xml")) << QStringList() << false;
        QTest::newRow("1.6 zip in zip")
            << email({attachment("application/zip", "r.zip",
                                 zip({{QStringLiteral("inner.zip"), zipped}}))})
            << 1 << one(QStringLiteral("part 1 (r.zip), member inner.zip, member r.xml"))
            << QStringList() << false;
        QTest::newRow("1.6 zip in gzip in zip")
            << email({attachment("application/zip", "r.zip",
                                 zip({{QStringLiteral("inner.gz"), gzip(zipped)}}))})
            << 1 << one(QStringLiteral("part 1 (r.zip), member inner.gz, member r.xml"))
            << QStringList() << false;
        QTest::newRow("1.6 zip four levels deep is too large")
            << email({attachment("application/zip", "r.zip",
                                 zip({{QStringLiteral("2.gz"), gzip(gzip(zipped))}}))})
            << 1 << QStringList()
            << QStringList{QStringLiteral("part 1 (r.zip), member 2.gz|too_large")} << true;
        QTest::newRow("1.6 a broken inner zip spoils only itself")
            << email({attachment("application/zip", "r.zip",
                                 zip({{QStringLiteral("inner.zip"), zipped.left(40)},
                                      {QStringLiteral("b.xml"), kXml}}))})
            << 2 << one(QStringLiteral("part 1 (r.zip), member b.xml"))
            << QStringList{QStringLiteral("part 1 (r.zip), member inner.zip|corrupt_archive")}
            << true;
        QTest::newRow("1.6 a truncated inner gzip")
            << email({attachment("application/gzip", "r.xml.gz", gzip(gz.left(30)))}) << 1
            << QStringList() << QStringList{QStringLiteral("part 1 (r.xml.gz)|corrupt_archive")}
            << true;
        QTest::newRow("truncated zip")
            << email({attachment("application/zip", "r.zip", zipped.left(zipped.size() - 30))}) << 1
            << QStringList() << QStringList{QStringLiteral("part 1 (r.zip)|corrupt_archive")}
            << true;
        QByteArray badCrcZip = zipped;
        badCrcZip[40] = char(badCrcZip.at(40) ^ 0x01); // in the member's data
        QTest::newRow("zip with corrupt member data")
            << email({attachment("application/zip", "r.zip", badCrcZip)}) << 1 << QStringList()
            << QStringList{QStringLiteral("part 1 (r.zip), member r.xml|corrupt_archive")} << true;
        // 5 the email's fate
        QTest::newRow("5 one good and one corrupt attachment, corrupt first")
            << email({attachment("application/gzip", "bad.xml.gz", gz.left(20)),
                      attachment("application/gzip", "good.xml.gz", gz)})
            << 2 << one(QStringLiteral("part 2 (good.xml.gz)"))
            << QStringList{QStringLiteral("part 1 (bad.xml.gz)|corrupt_archive")} << true;
        QTest::newRow("5 malformed XML and a good report")
            << email({attachment("text/xml", "a.xml",
                                 feedback(record("<dkim>pass</dkim>", "<count>-3</count>"))),
                      attachment("text/xml", "b.xml", kXml)})
            << 2 << one(QStringLiteral("part 2 (b.xml)"))
            << QStringList{QStringLiteral("part 1 (a.xml)|malformed")} << true;
        QTest::newRow("5 non-feedback root")
            << email({attachment("text/xml", "a.xml", "<?xml version=\"1.0\"?><html/>")}) << 1
            << QStringList() << QStringList{QStringLiteral("part 1 (a.xml)|malformed")} << true;
        QTest::newRow("5 no report") << email({textPart(QByteArray("no attachment"))}) << 0
                                     << QStringList() << QStringList() << true;
        QTest::newRow("5 two reports with the same identity are both listed")
            << email({attachment("text/xml", "a.xml", kXml),
                      attachment("application/gzip", "b.xml.gz", gz)})
            << 2
            << QStringList{QStringLiteral("part 1 (a.xml) #r-1"),
                           QStringLiteral("part 2 (b.xml.gz) #r-1")}
            << QStringList() << false;
    }

    void emails()
    {
        QFETCH(QByteArray, raw);
        QFETCH(int, candidates);
        QFETCH(QStringList, reports);
        QFETCH(QStringList, failures);
        QFETCH(bool, invalid);
        const EmailAnalysis analysis = analyzeEmail(raw, PayloadLimits());
        QCOMPARE(::failures(analysis), failures);
        QCOMPARE(sources(analysis), reports);
        QCOMPARE(analysis.candidates, candidates);
        QCOMPARE(analysis.invalid(), invalid);
        QCOMPARE(analysis.verdict(), invalid ? EmailVerdict::Error : EmailVerdict::Done);
        for (const ReportCounts &report : analysis.reports) {
            QCOMPARE(countsSummary(report),
                     QStringLiteral(
                         "google.com|mydomain.de|mydomain.de|my-spf-domain.de: 1 1 0 0 1 0 1 1"));
        }
        for (const PayloadFailure &failure : analysis.failures)
            QVERIFY(!failure.error.message.isEmpty());
    }

    void failureMessages()
    {
        const EmailAnalysis analysis =
            analyzeEmail(email({attachment("text/xml", "a.xml",
                                           feedback(record() + record("<dkim>pass</dkim>",
                                                                      "<count>abc</count>")))}),
                         PayloadLimits());
        QCOMPARE(analysis.failures.size(), 1);
        QCOMPARE(
            analysis.failures.constFirst().error.message,
            QStringLiteral("XML line 5, column 460: <count> is \"abc\", not a number of messages"));
    }

    void fromAddress_data()
    {
        QTest::addColumn<QByteArray>("from");
        QTest::addColumn<QString>("fromEmail");
        QTest::newRow("bare") << QByteArray("noreply-dmarc-support@google.com")
                              << QStringLiteral("noreply-dmarc-support@google.com");
        QTest::newRow("display name") << QByteArray("invalid <invalid@example.invalid>")
                                      << QStringLiteral("invalid@example.invalid");
        QTest::newRow("encoded display name")
            << QByteArray("=?UTF-8?Q?Yahoo=2C_Inc=2E?= <DMARC@Yahoo.com>")
            << QStringLiteral("dmarc@yahoo.com");
        QTest::newRow("quoted name with comma")
            << QByteArray("\"Outlook, Enterprise\" <dmarcreport@microsoft.com>")
            << QStringLiteral("dmarcreport@microsoft.com");
        QTest::newRow("addr (comment)") << QByteArray("Reports@Example.org (DMARC, daily)")
                                        << QStringLiteral("reports@example.org");
        QTest::newRow("none") << QByteArray() << QString();
    }
    void fromAddress()
    {
        QFETCH(QByteArray, from);
        QFETCH(QString, fromEmail);
        // The outer From counts, never a forwarded message's.
        const QByteArray raw = email(
            {textPart(),
             rfc822(email({attachment("text/xml", "r.xml", kXml)}, "inner@other.org", "b-inner"))},
            from.isEmpty() ? QByteArray() : from);
        QCOMPARE(analyzeEmail(raw, PayloadLimits()).fromEmail, fromEmail);
        QCOMPARE(analyzeEmail(email({}, from.isEmpty() ? QByteArray() : from), PayloadLimits())
                     .fromEmail,
                 fromEmail);
    }

    void upstreamEmails_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("reportId"); // "" when the email holds no report
        QTest::addColumn<QString>("fromEmail");
        const QString google = QStringLiteral("noreply-dmarc-support@google.com");
        const QString sample = QStringLiteral("12598866915817748661");
        QTest::newRow("minimal no report")
            << QStringLiteral("email-minimal-no-report.eml") << QString() << google;
        QTest::newRow("non-ascii body")
            << QStringLiteral("email-minimal-nonascii-body.eml") << QString() << google;
        QTest::newRow("dummy queue message")
            << QStringLiteral("email-dummy-queue-message.eml") << QString()
            << QStringLiteral("sender@some-domain.org");
        for (const char *name :
             {"email-report-0.1-xml.eml", "email-report-2.0-xml.eml", "email-report-0.1-zip.eml",
              "email-report-2.0-zip.eml", "email-report-0.1-gzip.eml",
              "email-report-0.1-zip-octet-stream.eml", "email-report-0.1-gzip-octet-stream.eml"}) {
            QTest::newRow(name) << QString::fromLatin1(name) << sample << google;
        }
        for (const char *version : {"0.1", "2.0"}) {
            for (const char *id : {"1", "2"}) {
                QTest::addRow("e2e %s id %s", version, id)
                    << QStringLiteral("email-e2e-report-%1-zip-id%2.eml")
                           .arg(QLatin1String(version), QLatin1String(id))
                    << QString::fromLatin1(id) << google;
            }
        }
    }
    void upstreamEmails()
    {
        QFETCH(QString, file);
        QFETCH(QString, reportId);
        QFETCH(QString, fromEmail);
        const QByteArray raw = readData(QStringLiteral("upstream/") + file);
        const EmailAnalysis analysis = analyzeEmail(raw, PayloadLimits());
        QCOMPARE(analysis.fromEmail, fromEmail);
        QVERIFY(analysis.failures.isEmpty());
        if (reportId.isEmpty()) {
            // Upstream moved these to done; docs/counting.md section 5 counts them as invalid
            // (error).
            QCOMPARE(analysis.candidates, 0);
            QVERIFY(analysis.invalid());
            return;
        }
        QCOMPARE(analysis.candidates, 1);
        QCOMPARE(analysis.reports.size(), 1);
        const ReportCounts &report = analysis.reports.constFirst();
        QCOMPARE(report.orgName, QStringLiteral("google.com"));
        QCOMPARE(report.reportId, reportId);
        QCOMPARE(
            countsSummary(report),
            QStringLiteral("google.com|mydomain.de|mydomain.de|my-spf-domain.de: 1 1 0 0 1 0 1 1"));
        QCOMPARE(analysis.verdict(), EmailVerdict::Done);
    }

    void standaloneFiles_data()
    {
        QTest::addColumn<QByteArray>("contents");
        QTest::addColumn<QStringList>("reports");
        QTest::addColumn<QString>("fromEmail");
        QTest::newRow("xml") << kXml << QStringList{QStringLiteral("r.xml #r-1")} << QString();
        QTest::newRow("xml with BOM")
            << "\xef\xbb\xbf" + kXml << QStringList{QStringLiteral("r.xml #r-1")} << QString();
        QTest::newRow("gzip") << gzip(kXml) << QStringList{QStringLiteral("r.xml #r-1")}
                              << QString();
        QTest::newRow("zip") << zip({{QStringLiteral("m.xml"), kXml}})
                             << QStringList{QStringLiteral("r.xml, member m.xml #r-1")}
                             << QString();
        QTest::newRow("email") << email({attachment("application/gzip", "g.xml.gz", gzip(kXml))})
                               << QStringList{QStringLiteral("part 1 (g.xml.gz) #r-1")}
                               << QStringLiteral("noreply-dmarc-support@google.com");
    }
    void standaloneFiles()
    {
        QFETCH(QByteArray, contents);
        QFETCH(QStringList, reports);
        QFETCH(QString, fromEmail);
        const EmailAnalysis analysis =
            analyzeFile(contents, QStringLiteral("r.xml"), PayloadLimits());
        QCOMPARE(sources(analysis), reports);
        QCOMPARE(analysis.fromEmail, fromEmail);
        QVERIFY(!analysis.invalid());
    }

    void memberLimit()
    {
        QList<QPair<QString, QByteArray>> members;
        for (int i = 0; i < 70; ++i)
            members.append(
                {QStringLiteral("r%1.xml").arg(i), feedback(record(), QByteArray::number(i))});
        members.insert(3, {QStringLiteral("dir/"), QByteArray()}); // directories do not count
        const EmailAnalysis analysis = analyzeEmail(
            email({attachment("application/zip", "many.zip", zip(members))}), PayloadLimits());
        QCOMPARE(analysis.reports.size(), 64);
        QCOMPARE(analysis.reports.constLast().reportId, QStringLiteral("63"));
        QCOMPARE(
            ::failures(analysis),
            QStringList{QStringLiteral("part 1 (many.zip), member members 65 to 70|too_large")});
        QCOMPARE(analysis.candidates, 65);
        QVERIFY(analysis.invalid());

        PayloadLimits limits;
        limits.maxZipMembers = 2;
        const EmailAnalysis limited = analyzeEmail(
            email({attachment("application/zip", "many.zip", zip(members.mid(0, 3)))}), limits);
        QCOMPARE(limited.reports.size(), 2);
        QCOMPARE(limited.failures.constFirst().error.message,
                 QStringLiteral("the zip archive holds 3 files, more than the limit of 2"));
    }

    // Past limits.max_candidate_parts the rest of an email's candidate parts fail together,
    // like the members past a zip's limit (docs/counting.md section 1.5).
    void candidatePartLimit()
    {
        QList<Part> parts;
        for (int i = 0; i < 1005; ++i)
            parts.append(attachment("text/xml", "r" + QByteArray::number(i) + ".xml",
                                    feedback(record(), QByteArray::number(i))));
        const EmailAnalysis analysis = analyzeEmail(email(parts), PayloadLimits());
        QCOMPARE(analysis.reports.size(), 1000);
        QCOMPARE(analysis.reports.constLast().reportId, QStringLiteral("999"));
        QCOMPARE(::failures(analysis),
                 QStringList{QStringLiteral("candidate parts 1001 to 1005|too_large")});
        QCOMPARE(analysis.failures.constFirst().error.message,
                 QStringLiteral("the email holds 1005 candidate parts, more than the limit of "
                                "1000"));
        QVERIFY(analysis.invalid());
        QVERIFY(analysis.invalidDmarc());

        // Text parts are no candidates and do not count.
        PayloadLimits limits;
        limits.maxCandidateParts = 2;
        const EmailAnalysis limited =
            analyzeEmail(email({textPart(), parts.at(0), textPart(), parts.at(1)}), limits);
        QCOMPARE(limited.reports.size(), 2);
        QVERIFY(!limited.invalid());
        const EmailAnalysis over = analyzeEmail(email(parts.mid(0, 3)), limits);
        QCOMPARE(over.reports.size(), 2);
        QCOMPARE(::failures(over), QStringList{QStringLiteral("candidate parts 3 to 3|too_large")});
    }

    // 100,000 XML parts: only the first 1,000 are read, the rest is one failure.
    void manyPartsFailTogether()
    {
        const QList<Part> parts(100000, Part{"Content-Type: text/xml", "<a/>"});
        const EmailAnalysis analysis = analyzeEmail(email(parts), PayloadLimits());
        QCOMPARE(analysis.candidates, 1001);
        QCOMPARE(analysis.failures.size(), 1001);
        QCOMPARE(analysis.failures.constLast().part,
                 QStringLiteral("candidate parts 1001 to 100000"));
    }

    // The failures of one email make one line of bounded length, whatever their number.
    void failureSummaryIsBounded()
    {
        EmailAnalysis analysis;
        QCOMPARE(analysis.failureSummary(100), QString());
        for (int i = 1; i <= 1000; ++i)
            analysis.failures.append(
                {QStringLiteral("part %1 (r.xml)").arg(i),
                 Error{QStringLiteral("malformed"), QStringLiteral("XML line 1, column 2: bad")}});
        const QString summary = analysis.failureSummary(200);
        QVERIFY2(summary.size() <= 200 + 20, qPrintable(summary));
        QVERIFY2(summary.startsWith(
                     QStringLiteral("part 1 (r.xml): XML line 1, column 2: bad; part 2 (r.xml)")),
                 qPrintable(summary));
        const qsizetype shown = summary.count(QStringLiteral("(r.xml)"));
        QVERIFY2(summary.endsWith(QStringLiteral("bad \u2026 and %1 more").arg(1000 - shown)),
                 qPrintable(summary));
        // The first failure is always named, however long.
        QVERIFY(analysis.failureSummary(5).startsWith(QStringLiteral("part 1 (r.xml): XML")));
        analysis.failures.resize(2);
        QCOMPARE(analysis.failureSummary(1000),
                 QStringLiteral("part 1 (r.xml): XML line 1, column 2: bad; part 2 (r.xml): XML "
                                "line 1, column 2: bad"));
    }

    // A 60 MB email (a 44 MB report in base64) is analysed in little more memory than its own
    // size: the base64 body is decoded a piece at a time, never whole. Measured on the real
    // binary's `inspect`, against `inspect` of a small email; before, the decoded copy made it
    // about 1.7 times the size.
    void largeEmailPeakStaysNearItsSize()
    {
        QTemporaryDir dir;
        const QString small = dir.filePath(QStringLiteral("small.eml"));
        const QString large = dir.filePath(QStringLiteral("large.eml"));
        {
            // Written a line at a time: this process stays small (bombs() checks its peak).
            // The email around a marker, the marker's base64 replaced by the report's.
            const QByteArray marker = "@records@";
            const QByteArray xml = feedback(marker);
            const QByteArray outer = email({attachment("text/xml", "big.xml", marker)});
            const QByteArray encodedMarker = base64Lines(marker);
            const qsizetype inXml = xml.indexOf(marker);
            const qsizetype inEmail = outer.indexOf(encodedMarker);
            QFile file(large);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(outer.first(inEmail));
            QByteArray pending = xml.first(inXml);
            auto writeLines = [&](bool all) { // 57 bytes make one line of 76 characters
                const qsizetype whole = all ? pending.size() : pending.size() / 57 * 57;
                for (qsizetype at = 0; at < whole; at += 57)
                    file.write(pending.mid(at, 57).toBase64() + "\r\n");
                pending.remove(0, whole);
            };
            const QByteArray records = record().repeated(1000);
            while (file.size() < qint64(60) * 1024 * 1024) {
                pending += records;
                writeLines(false);
            }
            pending += xml.sliced(inXml + marker.size());
            writeLines(true);
            file.write(outer.sliced(inEmail + encodedMarker.size()));
        }
        const qint64 size = QFileInfo(large).size();
        {
            QFile file(small);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(email({attachment("text/xml", "r.xml", kXml)}));
        }
        auto inspectPeakKiB = [](const QString &path) {
            QProcess inspect;
            inspect.start(QStringLiteral(DMARC_EXPORTER_BINARY), {QStringLiteral("inspect"), path});
            if (!inspect.waitForFinished(120000) || inspect.exitCode() != 0)
                return -1L;
            rusage usage{};
            getrusage(RUSAGE_CHILDREN, &usage); // the largest child so far: this one
            return long(usage.ru_maxrss);
        };
        const long baseline = inspectPeakKiB(small);
        QVERIFY(baseline > 0);
        const long peak = inspectPeakKiB(large);
        QVERIFY(peak > 0);
        const double grown = double(peak - baseline) * 1024 / double(size);
        QVERIFY2(grown < 1.4, qPrintable(QStringLiteral("peak %1 KiB, baseline %2 KiB, email %3 "
                                                        "bytes: %4 times its size")
                                             .arg(peak)
                                             .arg(baseline)
                                             .arg(size)
                                             .arg(grown)));
    }

    // The base64 body is decoded in pieces: container magic that only the second piece
    // completes, and a body cut anywhere, read as when it was decoded whole.
    void base64DecodedInPieces_data()
    {
        QTest::addColumn<QByteArray>("payload");
        QTest::newRow("xml") << kXml;
        QTest::newRow("gzip") << gzip(kXml);
        QTest::newRow("zip") << zip({{QStringLiteral("r.xml"), kXml}});
        QTest::newRow("large gzip") << gzip(feedback(record().repeated(2000)));
    }
    void base64DecodedInPieces()
    {
        QFETCH(QByteArray, payload);
        // 100,000 line breaks first: the first pieces decode to nothing.
        const Part part{"Content-Type: application/gzip\r\nContent-Transfer-Encoding: base64",
                        QByteArray(100000, '\n') + base64Lines(payload)};
        const EmailAnalysis analysis = analyzeEmail(email({part}), PayloadLimits());
        QVERIFY2(!analysis.invalid(), qPrintable(::failures(analysis).join(u',')));
        QCOMPARE(analysis.reports.size(), 1);
        QCOMPARE(analysis.reports.constFirst().reportId, QStringLiteral("r-1"));
    }

    // An email nested past the MIME depth limit says so, instead of only "no report".
    void deepMimeNamesTheDepth()
    {
        QByteArray raw = "From: a@example.com\r\n";
        for (int i = 0; i < 10000; ++i)
            raw += "Content-Type: multipart/mixed; boundary=b" + QByteArray::number(i) +
                   "\r\n\r\n--b" + QByteArray::number(i) + "\r\n";
        raw += attachment("text/xml", "r.xml", kXml).headers + "\r\n\r\n" + base64Lines(kXml);
        const EmailAnalysis deep = analyzeEmail(raw, PayloadLimits());
        QCOMPARE(deep.candidates, 0);
        QVERIFY(deep.invalid());
        QCOMPARE(deep.noReportReason(), QStringLiteral("MIME nesting deeper than 40 levels"));
        const EmailAnalysis plain = analyzeEmail(email({textPart()}), PayloadLimits());
        QCOMPARE(plain.candidates, 0);
        QCOMPARE(plain.noReportReason(), QString());
        QCOMPARE(analyzeEmail(email({attachment("text/xml", "r.xml", kXml)}), PayloadLimits())
                     .noReportReason(),
                 QString());
    }

    void payloadLimit_data()
    {
        QTest::addColumn<QByteArray>("container");
        const QByteArray big = feedback(record().repeated(50));
        QTest::newRow("xml") << big;
        QTest::newRow("gzip") << gzip(big);
        QTest::newRow("zip") << zip({{QStringLiteral("big.xml"), big}});
    }
    void payloadLimit()
    {
        QFETCH(QByteArray, container);
        PayloadLimits limits;
        limits.maxPayloadBytes = feedback(record().repeated(50)).size() - 1;
        const EmailAnalysis tooSmall = analyzeFile(container, QStringLiteral("big"), limits);
        QCOMPARE(tooSmall.failures.size(), 1);
        QCOMPARE(tooSmall.failures.constFirst().error.code, QStringLiteral("too_large"));
        limits.maxPayloadBytes += 1;
        QVERIFY(!analyzeFile(container, QStringLiteral("big"), limits).invalid());
    }

    // The limits hold at every level of nested containers (docs/counting.md section 1.6).
    void nestedLimits()
    {
        const QByteArray big = feedback(record().repeated(50));
        PayloadLimits limits;
        limits.maxPayloadBytes = big.size();
        for (const QByteArray &fits : {gzip(gzip(big)), gzip(zip({{QStringLiteral("b.xml"), big}})),
                                       zip({{QStringLiteral("b.gz"), gzip(big)}})}) {
            QVERIFY(!analyzeFile(fits, QStringLiteral("big"), limits).invalid());
            limits.maxPayloadBytes = big.size() - 1;
            const EmailAnalysis tooLarge = analyzeFile(fits, QStringLiteral("big"), limits);
            QCOMPARE(tooLarge.failures.size(), 1);
            QCOMPARE(tooLarge.failures.constFirst().error.code, QStringLiteral("too_large"));
            limits.maxPayloadBytes = big.size();
        }
        // The outer gzip puts out more than the limit (its content is stored, not compressed),
        // although the report inside would fit.
        const EmailAnalysis outer =
            analyzeFile(gzip(gzip(big, Z_NO_COMPRESSION)), QStringLiteral("big"), limits);
        QCOMPARE(outer.failures.size(), 1);
        QCOMPARE(outer.failures.constFirst().error.code, QStringLiteral("too_large"));

        limits.maxZipMembers = 2;
        const EmailAnalysis members =
            analyzeFile(gzip(zip({{QStringLiteral("a.xml"), feedback(record(), "a")},
                                  {QStringLiteral("b.xml"), feedback(record(), "b")},
                                  {QStringLiteral("c.xml"), feedback(record(), "c")}})),
                        QStringLiteral("r.gz"), limits);
        QCOMPARE(members.reports.size(), 2);
        QCOMPARE(::failures(members),
                 QStringList{QStringLiteral("r.gz, member members 3 to 3|too_large")});
    }

    // What unpacking recovered from is noted on the report, for inspect.
    void containerNotes_data()
    {
        QTest::addColumn<QByteArray>("container");
        QTest::addColumn<QStringList>("notes");
        QTest::newRow("none") << gzip(kXml) << QStringList();
        QTest::newRow("trailing bytes")
            << gzip(kXml) + "\r\n"
            << QStringList{QStringLiteral("2 byte(s) after the end of the gzip data ignored")};
        QTest::newRow("zero padding")
            << gzip(kXml) + QByteArray(512, '\0')
            << QStringList{QStringLiteral("512 byte(s) after the end of the gzip data ignored")};
        QTest::newRow("gzip in gzip, trailing bytes on both")
            << gzip(gzip(kXml) + "x") + "yz"
            << QStringList{QStringLiteral("a gzip inside the container unpacked as well"),
                           QStringLiteral("2 byte(s) after the end of the gzip data ignored"),
                           QStringLiteral("1 byte(s) after the end of the gzip data ignored")};
        QTest::newRow("zip in gzip")
            << gzip(zip({{QStringLiteral("r.xml"), kXml}}))
            << QStringList{QStringLiteral("a zip inside the container unpacked as well")};
        QTest::newRow("gzip in zip")
            << zip({{QStringLiteral("r.xml.gz"), gzip(kXml)}})
            << QStringList{QStringLiteral("a gzip inside the container unpacked as well")};
    }
    void containerNotes()
    {
        QFETCH(QByteArray, container);
        QFETCH(QStringList, notes);
        const EmailAnalysis analysis =
            analyzeFile(container, QStringLiteral("r.gz"), PayloadLimits());
        QCOMPARE(analysis.reports.size(), 1);
        QCOMPARE(analysis.reports.constFirst().notes, notes);
        QVERIFY(!analysis.invalid());
    }

    // Bombs: a few KB that expand past the limit fail fast as too_large, in little memory.
    void bombs_data()
    {
        QTest::addColumn<QByteArray>("attachment");
        QTest::addColumn<qint64>("limit");
        QTest::addColumn<QString>("part"); // part|code: the start of the message
        const QByteArray head = "<?xml version=\"1.0\"?><feedback>";
        const qint64 mib = 1024 * 1024;
        // Valid XML all along: the payload limit stops it.
        const QByteArray elements = "<x/>";
        QTest::newRow("gzip, 8 MiB limit")
            << gzipBomb(head, 9 * mib, elements) << 8 * mib
            << QStringLiteral("part 1 (bomb.xml.gz)|too_large: decompressed size exceeds the limit "
                              "of 8388608 bytes");
        QTest::newRow("zip, 8 MiB limit")
            << zipBomb(head, 9 * mib, elements) << 8 * mib
            << QStringLiteral("part 1 (bomb.xml.gz), member bomb.xml|too_large: decompressed size "
                              "exceeds the limit of 8388608 bytes");
        // One endless text node: the token limit stops it long before the payload limit.
        QTest::newRow("gzip, default limit")
            << gzipBomb(head, 300 * mib, " ") << PayloadLimits().maxPayloadBytes
            << QStringLiteral("part 1 (bomb.xml.gz)|too_large: XML line 1, column ");
        // The zip states the member's size: refused before inflating anything.
        QTest::newRow("zip, default limit")
            << zipBomb(head, 300 * mib, " ") << PayloadLimits().maxPayloadBytes
            << QStringLiteral("part 1 (bomb.xml.gz), member bomb.xml|too_large: decompressed size "
                              "exceeds the limit of 268435456 bytes");
    }
    void bombs()
    {
        QFETCH(QByteArray, attachment);
        QFETCH(qint64, limit);
        QFETCH(QString, part);
        QVERIFY2(attachment.size() < 400 * 1024, QByteArray::number(attachment.size()));
        PayloadLimits limits;
        limits.maxPayloadBytes = limit;
        QElapsedTimer timer;
        timer.start();
        const EmailAnalysis analysis = analyzeEmail(
            email({Test::attachment("application/gzip", "bomb.xml.gz", attachment)}), limits);
        const qint64 elapsed = timer.elapsed();
        QCOMPARE(analysis.failures.size(), 1);
        const PayloadFailure &failure = analysis.failures.constFirst();
        const QString actual = failure.part + QLatin1Char('|') + failure.error.code +
                               QStringLiteral(": ") + failure.error.message;
        QVERIFY2(actual.startsWith(part), qPrintable(actual));
        // Generous for a loaded machine; unlimited inflating and parsing would take far longer.
        QVERIFY2(elapsed < 5000, QByteArray::number(elapsed));
        QVERIFY2(peakRssMiB() < 100, QByteArray::number(qlonglong(peakRssMiB())));
    }

    // A 0-byte report, garbage, a BOM alone: candidates that fail, never crash.
    void degenerate_data()
    {
        QTest::addColumn<QByteArray>("data");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("bom") << QByteArray("\xef\xbb\xbf");
        QTest::newRow("gzip magic only") << QByteArray("\x1f\x8b");
        QTest::newRow("zip magic only") << QByteArray("PK\x03\x04");
        QTest::newRow("utf-16 bom only") << QByteArray("\xff\xfe");
    }
    void degenerate()
    {
        QFETCH(QByteArray, data);
        const EmailAnalysis analysis =
            analyzeEmail(email({attachment("application/gzip", "x.gz", data)}), PayloadLimits());
        QCOMPARE(analysis.failures.size(), 1);
        QVERIFY(analysis.invalid());
    }
};

QTEST_GUILESS_MAIN(TestEmailAnalysis)
#include "tst_emailanalysis.moc"
