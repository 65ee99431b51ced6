// The configuration's `sources` object: classes of your own source IPs and the known-senders
// map file, checked key by key and written back as read (docs/counting.md section 10).

#include "config/config.h"
#include "testfiles.h"

#include <QFile>
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
        QCOMPARE(errorOf(withSources(R"({"clases": [], "mapfile": "x.csv", "reverse_dns": true})")),
                 QStringLiteral("test.json:\n"
                                "  `sources.clases`: unknown key; did you mean `classes`?\n"
                                "  `sources.mapfile`: unknown key; did you mean `map_file`?\n"
                                "  `sources.reverse_dns`: unknown key"));
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
