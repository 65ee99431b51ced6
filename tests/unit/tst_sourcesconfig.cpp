// The configuration's `sources` object: classes of your own source IPs, the known-senders map
// file and reverse DNS, checked key by key and written back as read (docs/counting.md section
// 10).

#include "config/config.h"
#include "testfiles.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace Dmarc;
using Dmarc::Test::writeTestFile;

namespace {

QByteArray withSources(const QByteArray &sources)
{
    return R"({"imap": {"host": "imap.test", "username": "u", "password": "p"}, "sources": )" +
           sources + "}";
}

Result<Config> parse(const QByteArray &json)
{
    return parseConfig(json, QStringLiteral("test.json"), {});
}

QString errorOf(const QByteArray &json)
{
    const auto config = parse(json);
    return config.ok() ? QString() : config.error().message;
}

} // namespace

class TestSourcesConfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void absentByDefault()
    {
        const auto config = parse(R"({"imap": {"host": "h", "username": "u", "password": "p"}})");
        QVERIFY(config.ok());
        QVERIFY(config->sources.classes.isEmpty());
        QVERIFY(config->sources.mapFile.isEmpty());
        QVERIFY(!toJson(*config, ConfigForm::File).contains("sources"));
    }

    void readAndWrittenBack()
    {
        QTemporaryDir dir;
        const QString map = writeTestFile(dir, QStringLiteral("map.csv"),
                                          "base_reverse_dns,name,type\nx.example,X,esp\n");
        const QByteArray json = withSources(R"({"classes": [
            {"name": "office", "cidrs": ["192.0.2.0/24", "2001:db8::/32"]},
            {"name": "newsletter-esp", "cidrs": ["198.51.100.7"]}],
            "map_file": ")" + map.toUtf8() + R"("})");
        const auto config = parse(json);
        QVERIFY2(config.ok(), qPrintable(config.ok() ? QString() : config.error().message));
        QCOMPARE(config->sources.classes,
                 (QList<SourceClassSettings>{
                     {QStringLiteral("office"),
                      {QStringLiteral("192.0.2.0/24"), QStringLiteral("2001:db8::/32")}},
                     {QStringLiteral("newsletter-esp"), {QStringLiteral("198.51.100.7")}}}));
        QCOMPARE(config->sources.mapFile, map);

        for (const ConfigForm form : {ConfigForm::File, ConfigForm::Shown}) {
            const QByteArray written = toJson(*config, form);
            QVERIFY2(written.contains("\"sources\": {\n        \"classes\": [\n            {\n"
                                      "                \"name\": \"office\",\n"
                                      "                \"cidrs\": ["),
                     written.constData());
            const auto again = parse(written);
            QVERIFY(again.ok());
            QCOMPARE(again->sources.classes, config->sources.classes);
            QCOMPARE(again->sources.mapFile, config->sources.mapFile);
        }
    }

    // Reverse DNS is on by default and asks the system's resolver; the file leaves that out,
    // the configuration shown says it.
    void reverseDnsByDefault()
    {
        const auto config = parse(R"({"imap": {"host": "h", "username": "u", "password": "p"}})");
        QVERIFY(config.ok());
        QVERIFY(config->reverseDns.enabled);
        QVERIFY(config->reverseDns.server.isEmpty());
        QCOMPARE(config->reverseDns.port, quint16(53));
        QVERIFY(toJson(*config, ConfigForm::Shown)
                    .contains("\"sources\": {\n        \"reverse_dns\": true\n    }"));
    }

    void dnsServerReadAndWrittenBack_data()
    {
        QTest::addColumn<QString>("given");
        QTest::addColumn<QString>("address");
        QTest::addColumn<int>("port");
        QTest::addColumn<QString>("written");
        const auto row = [](const char *given, const char *address, int port, const char *written) {
            QTest::newRow(given) << QString::fromLatin1(given) << QString::fromLatin1(address)
                                 << port << QString::fromLatin1(written);
        };
        row("192.0.2.53", "192.0.2.53", 53, "192.0.2.53");
        row("192.0.2.53:5353", "192.0.2.53", 5353, "192.0.2.53:5353");
        row("192.0.2.53:53", "192.0.2.53", 53, "192.0.2.53");
        row("2001:DB8:0::53", "2001:db8::53", 53, "2001:db8::53");
        row("[2001:db8::53]:5353", "2001:db8::53", 5353, "[2001:db8::53]:5353");
        row("[::1]", "::1", 53, "::1");
        row("::ffff:192.0.2.53", "192.0.2.53", 53, "192.0.2.53");
        row("[::ffff:192.0.2.53]:65535", "192.0.2.53", 65535, "192.0.2.53:65535");
    }

    void dnsServerReadAndWrittenBack()
    {
        QFETCH(QString, given);
        QFETCH(QString, address);
        QFETCH(int, port);
        QFETCH(QString, written);
        const auto config =
            parse(withSources(QJsonDocument(QJsonObject{{QStringLiteral("reverse_dns"), false},
                                                        {QStringLiteral("dns_server"), given}})
                                  .toJson()));
        QVERIFY2(config.ok(), qPrintable(config.ok() ? QString() : config.error().message));
        QVERIFY(!config->reverseDns.enabled);
        QCOMPARE(config->reverseDns.server, address);
        QCOMPARE(config->reverseDns.port, quint16(port));
        for (const ConfigForm form : {ConfigForm::File, ConfigForm::Shown}) {
            const QByteArray json = toJson(*config, form);
            QCOMPARE(QJsonDocument::fromJson(json).object().value(QStringLiteral("sources")),
                     QJsonValue(QJsonObject{{QStringLiteral("reverse_dns"), false},
                                            {QStringLiteral("dns_server"), written}}));
            const auto again = parse(json);
            QVERIFY(again.ok());
            QCOMPARE(again->reverseDns.enabled, false);
            QCOMPARE(again->reverseDns.server, address);
            QCOMPARE(again->reverseDns.port, quint16(port));
        }
    }

    void badReverseDnsValues_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QJsonValue>("value");
        QTest::addColumn<QString>("error");
        const QString notAnAddress = QStringLiteral(
            "`sources.dns_server`: \"%1\" is not an IP address with an optional port such as "
            "\"192.0.2.53\", \"192.0.2.53:5353\" or \"[2001:db8::53]:5353\" (a host name "
            "cannot be used: finding it would need a DNS server)");
        const QString badPort = QStringLiteral(
            "`sources.dns_server`: \"%1\": the port \"%2\" is not a number from 1 to 65535");
        const QString server = QStringLiteral("dns_server");
        const auto notAddress = [&](const char *name, const char *value) {
            QTest::newRow(name) << server << QJsonValue(QString::fromLatin1(value))
                                << notAnAddress.arg(QString::fromLatin1(value));
        };
        notAddress("host name", "dns.example");
        notAddress("host name and port", "dns.example:53");
        notAddress("empty", "");
        notAddress("short IPv4", "127.1");
        notAddress("IPv4 in brackets", "[192.0.2.53]:53");
        notAddress("unclosed bracket", "[2001:db8::53:53");
        notAddress("text after the bracket", "[2001:db8::53]5353");
        notAddress("zone id", "fe80::1%eth0");
        const auto wrongPort = [&](const char *name, const char *value, const char *port) {
            QTest::newRow(name) << server << QJsonValue(QString::fromLatin1(value))
                                << badPort.arg(QString::fromLatin1(value),
                                               QString::fromLatin1(port));
        };
        wrongPort("port 0", "192.0.2.53:0", "0");
        wrongPort("port too large", "[::1]:65536", "65536");
        wrongPort("no port after the colon", "192.0.2.53:", "");
        wrongPort("signed port", "192.0.2.53:+53", "+53");
        QTest::newRow("a number") << server << QJsonValue(53)
                                  << QStringLiteral(
                                         "`sources.dns_server`: expected a string, got 53");
        QTest::newRow("reverse_dns as text")
            << QStringLiteral("reverse_dns") << QJsonValue(QStringLiteral("yes"))
            << QStringLiteral("`sources.reverse_dns`: expected true or false, got \"yes\"");
    }

    void badReverseDnsValues()
    {
        QFETCH(QString, key);
        QFETCH(QJsonValue, value);
        QFETCH(QString, error);
        const QByteArray sources = QJsonDocument(QJsonObject{{key, value}}).toJson();
        QCOMPARE(errorOf(withSources(sources)), QStringLiteral("test.json:\n  ") + error);
    }

    void badCidrNamesClassAndValue()
    {
        QCOMPARE(errorOf(withSources(R"({"classes": [{"name": "office", "cidrs": ["192.0.2.0/24",
                 "192.0.2.0/33", 7, "192.0.2.1/24"]}]})")),
                 QStringLiteral(
                     "test.json:\n"
                     "  `sources.classes[0].cidrs[1]`: class \"office\": \"192.0.2.0/33\" is not "
                     "a CIDR block such as 192.0.2.0/24 or 2001:db8::/32: the prefix length "
                     "\"33\" is not a number from 0 to 32\n"
                     "  `sources.classes[0].cidrs[2]`: class \"office\": expected a CIDR block "
                     "such as \"192.0.2.0/24\", got 7\n"
                     "  `sources.classes[0].cidrs[3]`: class \"office\": \"192.0.2.1/24\" is not "
                     "a CIDR block such as 192.0.2.0/24 or 2001:db8::/32: bits are set past the "
                     "prefix length (the block is 192.0.2.0/24)"));
    }

    void badClasses()
    {
        QCOMPARE(errorOf(withSources(R"({"classes": [
                     "office",
                     {"cidrs": ["192.0.2.0/24"]},
                     {"name": "a", "cidrs": []},
                     {"name": "a", "cidrs": ["192.0.2.0/24"]},
                     {"name": "b", "cidr": ["192.0.2.0/24"]}]})")),
                 QStringLiteral(
                     "test.json:\n"
                     "  `sources.classes[0]`: expected an object with name and cidrs, got "
                     "\"office\"\n"
                     "  `sources.classes[1].name`: missing (required): the name its sources are "
                     "shown under, such as \"office\"\n"
                     "  `sources.classes[2].cidrs`: missing: give a list of CIDR blocks such as "
                     "[\"192.0.2.0/24\", \"2001:db8::/32\"]\n"
                     "  `sources.classes[3].name`: \"a\" names an earlier class too; give each "
                     "class a name of its own\n"
                     "  `sources.classes[4].cidrs`: missing: give a list of CIDR blocks such as "
                     "[\"192.0.2.0/24\", \"2001:db8::/32\"]\n"
                     "  `sources.classes[4].cidr`: unknown key; did you mean `cidrs`?"));
        QCOMPARE(errorOf(withSources(R"({"classes": {"name": "office"}})")),
                 QStringLiteral("test.json:\n  `sources.classes`: expected a list, got an object"));
        QCOMPARE(errorOf(withSources(R"("office")")),
                 QStringLiteral("test.json:\n  `sources`: expected an object, got \"office\""));
    }

    void unknownKeysSuggested()
    {
        QCOMPARE(
            errorOf(withSources(R"({"clases": [], "mapfile": "x.csv", "reversedns": true,
                                          "resolver": "192.0.2.53"})")),
            QStringLiteral("test.json:\n"
                           "  `sources.clases`: unknown key; did you mean `classes`?\n"
                           "  `sources.mapfile`: unknown key; did you mean `map_file`?\n"
                           "  `sources.resolver`: unknown key\n"
                           "  `sources.reversedns`: unknown key; did you mean `reverse_dns`?"));
        QVERIFY(errorOf(R"({"imap": {"host": "h", "username": "u", "password": "p"},
                           "source": {}})")
                    .contains(QStringLiteral("`source`: unknown key; did you mean `sources`?")));
    }

    void badMapFileNamesFileAndLine()
    {
        QTemporaryDir dir;
        const QString map = writeTestFile(dir, QStringLiteral("map.csv"),
                                          "base_reverse_dns,name,type\n"
                                          "good.example,Good,esp\n"
                                          "bad.example,Bad,newsletter\n"
                                          "short.example,Short\n");
        QCOMPARE(errorOf(withSources(R"({"map_file": ")" + map.toUtf8() + R"("})")),
                 QStringLiteral("test.json:\n"
                                "  `sources.map_file`: %1:3: the type \"newsletter\" is not one "
                                "of esp, mailbox-provider, forwarder, security-gateway, hosting, "
                                "crm, marketing, transactional, isp, other\n"
                                "    %1:4: expected 3 fields (base_reverse_dns,name,type), found 2")
                     .arg(map));
        QVERIFY(errorOf(withSources(R"({"map_file": "/nonexistent/map.csv"})"))
                    .startsWith(QStringLiteral("test.json:\n  `sources.map_file`: cannot read "
                                               "/nonexistent/map.csv: ")));
    }

    // An editor keeps what it does not know, inside a class too.
    void unknownMembersKeptForWritingBack()
    {
        QString problems;
        const Config config = parseConfigLeniently(
            withSources(R"({"classes": [{"name": "a", "cidrs": ["192.0.2.0/24"]},
                          {"name": "b", "cidrs": ["2001:db8::/32"], "colour": "red"}],
                          "future": 1})"),
            QStringLiteral("test.json"), {}, &problems);
        QVERIFY(problems.contains(QStringLiteral("`sources.classes[1].colour`: unknown key")));
        const auto again = parseConfigLeniently(toJson(config, ConfigForm::File),
                                                QStringLiteral("again.json"), {}, &problems);
        QCOMPARE(again.sources.classes, config.sources.classes);
        QCOMPARE(again.unknown.value(QStringLiteral("sources.classes[1]")),
                 (QJsonObject{{QStringLiteral("colour"), QStringLiteral("red")}}));
        QCOMPARE(again.unknown.value(QStringLiteral("sources")),
                 (QJsonObject{{QStringLiteral("future"), 1}}));
        QVERIFY(!again.unknown.contains(QStringLiteral("sources.classes[0]")));
    }
};

QTEST_GUILESS_MAIN(TestSourcesConfig)
#include "tst_sourcesconfig.moc"
