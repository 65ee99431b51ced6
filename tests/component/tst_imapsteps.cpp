#include "awaitfinished.h"
#include "fakeimapserver.h"
#include "fakeimapsettings.h"
#include "imap/fetchbatchjob.h"
#include "imap/foldersetupjob.h"
#include "imap/imapsession.h"
#include "imap/listjob.h"
#include "imap/movejob.h"
#include "imap/sessionopener.h"

#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace Dmarc;
using namespace Dmarc::Imap;
using Dmarc::Test::awaitFinished;
using Dmarc::Test::FakeImapServer;
using Connection = Dmarc::Test::FakeImapServer::Connection;

namespace {

// One step on its own: a logged-in session on the fake server, the folders set up and the inbox
// selected, as the watcher has them before it fetches.
struct Steps
{
    explicit Steps(FakeImapServer &fake)
        : server(fake)
        , settings(Dmarc::Test::fakeAccount(fake.port(), 1))
    {}

    bool open()
    {
        SessionOpener opener(settings);
        auto opened = awaitFinished<ImapSession *>(opener);
        if (!opened)
            return false;
        session.reset(*opened);
        session->setParent(nullptr);
        FolderSetupJob job(session.get(), settings);
        const auto prepared = awaitFinished<FolderSetup>(job);
        if (prepared)
            setup = *prepared;
        return prepared.ok();
    }

    Result<NextBatch> fetch(const InboxQueue &queue)
    {
        FetchBatchJob job(
            session.get(), settings,
            MailboxBatch{QStringLiteral("user"), QStringLiteral("INBOX"), setup.uidValidity, {}},
            queue);
        return awaitFinished<NextBatch>(job);
    }

    FakeImapServer &server;
    ImapSettings settings;
    std::unique_ptr<ImapSession> session;
    FolderSetup setup;
};

QList<quint32> uidsOf(const MailboxBatch &batch)
{
    QList<quint32> uids;
    for (const FetchedEmail &email : batch.emails)
        uids.append(email.uid);
    return uids;
}

} // namespace

class TestImapSteps : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void listedFolders_data()
    {
        QTest::addColumn<QByteArray>("responses");
        QTest::addColumn<QStringList>("names");
        QTest::addColumn<QString>("delimiter");
        QTest::newRow("modified UTF-7")
            << QByteArray("* LIST (\\HasNoChildren) \"/\" \"Archiv &APw-\"\r\n"
                          "* LIST () \"/\" INBOX\r\n")
            << QStringList{QStringLiteral("Archiv ü"), QStringLiteral("INBOX")}
            << QStringLiteral("/");
        QTest::newRow("flat, NIL separator") << QByteArray("* LIST () NIL INBOX\r\n")
                                             << QStringList{QStringLiteral("INBOX")} << QString();
        QTest::newRow("\\NonExistent is no folder")
            << QByteArray("* LIST (\\NonExistent) \".\" INBOX.Gone\r\n"
                          "* LIST (\\Noselect) \".\" INBOX.Parent\r\n")
            << QStringList{QStringLiteral("INBOX.Parent")} << QStringLiteral(".");
        QTest::newRow("literal name, listed twice")
            << QByteArray("* LIST () \"/\" {5}\r\nA b c\r\n* LIST () \"/\" \"A b c\"\r\n")
            << QStringList{QStringLiteral("A b c")} << QStringLiteral("/");
        QTest::newRow("other responses")
            << QByteArray("* LSUB () \"/\" INBOX\r\n* 3 EXISTS\r\n") << QStringList() << QString();
    }

    void listedFolders()
    {
        QFETCH(QByteArray, responses);
        QFETCH(QStringList, names);
        QFETCH(QString, delimiter);
        ImapResponseParser parser;
        parser.feed(responses);
        FolderList list;
        for (;;) {
            auto next = parser.next();
            QVERIFY2(next.ok(), next.ok() ? "" : qPrintable(next.error().message));
            if (!next.value())
                break;
            addListedFolder(*next.value(), list);
        }
        QCOMPARE(list.names, names);
        QCOMPARE(list.delimiter, delimiter);
    }

    void folderSetupCreatesWhatIsMissing()
    {
        FakeImapServer server;
        Steps steps(server);
        QVERIFY(steps.open());
        QCOMPARE(steps.setup.uidValidity, server.uidValidity);
        QCOMPARE(steps.setup.onServer.value(QStringLiteral("Archive")), QStringLiteral("Archive"));
        QCOMPARE(steps.setup.onServer.value(QStringLiteral("Invalid")), QStringLiteral("Invalid"));
        QCOMPARE(server.receivedWithName("CREATE").size(), 2);
        QCOMPARE(server.receivedWithName("SELECT").size(), 1);
    }

    // A batch ends at maxBatchBytes; the rest waits in the queue for the next job, which does
    // not search again; once the queue is empty a SEARCH finds only emails already offered.
    void theQueueCarriesOverBetweenBatches()
    {
        FakeImapServer server;
        for (int i = 0; i < 3; ++i)
            server.addMessage(QStringLiteral("INBOX"), QByteArray(60, 'a'));
        Steps steps(server);
        steps.settings.maxBatchBytes = 130;
        QVERIFY(steps.open());
        const auto first = steps.fetch({});
        QVERIFY2(first.ok(), first.ok() ? "" : qPrintable(first.error().message));
        QCOMPARE(uidsOf(first->batch), QList<quint32>({1, 2}));
        QCOMPARE(first->batch.uidValidity, server.uidValidity);
        QCOMPARE(first->queue.pending, QList<quint32>({3}));
        const auto second = steps.fetch(first->queue);
        QVERIFY(second.ok());
        QCOMPARE(uidsOf(second->batch), QList<quint32>({3}));
        QCOMPARE(server.receivedWithName("UID SEARCH").size(), 1);
        const auto last = steps.fetch(second->queue);
        QVERIFY(last.ok());
        QVERIFY(last->batch.emails.isEmpty());
        QVERIFY(!last->mailArrived);
        QCOMPARE(server.receivedWithName("UID SEARCH").size(), 2);
    }

    void emailsExpungedMeanwhileAreLeftOut()
    {
        FakeImapServer server;
        server.addMessage(QStringLiteral("INBOX"), "Subject: 1\r\n\r\none\r\n");
        server.addMessage(QStringLiteral("INBOX"), "Subject: 2\r\n\r\ntwo\r\n");
        server.handlers.insert("UID FETCH", [](Connection &connection, const QByteArray &tag,
                                               const QByteArray &arguments) {
            if (!arguments.contains("BODY.PEEK[]"))
                return false;
            // UID 1 was expunged by another client after its size was fetched.
            connection.write("* 1 FETCH (UID 2 BODY[] {4}\r\ntwo!)\r\n" + tag + " OK done\r\n");
            return true;
        });
        Steps steps(server);
        QVERIFY(steps.open());
        const auto next = steps.fetch({});
        QVERIFY(next.ok());
        QCOMPARE(uidsOf(next->batch), QList<quint32>({2}));
        QCOMPARE(next->batch.emails.first().raw, QByteArray("two!"));
    }

    // Without MOVE: COPY per folder, then one STORE and one EXPUNGE for what was copied. A
    // refused COPY leaves its emails alone and is the job's error; the others are moved.
    void copyFallbackWithARefusedCopy()
    {
        FakeImapServer server;
        server.capabilities = "IMAP4rev1 UIDPLUS";
        for (int i = 1; i <= 4; ++i)
            server.addMessage(QStringLiteral("INBOX"), "Subject: " + QByteArray::number(i));
        server.handlers.insert("UID COPY", [](Connection &connection, const QByteArray &tag,
                                              const QByteArray &arguments) {
            if (!arguments.contains("Full"))
                return false;
            connection.write(tag + " NO [OVERQUOTA] full\r\n");
            return true;
        });
        Steps steps(server);
        QVERIFY(steps.open());
        MoveJob job(steps.session.get(),
                    {FolderMove{QStringLiteral("Archive"), QStringLiteral("Archive"), {1, 3}},
                     FolderMove{QStringLiteral("Full"), QStringLiteral("Full"), {2}}});
        QSignalSpy moved(&job, &MoveJob::moved);
        const auto done = awaitFinished<void>(job);
        QVERIFY(!done.ok());
        QCOMPARE(done.error().message, QStringLiteral("UID COPY to Full failed: full"));
        QCOMPARE(moved.size(), 1);
        QCOMPARE(moved.first().at(0).value<QList<quint32>>(), QList<quint32>({1, 3}));
        QCOMPARE(moved.first().at(1).toString(), QStringLiteral("Archive"));
        QVERIFY(server.receivedWithName("UID MOVE").isEmpty());
        QCOMPARE(server.receivedWithName("UID STORE").size(), 1);
        QVERIFY(server.receivedWithName("UID STORE").first().contains(" 1,3 +FLAGS.SILENT"));
        QCOMPARE(server.receivedWithName("UID EXPUNGE").size(), 1);
        QCOMPARE(server.messages(QStringLiteral("Archive")).size(), 2);
        QCOMPARE(server.messages(QStringLiteral("INBOX")).size(), 2);
    }

    // The emails count as moved only once both STORE and EXPUNGE succeeded.
    void refusedExpungeMovesNothing()
    {
        FakeImapServer server;
        server.capabilities = "IMAP4rev1 UIDPLUS";
        server.addMessage(QStringLiteral("INBOX"), "Subject: 1");
        server.handlers.insert(
            "UID EXPUNGE", [](Connection &connection, const QByteArray &tag, const QByteArray &) {
                connection.write(tag + " NO not now\r\n");
                return true;
            });
        Steps steps(server);
        QVERIFY(steps.open());
        MoveJob job(steps.session.get(),
                    {FolderMove{QStringLiteral("Archive"), QStringLiteral("Archive"), {1}}});
        QSignalSpy moved(&job, &MoveJob::moved);
        const auto done = awaitFinished<void>(job);
        QVERIFY(!done.ok());
        QCOMPARE(done.error().message, QStringLiteral("UID EXPUNGE failed: not now"));
        QVERIFY(moved.isEmpty());
    }

    void movePerFolderPipelined()
    {
        FakeImapServer server;
        for (int i = 1; i <= 3; ++i)
            server.addMessage(QStringLiteral("INBOX"), "Subject: " + QByteArray::number(i));
        Steps steps(server);
        QVERIFY(steps.open());
        MoveJob job(steps.session.get(),
                    {FolderMove{QStringLiteral("Archive"), QStringLiteral("Archive"), {1, 3}},
                     FolderMove{QStringLiteral("Invalid"), QStringLiteral("Invalid"), {2}}});
        QSignalSpy moved(&job, &MoveJob::moved);
        const auto done = awaitFinished<void>(job);
        QVERIFY(done.ok());
        QCOMPARE(moved.size(), 2);
        QCOMPARE(server.receivedWithName("UID MOVE").size(), 2);
        QVERIFY(server.receivedWithName("UID STORE").isEmpty());
        QCOMPARE(server.messages(QStringLiteral("INBOX")).size(), 0);
    }
};

QTEST_GUILESS_MAIN(TestImapSteps)
#include "tst_imapsteps.moc"
