#include "tlsrpt/tlsreportreader.h"

#include <QFile>
#include <QTest>

using namespace Dmarc;

namespace {

constexpr qint64 kLimit = 16 * 1024 * 1024;

// "reporter|report_id|begin|end" and per label set "; domain|type s=.. f=.. result_type:n ...",
// or "error: <code>: <message>".
QString summary(const Result<TlsReport> &read)
{
    if (!read)
        return QStringLiteral("error: ") + read.error().code + QStringLiteral(": ") +
               read.error().message;
    QString out = QStringLiteral("%1|%2|%3|%4")
                      .arg(read->organizationName, read->reportId)
                      .arg(read->dateBegin)
                      .arg(read->dateEnd);
    for (const TlsPolicyCounts &policy : read->policies) {
        out += QStringLiteral("; %1|%2 s=%3 f=%4")
                   .arg(policy.policyDomain, policy.policyType)
                   .arg(policy.successfulSessions)
                   .arg(policy.failedSessions);
        for (const TlsFailureCount &failure : policy.failures)
            out += QStringLiteral(" %1:%2").arg(failure.resultType).arg(failure.sessions);
    }
    return out;
}

// Reads `json` fed in pieces of `chunk` bytes (0: all at once).
QString readInChunks(const QByteArray &json, qsizetype chunk, qint64 limit = kLimit)
{
    TlsReportReader reader(limit);
    const qsizetype step = chunk == 0 ? qMax<qsizetype>(json.size(), 1) : chunk;
    for (qsizetype pos = 0; pos < json.size(); pos += step) {
        if (!reader.addData(QByteArrayView(json).sliced(pos, qMin(step, json.size() - pos))))
            break;
    }
    return summary(reader.finish());
}

QByteArray readData(const QString &name)
{
    QFile file(QStringLiteral(DMARC_TEST_DATA_DIR "/tlsrpt/") + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(file.fileName()));
    return file.readAll();
}

// A report around `policies` (the text of the array's elements).
QByteArray report(const QByteArray &policies, const QByteArray &more = QByteArray())
{
    return R"({"organization-name": "Org", "report-id": "r-1", "date-range": {"start-datetime": )"
           R"("2024-03-04T00:00:00Z", "end-datetime": "2024-03-04T23:59:59Z"}, "policies": [)" +
           policies + "]" + more + "}";
}

// One policy element with the given summary and failure details.
QByteArray policy(const QByteArray &summary = R"("total-successful-session-count": 10, )"
                                              R"("total-failure-session-count": 2)",
                  const QByteArray &details = R"({"result-type": "certificate-expired", )"
                                              R"("failed-session-count": 2})",
                  const QByteArray &policyFields = R"("policy-type": "sts", )"
                                                   R"("policy-domain": "mydomain.de")")
{
    return R"({"policy": {)" + policyFields + R"(}, "summary": {)" + summary +
           R"(}, "failure-details": [)" + details + "]}";
}

const QString kHead = QStringLiteral("Org|r-1|1709510400|1709596799");
const QString kOne = kHead + QStringLiteral("; mydomain.de|sts s=10 f=2 certificate-expired:2");

} // namespace

class TestTlsReport : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // One row per rule of docs/counting.md section 8.2; every row is also fed in pieces.
    void reads_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("expected"); // summary, or "error: " + the start of the error

        QTest::newRow("RFC 8460 example")
            << readData(QStringLiteral("rfc8460-example.json"))
            << QStringLiteral("Company-X|5065427c-23d3-47ca-b6e0-946ea0e8c4be|1459468800|"
                              "1459555199; company-y.example|sts s=5326 f=303 "
                              "certificate-expired:100 starttls-not-supported:200 "
                              "validation-failure:3");
        QTest::newRow("Google style: one line, mx-host array")
            << readData(QStringLiteral("google-style.json"))
            << QStringLiteral("Google Inc.|2024-03-04T00:00:00Z_mydomain.de|1709510400|"
                              "1709596799; mydomain.de|sts s=1203 f=2 certificate-expired:2");
        QTest::newRow("Microsoft style: mx-host string, contact-info null, times without zone")
            << readData(QStringLiteral("microsoft-style.json"))
            << QStringLiteral("Microsoft Corporation|133541568000000000+mydomain.de|1709510400|"
                              "1709596799; mydomain.de|sts s=98 f=4 sts-webpki-invalid:3 "
                              "sts-policy-fetch-error:1; mydomain.de|tlsa s=98 f=4 "
                              "dnssec-invalid:4; other.example|no-policy-found s=12 f=0");
        QTest::newRow("generic") << report(policy()) << kOne;

        // Result types: each known one, normalised; anything else is "other".
        for (const char *type :
             {"starttls-not-supported", "certificate-host-mismatch", "certificate-expired",
              "certificate-not-trusted", "validation-failure", "tlsa-invalid", "dnssec-invalid",
              "dane-required", "sts-policy-fetch-error", "sts-policy-invalid",
              "sts-webpki-invalid"}) {
            QTest::addRow("result type %s", type)
                << report(policy(R"("total-failure-session-count": 7)",
                                 R"({"result-type": " )" + QByteArray(type).toUpper() +
                                     R"( ", "failed-session-count": 7})"))
                << kHead +
                       QStringLiteral("; mydomain.de|sts s=0 f=7 %1:7").arg(QLatin1String(type));
        }
        QTest::newRow("result type unknown, missing, not a string")
            << report(policy(R"("total-failure-session-count": 6)",
                             R"({"result-type": "dns-timeout", "failed-session-count": 1},)"
                             R"({"failed-session-count": 2},)"
                             R"({"result-type": 5, "failed-session-count": 3})"))
            << kHead + QStringLiteral("; mydomain.de|sts s=0 f=6 other:6");
        QTest::newRow("failure details summed per result type, details not objects skipped")
            << report(policy(R"("total-failure-session-count": 5)",
                             R"({"result-type": "tlsa-invalid", "failed-session-count": 2}, 7,)"
                             R"( "x", {"result-type": "TLSA-invalid", "failed-session-count": 3},)"
                             R"({"result-type": "dane-required"})"))
            << kHead + QStringLiteral("; mydomain.de|sts s=0 f=5 tlsa-invalid:5 dane-required:0");
        QTest::newRow("failure-details missing or not an array")
            << report(policy(R"("total-failure-session-count": 1)", "")
                          .replace(R"(, "failure-details": [])", "") +
                      "," +
                      policy(R"("total-failure-session-count": 1)", "")
                          .replace(R"("failure-details": [])", R"("failure-details": {"a": 1})"))
            << kHead + QStringLiteral("; mydomain.de|sts s=0 f=2");

        // Policy types and domains.
        const QList<QPair<QByteArray, QString>> types{
            {R"("sts")", QStringLiteral("sts")},
            {R"(" TLSA ")", QStringLiteral("tlsa")},
            {R"("No-Policy-Found")", QStringLiteral("no-policy-found")},
            {R"("dane")", QStringLiteral("other")},
            {R"(["sts"])", QStringLiteral("other")}};
        for (const auto &[json, label] : types) {
            QTest::addRow("policy-type %s", json.constData())
                << report(policy(R"("total-successful-session-count": 1)", "",
                                 R"("policy-type": )" + json + R"(, "policy-domain": "a.de")"))
                << kHead + QStringLiteral("; a.de|%1 s=1 f=0").arg(label);
        }
        QTest::newRow("policy-type missing, policy-domain normalised")
            << report(policy(R"("total-successful-session-count": 1)", "",
                             R"("policy-domain": " MyDomain.DE. ")"))
            << kHead + QStringLiteral("; mydomain.de|other s=1 f=0");
        QTest::newRow("policy missing or not an object")
            << report(policy(R"("total-successful-session-count": 1)", "", "")
                          .replace(R"("policy": {}, )", "") +
                      "," +
                      policy(R"("total-successful-session-count": 2)", "", "")
                          .replace(R"("policy": {})", R"("policy": "sts")"))
            << kHead + QStringLiteral("; |other s=3 f=0");
        QTest::newRow("same label set summed, first-seen order")
            << report(policy() + "," +
                      policy(R"("total-successful-session-count": 1)", "",
                             R"("policy-type": "tlsa", "policy-domain": "mydomain.de")") +
                      "," + policy())
            << kHead + QStringLiteral("; mydomain.de|sts s=20 f=4 certificate-expired:4; "
                                      "mydomain.de|tlsa s=1 f=0");

        // mx-host and contact-info never make a report malformed.
        for (const char *mxHost :
             {R"("mx.a.de")", R"(["mx1.a.de", "mx2.a.de"])", "null", "5", R"({"x": [1]})"}) {
            QTest::addRow("mx-host %s", mxHost)
                << report(policy(R"("total-successful-session-count": 1)", "",
                                 R"("policy-type": "sts", "policy-domain": "a.de", "mx-host": )" +
                                     QByteArray(mxHost)))
                << kHead + QStringLiteral("; a.de|sts s=1 f=0");
        }
        for (const char *contact : {"null", R"("tls@org.example")", R"({"a": [null]})"}) {
            QTest::addRow("contact-info %s", contact)
                << report(policy(), R"(, "contact-info": )" + QByteArray(contact)) << kOne;
        }

        // Dates: RFC 3339; without a zone UTC; unreadable or missing is 0, never malformed.
        const QList<QPair<QByteArray, qint64>> times{{"2024-03-04T00:00:00Z", 1709510400},
                                                     {"2024-03-04T00:00:00", 1709510400},
                                                     {"2024-03-04 00:00:00z", 1709510400},
                                                     {"2024-03-04T02:00:00+02:00", 1709510400},
                                                     {"2024-03-03T19:00:00-05:00", 1709510400},
                                                     {"2024-03-04T00:00:00.123456Z", 1709510400},
                                                     {"2024-03-04", 0},
                                                     {"yesterday", 0},
                                                     {"2024-02-30T00:00:00Z", 0}};
        for (const auto &[text, seconds] : times) {
            QByteArray json = report(policy());
            json.replace("2024-03-04T00:00:00Z", text);
            QTest::addRow("start-datetime %s", text.constData())
                << json
                << kOne.section(u'|', 0, 1) + QStringLiteral("|%1|1709596799").arg(seconds) +
                       kOne.sliced(kHead.size());
        }
        QTest::newRow("date-range missing")
            << report(policy()).replace(
                   R"("date-range": {"start-datetime": "2024-03-04T00:00:00Z", "end-datetime": )"
                   R"("2024-03-04T23:59:59Z"}, )",
                   "")
            << QStringLiteral("Org|r-1|0|0") + kOne.sliced(kHead.size());
        QTest::newRow("date-range times not strings")
            << report(policy(), R"(, "date-range": {"start-datetime": 1, "end-datetime": null})")
            << QStringLiteral("Org|r-1|0|0") + kOne.sliced(kHead.size());
        QTest::newRow("date-range not an object")
            << report(policy(), R"(, "date-range": "yesterday")")
            << QStringLiteral("Org|r-1|0|0") + kOne.sliced(kHead.size());

        // Counts: whole JSON numbers from 0 to 2^53; anything else spoils the whole report.
        QTest::newRow("counts missing are 0")
            << report(policy("", R"({"result-type": "dane-required"})"))
            << kHead + QStringLiteral("; mydomain.de|sts s=0 f=0 dane-required:0");
        const QList<QPair<QByteArray, QString>> wholeNumbers{
            {"0", QStringLiteral("0")},
            {"-0", QStringLiteral("0")},
            {"9007199254740992", QStringLiteral("9007199254740992")},
            {"5.0", QStringLiteral("5")},
            {"1e3", QStringLiteral("1000")},
            {"12.50E1", QStringLiteral("125")},
            {"0.0e-7", QStringLiteral("0")}};
        for (const auto &[number, value] : wholeNumbers) {
            QTest::addRow("count %s", number.constData())
                << report(policy(R"("total-successful-session-count": )" + number, ""))
                << kHead + QStringLiteral("; mydomain.de|sts s=%1 f=0").arg(value);
        }
        for (const char *bad : {"-1", "2.5", "9007199254740993", "1e16", "1e-1", R"("5")", "true",
                                "null", "[1]", "{}"}) {
            QTest::addRow("successful count %s malformed", bad)
                << report(policy() + "," +
                          policy(R"("total-successful-session-count": )" + QByteArray(bad), ""))
                << QStringLiteral("error: malformed: policy 2: total-successful-session-count is ");
            QTest::addRow("failed count %s malformed", bad)
                << report(policy(R"("total-failure-session-count": )" + QByteArray(bad), ""))
                << QStringLiteral("error: malformed: policy 1: total-failure-session-count is ");
            QTest::addRow("failed-session-count %s malformed", bad)
                << report(policy(R"("total-failure-session-count": 1)",
                                 R"({"result-type": "tlsa-invalid", "failed-session-count": 1}, )"
                                 R"({"failed-session-count": )" +
                                     QByteArray(bad) + "}"))
                << QStringLiteral("error: malformed: policy 1: failure detail 2: "
                                  "failed-session-count is ");
        }

        // Duplicate keys: the last one wins, bad counts included.
        QTest::newRow("duplicate organization-name")
            << report(policy(), R"(, "organization-name": " Second ")")
            << QStringLiteral("Second") + kOne.sliced(3);
        QTest::newRow("duplicate report-id, the last not a string")
            << report(policy(), R"(, "report-id": 7)") << QStringLiteral("Org|") + kOne.sliced(7);
        QTest::newRow("duplicate count: a bad one replaced")
            << report(policy(R"("total-successful-session-count": -1, )"
                             R"("total-successful-session-count": 10, )"
                             R"("total-failure-session-count": 2)"))
            << kOne;
        QTest::newRow("duplicate count: a good one replaced by a bad one")
            << report(policy(R"("total-successful-session-count": 10, )"
                             R"("total-failure-session-count": 2, )"
                             R"("total-successful-session-count": "10")"))
            << QStringLiteral("error: malformed: policy 1: total-successful-session-count is not a "
                              "number");
        QTest::newRow("duplicate summary: the last one whole")
            << report(policy(R"("total-failure-session-count": 2}, "summary": {)"
                             R"("total-successful-session-count": 10)"))
            << kHead + QStringLiteral("; mydomain.de|sts s=10 f=0 certificate-expired:2");
        QTest::newRow("duplicate summary: a bad one replaced")
            << report(policy(R"("total-failure-session-count": 2.5}, "summary": {)"
                             R"("total-successful-session-count": 10, )"
                             R"("total-failure-session-count": 2)"))
            << kOne;
        QTest::newRow("duplicate failure-details")
            << report(policy().replace(R"(]})", R"(], "failure-details": []})"))
            << kHead + QStringLiteral("; mydomain.de|sts s=10 f=2");
        QTest::newRow("duplicate policy")
            << report(policy().replace(R"(}, "summary")",
                                       R"(}, "policy": {"policy-domain": "b.de"}, "summary")"))
            << kHead + QStringLiteral("; b.de|other s=10 f=2 certificate-expired:2");
        QTest::newRow("duplicate policies: a bad array replaced")
            << report(policy(R"("total-successful-session-count": -5)"),
                      R"(, "policies": [)" + policy() + "]")
            << kOne;
        QTest::newRow("duplicate policies: the last one not an array")
            << report(policy(), R"(, "policies": {})")
            << QStringLiteral("error: malformed: \"policies\" is missing or not an array");

        // Unknown keys are ignored at every level, whatever they hold.
        QTest::newRow("unknown keys")
            << report(policy(R"("x": [{"y": [[]]}], "total-successful-session-count": 10, )"
                             R"("total-failure-session-count": 2, "z": null)",
                             R"({"result-type": "certificate-expired", "extra": {"a": [1, 2]}, )"
                             R"("failed-session-count": 2, "sending-mta-ip": "192.0.2.1"})",
                             R"("policy-type": "sts", "policy-string": ["version: STSv1"], )"
                             R"("policy-domain": "mydomain.de", "z": {})")
                          .replace(R"({"policy")", R"({"what": true, "policy")"),
                      R"(, "extension": {"deep": [[[{"policies": 5}]]]}, "x": -1.5e3)")
            << kOne;

        // policies
        QTest::newRow("policies empty") << report(QByteArray()) << kHead;
        QTest::newRow("policies elements that are not objects skipped")
            << report("1, \"a\", null, [], " + policy() + ", true") << kOne;
        QTest::newRow("policies missing")
            << QByteArray(R"({"organization-name": "Org", "report-id": "r-1"})")
            << QStringLiteral("error: malformed: \"policies\" is missing or not an array");
        QTest::newRow("policies an object")
            << QByteArray(R"({"policies": {"policy": {}}})")
            << QStringLiteral("error: malformed: \"policies\" is missing or not an array");
        QTest::newRow("policies null")
            << QByteArray(R"({"policies": null})")
            << QStringLiteral("error: malformed: \"policies\" is missing or not an array");

        // The text itself.
        QTest::newRow("BOM and blanks") << "\xef\xbb\xbf \r\n\t" + report(policy()) + "\n " << kOne;
        QTest::newRow("escapes and non-ASCII")
            << report(policy(), QByteArray(R"(, "organization-name": "Caf\u00e9 \"X\" )") +
                                    "\xc3\xa9 \\ud83d\\ude00 \\ud83d \\n\\/\"")
            << QStringLiteral("Caf\u00e9 \"X\" \u00e9 \U0001F600 \uFFFD \n/") + kOne.sliced(3);
        QTest::newRow("invalid UTF-8 in a string")
            << report(policy(), ", \"organization-name\": \"a\xff"
                                "b\"")
            << QStringLiteral("a\uFFFDb") + kOne.sliced(3);
        QTest::newRow("not an object") << QByteArray("[]")
                                       << QStringLiteral("error: malformed: a TLS report is a JSON "
                                                         "object");
        QTest::newRow("empty") << QByteArray()
                               << QStringLiteral("error: malformed: JSON line 1, column 1: a value "
                                                 "expected, the text ends");
        QTest::newRow("broken: missing comma")
            << QByteArray("{\n  \"policies\": []\n  \"report-id\": \"x\"\n}")
            << QStringLiteral("error: malformed: JSON line 3, column 3: ',' or '}' expected");
        QTest::newRow("broken: truncated")
            << report(policy()).chopped(2) << QStringLiteral("error: malformed: JSON line 1");
        QTest::newRow("broken: content after the object")
            << report(policy()) + "{}" << QStringLiteral("error: malformed: JSON line 1, column ");
        QTest::newRow("broken: control character in a string")
            << QByteArray("{\"policies\": [], \"a\": \"x\ty\"}")
            << QStringLiteral("error: malformed: JSON line 1, column 25: a control character");
        QTest::newRow("broken: bad escape")
            << QByteArray(R"({"policies": [], "a": "\x41"})")
            << QStringLiteral("error: malformed: JSON line 1, column ");
        QTest::newRow("broken: bad number in an unknown key")
            << QByteArray(R"({"policies": [], "a": 01})")
            << QStringLiteral("error: malformed: JSON line 1, column ");
        QTest::newRow("broken: single quotes")
            << QByteArray(R"({'policies': []})")
            << QStringLiteral("error: malformed: JSON line 1, column 2: a member name expected");
        QTest::newRow("broken: trailing comma")
            << QByteArray(R"({"policies": [1,]})")
            << QStringLiteral("error: malformed: JSON line 1, column 17: a value expected");
        QTest::newRow("broken: deeply nested unknown value")
            << QByteArray(R"({"policies": [], "x": )") + QByteArray(100000, '[')
            << QStringLiteral("error: malformed: JSON line 1");
        QTest::newRow("deeply nested unknown value, closed")
            << report(policy(), ", \"x\": " + QByteArray(100000, '[') + QByteArray(100000, ']'))
            << kOne;
    }

    void reads()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, expected);
        const QString whole = readInChunks(json, 0);
        if (expected.startsWith(QLatin1String("error: ")))
            QVERIFY2(whole.startsWith(expected), qPrintable(whole));
        else
            QCOMPARE(whole, expected);
        for (const qsizetype chunk : {1, 2, 3, 7, 64, 4093})
            QCOMPARE(readInChunks(json, chunk), whole);
        QCOMPARE(summary(parseTlsReport(json, kLimit)), whole);
    }

    // The size limit holds before anything is read (docs/counting.md section 8.2).
    void sizeLimit()
    {
        const QByteArray json = report(policy());
        QCOMPARE(readInChunks(json, 0, json.size()), kOne);
        QCOMPARE(readInChunks(json, 5, json.size()), kOne);
        const QString tooLarge = QStringLiteral("error: too_large: the TLS report is larger than "
                                                "the limit of %1 bytes")
                                     .arg(json.size() - 1);
        QCOMPARE(readInChunks(json, 0, json.size() - 1), tooLarge);
        QCOMPARE(readInChunks(json, 5, json.size() - 1), tooLarge);

        TlsReportReader reader(10);
        QVERIFY(reader.addData("{\"polic"));
        QVERIFY(!reader.addData("ies\": []}"));
        QVERIFY(!reader.addData("more"));
        QCOMPARE(reader.finish().error().code, QStringLiteral("too_large"));
    }

    // Saturating sums: counters never wrap around.
    void hugeSums()
    {
        QByteArray policies;
        for (int i = 0; i < 3000; ++i)
            policies += (i ? "," : "") +
                        policy(R"("total-successful-session-count": 9007199254740992)", "");
        const Result<TlsReport> read = parseTlsReport(report(policies), kLimit);
        QVERIFY(read.ok());
        QCOMPARE(read->policies.size(), 1);
        QCOMPARE(read->policies.constFirst().successfulSessions,
                 std::numeric_limits<quint64>::max());
    }
};

QTEST_GUILESS_MAIN(TestTlsReport)
#include "tst_tlsreport.moc"
