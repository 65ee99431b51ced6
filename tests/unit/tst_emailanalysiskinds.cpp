#include "analysis/emailanalyzer.h"
#include "reportfixtures.h"

#include <QFile>
#include <QTest>

using namespace Dmarc;
using namespace Dmarc::Test;

namespace {

QByteArray readData(const QString &name)
{
    QFile file(QStringLiteral(DMARC_TEST_DATA_DIR "/") + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(file.fileName()));
    return file.readAll();
}

const QByteArray kXml = feedback();
const QByteArray kJson = readData(QStringLiteral("tlsrpt/google-style.json"));

// Every report found, in email order within each kind: "aggregate <source> #<id>",
// "tls <source> #<id>", "failure <source> <labels>".
QStringList found(const EmailAnalysis &analysis)
{
    QStringList out;
    for (const ReportCounts &report : analysis.reports)
        out << QStringLiteral("aggregate %1 #%2").arg(report.source, report.reportId);
    for (const TlsReport &report : analysis.tlsReports)
        out << QStringLiteral("tls %1 #%2").arg(report.source, report.reportId);
    for (const FailureReport &report : analysis.failureReports) {
        out << QStringLiteral("failure %1 %2|%3|%4|%5")
                   .arg(report.source, report.reportedDomain, report.authFailure,
                        report.identityAlignment, report.deliveryResult);
    }
    return out;
}

// "part|code|kind" of each failure.
QStringList failures(const EmailAnalysis &analysis)
{
    QStringList out;
    for (const PayloadFailure &failure : analysis.failures)
        out << failure.part + QLatin1Char('|') + failure.error.code + QLatin1Char('|') +
                   outcomeName(failure.kind);
    return out;
}

Part feedbackReportPart(const QByteArray &fields)
{
    return {"Content-Type: message/feedback-report", fields};
}

const QString kGoogleId = QStringLiteral("2024-03-04T00:00:00Z_mydomain.de");

} // namespace

class TestEmailAnalysisKinds : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // docs/counting.md section 8: which kind of report a part holds, and what a failure counts on.
    void kinds_data()
    {
        QTest::addColumn<QByteArray>("raw");
        QTest::addColumn<int>("candidates");
        QTest::addColumn<QStringList>("reports");
        QTest::addColumn<QStringList>("failures");
        QTest::addColumn<bool>("invalidDmarc");
        QTest::addColumn<bool>("invalidTls");

        const QByteArray jsonGz = gzip(kJson);
        const QString tls = QStringLiteral("tls %1 #") + kGoogleId;
        auto tlsIn = [&tls](const char *part) { return QStringList{tls.arg(QLatin1String(part))}; };

        // 8.1 TLS report candidates by content type or name, told by their first byte.
        QTest::newRow("application/tlsrpt+gzip, Google's name")
            << email({attachment("application/tlsrpt+gzip",
                                 "google.com!mydomain.de!1709510400!1709596799.json.gz", jsonGz)},
                     "noreply-smtp-tls-reporting@google.com")
            << 1 << tlsIn("part 1 (google.com!mydomain.de!1709510400!1709596799.json.gz)")
            << QStringList() << false << false;
        QTest::newRow("application/tlsrpt+json")
            << email({attachment("application/tlsrpt+json", QByteArray(), kJson)}) << 1
            << tlsIn("part 1 (application/tlsrpt+json)") << QStringList() << false << false;
        QTest::newRow("application/json")
            << email({attachment("application/json", QByteArray(), kJson)}) << 1
            << tlsIn("part 1 (application/json)") << QStringList() << false << false;
        QTest::newRow("text/plain named .JSON")
            << email({attachment("text/plain", "report.JSON", kJson)}) << 1
            << tlsIn("part 1 (report.JSON)") << QStringList() << false << false;
        QTest::newRow("named .json.gzip")
            << email({attachment("application/foo", "report.json.gzip", jsonGz)}) << 1
            << tlsIn("part 1 (report.json.gzip)") << QStringList() << false << false;
        QTest::newRow("in a zip, with a BOM and blanks first")
            << email({attachment("application/zip", "r.zip",
                                 zip({{QStringLiteral("r.json"), "\xef\xbb\xbf\r\n " + kJson}}))})
            << 1 << tlsIn("part 1 (r.zip), member r.json") << QStringList() << false << false;
        QTest::newRow("JSON in a part labelled XML is a TLS report")
            << email({attachment("text/xml", "r.xml", kJson)}) << 1 << tlsIn("part 1 (r.xml)")
            << QStringList() << false << false;
        QTest::newRow("XML in a part labelled TLS is an aggregate report")
            << email({attachment("application/tlsrpt+gzip", "r.json.gz", gzip(kXml))}) << 1
            << QStringList{QStringLiteral("aggregate part 1 (r.json.gz) #r-1")} << QStringList()
            << false << false;

        // 8.4 mixed emails: every candidate is read, each failure counts on its own kind.
        QTest::newRow("an aggregate and a TLS report")
            << email({attachment("application/gzip", "a.xml.gz", gzip(kXml)),
                      attachment("application/tlsrpt+gzip", "t.json.gz", jsonGz)})
            << 2
            << QStringList{QStringLiteral("aggregate part 1 (a.xml.gz) #r-1"),
                           tls.arg(QStringLiteral("part 2 (t.json.gz)"))}
            << QStringList() << false << false;
        QTest::newRow("a failed TLS report beside a good aggregate report")
            << email({attachment("application/gzip", "a.xml.gz", gzip(kXml)),
                      attachment("application/tlsrpt+gzip", "t.json.gz",
                                 gzip(QByteArray(kJson).replace("1203", "-1")))})
            << 2 << QStringList{QStringLiteral("aggregate part 1 (a.xml.gz) #r-1")}
            << QStringList{QStringLiteral("part 2 (t.json.gz)|malformed|tls")} << false << true;
        QTest::newRow("a failed aggregate report beside a good TLS report")
            << email({attachment("text/xml", "a.xml", "<feedback><record>"),
                      attachment("application/tlsrpt+json", "t.json", kJson)})
            << 2 << tlsIn("part 2 (t.json)")
            << QStringList{QStringLiteral("part 1 (a.xml)|malformed|aggregate")} << true << false;
        QTest::newRow("both kinds failed, each counted once")
            << email({attachment("text/xml", "a.xml", "<feedback>"),
                      attachment("text/xml", "b.xml", "<feedback>"),
                      attachment("application/json", "t.json", "{}"),
                      attachment("application/json", "u.json", "{")})
            << 4 << QStringList()
            << QStringList{QStringLiteral("part 1 (a.xml)|malformed|aggregate"),
                           QStringLiteral("part 2 (b.xml)|malformed|aggregate"),
                           QStringLiteral("part 3 (t.json)|malformed|tls"),
                           QStringLiteral("part 4 (u.json)|malformed|tls")}
            << true << true;

        // 8.4 a container that failed before its first byte: the part's label decides.
        const QByteArray corrupt = gzip(kJson).left(12);
        const QList<QPair<QByteArray, QByteArray>> labels{
            {"application/gzip", "r.json.gz"},      {"application/tlsrpt+gzip", QByteArray()},
            {"application/json", QByteArray()},     {"application/octet-stream", "R.JSON"},
            {"application/gzip", "report.xml.gz"},  {"application/gzip", QByteArray()},
            {"application/octet-stream", "r.gzip"}, {"application/zip", "r.json.zip"}};
        for (const auto &[type, name] : labels) {
            const QByteArray lower = name.toLower();
            const bool tlsLabel = type.startsWith("application/tlsrpt") ||
                                  type == "application/json" || lower.endsWith(".json") ||
                                  lower.endsWith(".json.gz") || lower.endsWith(".json.gzip");
            const QString part = QStringLiteral("part 1 (%1)")
                                     .arg(QString::fromLatin1(name.isEmpty() ? type : name));
            QTest::addRow("corrupt gzip, %s %s", type.constData(), name.constData())
                << email({attachment(type, name, corrupt)}) << 1 << QStringList()
                << QStringList{part + (tlsLabel ? QStringLiteral("|corrupt_archive|tls")
                                                : QStringLiteral("|corrupt_archive|aggregate"))}
                << !tlsLabel << tlsLabel;
        }
        // Truncated after its first bytes came out: the bytes tell the kind, not the label.
        QByteArray randomish;
        for (int i = 0; i < 200000; ++i)
            randomish += char((i * 7919) % 251);
        const QByteArray truncated = gzip(kJson.left(1) + randomish.toBase64() + kJson.sliced(1));
        QTest::newRow("truncated gzip of JSON labelled XML")
            << email({attachment("application/gzip", "r.xml.gz",
                                 truncated.left(truncated.size() / 2))})
            << 1 << QStringList()
            << QStringList{QStringLiteral("part 1 (r.xml.gz)|corrupt_archive|tls")} << false
            << true;
        QTest::newRow("empty JSON file")
            << email({attachment("application/json", "t.json", "")}) << 1 << QStringList()
            << QStringList{QStringLiteral("part 1 (t.json)|malformed|tls")} << false << true;
        QTest::newRow("empty XML file")
            << email({attachment("text/xml", "a.xml", " \r\n")}) << 1 << QStringList()
            << QStringList{QStringLiteral("part 1 (a.xml)|malformed|aggregate")} << true << false;

        // 8.1 failure reports: message/feedback-report parts of type auth-failure.
        QTest::newRow("failure report (RFC 9991 email)")
            << readData(QStringLiteral("arf/auth-failure.eml")) << 1
            << QStringList{QStringLiteral(
                   "failure part 2 (message/feedback-report) mydomain.de|dmarc|dkim,spf|reject")}
            << QStringList() << false << false;
        QTest::newRow("abuse report: no candidate")
            << readData(QStringLiteral("arf/abuse-report.eml")) << 0 << QStringList()
            << QStringList() << true << false;
        QTest::newRow("failure report, base64, beside an aggregate report")
            << email({attachment("application/gzip", "a.xml.gz", gzip(kXml)),
                      Part{"Content-Type: message/feedback-report\r\n"
                           "Content-Transfer-Encoding: base64",
                           base64Lines("Feedback-Type: auth-failure\r\nAuth-Failure: spf\r\n"
                                       "Reported-Domain: mydomain.de\r\n")}})
            << 2
            << QStringList{QStringLiteral("aggregate part 1 (a.xml.gz) #r-1"),
                           QStringLiteral(
                               "failure part 2 (message/feedback-report) mydomain.de|spf||")}
            << QStringList() << false << false;
        QTest::newRow("a feedback report named .xml is no aggregate report")
            << email({Part{"Content-Type: message/feedback-report; name=\"r.xml\"",
                           "Feedback-Type: abuse\r\n"}})
            << 0 << QStringList() << QStringList() << true << false;
        QTest::newRow("two failure reports in one email")
            << email({feedbackReportPart("Feedback-Type: auth-failure\r\nAuth-Failure: dkim\r\n"),
                      feedbackReportPart("Feedback-Type: auth-failure\r\nAuth-Failure: adsp\r\n")})
            << 2
            << QStringList{QStringLiteral("failure part 1 (message/feedback-report) |dkim||"),
                           QStringLiteral("failure part 2 (message/feedback-report) |adsp||")}
            << QStringList() << false << false;
        // 8.3: the sample message of a failure report is walked like any attached message
        // (section 1.1); an aggregate report in it is read and counted, deduplicated as usual.
        const QByteArray sample = email({attachment("application/gzip", "a.xml.gz", gzip(kXml))},
                                        "someone@mydomain.de", "b-sample");
        QTest::newRow("aggregate report in a failure report's sample message")
            << email({Part{"Content-Type: text/plain", "An authentication failure report."},
                      feedbackReportPart("Feedback-Type: auth-failure\r\nAuth-Failure: dmarc\r\n"
                                         "Reported-Domain: mydomain.de\r\n"),
                      Part{"Content-Type: message/rfc822", sample}},
                     "dmarc-failures@receiver.example")
            << 2
            << QStringList{QStringLiteral("aggregate part 3.1 (a.xml.gz) #r-1"),
                           QStringLiteral(
                               "failure part 2 (message/feedback-report) mydomain.de|dmarc||")}
            << QStringList() << false << false;
        QTest::newRow("nothing at all") << email({Part{"Content-Type: text/plain", "hello"}}) << 0
                                        << QStringList() << QStringList() << true << false;
    }

    void kinds()
    {
        QFETCH(QByteArray, raw);
        QFETCH(int, candidates);
        QFETCH(QStringList, reports);
        QFETCH(QStringList, failures);
        QFETCH(bool, invalidDmarc);
        QFETCH(bool, invalidTls);
        const EmailAnalysis analysis = analyzeEmail(raw, PayloadLimits());
        QCOMPARE(::failures(analysis), failures);
        QCOMPARE(found(analysis), reports);
        QCOMPARE(analysis.candidates, candidates);
        QCOMPARE(analysis.invalidDmarc(), invalidDmarc);
        QCOMPARE(analysis.invalidTls(), invalidTls);
        QCOMPARE(analysis.invalid(), invalidDmarc || invalidTls);
        QCOMPARE(analysis.verdict(), analysis.invalid() ? EmailVerdict::Error : EmailVerdict::Done);
        for (const TlsReport &report : analysis.tlsReports) {
            QCOMPARE(report.organizationName, QStringLiteral("Google Inc."));
            QCOMPARE(report.policies.size(), 1);
            QCOMPARE(report.policies.constFirst().successfulSessions, quint64(1203));
        }
    }

    // import and inspect take .json and .json.gz files (docs/counting.md section 8.5).
    void files_data()
    {
        QTest::addColumn<QByteArray>("contents");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QStringList>("reports");
        QTest::newRow(".json") << kJson << QStringLiteral("t.json")
                               << QStringList{QStringLiteral("tls t.json #") + kGoogleId};
        QTest::newRow(".json with blanks first")
            << "\n\t " + kJson << QStringLiteral("t.json")
            << QStringList{QStringLiteral("tls t.json #") + kGoogleId};
        QTest::newRow(".json.gz") << gzip(kJson) << QStringLiteral("t.json.gz")
                                  << QStringList{QStringLiteral("tls t.json.gz #") + kGoogleId};
        QTest::newRow("RFC 8460 example")
            << readData(QStringLiteral("tlsrpt/rfc8460-example.json")) << QStringLiteral("x.json")
            << QStringList{QStringLiteral("tls x.json #5065427c-23d3-47ca-b6e0-946ea0e8c4be")};
        QTest::newRow("an email with a failure report")
            << readData(QStringLiteral("arf/auth-failure.eml")) << QStringLiteral("f.eml")
            << QStringList{QStringLiteral(
                   "failure part 2 (message/feedback-report) mydomain.de|dmarc|dkim,spf|reject")};
    }
    void files()
    {
        QFETCH(QByteArray, contents);
        QFETCH(QString, name);
        QFETCH(QStringList, reports);
        const EmailAnalysis analysis = analyzeFile(contents, name, PayloadLimits());
        QCOMPARE(found(analysis), reports);
        QVERIFY(!analysis.invalid());
    }

    // A TLS report has a size limit of its own (docs/counting.md section 8.2).
    void tlsSizeLimit()
    {
        PayloadLimits limits;
        limits.maxTlsReportBytes = kJson.size() - 1;
        const EmailAnalysis tooLarge =
            analyzeFile(gzip(kJson), QStringLiteral("t.json.gz"), limits);
        QCOMPARE(::failures(tooLarge), QStringList{QStringLiteral("t.json.gz|too_large|tls")});
        limits.maxTlsReportBytes = kJson.size();
        QCOMPARE(analyzeFile(gzip(kJson), QStringLiteral("t.json.gz"), limits).tlsReports.size(),
                 1);
    }

    // Notes of the unpacking reach TLS reports too.
    void tlsNotes()
    {
        const EmailAnalysis analysis =
            analyzeFile(gzip(gzip(kJson)) + "\r\n", QStringLiteral("t.json.gz"), PayloadLimits());
        QCOMPARE(analysis.tlsReports.size(), 1);
        QCOMPARE(analysis.tlsReports.constFirst().notes,
                 (QStringList{QStringLiteral("a gzip inside the container unpacked as well"),
                              QStringLiteral("2 byte(s) after the end of the gzip data ignored")}));
    }
};

QTEST_GUILESS_MAIN(TestEmailAnalysisKinds)
#include "tst_emailanalysiskinds.moc"
