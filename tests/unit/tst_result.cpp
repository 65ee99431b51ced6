#include "common/result.h"

#include <QTest>

using namespace Dmarc;

namespace {

Result<int> parsePositive(int value)
{
    if (value <= 0)
        return Error{QStringLiteral("range"), QStringLiteral("value must be positive")};
    return value;
}

} // namespace

class TestResult : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void valueAndError()
    {
        const Result<int> good = parsePositive(3);
        QVERIFY(good.ok());
        QCOMPARE(*good, 3);
        const Result<int> bad = parsePositive(-1);
        QVERIFY(!bad);
        QCOMPARE(bad.error().code, QStringLiteral("range"));
        QCOMPARE(bad.error().message, QStringLiteral("value must be positive"));
    }

    void voidResult()
    {
        const Result<void> done;
        QVERIFY(done.ok());
        const Result<void> failed(Error{QStringLiteral("io"), QStringLiteral("disk full")});
        QVERIFY(!failed.ok());
        QCOMPARE(failed.error().message, QStringLiteral("disk full"));
    }

    void movesOutTheValue()
    {
        Result<QString> text(QStringLiteral("payload"));
        const QString moved = std::move(text).value();
        QCOMPARE(moved, QStringLiteral("payload"));
    }
};

QTEST_GUILESS_MAIN(TestResult)
#include "tst_result.moc"
