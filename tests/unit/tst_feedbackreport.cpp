#include "failurereport/failurereport.h"

#include <QTest>

using namespace Dmarc;

namespace {

// "reported_domain|auth_failure|identity_alignment|delivery_result", or "none" when the fields
// are no failure report.
QString labels(QByteArrayView fields)
{
    const std::optional<FailureReport> report = readFailureReport(fields);
    if (!report)
        return QStringLiteral("none");
    return QStringList{report->reportedDomain, report->authFailure, report->identityAlignment,
                       report->deliveryResult}
        .join(u'|');
}

QByteArray withField(const QByteArray &field)
{
    return "Feedback-Type: auth-failure\r\nVersion: 1\r\n" + field + "\r\n";
}

} // namespace

class TestFeedbackReport : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // One row per rule of docs/counting.md section 8.3.
    void fields_data()
    {
        QTest::addColumn<QByteArray>("fields");
        QTest::addColumn<QString>("expected");

        // Which feedback reports are failure reports.
        QTest::newRow("auth-failure") << withField("") << QStringLiteral("|other||");
        QTest::newRow("feedback type in any case, with a comment")
            << QByteArray("feedback-type:  AUTH-Failure (DMARC)\nReported-Domain: a.de\n")
            << QStringLiteral("a.de|other||");
        for (const char *type : {"abuse", "fraud", "virus", "not-spam", "other", ""}) {
            QTest::addRow("feedback type %s is no failure report", type)
                << QByteArray("Feedback-Type: " + QByteArray(type) +
                              "\r\nReported-Domain: a.de\r\nAuth-Failure: dmarc\r\n")
                << QStringLiteral("none");
        }
        QTest::newRow("no feedback type")
            << QByteArray("Reported-Domain: a.de\r\n") << QStringLiteral("none");
        QTest::newRow("empty") << QByteArray() << QStringLiteral("none");

        // reported_domain
        QTest::newRow("Reported-Domain normalised") << withField("Reported-Domain:  MyDomain.DE. ")
                                                    << QStringLiteral("mydomain.de|other||");
        QTest::newRow("Reported-Domain: the first one wins")
            << withField("REPORTED-DOMAIN: first.example\r\nReported-Domain: second.example")
            << QStringLiteral("first.example|other||");

        // auth_failure
        for (const char *failure :
             {"dmarc", "dkim", "spf", "bodyhash", "revoked", "signature", "adsp"}) {
            QTest::addRow("Auth-Failure %s", failure)
                << withField("Auth-Failure: " + QByteArray(failure).toUpper())
                << QStringLiteral("|%1||").arg(QLatin1String(failure));
        }
        QTest::newRow("Auth-Failure unknown")
            << withField("Auth-Failure: arc") << QStringLiteral("|other||");
        QTest::newRow("Auth-Failure empty")
            << withField("Auth-Failure:") << QStringLiteral("|other||");
        QTest::newRow("Auth-Failure: the first one wins")
            << withField("Auth-Failure: spf\r\nAuth-Failure: dkim") << QStringLiteral("|spf||");

        // identity_alignment (RFC 9991)
        const QList<QPair<QByteArray, QString>> alignments{
            {"none", QStringLiteral("none")},
            {"NONE", QStringLiteral("none")},
            {"dkim", QStringLiteral("dkim")},
            {"SPF", QStringLiteral("spf")},
            {"dkim, spf", QStringLiteral("dkim,spf")},
            {"spf, DKIM", QStringLiteral("dkim,spf")},
            {"spf,dkim,spf", QStringLiteral("dkim,spf")},
            {"spf dkim", QStringLiteral("dkim,spf")},
            {"dkim, arc", QStringLiteral("dkim")},
            {"arc", QString()},
            {"", QString()},
            {"dkim (signature d=a.de)", QStringLiteral("dkim")}};
        for (const auto &[value, label] : alignments) {
            QTest::addRow("Identity-Alignment \"%s\"", value.constData())
                << withField("Identity-Alignment: " + value)
                << QStringLiteral("|other|%1|").arg(label);
        }
        QTest::newRow("Identity-Alignment folded")
            << withField("Identity-Alignment: spf,\r\n  DKIM")
            << QStringLiteral("|other|dkim,spf|");
        QTest::newRow("Identity-Alignment missing (RFC 6591)")
            << withField("Auth-Failure: dkim") << QStringLiteral("|dkim||");

        // delivery_result
        for (const char *result : {"delivered", "spam", "policy", "reject", "other"}) {
            QTest::addRow("Delivery-Result %s", result)
                << withField("Delivery-Result:" + QByteArray(result).toUpper())
                << QStringLiteral("|other||%1").arg(QLatin1String(result));
        }
        QTest::newRow("Delivery-Result unknown")
            << withField("Delivery-Result: quarantined") << QStringLiteral("|other||other");
        QTest::newRow("Delivery-Result with a comment")
            << withField("Delivery-Result: reject (refused at SMTP time)")
            << QStringLiteral("|other||reject");

        // The field block: folded lines, line ends, case, what is not a field.
        QTest::newRow("a whole RFC 9991 report, LF line ends")
            << QByteArray("Feedback-Type: auth-failure\n"
                          "User-Agent: Reporter/1.0\n"
                          "Version: 1\n"
                          "Original-Mail-From: <bounce@sender.example>\n"
                          "Original-Rcpt-To: <someone@receiver.example>\n"
                          "Arrival-Date: Mon, 4 Mar 2024 10:14:58 +0000\n"
                          "Source-IP: 198.51.100.7\n"
                          "Authentication-Results: mx.receiver.example; dmarc=fail\n"
                          "  header.from=mydomain.de\n"
                          "reported-domain: mydomain.de\n"
                          "auth-failure: dmarc\n"
                          "identity-alignment: spf\n"
                          "delivery-result: spam\n")
            << QStringLiteral("mydomain.de|dmarc|spf|spam");
        QTest::newRow("folded values, blank lines and junk lines")
            << QByteArray("Feedback-Type:\r\n auth-failure\r\n\r\nnot a field\r\n"
                          "Reported-Domain: sub.\r\n\tmydomain.de\r\n: no name\r\n"
                          "Auth-Failure: bodyhash\r\n")
            << QStringLiteral("sub.\tmydomain.de|bodyhash||");
    }

    void fields()
    {
        QFETCH(QByteArray, fields);
        QFETCH(QString, expected);
        QCOMPARE(labels(fields), expected);
        // CRLF or LF line ends read the same.
        QCOMPARE(labels(QByteArray(fields).replace("\r\n", "\n")), expected);
    }

    // Nothing of the sample message or the sender ends up in the value (docs/counting.md 8.3).
    void noPersonalData()
    {
        const std::optional<FailureReport> report = readFailureReport(
            "Feedback-Type: auth-failure\r\nOriginal-Mail-From: <alice@sender.example>\r\n"
            "Source-IP: 198.51.100.7\r\nReported-Domain: mydomain.de\r\n"
            "Reported-URI: mailto:bob@mydomain.de\r\n");
        QVERIFY(report);
        for (const QString &value : {report->reportedDomain, report->authFailure,
                                     report->identityAlignment, report->deliveryResult}) {
            QVERIFY(!value.contains(QLatin1String("alice")));
            QVERIFY(!value.contains(QLatin1String("bob")));
            QVERIFY(!value.contains(QLatin1String("198.51")));
        }
        QVERIFY(report->source.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestFeedbackReport)
#include "tst_feedbackreport.moc"
