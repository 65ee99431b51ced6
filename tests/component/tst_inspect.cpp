#include "reportfixtures.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

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
            << QStringList{QStringLiteral("error (counted as invalid)"),
                           QStringLiteral("bad.xml: [malformed] XML line 5, column 62: "),
                           QStringLiteral("<count> is \"-3\", not a number of messages")};
        QTest::newRow("truncated gzip")
            << QStringLiteral("t.xml.gz") << gzip(xml).left(40) << 1
            << QStringList{QStringLiteral(
                   "t.xml.gz: [corrupt_archive] gzip: the compressed data ends early")};
        QTest::newRow("email without report")
            << QStringLiteral("none.eml") << email({Part{"Content-Type: text/plain", "hello"}}) << 1
            << QStringList{QStringLiteral("no report attachment found")};
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
    }

    void json()
    {
        const QString good = write(QStringLiteral("good.xml.gz"), gzip(feedback()));
        const QString bad = write(QStringLiteral("bad.xml"), "<feedback><record>");
        const Run run = inspect({QStringLiteral("--json"), good, bad});
        QCOMPARE(run.exitCode, 1);
        const QJsonArray files = QJsonDocument::fromJson(run.out.toUtf8()).array();
        QCOMPARE(files.size(), 2);
        const QJsonObject first = files.at(0).toObject();
        QCOMPARE(first.value(QStringLiteral("verdict")).toString(), QStringLiteral("done"));
        const QJsonObject report =
            first.value(QStringLiteral("reports")).toArray().at(0).toObject();
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
        const QJsonObject second = files.at(1).toObject();
        QCOMPARE(second.value(QStringLiteral("verdict")).toString(), QStringLiteral("error"));
        const QJsonObject failure =
            second.value(QStringLiteral("failures")).toArray().at(0).toObject();
        QCOMPARE(failure.value(QStringLiteral("code")).toString(), QStringLiteral("malformed"));
        QVERIFY(failure.value(QStringLiteral("reason"))
                    .toString()
                    .startsWith(QLatin1String("XML line 1, column 18")));
    }

    void exitCodes()
    {
        QCOMPARE(inspect({}).exitCode, 2);
        QCOMPARE(inspect({m_dir.filePath(QStringLiteral("missing.xml"))}).exitCode, 1);
        const QString good = write(QStringLiteral("ok.xml"), feedback());
        QCOMPARE(inspect({good, good}).exitCode, 0);
    }
};

QTEST_GUILESS_MAIN(TestInspect)
#include "tst_inspect.moc"
