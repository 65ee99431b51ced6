#include "gunzip.h"
#include "metrics/gzipencoder.h"

#include <QRandomGenerator>
#include <QTest>

#include <zlib.h>

using Dmarc::GzipEncoder;
using Dmarc::Result;

namespace {

QByteArray exposition(int lines)
{
    QByteArray text;
    for (int i = 0; i < lines; ++i) {
        text += "dmarc_total{dkim_domain=\"d.example\",from_domain=\"d.example\",reporter=\"org " +
                QByteArray::number(i) + "\",spf_domain=\"\"} " + QByteArray::number(i * 7) + '\n';
    }
    return text;
}

QByteArray incompressible(qsizetype size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    QRandomGenerator generator(42);
    for (char &byte : bytes)
        byte = char(generator.bounded(256));
    return bytes;
}

quint32 littleEndian32(const QByteArray &bytes, qsizetype at)
{
    quint32 value = 0;
    for (int i = 3; i >= 0; --i)
        value = (value << 8) | quint8(bytes.at(at + i));
    return value;
}

} // namespace

class TestGzipEncoder : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void headAndFinishAreOneMember_data()
    {
        QTest::addColumn<QByteArray>("prefix");
        QTest::addColumn<QByteArray>("ending");
        QTest::newRow("both empty") << QByteArray() << QByteArray();
        QTest::newRow("prefix only") << exposition(3) << QByteArray();
        QTest::newRow("ending only") << QByteArray() << exposition(3);
        QTest::newRow("both") << exposition(500) << QByteArray("process_open_fds 7\n");
        QTest::newRow("incompressible")
            << incompressible(300 * 1024) << incompressible(70 * 1024).toHex();
    }

    void headAndFinishAreOneMember()
    {
        QFETCH(QByteArray, prefix);
        QFETCH(QByteArray, ending);
        const Result<GzipEncoder> encoder = GzipEncoder::start(prefix);
        QVERIFY(encoder.ok());
        QVERIFY(encoder->head().startsWith("\x1f\x8b\x08"));
        const Result<QByteArray> tail = encoder->finish(ending);
        QVERIFY(tail.ok());
        // zlib checks the CRC and the size in the trailer, and that there is exactly one member.
        const QByteArray member = encoder->head() + tail.value();
        QCOMPARE(Dmarc::Test::gunzip(member), prefix + ending);

        const QByteArray whole = prefix + ending;
        const quint32 crc = quint32(
            crc32(0L, reinterpret_cast<const Bytef *>(whole.constData()), uInt(whole.size())));
        QCOMPARE(littleEndian32(member, member.size() - 8), crc);
        QCOMPARE(littleEndian32(member, member.size() - 4), quint32(whole.size()));
    }

    void oneHeadServesManyEndings()
    {
        const QByteArray prefix = exposition(200);
        const Result<GzipEncoder> encoder = GzipEncoder::start(prefix);
        QVERIFY(encoder.ok());
        const QByteArray head = encoder->head();
        for (const QByteArray &ending :
             {QByteArray("process_cpu_seconds_total 0.1\n"), QByteArray(),
              QByteArray("process_cpu_seconds_total 12.75\nprocess_open_fds 9\n")}) {
            const Result<QByteArray> tail = encoder->finish(ending);
            QVERIFY(tail.ok());
            QCOMPARE(Dmarc::Test::gunzip(head + tail.value()), prefix + ending);
        }
        QCOMPARE(encoder->head(), head);
        QVERIFY(head.size() < prefix.size() / 5);
    }

    void sameContentSameBytes()
    {
        // No timestamp in the header: a cached body compresses to the same bytes every time.
        const QByteArray prefix = exposition(50);
        const Result<GzipEncoder> first = GzipEncoder::start(prefix);
        const Result<GzipEncoder> second = GzipEncoder::start(prefix);
        QVERIFY(first.ok() && second.ok());
        QCOMPARE(first->head(), second->head());
        QCOMPARE(first->head().left(10),
                 QByteArray("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10));
    }

    void aWrongTrailerIsRefused()
    {
        // The check above would notice a wrong CRC: gunzip refuses one.
        const Result<GzipEncoder> encoder = GzipEncoder::start(exposition(10));
        QVERIFY(encoder.ok());
        const Result<QByteArray> tail = encoder->finish(QByteArray("x 1\n"));
        QVERIFY(tail.ok());
        QByteArray member = encoder->head() + tail.value();
        member[member.size() - 8] = char(member.at(member.size() - 8) ^ 0x01);
        QVERIFY(Dmarc::Test::gunzip(member).isNull());
    }
};

QTEST_GUILESS_MAIN(TestGzipEncoder)
#include "tst_gzipencoder.moc"
