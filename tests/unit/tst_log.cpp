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
