#include "common/log.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Dmarc;

class TestLog : public QObject
{
    Q_OBJECT
    const QDateTime m_time = QDateTime(QDate(2026, 11, 26), QTime(20, 1, 2, 345), Qt::UTC);

private Q_SLOTS:
    void jsonLineCarriesTheFields()
    {
        const QString line =
            Log::formatLine(Log::Format::Json, QtInfoMsg, QStringLiteral("dmarc.app"),
                            QStringLiteral("Email processed"),
                            {{QStringLiteral("account"), QStringLiteral("main")},
                             {QStringLiteral("from"), QStringLiteral("noreply@google.com")},
                             {QStringLiteral("outcome"), QStringLiteral("done")}},
                            m_time);
        QVERIFY(!line.contains(QLatin1Char('\n')));
        const QJsonObject object = QJsonDocument::fromJson(line.toUtf8()).object();
        QCOMPARE(object.value(QStringLiteral("time")).toString(),
                 QStringLiteral("2026-11-26T20:01:02.345Z"));
        QCOMPARE(object.value(QStringLiteral("level")).toString(), QStringLiteral("info"));
        QCOMPARE(object.value(QStringLiteral("category")).toString(), QStringLiteral("dmarc.app"));
        QCOMPARE(object.value(QStringLiteral("message")).toString(),
                 QStringLiteral("Email processed"));
        QCOMPARE(object.value(QStringLiteral("account")).toString(), QStringLiteral("main"));
        QCOMPARE(object.value(QStringLiteral("outcome")).toString(), QStringLiteral("done"));
    }

    void plainLineQuotesValuesWithBlanks()
    {
        const QString line =
            Log::formatLine(Log::Format::Plain, QtWarningMsg, QStringLiteral("dmarc.imap"),
                            QStringLiteral("Mailbox check failed"),
                            {{QStringLiteral("account"), QStringLiteral("main")},
                             {QStringLiteral("error"), QStringLiteral("connection \"refused\"")}},
                            m_time.toLocalTime());
        QVERIFY(
            line.startsWith(m_time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))));
        QVERIFY(line.contains(QStringLiteral("[warning]  Mailbox check failed")));
        QVERIFY(line.contains(
            QStringLiteral("[dmarc.imap] account=main error=\"connection \\\"refused\\\"\"")));
        QVERIFY(!line.contains(QStringLiteral("\x1b[")));
    }

    // What comes from an email (a report_id, a Subject) can neither split a line nor send an
    // escape sequence to the terminal.
    void controlCharactersAreEscaped_data()
    {
        QTest::addColumn<int>("format");
        QTest::newRow("plain") << int(Log::Format::Plain);
        QTest::newRow("colored") << int(Log::Format::Colored);
    }

    void controlCharactersAreEscaped()
    {
        QFETCH(int, format);
        const QString hostile = QStringLiteral("id\n2026-11-26 [info] forged\x1b[2J\r\t\x7f") +
                                QChar(0x9b) + QStringLiteral("31m");
        const QString line = Log::formatLine(
            Log::Format(format), QtInfoMsg, QStringLiteral("dmarc.report"),
            QStringLiteral("Processing ") + hostile,
            {{QStringLiteral("report_id"), hostile}, {QStringLiteral("subject"), hostile}}, m_time);
        QVERIFY(!line.contains(QLatin1Char('\n')));
        QVERIFY(!line.contains(QLatin1Char('\r')));
        QVERIFY(!line.contains(QLatin1Char('\t')));
        QVERIFY(!line.contains(QChar(0x7f)));
        QVERIFY(!line.contains(QChar(0x9b)));
        // The only escape characters are the level's colour.
        const int colours = format == int(Log::Format::Colored) ? 2 : 0;
        QCOMPARE(line.count(QChar(0x1b)), colours);
        const QString escaped =
            QStringLiteral("id\\n2026-11-26 [info] forged\\x1b[2J\\r\\t\\x7f\\x9b31m");
        QVERIFY2(line.contains(QStringLiteral("Processing ") + escaped), qPrintable(line));
        QVERIFY2(line.contains(QStringLiteral("report_id=\"") + escaped + QLatin1Char('"')),
                 qPrintable(line));
    }

    void jsonEscapesControlCharacters()
    {
        const QString hostile = QStringLiteral("a\nb\x1b[2Jc\x7f") + QChar(0x85);
        const QString line =
            Log::formatLine(Log::Format::Json, QtInfoMsg, QStringLiteral("dmarc.app"), hostile,
                            {{QStringLiteral("subject"), hostile}}, m_time);
        for (const QChar c : line)
            QVERIFY2(c.unicode() >= 0x20 && (c.unicode() < 0x7f || c.unicode() > 0x9f),
                     qPrintable(line));
        const QJsonObject object = QJsonDocument::fromJson(line.toUtf8()).object();
        QCOMPARE(object.value(QStringLiteral("message")).toString(), hostile);
        QCOMPARE(object.value(QStringLiteral("subject")).toString(), hostile);
    }

    // One huge value (the failures of an email with thousands of parts) cannot make a line of
    // megabytes.
    void longValuesAreCut_data()
    {
        QTest::addColumn<int>("format");
        QTest::newRow("plain") << int(Log::Format::Plain);
        QTest::newRow("json") << int(Log::Format::Json);
    }

    void longValuesAreCut()
    {
        QFETCH(int, format);
        const QString huge(1000000, QLatin1Char('x'));
        const QString line =
            Log::formatLine(Log::Format(format), QtWarningMsg, QStringLiteral("dmarc.app"), huge,
                            {{QStringLiteral("reason"), huge}}, m_time);
        QVERIFY2(line.size() < 3 * Log::kMaxValueLength, qPrintable(line.right(200)));
        const QString missing =
            QStringLiteral("\u2026 (%1 more characters)").arg(huge.size() - Log::kMaxValueLength);
        QCOMPARE(line.count(missing), 2);
        QVERIFY(line.contains(QString(Log::kMaxValueLength, QLatin1Char('x')) + missing));
    }

    void coloredLineHasAnsiColours()
    {
        const QString line =
            Log::formatLine(Log::Format::Colored, QtCriticalMsg, QStringLiteral("dmarc.store"),
                            QStringLiteral("x"), {}, m_time);
        QVERIFY(line.contains(QStringLiteral("\x1b[31;1m[error]")));
    }
};

QTEST_GUILESS_MAIN(TestLog)
#include "tst_log.moc"
