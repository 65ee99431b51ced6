// Source IPs in one spelling per address, and the CIDR blocks of source classes
// (docs/counting.md section 10.1).

#include "sources/sourceclasses.h"
#include "sources/sourceip.h"

#include <QTest>

using namespace Dmarc;

class TestSourceIp : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void normalizes_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        const auto row = [](const char *name, const char *text, const char *expected) {
            QTest::newRow(name) << QString::fromUtf8(text) << QString::fromUtf8(expected);
        };
        row("ipv4", "192.0.2.1", "192.0.2.1");
        row("ipv4 edges", "0.0.0.0", "0.0.0.0");
        row("ipv4 broadcast", "255.255.255.255", "255.255.255.255");
        row("ipv4 white space", " \t192.0.2.1\r\n ", "192.0.2.1");
        row("ipv4 leading zero", "192.0.2.01", "");
        row("ipv4 padded", "192.000.002.001", "");
        row("ipv4 part too large", "192.0.2.256", "");
        row("ipv4 three parts", "127.0.1", "");
        row("ipv4 one number", "3221225985", "");
        row("ipv4 five parts", "192.0.2.1.5", "");
        row("ipv4 empty part", "192..2.1", "");
        row("ipv4 hex", "0xc0.0.2.1", "");
        row("ipv4 sign", "+192.0.2.1", "");
        row("ipv4 trailing dot", "192.0.2.1.", "");
        row("ipv4 with port", "192.0.2.1:25", "");
        row("ipv4 with prefix", "192.0.2.1/32", "");
        row("ipv4 inner space", "192.0. 2.1", "");
        row("ipv4 arabic-indic digits", "\xd9\xa1.0.2.1", "");
        row("ipv6 lower case", "2001:DB8::1", "2001:db8::1");
        row("ipv6 leading zeros in fields", "2001:0db8:0000:0000:0000:0000:0000:0001",
            "2001:db8::1");
        row("ipv6 longest run", "2001:db8:0:0:1:0:0:0", "2001:db8:0:0:1::");
        row("ipv6 first of equal runs", "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1");
        row("ipv6 single zero field kept", "2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1");
        row("ipv6 written with a single-field ::", "2001:db8::1:1:1:1:1", "2001:db8:0:1:1:1:1:1");
        row("ipv6 all zero", "0:0:0:0:0:0:0:0", "::");
        row("ipv6 loopback", "0:0:0:0:0:0:0:1", "::1");
        row("ipv6 leading run", "0:0:0:1:2:3:4:5", "::1:2:3:4:5");
        row("ipv6 white space", "  2001:db8::a  ", "2001:db8::a");
        row("ipv6 hex upper", "FE80::ABCD", "fe80::abcd");
        row("ipv4-mapped", "::ffff:192.0.2.1", "192.0.2.1");
        row("ipv4-mapped hex", "::FFFF:C000:0201", "192.0.2.1");
        row("ipv4-mapped long form", "0:0:0:0:0:ffff:192.0.2.1", "192.0.2.1");
        row("ipv4-compatible stays ipv6", "::192.0.2.1", "::c000:201");
        row("nat64 stays ipv6", "64:ff9b::192.0.2.1", "64:ff9b::c000:201");
        row("zone id", "fe80::1%eth0", "");
        row("brackets", "[2001:db8::1]", "");
        row("bracketed with port", "[2001:db8::1]:25", "");
        row("ipv6 with prefix", "2001:db8::/32", "");
        row("two ::", "2001::db8::1", "");
        row("field too long", "2001:db8::12345", "");
        row("nine fields", "1:2:3:4:5:6:7:8:9", "");
        row("letters", "not an address", "");
        row("host name", "mail.example.com", "");
        row("empty", "", "");
        row("white space only", " \n ", "");
    }

    void normalizes()
    {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        QCOMPARE(normalizeSourceIp(text), expected);
    }

    void subnets_data()
    {
        QTest::addColumn<QString>("cidr");
        QTest::addColumn<QString>("inside");
        QTest::addColumn<QString>("outside");
        const auto row = [](const char *cidr, const char *inside, const char *outside) {
            QTest::newRow(cidr) << QString::fromLatin1(cidr) << QString::fromLatin1(inside)
                                << QString::fromLatin1(outside);
        };
        row("192.0.2.0/24", "192.0.2.255", "192.0.3.0");
        row("10.0.0.0/8", "10.255.0.1", "11.0.0.0");
        row("0.0.0.0/0", "203.0.113.9", "2001:db8::1");
        row("192.0.2.7", "192.0.2.7", "192.0.2.8");
        row("192.0.2.7/32", "192.0.2.7", "192.0.2.6");
        row("2001:db8::/32", "2001:db8:ffff::1", "2001:db9::1");
        row("2001:DB8:0:0::/64", "2001:db8::abcd", "2001:db8:0:1::1");
        row("2001:db8::5", "2001:db8::5", "2001:db8::6");
        row("::/0", "2001:db8::1", "192.0.2.1");
        row("::ffff:192.0.2.0/120", "192.0.2.200", "192.0.3.1");
        row(" 198.51.100.0/24 ", "198.51.100.1", "198.51.101.1");
    }

    void subnets()
    {
        QFETCH(QString, cidr);
        QFETCH(QString, inside);
        QFETCH(QString, outside);
        const auto subnet = parseSourceSubnet(cidr);
        QVERIFY2(subnet.ok(), qPrintable(subnet.ok() ? QString() : subnet.error().message));
        QVERIFY(subnet->contains(QHostAddress(normalizeSourceIp(inside))));
        QVERIFY(!subnet->contains(QHostAddress(normalizeSourceIp(outside))));
    }

    void badSubnets_data()
    {
        QTest::addColumn<QString>("cidr");
        QTest::addColumn<QString>("why");
        const auto row = [](const char *cidr, const char *why) {
            QTest::newRow(cidr) << QString::fromLatin1(cidr) << QString::fromLatin1(why);
        };
        row("192.0.2.0/33", "the prefix length \"33\" is not a number from 0 to 32");
        row("2001:db8::/129", "the prefix length \"129\" is not a number from 0 to 128");
        row("192.0.2.0/-1", "the prefix length \"-1\"");
        row("192.0.2.0/", "the prefix length \"\"");
        row("192.0.2.0/24/8", "the prefix length \"24/8\"");
        row("192.0.2.0/255.255.255.0", "the prefix length \"255.255.255.0\"");
        row("192.0.2.1/24", "bits are set past the prefix length (the block is 192.0.2.0/24)");
        row("2001:db8::1/32", "bits are set past the prefix length (the block is 2001:db8::/32)");
        row("192.0.2/24", "\"192.0.2\" is not an IPv4 or IPv6 address");
        row("office", "\"office\" is not an IPv4 or IPv6 address");
        row("", "\"\" is not an IPv4 or IPv6 address");
        row("::ffff:192.0.2.0/64", "a block of IPv4-mapped addresses needs a prefix length of 96");
        row("fe80::/10%eth0", "the prefix length \"10%eth0\"");
    }

    void badSubnets()
    {
        QFETCH(QString, cidr);
        QFETCH(QString, why);
        const auto subnet = parseSourceSubnet(cidr);
        QVERIFY(!subnet.ok());
        QVERIFY2(subnet.error().message.contains(why), qPrintable(subnet.error().message));
        QVERIFY2(
            subnet.error().message.startsWith(QLatin1Char('"') + cidr.trimmed() + QLatin1Char('"')),
            qPrintable(subnet.error().message));
    }

    void firstClassInFileOrderWins()
    {
        const auto classes = SourceClasses::fromSettings(
            {{QStringLiteral("office"),
              {QStringLiteral("192.0.2.0/25"), QStringLiteral("2001:db8::/32")}},
             {QStringLiteral("datacenter"), {QStringLiteral("192.0.2.0/24")}},
             {QStringLiteral("everything"), {QStringLiteral("0.0.0.0/0")}}});
        QVERIFY(classes.ok());
        QCOMPARE(classes->classOf(QStringLiteral("192.0.2.1")), QStringLiteral("office"));
        QCOMPARE(classes->classOf(QStringLiteral("192.0.2.200")), QStringLiteral("datacenter"));
        QCOMPARE(classes->classOf(QStringLiteral("203.0.113.1")), QStringLiteral("everything"));
        QCOMPARE(classes->classOf(QStringLiteral("2001:db8:1::1")), QStringLiteral("office"));
        QCOMPARE(classes->classOf(QStringLiteral("2001:db9::1")), std::nullopt);
        QCOMPARE(classes->classOf(QString()), std::nullopt);
    }

    // The record's IP goes through normalizeSourceIp() first, so an IPv4 block holds the
    // IPv4-mapped form of its addresses.
    void ipv4BlockHoldsMappedAddress()
    {
        const auto classes = SourceClasses::fromSettings(
            {{QStringLiteral("office"), {QStringLiteral("192.0.2.0/24")}}});
        QVERIFY(classes.ok());
        QCOMPARE(classes->classOf(normalizeSourceIp(QStringLiteral("::ffff:192.0.2.9"))),
                 QStringLiteral("office"));
        QCOMPARE(classes->classOf(QStringLiteral("::ffff:c000:209")), std::nullopt);
    }

    void badClassesNameClassAndValue()
    {
        const auto classes = SourceClasses::fromSettings(
            {{QStringLiteral("office"),
              {QStringLiteral("192.0.2.0/24"), QStringLiteral("192.0.2.0/33")}},
             {QStringLiteral("esp"), {QStringLiteral("mail.example.com")}}});
        QVERIFY(!classes.ok());
        const QStringList lines = classes.error().message.split(QLatin1Char('\n'));
        QCOMPARE(lines.size(), 2);
        QVERIFY2(lines.at(0).startsWith(QStringLiteral("class \"office\": \"192.0.2.0/33\"")),
                 qPrintable(lines.at(0)));
        QVERIFY2(lines.at(1).startsWith(QStringLiteral("class \"esp\": \"mail.example.com\"")),
                 qPrintable(lines.at(1)));
    }
};

QTEST_GUILESS_MAIN(TestSourceIp)
#include "tst_sourceip.moc"
