// The known-senders map: the built-in table, a user's CSV over it, and the Public Suffix List
// that reduces a name to its registrable domain (docs/counting.md sections 10.2 and 10.3).

#include "sources/knownsenders.h"
#include "sources/publicsuffixlist.h"
#include "testfiles.h"

#include <QTemporaryDir>
#include <QTest>

using namespace Dmarc;
using Dmarc::Test::writeTestFile;

namespace {

std::shared_ptr<const PublicSuffixList> defaultList()
{
    auto list = PublicSuffixList::load(QString::fromLatin1(PublicSuffixList::kDefaultPath));
    if (!list)
        qFatal("%s", qPrintable(list.error().message));
    return *list;
}

} // namespace

class TestKnownSenders : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void registrableDomains_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("registrable");
        const auto row = [](const char *name, const char *registrable) {
            QTest::newRow(name) << QString::fromLatin1(name) << QString::fromLatin1(registrable);
        };
        row("o1.ptr123.sendgrid.net", "sendgrid.net");
        row("sendgrid.net", "sendgrid.net");
        row("mail-qt1-f170.google.com", "google.com");
        row("mail.example.co.uk", "example.co.uk");
        row("a.b.example.com.au", "example.com.au");
        row("MAIL.Example.COM.", "example.com");
        row(" example.org ", "example.org");
        row("user.github.io", "user.github.io"); // a private suffix: the user's, not GitHub's
        row("co.uk", "");
        row("com", "");
        row("192.0.2.1", "");
        row("2001:db8::1", "");
        row("", "");
        row("not a name", "");
        row("user@example.com", "");
    }

    void registrableDomains()
    {
        QFETCH(QString, name);
        QFETCH(QString, registrable);
        QCOMPARE(defaultList()->registrableDomain(name), registrable);
    }

    void missingListIsAClearError()
    {
        const QString path = QStringLiteral("/nonexistent/public_suffix_list.dafsa");
        const auto list = PublicSuffixList::load(path);
        QVERIFY(!list.ok());
        QCOMPARE(list.error().message,
                 QStringLiteral("cannot read the Public Suffix List %1: no such file (it comes "
                                "with the package publicsuffix)")
                     .arg(path));
    }

    void listInTextFormIsRead()
    {
        QTemporaryDir dir;
        const QString path =
            writeTestFile(dir, QStringLiteral("list.dat"), "// test list\nexample\nsub.example\n");
        const auto list = PublicSuffixList::load(path);
        QVERIFY(list.ok());
        QCOMPARE((*list)->registrableDomain(QStringLiteral("a.b.sub.example")),
                 QStringLiteral("b.sub.example"));
    }

    void builtInTable()
    {
        const KnownSenders senders = KnownSenders::builtIn();
        QVERIFY2(senders.size() >= 100, qPrintable(QString::number(senders.size())));
        const auto find = [&senders](const char *domain, const char *registrable) {
            return senders.find(QString::fromLatin1(domain), QString::fromLatin1(registrable));
        };
        QCOMPARE(find("google.com", "google.com"),
                 (KnownSender{QStringLiteral("Google"), SourceType::MailboxProvider}));
        QCOMPARE(find("amazonses.com", "amazonses.com"),
                 (KnownSender{QStringLiteral("Amazon SES"), SourceType::Esp}));
        QCOMPARE(find("pphosted.com", "pphosted.com"),
                 (KnownSender{QStringLiteral("Proofpoint"), SourceType::SecurityGateway}));
        QCOMPARE(find("mandrillapp.com", "mandrillapp.com")->type, SourceType::Transactional);
        QCOMPARE(find("mcsv.net", "mcsv.net")->type, SourceType::Marketing);
        QCOMPARE(find("hubspotemail.net", "hubspotemail.net")->type, SourceType::Crm);
        QCOMPARE(find("googlegroups.com", "googlegroups.com")->type, SourceType::Forwarder);
        QCOMPARE(find("secureserver.net", "secureserver.net")->type, SourceType::Hosting);
        QCOMPARE(find("t-online.de", "t-online.de")->type, SourceType::Isp);
        // The most specific entry wins: Microsoft 365's gateway below outlook.com.
        QCOMPARE(find("mail-db8eur05.outbound.protection.outlook.com", "outlook.com")->name,
                 QStringLiteral("Microsoft 365"));
        QCOMPARE(find("smtp.outlook.com", "outlook.com")->name, QStringLiteral("Microsoft"));
    }

    // An entry the Public Suffix List makes no registrable domain of, or that is below a
    // public suffix the list knows, could never be found.
    void builtInEntriesCanBeFound()
    {
        const auto list = defaultList();
        const KnownSenders senders = KnownSenders::builtIn();
        for (const QString &domain : senders.domains()) {
            const QString registrable = list->registrableDomain(domain);
            QVERIFY2(!registrable.isEmpty(), qPrintable(domain));
            QVERIFY2(senders.find(domain, registrable).has_value(), qPrintable(domain));
        }
    }

    void findStopsAtTheRegistrableDomain()
    {
        const auto senders = KnownSenders::fromCsv("base_reverse_dns,name,type\n"
                                                   "github.io,GitHub Pages,hosting\n"
                                                   "example.com,Example,other\n",
                                                   QStringLiteral("map.csv"));
        QVERIFY(senders.ok());
        QCOMPARE(senders->find(QStringLiteral("user.github.io"), QStringLiteral("user.github.io")),
                 std::nullopt);
        QCOMPARE(
            senders->find(QStringLiteral("a.example.com"), QStringLiteral("example.com"))->name,
            QStringLiteral("Example"));
        QCOMPARE(senders->find(QStringLiteral("a.example.com"), QStringLiteral("other.com")),
                 std::nullopt);
        QCOMPARE(senders->find(QStringLiteral("notexample.com"), QStringLiteral("example.com")),
                 std::nullopt);
        QCOMPARE(senders->find(QStringLiteral("example.com"), QString()), std::nullopt);
    }

    void csvForms()
    {
        const auto senders =
            KnownSenders::fromCsv("\xef\xbb\xbf"
                                  "Base_Reverse_DNS, Name ,TYPE\r\n"
                                  "\r\n"
                                  "Mail.Example.NET.,\"Example, Inc.\",ESP\r\n"
                                  "quoted.example, \"Say \"\"hi\"\"\" ,mailbox-provider\r\n"
                                  "   \n"
                                  "last.example,Last,other",
                                  QStringLiteral("map.csv"));
        QVERIFY2(senders.ok(), qPrintable(senders.ok() ? QString() : senders.error().message));
        QCOMPARE(senders->size(), 3);
        const auto find = [&](const char *domain) {
            return senders->find(QString::fromLatin1(domain), QString::fromLatin1(domain));
        };
        QCOMPARE(find("mail.example.net"),
                 (KnownSender{QStringLiteral("Example, Inc."), SourceType::Esp}));
        QCOMPARE(find("quoted.example"),
                 (KnownSender{QStringLiteral("Say \"hi\""), SourceType::MailboxProvider}));
        QCOMPARE(find("last.example")->type, SourceType::Other);
    }

    void badLinesNamedWithTheirNumbers()
    {
        const auto senders = KnownSenders::fromCsv("base_reverse_dns,name,type\n"
                                                   "good.example,Good,esp\n"
                                                   "bad type.example,Bad,esp\n"
                                                   "two.example,Two\n"
                                                   "three.example,Three,newsletter\n"
                                                   "own.example,Own,own\n"
                                                   "good.example,Again,esp\n"
                                                   "empty.example,,esp\n"
                                                   "\"open.example,Open,esp\n"
                                                   "\"x\"y,Closed,esp\n",
                                                   QStringLiteral("map.csv"));
        QVERIFY(!senders.ok());
        const QString types = QStringLiteral("esp, mailbox-provider, forwarder, security-gateway, "
                                             "hosting, crm, marketing, transactional, isp, other");
        QCOMPARE(senders.error().message.split(QLatin1Char('\n')),
                 (QStringList{
                     QStringLiteral("map.csv:3: \"bad type.example\" is not a domain name"),
                     QStringLiteral("map.csv:4: expected 3 fields (base_reverse_dns,name,type), "
                                    "found 2"),
                     QStringLiteral("map.csv:5: the type \"newsletter\" is not one of ") + types,
                     QStringLiteral("map.csv:6: the type \"own\" is not one of ") + types,
                     QStringLiteral("map.csv:7: good.example is named already on line 2"),
                     QStringLiteral("map.csv:8: the name is empty"),
                     QStringLiteral("map.csv:9: a quote is not closed (a field spans no line "
                                    "breaks)"),
                     QStringLiteral("map.csv:10: text after a closing quote"),
                 }));
    }

    void headerRequired()
    {
        auto senders = KnownSenders::fromCsv("example.com,Example,esp\n", QStringLiteral("m.csv"));
        QVERIFY(!senders.ok());
        QCOMPARE(
            senders.error().message,
            QStringLiteral("m.csv:1: expected the header line \"base_reverse_dns,name,type\""));
        senders = KnownSenders::fromCsv("\n \n", QStringLiteral("m.csv"));
        QVERIFY(!senders.ok());
        QCOMPARE(senders.error().message,
                 QStringLiteral("m.csv: empty; expected the header line "
                                "\"base_reverse_dns,name,type\" and one sender a line"));
    }

    void manyBadLinesReportedInPart()
    {
        QByteArray csv = "base_reverse_dns,name,type\n";
        for (int i = 0; i < 25; ++i)
            csv += "x" + QByteArray::number(i) + ".example,X,bad\n";
        const auto senders = KnownSenders::fromCsv(csv, QStringLiteral("m.csv"));
        QVERIFY(!senders.ok());
        const QStringList lines = senders.error().message.split(QLatin1Char('\n'));
        QCOMPARE(lines.size(), 11);
        QVERIFY(lines.at(9).startsWith(QStringLiteral("m.csv:11: ")));
        QCOMPARE(lines.at(10), QStringLiteral("m.csv: 15 more bad lines"));
    }

    void userMapOverridesAndExtends()
    {
        QTemporaryDir dir;
        const QString path = writeTestFile(dir, QStringLiteral("map.csv"),
                                           "base_reverse_dns,name,type\n"
                                           "sendgrid.net,Our newsletter (SendGrid),marketing\n"
                                           "relay.example,Partner relay,forwarder\n");
        const auto senders = KnownSenders::builtInWith(path);
        QVERIFY(senders.ok());
        QCOMPARE(senders->size(), KnownSenders::builtIn().size() + 1);
        QCOMPARE(senders->find(QStringLiteral("sendgrid.net"), QStringLiteral("sendgrid.net")),
                 (KnownSender{QStringLiteral("Our newsletter (SendGrid)"), SourceType::Marketing}));
        QCOMPARE(senders->find(QStringLiteral("relay.example"), QStringLiteral("relay.example")),
                 (KnownSender{QStringLiteral("Partner relay"), SourceType::Forwarder}));
        QCOMPARE(senders->find(QStringLiteral("google.com"), QStringLiteral("google.com"))->name,
                 QStringLiteral("Google"));
    }

    void unreadableMapFile()
    {
        const auto senders = KnownSenders::builtInWith(QStringLiteral("/nonexistent/map.csv"));
        QVERIFY(!senders.ok());
        QVERIFY2(senders.error().message.startsWith(
                     QStringLiteral("cannot read /nonexistent/map.csv: ")),
                 qPrintable(senders.error().message));
    }

    void typeNames()
    {
        QCOMPARE(sourceTypeName(SourceType::Own), QStringLiteral("own"));
        QCOMPARE(sourceTypeName(SourceType::MailboxProvider), QStringLiteral("mailbox-provider"));
        QCOMPARE(sourceTypeName(SourceType::SecurityGateway), QStringLiteral("security-gateway"));
    }
};

QTEST_GUILESS_MAIN(TestKnownSenders)
#include "tst_knownsenders.moc"
