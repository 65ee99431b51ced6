// The name of a source, by the rules of docs/counting.md section 10.2 in their order: your own
// classes, the PTR name, the passing signature, unknown; the own domain on the way.

#include "sources/sourcenamer.h"
#include "testfiles.h"

#include <QTemporaryDir>
#include <QTest>

using namespace Dmarc;

namespace {

SourceNamer namer()
{
    SourceSettings settings;
    settings.classes = {{QStringLiteral("office"), {QStringLiteral("192.0.2.0/24")}},
                        {QStringLiteral("cloud"), {QStringLiteral("2001:db8::/32")}}};
    auto result = SourceNamer::fromSettings(settings);
    if (!result)
        qFatal("%s", qPrintable(result.error().message));
    return std::move(result).value();
}

SourceEvidence evidence(const char *ip, const char *dkim = "", const char *spf = "",
                        const char *ptr = "")
{
    return SourceEvidence{QString::fromLatin1(ip), QStringLiteral("example.com"),
                          QString::fromLatin1(dkim), QString::fromLatin1(spf),
                          QString::fromLatin1(ptr)};
}

void compareName(const SourceName &actual, const SourceName &expected)
{
    QCOMPARE(actual.name, expected.name);
    QCOMPARE(actual.type, expected.type);
    QCOMPARE(actual.rule, expected.rule);
    QCOMPARE(actual.domain, expected.domain);
}

} // namespace

class TestSourceNaming : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rule1OwnClass()
    {
        compareName(namer().name(evidence("192.0.2.10")),
                    {QStringLiteral("office"), SourceType::Own, SourceRule::OwnClass, QString()});
        compareName(namer().name(evidence("2001:db8::25")),
                    {QStringLiteral("cloud"), SourceType::Own, SourceRule::OwnClass, QString()});
    }

    // A class wins over every name the PTR or a signature would give.
    void rule1BeforeTheOthers()
    {
        compareName(namer().name(evidence("192.0.2.10", "sendgrid.net", "mailgun.org",
                                          "o1.ptr1.sendgrid.net")),
                    {QStringLiteral("office"), SourceType::Own, SourceRule::OwnClass, QString()});
    }

    void rule2ReverseDns()
    {
        compareName(namer().name(evidence("198.51.100.7", "", "", "o1.ptr123.sendgrid.net")),
                    {QStringLiteral("SendGrid"), SourceType::Esp, SourceRule::ReverseDns,
                     QStringLiteral("sendgrid.net")});
        compareName(namer().name(evidence("198.51.100.7", "", "",
                                          "MAIL-DB8.outbound.protection."
                                          "outlook.com.")),
                    {QStringLiteral("Microsoft 365"), SourceType::MailboxProvider,
                     SourceRule::ReverseDns, QStringLiteral("outlook.com")});
    }

    // The PTR name comes before the signature: an ESP signing with your domain is still named.
    void rule2BeforeRule3()
    {
        compareName(
            namer().name(evidence("198.51.100.7", "example.com", "", "o1.ptr123.sendgrid.net")),
            {QStringLiteral("SendGrid"), SourceType::Esp, SourceRule::ReverseDns,
             QStringLiteral("sendgrid.net")});
    }

    // A PTR name the map does not know leaves the naming to the signature.
    void unknownPtrFallsThroughToRule3()
    {
        compareName(namer().name(evidence("198.51.100.7", "mcsv.net", "", "host.isp.example")),
                    {QStringLiteral("Mailchimp"), SourceType::Marketing, SourceRule::Signature,
                     QStringLiteral("mcsv.net")});
        compareName(namer().name(evidence("198.51.100.7", "mcsv.net", "", "198.51.100.7")),
                    {QStringLiteral("Mailchimp"), SourceType::Marketing, SourceRule::Signature,
                     QStringLiteral("mcsv.net")});
    }

    void rule3Dkim()
    {
        compareName(namer().name(evidence("203.0.113.5", "s1.bounces.google.com")),
                    {QStringLiteral("Google"), SourceType::MailboxProvider, SourceRule::Signature,
                     QStringLiteral("google.com")});
    }

    // The passing DKIM domain comes before the passing SPF domain.
    void rule3DkimBeforeSpf()
    {
        compareName(namer().name(evidence("203.0.113.5", "mandrillapp.com", "amazonses.com")),
                    {QStringLiteral("Mailchimp Transactional (Mandrill)"),
                     SourceType::Transactional, SourceRule::Signature,
                     QStringLiteral("mandrillapp.com")});
    }

    void rule3SpfWhenNoDkimPassed()
    {
        compareName(namer().name(evidence("203.0.113.5", "", "eu-west-1.amazonses.com")),
                    {QStringLiteral("Amazon SES"), SourceType::Esp, SourceRule::Signature,
                     QStringLiteral("amazonses.com")});
    }

    // Rule 3 takes the passing DKIM domain when there is one, even if the map does not know it.
    void rule3DkimNotInTheMapIsUnknown()
    {
        compareName(namer().name(evidence("203.0.113.5", "partner.example", "amazonses.com")),
                    {QStringLiteral("unknown"), SourceType::Other, SourceRule::Unknown, QString()});
    }

    void ownDomain()
    {
        const SourceName own{QStringLiteral("own domain"), SourceType::Own, SourceRule::Signature,
                             QStringLiteral("example.com")};
        compareName(namer().name(evidence("203.0.113.5", "example.com")), own);
        compareName(namer().name(evidence("203.0.113.5", "mail.Example.com.")), own);
        compareName(namer().name(evidence("203.0.113.5", "", "bounce.example.com")), own);
        compareName(namer().name(evidence("203.0.113.5", "", "", "mx1.example.com")),
                    {QStringLiteral("own domain"), SourceType::Own, SourceRule::ReverseDns,
                     QStringLiteral("example.com")});
        // Only the from_domain and below: a sibling or a look-alike is not yours.
        compareName(namer().name(evidence("203.0.113.5", "notexample.com")),
                    {QStringLiteral("unknown"), SourceType::Other, SourceRule::Unknown, QString()});
    }

    void rule4Unknown()
    {
        const SourceName unknown{QStringLiteral("unknown"), SourceType::Other, SourceRule::Unknown,
                                 QString()};
        compareName(namer().name(evidence("203.0.113.5")), unknown);
        compareName(namer().name(evidence("")), unknown);
        compareName(namer().name(evidence("203.0.113.5", "co.uk")), unknown);
        compareName(namer().name(evidence("203.0.113.5", "", "", "host.unknown-isp.example")),
                    unknown);
    }

    void userMapOverridesBuiltIn()
    {
        QTemporaryDir dir;
        SourceSettings settings;
        settings.mapFile = Test::writeTestFile(dir, QStringLiteral("map.csv"),
                                               "base_reverse_dns,name,type\n"
                                               "sendgrid.net,Newsletter,marketing\n"
                                               "partner.example,Partner,other\n");
        const auto named = SourceNamer::fromSettings(settings);
        QVERIFY(named.ok());
        compareName(named->name(evidence("203.0.113.5", "sendgrid.net")),
                    {QStringLiteral("Newsletter"), SourceType::Marketing, SourceRule::Signature,
                     QStringLiteral("sendgrid.net")});
        compareName(named->name(evidence("203.0.113.5", "mail.partner.example")),
                    {QStringLiteral("Partner"), SourceType::Other, SourceRule::Signature,
                     QStringLiteral("partner.example")});
    }

    void fromSettingsNamesWhatCannotBeRead()
    {
        SourceSettings settings;
        settings.classes = {{QStringLiteral("office"), {QStringLiteral("192.0.2.0/40")}}};
        const auto named = SourceNamer::fromSettings(settings);
        QVERIFY(!named.ok());
        QVERIFY(named.error().message.startsWith(QStringLiteral("class \"office\"")));
    }

    // The system's list is read once: every naming, and the Sources view, hold the same one.
    void publicSuffixListIsShared()
    {
        const auto first = PublicSuffixList::system();
        const auto second = PublicSuffixList::system();
        QVERIFY2(first.ok(), first.ok() ? "" : qPrintable(first.error().message));
        QVERIFY(second.ok());
        QCOMPARE(first->get(), second->get());
    }
};

QTEST_GUILESS_MAIN(TestSourceNaming)
#include "tst_sourcenaming.moc"
