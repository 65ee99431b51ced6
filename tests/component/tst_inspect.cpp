#include "dnsserver.h"
#include "reportfixtures.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <sys/resource.h>

using namespace Dmarc::Test;

namespace {

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

Run inspect(const QStringList &arguments)
{
    QProcess process;
    process.start(QStringLiteral(DMARC_EXPORTER_BINARY),
                  QStringList{QStringLiteral("inspect")} + arguments);
    if (!process.waitForFinished(60000))
        return {};
    return {process.exitCode(), QString::fromUtf8(process.readAllStandardOutput()),
            QString::fromUtf8(process.readAllStandardError())};
}

QByteArray readData(const QString &name)
{
    QFile file(QStringLiteral(DMARC_TEST_DATA_DIR "/") + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(file.fileName()));
    return file.readAll();
}

// The entry of `files` (inspect --json) for the file called `name`.
QJsonObject fileNamed(const QJsonArray &files, const QString &name)
{
    for (const QJsonValue &file : files) {
        if (file.toObject()
                .value(QStringLiteral("file"))
                .toString()
                .endsWith(QLatin1Char('/') + name))
            return file.toObject();
    }
    return QJsonObject();
}

// The first aggregate report of one file's entry.
QJsonObject firstReport(const QJsonObject &file)
{
    return file.value(QStringLiteral("reports")).toArray().at(0).toObject();
}

QByteArray strayStartTag()
{
    const QByteArray report = feedback();
    return "<?xml version=\"1.0\"?>\n<xs:schema xmlns:xs=\"urn:x\">\n" +
           report.sliced(report.indexOf("<feedback"));
}

} // namespace

class TestInspect : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;

    QString write(const QString &name, const QByteArray &contents)
    {
        const QString path = m_dir.filePath(name);
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(contents) != contents.size())
            qFatal("cannot write %s", qPrintable(path));
        return path;
    }

private Q_SLOTS:
    void text_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("contents");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QStringList>("lines"); // each must appear in the output

        const QByteArray xml =
            feedback(record() + record("<disposition>quarantine</disposition>", "<count>4</count>"),
                     "12598866915817748661");
        const QStringList good{
            QStringLiteral("report 12598866915817748661 from google.com"),
            QStringLiteral("dates 2020-10-01T00:00:00Z .. 2020-10-01T23:59:59Z, policy mydomain.de "
                           "p=none, 2 records, 5 messages"),
            QStringLiteral("reporter=\"google.com\" from_domain=\"mydomain.de\" "
                           "dkim_domain=\"mydomain.de\" spf_domain=\"my-spf-domain.de\""),
            QStringLiteral("total=5 compliant=1 quarantine=4 reject=0 spf_aligned=0 spf_pass=5 "
                           "dkim_aligned=1 dkim_pass=5")};
        QTest::newRow("xml") << QStringLiteral("r.xml") << xml << 0 << good;
        QTest::newRow("gzip") << QStringLiteral("r.xml.gz") << gzip(xml) << 0 << good;
        QTest::newRow("zip") << QStringLiteral("r.zip") << zip({{QStringLiteral("m.xml"), xml}})
                             << 0 << good + QStringList{QStringLiteral("r.zip, member m.xml")};
        QTest::newRow("email") << QStringLiteral("r.eml")
                               << email({attachment("application/gzip", "g.xml.gz", gzip(xml))})
                               << 0
                               << good + QStringList{QStringLiteral(
                                                         "from: noreply-dmarc-support@google.com"),
                                                     QStringLiteral("part 1 (g.xml.gz)")};
        QTest::newRow("malformed count")
            << QStringLiteral("bad.xml")
            << feedback(record("<dkim>pass</dkim>", "<count>-3</count>")) << 1
            << QStringList{QStringLiteral("bad.xml: would be invalid: XML line 5, column 62: "),
                           QStringLiteral("would add 1 to: dmarc_invalid_reports_total"),
                           QStringLiteral("bad.xml: [malformed] XML line 5, column 62: "),
                           QStringLiteral("<count> is \"-3\", not a number of messages")};
        QTest::newRow("truncated gzip")
            << QStringLiteral("t.xml.gz") << gzip(xml).left(40) << 1
            << QStringList{QStringLiteral(
                   "t.xml.gz: [corrupt_archive] gzip: the compressed data ends early")};
        QTest::newRow("email without report")
            << QStringLiteral("none.eml") << email({Part{"Content-Type: text/plain", "hello"}}) << 1
            << QStringList{QStringLiteral("none.eml: would be invalid: no report attachment found"),
                           QStringLiteral("would add 1 to: dmarc_invalid_reports_total")};
        // TLS reports, failure reports and what was recovered (docs/counting.md 1.6, 2.7, 8).
        QTest::newRow("TLS report")
            << QStringLiteral("t.json") << readData(QStringLiteral("tlsrpt/rfc8460-example.json"))
            << 0
            << QStringList{
                   QStringLiteral("TLS report 5065427c-23d3-47ca-b6e0-946ea0e8c4be from Company-X"),
                   QStringLiteral("dates 2016-04-01T00:00:00Z .. 2016-04-01T23:59:59Z"),
                   QStringLiteral("reporter=\"Company-X\" policy_domain=\"company-y.example\" "
                                  "policy_type=\"sts\""),
                   QStringLiteral("successful=5326 failed=303"),
                   QStringLiteral("result_type=\"certificate-expired\" 100"),
                   QStringLiteral("result_type=\"validation-failure\" 3")};
        QTest::newRow("failure report")
            << QStringLiteral("f.eml") << readData(QStringLiteral("arf/auth-failure.eml")) << 0
            << QStringList{QStringLiteral("failure report (part 2 (message/feedback-report))"),
                           QStringLiteral("reported_domain=\"mydomain.de\" auth_failure=\"dmarc\" "
                                          "identity_alignment=\"dkim,spf\" "
                                          "delivery_result=\"reject\"")};
        QTest::newRow("stray start tag")
            << QStringLiteral("r.xml") << strayStartTag() << 0
            << QStringList{QStringLiteral("report r-1 from google.com"),
                           QStringLiteral("recovered: read again from a later <feedback> start "
                                          "tag after: XML line 2, column 28: the document "
                                          "element is <xs:schema>, not <feedback>")};
        QTest::newRow("gzip with trailing bytes, nested")
            << QStringLiteral("r.xml.gz") << gzip(gzip(feedback())) + "\r\n"
            << 0
            << QStringList{
                   QStringLiteral("recovered: a gzip inside the container unpacked as well"),
                   QStringLiteral("recovered: 2 byte(s) after the end of the gzip data "
                                  "ignored")};
        QTest::newRow("invalid byte")
            << QStringLiteral("r.xml") << feedback(record(), "r-\x91") << 0
            << QStringList{QStringLiteral("recovered: bytes that are not valid UTF-8 read as "
                                          "U+FFFD, the first at line 3, column ")};
        QByteArray deep = "From: a@example.com\r\n";
        for (int i = 0; i < 100; ++i)
            deep += "Content-Type: multipart/mixed; boundary=b" + QByteArray::number(i) +
                    "\r\n\r\n--b" + QByteArray::number(i) + "\r\n";
        deep += "Content-Type: text/xml\r\n\r\n" + xml;
        QTest::newRow("MIME too deep")
            << QStringLiteral("deep.eml") << deep << 1
            << QStringList{QStringLiteral("would be invalid: no report attachment found (MIME "
                                          "nesting deeper than 40 levels)")};
        QTest::newRow("failed TLS report")
            << QStringLiteral("bad.json") << QByteArray("{\"policies\": 5}") << 1
            << QStringList{QStringLiteral("would add 1 to: tlsrpt_invalid_reports_total"),
                           QStringLiteral("bad.json: [malformed] TLS report: \"policies\" "
                                          "is missing or not an array")};
    }
    void text()
    {
        QFETCH(QString, name);
        QFETCH(QByteArray, contents);
        QFETCH(int, exitCode);
        QFETCH(QStringList, lines);
        const Run run = inspect({write(name, contents)});
        QCOMPARE(run.exitCode, exitCode);
        for (const QString &line : lines)
            QVERIFY2(run.out.contains(line), qPrintable(run.out));
        // It says what would happen; nothing was counted.
        QVERIFY2(!run.out.contains(QStringLiteral("counted")), qPrintable(run.out));
        QVERIFY2(run.out.contains(QStringLiteral(": would ")), qPrintable(run.out));
    }

    void json()
    {
        const QString good = write(QStringLiteral("good.xml.gz"), gzip(feedback()));
        const QString bad = write(QStringLiteral("bad.xml"), "<feedback><record>");
        const Run run = inspect({QStringLiteral("--json"), good, bad});
        QCOMPARE(run.exitCode, 1);
        const QJsonArray files = QJsonDocument::fromJson(run.out.toUtf8()).array();
        QCOMPARE(files.size(), 2);
        const QJsonObject first = fileNamed(files, QStringLiteral("good.xml.gz"));
        QCOMPARE(first.value(QStringLiteral("verdict")).toString(), QStringLiteral("done"));
        const QJsonObject report = firstReport(first);
        QCOMPARE(report.value(QStringLiteral("org_name")).toString(), QStringLiteral("google.com"));
        QCOMPARE(report.value(QStringLiteral("report_id")).toString(), QStringLiteral("r-1"));
        QCOMPARE(report.value(QStringLiteral("records")).toInt(), 1);
        const QJsonObject labels =
            report.value(QStringLiteral("label_sets")).toArray().at(0).toObject();
        QCOMPARE(labels.value(QStringLiteral("spf_domain")).toString(),
                 QStringLiteral("my-spf-domain.de"));
        QCOMPARE(labels.value(QStringLiteral("counters"))
                     .toObject()
                     .value(QStringLiteral("dkim_pass"))
                     .toInt(),
                 1);
        QCOMPARE(report.value(QStringLiteral("outcome")).toString(), QStringLiteral("would count"));
        const QJsonObject second = fileNamed(files, QStringLiteral("bad.xml"));
        QCOMPARE(second.value(QStringLiteral("verdict")).toString(), QStringLiteral("error"));
        QVERIFY(second.value(QStringLiteral("outcome"))
                    .toString()
                    .startsWith(QLatin1String("would be invalid: XML line 1, column 18")));
        const QJsonObject failure =
            second.value(QStringLiteral("failures")).toArray().at(0).toObject();
        QCOMPARE(failure.value(QStringLiteral("code")).toString(), QStringLiteral("malformed"));
        QVERIFY(failure.value(QStringLiteral("reason"))
                    .toString()
                    .startsWith(QLatin1String("XML line 1, column 18")));
    }

    void jsonKinds()
    {
        const QString tls = write(QStringLiteral("t.json.gz"),
                                  gzip(readData(QStringLiteral("tlsrpt/"
                                                               "microsoft-style.json"))));
        const QString arf =
            write(QStringLiteral("f.eml"), readData(QStringLiteral("arf/auth-failure.eml")));
        const QString mixed = write(
            QStringLiteral("m.eml"),
            email({attachment("application/gzip", "a.xml.gz", gzip(strayStartTag()) + "\n"),
                   attachment("application/tlsrpt+gzip", "t.json.gz", gzip("{\"policies\": {}}")),
                   attachment("application/gzip", "x.json.gz", gzip(feedback()).left(15))}));
        const Run run = inspect({QStringLiteral("--json"), tls, arf, mixed});
        QCOMPARE(run.exitCode, 1);
        const QJsonArray files = QJsonDocument::fromJson(run.out.toUtf8()).array();
        QCOMPARE(files.size(), 3);

        const QJsonObject first = fileNamed(files, QStringLiteral("t.json.gz"));
        QCOMPARE(first.value(QStringLiteral("verdict")).toString(), QStringLiteral("done"));
        const QJsonObject tlsReport =
            first.value(QStringLiteral("tls_reports")).toArray().at(0).toObject();
        QCOMPARE(tlsReport.value(QStringLiteral("organization_name")).toString(),
                 QStringLiteral("Microsoft Corporation"));
        QCOMPARE(tlsReport.value(QStringLiteral("begin")).toString(),
                 QStringLiteral("2024-03-04T00:00:00Z"));
        const QJsonArray policies = tlsReport.value(QStringLiteral("policies")).toArray();
        QCOMPARE(policies.size(), 3);
        const QJsonObject tlsa = policies.at(1).toObject();
        QCOMPARE(tlsa.value(QStringLiteral("policy_type")).toString(), QStringLiteral("tlsa"));
        QCOMPARE(tlsa.value(QStringLiteral("successful_sessions")).toInt(), 98);
        QCOMPARE(tlsa.value(QStringLiteral("failure_details"))
                     .toObject()
                     .value(QStringLiteral("dnssec-invalid"))
                     .toInt(),
                 4);

        const QJsonObject second = fileNamed(files, QStringLiteral("f.eml"));
        const QJsonObject failureReport =
            second.value(QStringLiteral("failure_reports")).toArray().at(0).toObject();
        QCOMPARE(failureReport.value(QStringLiteral("reported_domain")).toString(),
                 QStringLiteral("mydomain.de"));
        QCOMPARE(failureReport.value(QStringLiteral("identity_alignment")).toString(),
                 QStringLiteral("dkim,spf"));
        QCOMPARE(second.value(QStringLiteral("invalid_counters")).toArray().size(), 0);

        // One recovered aggregate report, a broken TLS report, a corrupt gzip named as JSON.
        const QJsonObject third = fileNamed(files, QStringLiteral("m.eml"));
        QCOMPARE(third.value(QStringLiteral("verdict")).toString(), QStringLiteral("error"));
        QCOMPARE(third.value(QStringLiteral("invalid_counters")).toArray(),
                 (QJsonArray{QStringLiteral("tlsrpt_invalid_reports_total")}));
        const QJsonArray notes = firstReport(third).value(QStringLiteral("notes")).toArray();
        QCOMPARE(notes.size(), 2);
        QCOMPARE(notes.at(0).toString(),
                 QStringLiteral("1 byte(s) after the end of the gzip data ignored"));
        const QJsonArray failures = third.value(QStringLiteral("failures")).toArray();
        QCOMPARE(failures.size(), 2);
        for (const QJsonValue &failure : failures)
            QCOMPARE(failure.toObject().value(QStringLiteral("kind")).toString(),
                     QStringLiteral("tls"));
    }

    // Folders are walked as import walks them; a report seen before in the same run would be a
    // duplicate, as import would find it.
    void folders()
    {
        QTemporaryDir dir;
        QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("2020/10"))));
        const auto put = [&dir](const QString &name, const QByteArray &contents) {
            QFile file(dir.filePath(name));
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(contents);
        };
        // In the order import takes them: 2020/10/a.xml, 2020/10/c.xml, 2020/b.xml.gz.
        put(QStringLiteral("2020/10/a.xml"), feedback(record(), "same-id"));
        put(QStringLiteral("2020/b.xml.gz"), gzip(feedback(record(), "same-id")));
        put(QStringLiteral("2020/10/c.xml"), feedback(record(), "other-id"));
        put(QStringLiteral("2020/10/notes.txt"), "not a report");
        const Run run = inspect({dir.filePath(QStringLiteral("2020"))});
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.out.contains(QStringLiteral("/2020/b.xml.gz: would be a duplicate\n")),
                 qPrintable(run.out));
        QVERIFY2(run.out.contains(QStringLiteral("): would be a duplicate of the one in ") +
                                  dir.filePath(QStringLiteral("2020/10/a.xml"))),
                 qPrintable(run.out));
        QVERIFY2(run.out.contains(QStringLiteral("/2020/10/c.xml: would count 1 report\n")),
                 qPrintable(run.out));
        QVERIFY2(run.out.contains(QStringLiteral("/2020/10/a.xml: would count 1 report\n")),
                 qPrintable(run.out));
        QVERIFY(!run.out.contains(QStringLiteral("notes.txt")));

        const Run json = inspect({QStringLiteral("--json"), dir.path()});
        const QJsonArray files = QJsonDocument::fromJson(json.out.toUtf8()).array();
        QCOMPARE(files.size(), 3);
        const QJsonObject duplicate = firstReport(fileNamed(files, QStringLiteral("b.xml.gz")));
        QCOMPARE(duplicate.value(QStringLiteral("outcome")).toString(),
                 QStringLiteral("would be a duplicate"));
        QCOMPARE(duplicate.value(QStringLiteral("duplicate_of")).toString(),
                 dir.filePath(QStringLiteral("2020/10/a.xml")));

        const Run empty = inspect({dir.filePath(QStringLiteral("2020/10/notes.txt")),
                                   dir.filePath(QStringLiteral("nowhere"))});
        QCOMPARE(empty.exitCode, 1);
        QVERIFY2(empty.err.contains(QStringLiteral("inspect: no such file or folder: ") +
                                    dir.filePath(QStringLiteral("nowhere"))),
                 qPrintable(empty.err));
    }

    // --json writes as it goes: a report with 6,000 label sets comes out whole and valid, and
    // the process's peak memory stays far below the whole document's (51 MB before).
    void largeReportStreamsJson()
    {
        QByteArray records;
        for (int i = 0; i < 6000; ++i) {
            const QByteArray domain = "d" + QByteArray::number(i) + ".example.org";
            records += record("<disposition>none</disposition><dkim>pass</dkim><spf>fail</spf>",
                              "<count>" + QByteArray::number(i % 7 + 1) + "</count>",
                              "<header_from>" + domain + "</header_from>",
                              "<dkim><domain>" + domain +
                                  "</domain><result>pass</result></dkim>"
                                  "<spf><domain>spf." +
                                  domain + "</domain><result>pass</result></spf>");
        }
        const QString big = write(QStringLiteral("big.xml"), feedback(records, "big-1"));
        const Run run = inspect({QStringLiteral("--json"), big});
        QCOMPARE(run.exitCode, 0);
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(run.out.toUtf8(), &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
        const QJsonArray labelSets = firstReport(document.array().at(0).toObject())
                                         .value(QStringLiteral("label_sets"))
                                         .toArray();
        QCOMPARE(labelSets.size(), 6000);
        qint64 total = 0;
        for (const QJsonValue &labels : labelSets)
            total += labels.toObject()
                         .value(QStringLiteral("counters"))
                         .toObject()
                         .value(QStringLiteral("total"))
                         .toInteger();
        qint64 expected = 0;
        for (int i = 0; i < 6000; ++i)
            expected += i % 7 + 1;
        QCOMPARE(total, expected);
        QCOMPARE(labelSets.last().toObject().value(QStringLiteral("from_domain")).toString(),
                 QStringLiteral("d5999.example.org"));

        // The largest peak of the inspect processes this test ran (all far smaller but this).
        struct rusage usage
        {
        };
        QCOMPARE(getrusage(RUSAGE_CHILDREN, &usage), 0);
        const double peakMb = double(usage.ru_maxrss) / 1024;
        qInfo("peak RSS of inspect --json with 6,000 label sets: %.1f MB", peakMb);
        QVERIFY2(peakMb < 40, qPrintable(QString::number(peakMb)));
    }

    // Each report's sources: the IP normalised and named by your classes, the passing signature
    // or unknown (docs/counting.md section 10.5), with and without a configuration.
    void sources()
    {
        const auto from = [](const char *ip, const QByteArray &authResults,
                             const QByteArray &count = "<count>1</count>") {
            return record("<disposition>none</disposition><dkim>pass</dkim><spf>fail</spf>", count,
                          "<header_from>mydomain.de</header_from>", authResults)
                .replace("<source_ip>192.0.2.1</source_ip>",
                         QByteArray("<source_ip>" + QByteArray(ip) + "</source_ip>"));
        };
        const QByteArray records =
            from("192.0.2.10", "<dkim><domain>sendgrid.net</domain><result>pass</result></dkim>",
                 "<count>2</count>") +
            from(" ::FFFF:198.51.100.7 ",
                 "<dkim><domain>x.example</domain><result>fail</result></dkim>"
                 "<dkim><domain>mandrillapp.com</domain><result>pass</result></dkim>") +
            from("203.0.113.5", "<dkim><domain>x.example</domain><result>fail</result></dkim>"
                                "<spf><domain>eu-west-1.amazonses.com</domain><result>pass</result>"
                                "</spf>") +
            from("2001:DB8:0:0::1", "<dkim><domain>mail.mydomain.de</domain><result>pass</result>"
                                    "</dkim>") +
            from("192.0.2.01", "<spf><domain>x.example</domain><result>fail</result></spf>");
        const QString file = write(QStringLiteral("sources.xml"), feedback(records, "src-1"));

        Run run = inspect({file});
        QCOMPARE(run.exitCode, 0);
        const QStringList plain{
            QStringLiteral("    source_ip=\"192.0.2.10\" from_domain=\"mydomain.de\" "
                           "dkim_pass_domain=\"sendgrid.net\" spf_pass_domain=\"\"\n"
                           "      source=\"SendGrid\" type=esp named_by=signature "
                           "domain=sendgrid.net messages=2 compliant=2\n"),
            QStringLiteral("    source_ip=\"198.51.100.7\" (written \"::FFFF:198.51.100.7\") "
                           "from_domain=\"mydomain.de\" dkim_pass_domain=\"mandrillapp.com\" "
                           "spf_pass_domain=\"\"\n"
                           "      source=\"Mailchimp Transactional (Mandrill)\" "
                           "type=transactional named_by=signature domain=mandrillapp.com "
                           "messages=1 compliant=1\n"),
            QStringLiteral("      source=\"Amazon SES\" type=esp named_by=signature "
                           "domain=amazonses.com messages=1"),
            QStringLiteral("    source_ip=\"2001:db8::1\" (written \"2001:DB8:0:0::1\")"),
            QStringLiteral("      source=\"own domain\" type=own named_by=signature "
                           "domain=mydomain.de messages=1"),
            QStringLiteral(
                "    source_ip=\"\" (written \"192.0.2.01\") from_domain=\"mydomain.de\" "
                "dkim_pass_domain=\"\" spf_pass_domain=\"\"\n"
                "      source=\"unknown\" type=other named_by=unknown messages=1"),
        };
        for (const QString &expected : plain)
            QVERIFY2(run.out.contains(expected), qPrintable(run.out));

        // A configuration brings your classes and your map, which wins over the built-in one
        // (and reverse DNS, off here).
        const QString map =
            write(QStringLiteral("senders.csv"),
                  "base_reverse_dns,name,type\namazonses.com,Our SES,transactional\n");
        const QString config =
            write(QStringLiteral("sources.json"),
                  R"({"imap": {"host": "imap.test", "username": "u", "password": "p"},
                "sources": {"classes": [{"name": "office", "cidrs": ["192.0.2.0/24"]}],
                            "reverse_dns": false, "map_file": ")" +
                      map.toUtf8() + R"("}})");
        run = inspect({QStringLiteral("--configuration"), config, QStringLiteral("--json"), file});
        QCOMPARE(run.exitCode, 0);
        const QJsonArray sources =
            firstReport(QJsonDocument::fromJson(run.out.toUtf8()).array().at(0).toObject())
                .value(QStringLiteral("sources"))
                .toArray();
        QCOMPARE(sources.size(), 5);
        QCOMPARE(
            sources.at(0).toObject(),
            (QJsonObject{{QStringLiteral("source_ip"), QStringLiteral("192.0.2.10")},
                         {QStringLiteral("source_ip_as_written"), QStringLiteral("192.0.2.10")},
                         {QStringLiteral("from_domain"), QStringLiteral("mydomain.de")},
                         {QStringLiteral("dkim_pass_domain"), QStringLiteral("sendgrid.net")},
                         {QStringLiteral("spf_pass_domain"), QString()},
                         {QStringLiteral("source"), QStringLiteral("office")},
                         {QStringLiteral("type"), QStringLiteral("own")},
                         {QStringLiteral("named_by"), QStringLiteral("class")},
                         {QStringLiteral("domain"), QString()},
                         {QStringLiteral("messages"), 2},
                         {QStringLiteral("compliant"), 2}}));
        QCOMPARE(sources.at(2).toObject().value(QStringLiteral("source")).toString(),
                 QStringLiteral("Our SES"));
        QCOMPARE(sources.at(2).toObject().value(QStringLiteral("spf_pass_domain")).toString(),
                 QStringLiteral("eu-west-1.amazonses.com"));

        // A configuration with a mistake stops inspect before any file is read.
        const QString bad =
            write(QStringLiteral("bad-sources.json"),
                  R"({"imap": {"host": "imap.test", "username": "u", "password": "p"},
                "sources": {"classes": [{"name": "office", "cidrs": ["192.0.2.0/33"]}]}})");
        run = inspect({QStringLiteral("--configuration"), bad, file});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(QStringLiteral("`sources.classes[0].cidrs[0]`: class \"office\": "
                                                 "\"192.0.2.0/33\" is not a CIDR block")),
                 qPrintable(run.err));
        QVERIFY(run.out.isEmpty());
    }

    // With reverse DNS on (a configuration's default), each source's PTR name from the
    // configuration's DNS server, asked as the exporter asks; a known sender's PTR name names its
    // source (docs/counting.md section 10.2, rule 2).
    void sourcesByReverseDns()
    {
        Dmarc::Test::DnsServer dns;
        QVERIFY(dns.isListening());
        dns.answer(QStringLiteral("10.2.0.192.in-addr.arpa"),
                   QStringLiteral("o1.ptr123.sendgrid.net"));
        dns.setBehaviour(QStringLiteral("11.2.0.192.in-addr.arpa"),
                         Dmarc::Test::DnsServer::Behaviour::ServerFailure);
        QByteArray records;
        for (const QByteArray ip : {"192.0.2.10", "192.0.2.11", "192.0.2.10"})
            records += record().replace("192.0.2.1<", QByteArray(ip + '<'));
        const QString file = write(QStringLiteral("ptr.xml"), feedback(records, "ptr-1"));
        const QString config = write(
            QStringLiteral("ptr.json"),
            R"({"imap": {"host": "imap.test", "username": "u", "password": "p"},
                      "sources": {"dns_server": ")" +
                QString(dns.address() + QLatin1Char(':') + QString::number(dns.port())).toUtf8() +
                R"("}})");
        // The DNS server answers from this process's event loop while inspect runs.
        const auto run = [&](const QStringList &arguments) {
            QProcess process;
            QSignalSpy finished(&process, &QProcess::finished);
            process.start(
                QStringLiteral(DMARC_EXPORTER_BINARY),
                QStringList{QStringLiteral("inspect"), QStringLiteral("--configuration"), config} +
                    arguments + QStringList{file});
            if (!finished.wait(60000))
                return QString();
            return QString::fromUtf8(process.readAllStandardOutput());
        };
        const QString text = run({});
        for (const QString &expected :
             {QStringLiteral("    source_ip=\"192.0.2.10\" ptr=\"o1.ptr123.sendgrid.net\" "
                             "from_domain=\"mydomain.de\" dkim_pass_domain=\"mydomain.de\" "
                             "spf_pass_domain=\"my-spf-domain.de\"\n"
                             "      source=\"SendGrid\" type=esp named_by=reverse_dns "
                             "domain=sendgrid.net messages=2 compliant=2\n"),
              QStringLiteral("    source_ip=\"192.0.2.11\" ptr=\"\" from_domain=\"mydomain.de\" "
                             "dkim_pass_domain=\"mydomain.de\" "
                             "spf_pass_domain=\"my-spf-domain.de\"\n"
                             "      source=\"own domain\" type=own named_by=signature "
                             "domain=mydomain.de messages=1 compliant=1\n")})
            QVERIFY2(text.contains(expected), qPrintable(text));
        // Each address asked once.
        QCOMPARE(dns.queryCount(), 2);

        const QJsonArray sources =
            firstReport(QJsonDocument::fromJson(run({QStringLiteral("--json")}).toUtf8())
                            .array()
                            .at(0)
                            .toObject())
                .value(QStringLiteral("sources"))
                .toArray();
        QCOMPARE(sources.size(), 2);
        QCOMPARE(sources.at(0).toObject().value(QStringLiteral("ptr")).toString(),
                 QStringLiteral("o1.ptr123.sendgrid.net"));
        QCOMPARE(sources.at(1).toObject().value(QStringLiteral("ptr")).toString(), QString());
        QCOMPARE(sources.at(1).toObject().value(QStringLiteral("source")).toString(),
                 QStringLiteral("own domain"));
        // inspect keeps nothing: a second run asks again.
        QCOMPARE(dns.queryCount(), 4);
    }

    void exitCodes()
    {
        QCOMPARE(inspect({}).exitCode, 2);
        QCOMPARE(inspect({m_dir.filePath(QStringLiteral("missing.xml"))}).exitCode, 1);
        const Run missing =
            inspect({QStringLiteral("--json"), m_dir.filePath(QStringLiteral("missing.xml"))});
        QCOMPARE(missing.exitCode, 1);
        QJsonParseError error;
        QCOMPARE(QJsonDocument::fromJson(missing.out.toUtf8(), &error).array().size(), 0);
        QCOMPARE(error.error, QJsonParseError::NoError);
        const QString good = write(QStringLiteral("ok.xml"), feedback());
        QCOMPARE(inspect({good, good}).exitCode, 0);
    }
};

QTEST_GUILESS_MAIN(TestInspect)
#include "tst_inspect.moc"
