#include "imap/imapcommand.h"

#include <QTest>

using namespace Dmarc::Imap;

class TestImapCommand : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void mailboxNames_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("encoded");
        // RFC 3501 5.1.3 and RFC 2152 examples.
        QTest::newRow("ascii") << QStringLiteral("INBOX/Archive") << QByteArray("INBOX/Archive");
        QTest::newRow("ampersand") << QStringLiteral("R&D") << QByteArray("R&-D");
        QTest::newRow("rfc3501") << QStringLiteral("~peter/mail/台北/日本語")
                                 << QByteArray("~peter/mail/&U,BTFw-/&ZeVnLIqe-");
        QTest::newRow("umlaut") << QStringLiteral("Ungültig") << QByteArray("Ung&APw-ltig");
        QTest::newRow("run at end") << QStringLiteral("Grüße") << QByteArray("Gr&APwA3w-e");
        QTest::newRow("emoji (surrogates)") << QStringLiteral("📬") << QByteArray("&2D3c7A-");
        QTest::newRow("empty") << QString() << QByteArray();
    }

    void mailboxNames()
    {
        QFETCH(QString, name);
        QFETCH(QByteArray, encoded);
        QCOMPARE(encodeMailboxName(name), encoded);
        QCOMPARE(decodeMailboxName(encoded), name);
    }

    void astringEncoding_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<bool>("literalPlus");
        QTest::addColumn<QList<QByteArray>>("parts");
        QTest::newRow("atom") << QByteArray("INBOX") << false
                              << QList<QByteArray>{"a1 SELECT INBOX\r\n"};
        QTest::newRow("space is quoted")
            << QByteArray("My Folder") << false << QList<QByteArray>{"a1 SELECT \"My Folder\"\r\n"};
        QTest::newRow("quote and backslash")
            << QByteArray("a\"b\\c") << false << QList<QByteArray>{"a1 SELECT \"a\\\"b\\\\c\"\r\n"};
        QTest::newRow("empty is quoted")
            << QByteArray() << false << QList<QByteArray>{"a1 SELECT \"\"\r\n"};
        QTest::newRow("NIL is quoted")
            << QByteArray("NIL") << false << QList<QByteArray>{"a1 SELECT \"NIL\"\r\n"};
        // The literal header ends the first write: the header never goes out on its own.
        QTest::newRow("8-bit is a literal")
            << QByteArray("caf\xc3\xa9") << false
            << QList<QByteArray>{"a1 SELECT {5}\r\n", "caf\xc3\xa9\r\n"};
        QTest::newRow("CRLF is a literal") << QByteArray("a\r\nb") << false
                                           << QList<QByteArray>{"a1 SELECT {4}\r\n", "a\r\nb\r\n"};
        QTest::newRow("LITERAL+") << QByteArray("caf\xc3\xa9") << true
                                  << QList<QByteArray>{"a1 SELECT {5+}\r\ncaf\xc3\xa9\r\n"};
    }

    void astringEncoding()
    {
        QFETCH(QByteArray, value);
        QFETCH(bool, literalPlus);
        QFETCH(QList<QByteArray>, parts);
        const ImapCommand command =
            ImapCommandBuilder("a1", "SELECT", literalPlus).astring(value).build();
        QCOMPARE(command.parts, parts);
        QCOMPARE(command.traceParts, parts);
    }

    void credentialsAreMaskedInTheTrace_data()
    {
        QTest::addColumn<QByteArray>("password");
        QTest::addColumn<bool>("literalPlus");
        QTest::newRow("atom") << QByteArray("hunter2") << false;
        QTest::newRow("quoted") << QByteArray("hunter 2") << false;
        QTest::newRow("literal") << QByteArray("hünter2") << false;
        QTest::newRow("literal plus") << QByteArray("hünter2") << true;
    }

    void credentialsAreMaskedInTheTrace()
    {
        QFETCH(QByteArray, password);
        QFETCH(bool, literalPlus);
        const ImapCommand command =
            ImapCommandBuilder("a1", "LOGIN", literalPlus).astring("user").secret(password).build();
        QVERIFY(command.parts.join().contains(password));
        const QByteArray trace = command.traceParts.join();
        QVERIFY2(!trace.contains(password) && !trace.contains("nter"), trace.constData());
        QVERIFY(trace.startsWith("a1 LOGIN user "));
        QVERIFY(trace.contains("***"));
    }

    void saslResponseLine()
    {
        const ImapCommand command = ImapCommandBuilder("a2", "AUTHENTICATE")
                                        .raw("PLAIN")
                                        .sasl("*")
                                        .secretLine("AHVzZXIAcGFzcw==")
                                        .build();
        QCOMPARE(command.parts,
                 (QList<QByteArray>{"a2 AUTHENTICATE PLAIN\r\n", "AHVzZXIAcGFzcw==\r\n"}));
        QCOMPARE(command.traceParts, (QList<QByteArray>{"a2 AUTHENTICATE PLAIN\r\n", "***\r\n"}));
        QVERIFY(command.sasl);
        QCOMPARE(command.challengeReply, QByteArray("*"));
    }

    void uidSets_data()
    {
        QTest::addColumn<QList<quint32>>("uids");
        QTest::addColumn<QByteArray>("set");
        QTest::newRow("one") << QList<quint32>{7} << QByteArray("7");
        QTest::newRow("range") << QList<quint32>{3, 1, 2} << QByteArray("1:3");
        QTest::newRow("mixed") << QList<quint32>{1, 2, 3, 7, 9, 10, 10} << QByteArray("1:3,7,9:10");
        QTest::newRow("large") << QList<quint32>{4294967295u, 4294967294u}
                               << QByteArray("4294967294:4294967295");
    }

    void uidSets()
    {
        QFETCH(QList<quint32>, uids);
        QFETCH(QByteArray, set);
        QCOMPARE(uidSet(uids), set);
    }
};

QTEST_GUILESS_MAIN(TestImapCommand)
#include "tst_imapcommand.moc"
