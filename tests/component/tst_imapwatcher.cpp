#include "fakeimapserver.h"
#include "fakeimapsettings.h"
#include "imap/imapsession.h"
#include "imap/mailboxwatcher.h"
#include "mailboxfates.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryFile>
#include <QTest>
#include <QTimer>

using namespace Dmarc;
using Dmarc::Test::destinations;
using Dmarc::Test::FakeImapServer;
using Dmarc::Test::Fate;
using Dmarc::Test::folderFor;
using Connection = Dmarc::Test::FakeImapServer::Connection;

namespace {

ImapSettings settingsFor(const FakeImapServer &server)
{
    ImapSettings settings = Dmarc::Test::fakeAccount(server.port(), 0.3);
    settings.idle = false;
    settings.pollIntervalSeconds = 3600;
    settings.reconnectMinSeconds = 3600; // one attempt per test unless a test says otherwise
    return settings;
}

ImapSettings idleSettingsFor(const FakeImapServer &server)
{
    ImapSettings settings = settingsFor(server);
    settings.idle = true;
    return settings;
}

QByteArray mail(int n)
{
    return "Subject: mail " + QByteArray::number(n) + "\r\n\r\nbody " + QByteArray::number(n) +
           "\r\n";
}

// Gives every email of every batch the verdict `verdict` (or none).
void answerAll(MailboxWatcher &watcher, std::optional<Fate> verdict)
{
    QObject::connect(&watcher, &MailboxWatcher::batchReady, &watcher,
                     [&watcher, verdict](const MailboxBatch &batch) {
                         QHash<quint32, QString> folders;
                         for (const FetchedEmail &email : batch.emails) {
                             if (verdict)
                                 folders.insert(email.uid, folderFor(watcher, *verdict));
                         }
                         watcher.submitDestinations(folders);
                     });
}

// A reply to a command: silence, a status, bytes, or a drop.
FakeImapServer::Handler reply(const QByteArray &text)
{
    return [text](Connection &connection, const QByteArray &tag, const QByteArray &) {
        if (text == "stall")
            return true;
        if (text == "drop") {
            connection.close();
            return true;
        }
        connection.write(tag + ' ' + text + "\r\n");
        return true;
    };
}

bool moveCommandsAbsent(const FakeImapServer &server)
{
    return server.receivedWithName("UID MOVE").isEmpty() &&
           server.receivedWithName("UID COPY").isEmpty() &&
           server.receivedWithName("UID STORE").isEmpty();
}

struct Run
{
    explicit Run(const ImapSettings &settings)
        : watcher(settings)
        , batches(&watcher, &MailboxWatcher::batchReady)
        , polls(&watcher, &MailboxWatcher::pollFinished)
    {}
    // The first poll result.
    bool finish(int timeoutMs = 5000)
    {
        if (polls.isEmpty() && !polls.wait(timeoutMs))
            return false;
        return true;
    }
    // Starts the watcher; every email of every batch gets `verdict` (or none).
    void startAnswering(std::optional<Fate> verdict)
    {
        answerAll(watcher, verdict);
        watcher.start();
    }
    // startAnswering(), then waits for the first check to end in IDLE.
    bool startAndIdle(std::optional<Fate> verdict)
    {
        startAnswering(verdict);
        return finish() && QTest::qWaitFor([this] {
                   return watcher.status().activity == MailboxStatus::Activity::Idling;
               });
    }
    bool ok() const { return polls.first().at(0).toBool(); }
    QString error() const { return polls.first().at(1).toString(); }

    MailboxWatcher watcher;
    QSignalSpy batches;
    QSignalSpy polls;
};

} // namespace

class TestImapWatcher : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { qRegisterMetaType<MailboxBatch>(); }

    void greetingFaults_data()
    {
        QTest::addColumn<QByteArray>("greeting");
        QTest::addColumn<QString>("error");
        QTest::newRow("never sent") << QByteArray() << QStringLiteral("waiting for the greeting");
        QTest::newRow("BYE") << QByteArray("* BYE too busy\r\n") << QStringLiteral("too busy");
        QTest::newRow("garbage") << QByteArray("SSH-2.0-OpenSSH\r\n")
                                 << QStringLiteral("not a response");
        QTest::newRow("tagged") << QByteArray("a0 OK what\r\n")
                                << QStringLiteral("unexpected greeting");
        QTest::newRow("binary") << QByteArray("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\r\n", 11)
                                << QStringLiteral("not a response");
    }

    void greetingFaults()
    {
        QFETCH(QByteArray, greeting);
        QFETCH(QString, error);
        FakeImapServer server;
        server.greeting = greeting;
        server.addMessage(QStringLiteral("INBOX"), mail(1));
        Run run(settingsFor(server));
        run.watcher.start();
        QVERIFY(run.finish());
        QVERIFY(!run.ok());
        QVERIFY2(run.error().contains(error), qPrintable(run.error()));
        QVERIFY(run.batches.isEmpty());
        QCOMPARE(run.watcher.status().activity, MailboxStatus::Activity::Reconnecting);
        QCOMPARE(run.watcher.status().lastError, run.error());
    }

    void preauthGreetingSkipsLogin()
    {
        FakeImapServer server;
        server.greeting = "* PREAUTH [CAPABILITY IMAP4rev1 MOVE] welcome back\r\n";
        server.addMessage(QStringLiteral("INBOX"), mail(1));
        Run run(settingsFor(server));
        run.startAnswering(Fate::Done);
        QVERIFY(run.finish());
        QVERIFY2(run.ok(), qPrintable(run.error()));
        QVERIFY(server.receivedWithName("LOGIN").isEmpty());
        QCOMPARE(server.messages(QStringLiteral("Archive")).size(), 1);
    }

    // Every step fails cleanly when the server falls silent, refuses, or hangs up.
    void faultOnEachCommand_data()
    {
        QTest::addColumn<QByteArray>("command");
        QTest::addColumn<QByteArray>("reply");
        QTest::addColumn<QString>("error");
        const QList<QByteArray> commands{"CAPABILITY", "LOGIN",     "LIST",
                                         "NAMESPACE",  "CREATE",    "SELECT",
                                         "UID SEARCH", "UID FETCH", "UID MOVE"};
        for (const QByteArray &command : commands) {
            QTest::addRow("%s stalls", command.constData())
                << command << QByteArray("stall") << QStringLiteral("no response");
            QTest::addRow("%s NO", command.constData())
                << command << QByteArray("NO nope") << QStringLiteral("nope");
            QTest::addRow("%s BAD", command.constData())
                << command << QByteArray("BAD huh") << QStringLiteral("huh");
            QTest::addRow("%s drops", command.constData())
                << command << QByteArray("drop") << QStringLiteral("closed");
        }
    }

    void faultOnEachCommand()
    {
        QFETCH(QByteArray, command);
        QFETCH(QByteArray, reply);
        QFETCH(QString, error);
        FakeImapServer server;
        server.addMessage(QStringLiteral("INBOX"), mail(1));
        server.addMessage(QStringLiteral("INBOX"), mail(2));
        server.handlers.insert(command, ::reply(reply));
        Run run(settingsFor(server));
        run.startAnswering(Fate::Done);
        QVERIFY(run.finish());
        QVERIFY(!run.ok());
        QVERIFY2(run.error().contains(error, Qt::CaseInsensitive), qPrintable(run.error()));
        QCOMPARE(run.watcher.status().pollErrors, 1u);
        QCOMPARE(run.watcher.status().connected, false);
        // Nothing left the inbox (the failed MOVE included).
        QCOMPARE(server.messages(QStringLiteral("INBOX")).size(), 2);
    }

    void droppedMidLiteralAndMidFetch_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::newRow("mid literal") << QByteArray("* 1 FETCH (UID 1 BODY[] {100}\r\nSubject: cut");
        QTest::newRow("mid fetch")
            << QByteArray("* 1 FETCH (UID 1 BODY[] {4}\r\nabcd)\r\n* 2 FETCH (UID 2");
        QTest::newRow("before tagged") << QByteArray("* 1 FETCH (UID 1 BODY[] {4}\r\nabcd)\r\n");
    }

    void droppedMidLiteralAndMidFetch()
    {
        QFETCH(QByteArray, bytes);
        FakeImapServer server;
        server.addMessage(QStringLiteral("INBOX"), mail(1));
        server.addMessage(QStringLiteral("INBOX"), mail(2));
        server.handlers.insert("UID FETCH", [bytes](Connection &connection, const QByteArray &,
                                                    const QByteArray &arguments) {
            if (!arguments.contains("BODY.PEEK[]"))
                return false;
            connection.write(bytes);
            connection.close();
            return true;
        });
        Run run(settingsFor(server));
        run.startAnswering(Fate::Done);
        QVERIFY(run.finish());
        QVERIFY(!run.ok());
        QVERIFY2(run.error().contains(u"closed"), qPrintable(run.error()));
        QVERIFY(run.batches.isEmpty());
        QVERIFY(moveCommandsAbsent(server));
    }

    void garbageAfterLogin()
    {
        FakeImapServer server;
        server.handlers.insert(
            "LIST", [](Connection &connection, const QByteArray &, const QByteArray &) {
                connection.write("* LIST (\\Noselect \"/\" INBOX\r\n%%%garbage%%%\r\n");
                return true;
            });
        Run run(settingsFor(server));
        run.watcher.start();
        QVERIFY(run.finish());
        QVERIFY(!run.ok());
        QVERIFY2(run.error().contains(u"IMAP response"), qPrintable(run.error()));
    }

    void literalLargerThanLimit()
    {
        FakeImapServer server;
        // The server announces a small size, then sends a huge literal header.
        server.addMessage(QStringLiteral("INBOX"), mail(1));
        server.handlers.insert("UID FETCH", [](Connection &connection, const QByteArray &,
                                               const QByteArray &arguments) {
            if (!arguments.contains("BODY.PEEK[]"))
                return false;
            connection.write("* 1 FETCH (UID 1 BODY[] {4000000000}\r\n");
            return true;
        });
        ImapSettings settings = settingsFor(server);
        settings.maxMessageBytes = 100000;
        Run run(settings);
        run.startAnswering(Fate::Done);
        QVERIFY(run.finish());
        QVERIFY(!run.ok());
        QVERIFY2(run.error().contains(u"exceeds the limit"), qPrintable(run.error()));
        QVERIFY(moveCommandsAbsent(server));
    }

    // A server that sends the FETCH response one byte at a time, each well within the silence
    // timeout, is dropped at the step's deadline; the check is retried on a new connection.
    void dripFeedingServerIsDropped()
    {
        FakeImapServer server;
        server.addMessage(QStringLiteral("INBOX"), mail(1));
        const QByteArray response = "* 1 FETCH (UID 1 BODY[] {" +
                                    QByteArray::number(mail(1).size()) + "}\r\n" + mail(1) +
                                    ")\r\n";
        QTimer drip;
        drip.setInterval(100); // a third of the silence timeout
        Connection *dripping = nullptr;
        QByteArray tag;
        qsizetype sent = 0;
        QObject::connect(&drip, &QTimer::timeout, &drip, [&] {
            if (sent < response.size()) {
                dripping->write(response.mid(sent++, 1));
                return;
            }
            dripping->write(tag + " OK fetched\r\n");
            drip.stop();
        });
        server.handlers.insert("UID FETCH", [&](Connection &connection, const QByteArray &fetchTag,
                                                const QByteArray &arguments) {
            if (!arguments.contains("BODY.PEEK[]") || dripping)
                return false; // the second connection is served at once
            dripping = &connection;
            tag = fetchTag;
            drip.start();
            return true;
        });
        ImapSettings settings = settingsFor(server);
        settings.reconnectMinSeconds = 0.05;
        settings.reconnectMaxSeconds = 0.05;
        Run run(settings);
        run.startAnswering(Fate::Done);
        QVERIFY(run.finish());
        QVERIFY(!run.ok());
        QVERIFY2(run.error().contains(u"not done within 0.9 s while waiting for UID FETCH"),
                 qPrintable(run.error()));
        QVERIFY2(run.error().contains(u"too slowly"), qPrintable(run.error()));
        QVERIFY2(sent < response.size() / 2, qPrintable(QString::number(sent)));
        QVERIFY(run.batches.isEmpty());
        // Retried: the next connection fetches and moves the email.
        QTRY_VERIFY_WITH_TIMEOUT(run.polls.size() >= 2, 5000);
        QVERIFY2(run.polls.last().at(0).toBool(), qPrintable(run.polls.last().at(1).toString()));
        QCOMPARE(server.connectionCount(), 2);
        QCOMPARE(server.messages(QStringLiteral("Archive")).size(), 1);
    }

    // A large literal sent steadily gets one second per 64 KiB on top of the deadline: 256 KiB
    // in 32 pieces, 100 ms apart, take about three times the 0.9 s a small command may take.
    void steadyLargeFetchGetsItsTime()
    {
        QCOMPARE(Imap::ImapSession::commandDeadlineMs(10, 0), 30000);
        QCOMPARE(Imap::ImapSession::commandDeadlineMs(10, qint64(32) * 1024 * 1024),
                 30000 + 512000);
        FakeImapServer server;
        const QByteArray body = "Subject: big\r\n\r\n" + QByteArray(256 * 1024, 'x');
        server.addMessage(QStringLiteral("INBOX"), body);
        const QByteArray response = "* 1 FETCH (UID 1 BODY[] {" + QByteArray::number(body.size()) +
                                    "}\r\n" + body + ")\r\n";
        const qsizetype piece = response.size() / 32 + 1;
        QTimer pace;
        pace.setInterval(100);
        Connection *sending = nullptr;
        QByteArray tag;
        qsizetype sent = 0;
        QObject::connect(&pace, &QTimer::timeout, &pace, [&] {
            sending->write(response.mid(sent, piece));
            sent += piece;
            if (sent >= response.size()) {
                sending->write(tag + " OK fetched\r\n");
                pace.stop();
            }
        });
        server.handlers.insert("UID FETCH", [&](Connection &connection, const QByteArray &fetchTag,
                                                const QByteArray &arguments) {
            if (!arguments.contains("BODY.PEEK[]"))
                return false;
            sending = &connection;
            tag = fetchTag;
            pace.start();
            return true;
        });
        QElapsedTimer clock;
        clock.start();
        Run run(settingsFor(server));
        run.startAnswering(Fate::Done);
        QVERIFY(run.finish(10000));
        QVERIFY2(run.ok(), qPrintable(run.error()));
        QVERIFY2(clock.elapsed() > 2000, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(run.batches.first().first().value<MailboxBatch>().emails.first().raw, body);
    }

    void oversizedEmailIsNotDownloaded()
    {
        FakeImapServer server;
        server.addMessage(QStringLiteral("INBOX"), mail(1), 5000000);
        ImapSettings settings = settingsFor(server);
        settings.maxMessageBytes = 100000;
        Run run(settings);
        run.startAnswering(Fate::Error);
        QVERIFY(run.finish());
        QVERIFY2(run.ok(), qPrintable(run.error()));
        const auto batch = run.batches.first().first().value<MailboxBatch>();
        QVERIFY(batch.emails.first().oversized);
        QVERIFY(batch.emails.first().raw.isEmpty());
        for (const QByteArray &line : server.receivedWithName("UID FETCH"))
            QVERIFY(!line.contains("BODY.PEEK"));
        QCOMPARE(server.messages(QStringLiteral("Invalid")).size(), 1);
    }

    void literalHeaderSplitOverTwoReads()
    {
        FakeImapServer server;
        server.addMessage(QStringLiteral("INBOX"), mail(1));
        server.handlers.insert("UID FETCH", [](Connection &connection, const QByteArray &tag,
                                               const QByteArray &arguments) {
            if (!arguments.contains("BODY.PEEK[]"))
                return false;
            connection.write("* 1 FETCH (UID 1 BODY[] {1");
            QTimer::singleShot(50, [&connection, tag]() {
                connection.write("0}\r\n0123456789)\r\n" + tag + " OK done\r\n");
            });
            return true;
        });
        Run run(settingsFor(server));
        run.startAnswering(Fate::Done);
        QVERIFY(run.finish());
        QVERIFY2(run.ok(), qPrintable(run.error()));
        const auto batch = run.batches.first().first().value<MailboxBatch>();
        QCOMPARE(batch.emails.first().raw, QByteArray("0123456789"));
    }

    void onlyEmailsWithVerdictAreMoved()
    {
        FakeImapServer server;
        for (int i = 1; i <= 4; ++i)
            server.addMessage(QStringLiteral("INBOX"), mail(i));
        Run run(settingsFor(server));
        QObject::connect(
            &run.watcher, &MailboxWatcher::batchReady, &run.watcher,
            [&](const MailboxBatch &batch) {
                QCOMPARE(batch.uidValidity, 1234u);
                QCOMPARE(batch.emails.size(), 4);
                run.watcher.submitDestinations(destinations(
                    run.watcher, {{1, Fate::Done}, {3, Fate::Error}, {99, Fate::Done}}));
            });
        run.watcher.start();
        QVERIFY(run.finish());
        QVERIFY2(run.ok(), qPrintable(run.error()));
        QCOMPARE(run.batches.size(), 1); // the two without verdict are not offered again
        QCOMPARE(server.receivedWithName("UID MOVE").size(), 2);
        QVERIFY(server.receivedWithName("UID MOVE").first().contains(" 1 "));
        QVERIFY(server.receivedWithName("UID MOVE").last().contains(" 3 "));
        const QList<FakeImapServer::Message> left = server.messages(QStringLiteral("INBOX"));
        QCOMPARE(left.size(), 2);
        QCOMPARE(left.at(0).uid, 2u);
        QCOMPARE(left.at(1).uid, 4u);
    }

    void verdictsGivenLaterAndAfterStop()
    {
        FakeImapServer server;
        server.addMessage(QStringLiteral("INBOX"), mail(1));
        Run run(settingsFor(server));
        run.watcher.start();
        QVERIFY(run.batches.wait(5000));
        QCOMPARE(run.watcher.status().activity, MailboxStatus::Activity::AwaitingVerdicts);
        // The consumer is slow: the session waits without a timeout of its own.
        QVERIFY(!run.polls.wait(500));
        QSignalSpy stopped(&run.watcher, &MailboxWatcher::stopped);
        run.watcher.stop();
        QVERIFY(stopped.wait(5000));
        run.watcher.submitDestinations(destinations(run.watcher, {{1, Fate::Done}}));
        QCOMPARE(server.messages(QStringLiteral("INBOX")).size(), 1);
        QVERIFY(moveCommandsAbsent(server));
        QCOMPARE(server.receivedWithName("LOGOUT").size(), 1);
    }

    void withoutMoveOrUidplus_data()
    {
        QTest::addColumn<QByteArray>("capabilities");
        QTest::addColumn<QByteArray>("expunge");
        QTest::newRow("no MOVE") << QByteArray("IMAP4rev1 UIDPLUS") << QByteArray("UID EXPUNGE");
        QTest::newRow("no MOVE, no UIDPLUS") << QByteArray("IMAP4rev1") << QByteArray("EXPUNGE");
    }

    void withoutMoveOrUidplus()
    {
        QFETCH(QByteArray, capabilities);
        QFETCH(QByteArray, expunge);
        FakeImapServer server;
        server.capabilities = capabilities;
        for (int i = 1; i <= 3; ++i)
            server.addMessage(QStringLiteral("INBOX"), mail(i));
        Run run(settingsFor(server));
        QSignalSpy moved(&run.watcher, &MailboxWatcher::emailsMoved);
        QObject::connect(&run.watcher, &MailboxWatcher::batchReady, &run.watcher,
                         [&](const MailboxBatch &) {
                             run.watcher.submitDestinations(
                                 destinations(run.watcher, {{1, Fate::Done}, {2, Fate::Error}}));
                         });
        run.watcher.start();
        QVERIFY(run.finish());
        QVERIFY2(run.ok(), qPrintable(run.error()));
        QVERIFY(server.receivedWithName("UID MOVE").isEmpty());
        QCOMPARE(server.receivedWithName("UID COPY").size(), 2);
        QCOMPARE(server.receivedWithName("UID STORE").size(), 1);
        QVERIFY(server.receivedWithName("UID STORE")
                    .first()
                    .contains(" 1:2 +FLAGS.SILENT (\\Deleted)"));
        QCOMPARE(server.receivedWithName(expunge).size(), 1);
        QCOMPARE(moved.size(), 2);
        QCOMPARE(server.messages(QStringLiteral("INBOX")).size(), 1);
        QCOMPARE(server.messages(QStringLiteral("Archive")).size(), 1);
        QCOMPARE(server.messages(QStringLiteral("Invalid")).size(), 1);
    }

    void failedCopyDeletesNothing()
    {
        FakeImapServer server;
        server.capabilities = "IMAP4rev1 UIDPLUS";
        server.addMessage(QStringLiteral("INBOX"), mail(1));
        server.handlers.insert("UID COPY", reply("NO [OVERQUOTA] full"));
        Run run(settingsFor(server));
        run.startAnswering(Fate::Done);
        QVERIFY(run.finish());
        QVERIFY(!run.ok());
        QVERIFY(run.error().contains(u"full"));
        QVERIFY(server.receivedWithName("UID STORE").isEmpty());
        QCOMPARE(server.messages(QStringLiteral("INBOX")).size(), 1);
    }

    void faultsOnTheCopyPath_data()
    {
        QTest::addColumn<QByteArray>("command");
        QTest::addColumn<QByteArray>("reply");
        for (const char *command : {"UID STORE", "UID EXPUNGE"}) {
            QTest::addRow("%s NO", command) << QByteArray(command) << QByteArray("NO refused");
            QTest::addRow("%s stalls", command) << QByteArray(command) << QByteArray("stall");
        }
    }

    void faultsOnTheCopyPath()
    {
        QFETCH(QByteArray, command);
        QFETCH(QByteArray, reply);
        FakeImapServer server;
        server.capabilities = "IMAP4rev1 UIDPLUS";
        server.addMessage(QStringLiteral("INBOX"), mail(1));
        server.handlers.insert(command, ::reply(reply));
        Run run(settingsFor(server));
        QSignalSpy moved(&run.watcher, &MailboxWatcher::emailsMoved);
        run.startAnswering(Fate::Done);
        QVERIFY(run.finish());
        QVERIFY(!run.ok());
        QVERIFY(moved.isEmpty()); // copied maybe, but not moved: the next poll tries again
        QCOMPARE(server.messages(QStringLiteral("INBOX")).size(), 1);
    }

    void idleRefused()
    {
        FakeImapServer server;
        server.handlers.insert("IDLE", reply("NO not here"));
        Run run(idleSettingsFor(server));
        run.watcher.start();
        QTRY_COMPARE(run.polls.size(), 2);
        QVERIFY(run.polls.at(0).at(0).toBool());
        QVERIFY(!run.polls.at(1).at(0).toBool());
        QVERIFY(run.polls.at(1).at(1).toString().contains(u"not here"));
    }

    void tlsHandshakeStalls()
    {
        FakeImapServer server; // speaks no TLS: the client's hello is never answered
        server.greeting.clear();
        ImapSettings settings = settingsFor(server);
        settings.security = ImapSettings::Security::ImplicitTls;
        Run run(settings);
        run.watcher.start();
        QVERIFY(run.finish());
        QVERIFY(!run.ok());
        QVERIFY2(run.error().contains(u"TLS handshake"), qPrintable(run.error()));
    }

    void batchesAreBoundedBySize()
    {
        FakeImapServer server;
        for (int i = 1; i <= 5; ++i)
            server.addMessage(QStringLiteral("INBOX"), QByteArray(60, 'a' + char(i)));
        ImapSettings settings = settingsFor(server);
        settings.maxBatchBytes = 130;
        Run run(settings);
        run.startAnswering(Fate::Done);
        QVERIFY(run.finish());
        QVERIFY2(run.ok(), qPrintable(run.error()));
        QCOMPARE(run.batches.size(), 3); // 2 + 2 + 1
        int bodyFetches = 0;
        for (const QByteArray &line : server.receivedWithName("UID FETCH"))
            bodyFetches += line.contains("BODY.PEEK[]") ? 1 : 0;
        QCOMPARE(bodyFetches, 3);
        QCOMPARE(server.receivedWithName("UID SEARCH").size(), 2);
        for (const QList<QVariant> &signal : std::as_const(run.batches)) {
            qint64 total = 0;
            for (const FetchedEmail &email : signal.first().value<MailboxBatch>().emails)
                total += email.raw.size();
            QVERIFY(total <= 130);
        }
        QCOMPARE(server.messages(QStringLiteral("Archive")).size(), 5);
    }

    void literalsWithoutLiteralPlus()
    {
        FakeImapServer server;
        server.capabilities = "IMAP4rev1 MOVE";
        server.addMessage(QStringLiteral("INBOX"), mail(1));
        ImapSettings settings = settingsFor(server);
        settings.password = QStringLiteral("pässword");
        settings.doneFolder = QStringLiteral("Archiv ü");
        Run run(settings);
        run.startAnswering(Fate::Done);
        QVERIFY(run.finish());
        QVERIFY2(run.ok(), qPrintable(run.error()));
        QCOMPARE(server.receivedWithName("LOGIN").first(),
                 QByteArray("a1 LOGIN user {9}\r\np\xc3\xa4ssword"));
        QVERIFY(server.hasFolder(QStringLiteral("Archiv ü")));
        QVERIFY(server.receivedWithName("CREATE").first().contains("\"Archiv &APw-\""));
    }

    void personalPrefixWhenTopLevelCreateIsRefused()
    {
        FakeImapServer server;
        server.personalNamespace = "((\"INBOX.\" \".\"))";
        server.handlers.insert("CREATE", [&server](Connection &connection, const QByteArray &tag,
                                                   const QByteArray &arguments) {
            if (arguments.startsWith("INBOX."))
                return false;
            connection.write(tag + " NO [CANNOT] top-level folders are not allowed\r\n");
            Q_UNUSED(server);
            return true;
        });
        server.addMessage(QStringLiteral("INBOX"), mail(1));
        Run run(settingsFor(server));
        run.startAnswering(Fate::Done);
        QVERIFY(run.finish());
        QVERIFY2(run.ok(), qPrintable(run.error()));
        QCOMPARE(server.messages(QStringLiteral("INBOX.Archive")).size(), 1);
        QVERIFY(server.hasFolder(QStringLiteral("INBOX.Invalid")));
    }

    void startTlsRequiredButNotOffered()
    {
        FakeImapServer server;
        ImapSettings settings = settingsFor(server);
        settings.security = ImapSettings::Security::StartTls;
        Run run(settings);
        run.watcher.start();
        QVERIFY(run.finish());
        QVERIFY(!run.ok());
        QVERIFY2(run.error().contains(u"STARTTLS"), qPrintable(run.error()));
        QVERIFY(server.receivedWithName("LOGIN").isEmpty());
        QVERIFY(server.receivedWithName("AUTHENTICATE").isEmpty());
    }

    void loginFailure()
    {
        FakeImapServer server;
        ImapSettings settings = settingsFor(server);
        settings.password = QStringLiteral("wrong");
        Run run(settings);
        run.watcher.start();
        QVERIFY(run.finish());
        QVERIFY(!run.ok());
        QVERIFY2(run.error().contains(u"wrong password"), qPrintable(run.error()));
        QVERIFY(!run.error().contains(u"wrong\""));
    }

    void xoauth2_data()
    {
        QTest::addColumn<bool>("accept");
        QTest::addColumn<bool>("saslIr");
        QTest::newRow("success, SASL-IR") << true << true;
        QTest::newRow("success, continuation") << true << false;
        QTest::newRow("failure with SASL error") << false << true;
    }

    void xoauth2()
    {
        QFETCH(bool, accept);
        QFETCH(bool, saslIr);
        FakeImapServer server;
        if (!saslIr)
            server.capabilities = "IMAP4rev1 MOVE AUTH=XOAUTH2";
        server.addMessage(QStringLiteral("INBOX"), mail(1));
        if (!accept) {
            server.handlers.insert("AUTHENTICATE", [](Connection &connection, const QByteArray &tag,
                                                      const QByteArray &) {
                connection.expectLine([&connection, tag](const QByteArray &line) {
                    connection.write(
                        line.isEmpty()
                            ? QByteArray(tag + " NO [AUTHENTICATIONFAILED] invalid token\r\n")
                            : QByteArray(tag + " BAD expected an empty response\r\n"));
                });
                connection.write(
                    "+ " + QByteArray("{\"status\":\"401\",\"schemes\":\"bearer\"}").toBase64() +
                    "\r\n");
                return true;
            });
        }
        QTemporaryFile token;
        QVERIFY(token.open());
        token.write("ya29.token\n");
        token.flush();
        ImapSettings settings = settingsFor(server);
        settings.auth = ImapSettings::Auth::XOAuth2;
        settings.oauth2.tokenFile = token.fileName();
        Run run(settings);
        run.startAnswering(Fate::Done);
        QVERIFY(run.finish());
        const QList<QByteArray> auths = server.receivedWithName("AUTHENTICATE");
        QVERIFY(!auths.isEmpty());
        const QByteArray initial =
            saslIr ? auths.first().split(' ').value(3)
                   : server.received.at(server.received.indexOf(auths.first()) + 1);
        QCOMPARE(QByteArray::fromBase64(initial), QByteArray("user=user\x01"
                                                             "auth=Bearer ya29.token\x01\x01"));
        if (accept) {
            QVERIFY2(run.ok(), qPrintable(run.error()));
            QCOMPARE(server.messages(QStringLiteral("Archive")).size(), 1);
        } else {
            QVERIFY(!run.ok());
            QVERIFY2(run.error().contains(u"invalid token"), qPrintable(run.error()));
            // One retry with a fresh token, then the error.
            QCOMPARE(auths.size(), 2);
            QVERIFY(moveCommandsAbsent(server));
        }
    }

    void tokenCommandFailureIsReported()
    {
        FakeImapServer server;
        ImapSettings settings = settingsFor(server);
        settings.auth = ImapSettings::Auth::OAuthBearer;
        settings.oauth2.tokenCommand = QStringLiteral("sh -c \"echo no token >&2; exit 3\"");
        Run run(settings);
        run.watcher.start();
        QVERIFY(run.finish());
        QVERIFY(!run.ok());
        QVERIFY2(run.error().contains(u"exit 3") && run.error().contains(u"no token"),
                 qPrintable(run.error()));
        QCOMPARE(server.connectionCount(), 0);
    }

    void oauthBearerFromTokenCommand()
    {
        FakeImapServer server;
        server.addMessage(QStringLiteral("INBOX"), mail(1));
        ImapSettings settings = settingsFor(server);
        settings.auth = ImapSettings::Auth::OAuthBearer;
        settings.oauth2.tokenCommand = QStringLiteral("echo tok123");
        settings.timeoutSeconds = 5; // starting a process can take longer on a busy machine
        Run run(settings);
        run.startAnswering(Fate::Done);
        QVERIFY(run.finish());
        QVERIFY2(run.ok(), qPrintable(run.error()));
        const QByteArray initial =
            server.receivedWithName("AUTHENTICATE").first().split(' ').value(3);
        QVERIFY(QByteArray::fromBase64(initial).startsWith("n,a=user,\x01host=127.0.0.1\x01port="));
        QVERIFY(QByteArray::fromBase64(initial).endsWith("\x01"
                                                         "auth=Bearer tok123\x01\x01"));
    }

    void idleNewMailAndCheckNow()
    {
        FakeImapServer server;
        Run run(idleSettingsFor(server));
        QVERIFY(run.startAndIdle(Fate::Done));
        server.addMessage(QStringLiteral("INBOX"), mail(1));
        server.notifyExists();
        QVERIFY(run.batches.wait(2000));
        QTRY_COMPARE(server.messages(QStringLiteral("Archive")).size(), 1);
        QTRY_COMPARE(run.watcher.status().activity, MailboxStatus::Activity::Idling);
        // checkNow ends IDLE and searches again, without new mail.
        const int searches = server.receivedWithName("UID SEARCH").size();
        run.watcher.checkNow();
        QTRY_COMPARE(server.receivedWithName("UID SEARCH").size(), searches + 1);
        QTRY_COMPARE(run.watcher.status().activity, MailboxStatus::Activity::Idling);
        QCOMPARE(server.connectionCount(), 1);
    }

    // Mail that arrives while the last SEARCH of a check runs is missing from its result; the
    // server reports it once, with EXISTS before the tagged OK, and IDLE would not report it
    // again. The watcher searches once more instead of going idle.
    void mailArrivingDuringTheLastSearchIsFetched()
    {
        FakeImapServer server;
        server.handlers.insert("UID SEARCH", [&server](Connection &connection,
                                                       const QByteArray &tag, const QByteArray &) {
            if (server.receivedWithName("UID SEARCH").size() > 1)
                return false;
            connection.write("* SEARCH\r\n");
            server.addMessage(QStringLiteral("INBOX"), mail(1));
            connection.write("* 1 EXISTS\r\n" + tag + " OK done\r\n");
            return true;
        });
        Run run(idleSettingsFor(server));
        run.startAnswering(Fate::Done);
        QVERIFY(run.batches.wait(2000));
        QTRY_COMPARE(server.messages(QStringLiteral("Archive")).size(), 1);
        QTRY_COMPARE(run.watcher.status().activity, MailboxStatus::Activity::Idling);
        // The empty one, the one that found the mail, the one after the move.
        QCOMPARE(server.receivedWithName("UID SEARCH").size(), 3);
    }

    // A server that repeats the unchanged count with every response: no extra search.
    void unchangedExistsDoesNotSearchAgain()
    {
        FakeImapServer server;
        server.handlers.insert("UID SEARCH",
                               [](Connection &connection, const QByteArray &, const QByteArray &) {
                                   connection.write("* 0 EXISTS\r\n");
                                   return false; // the usual reply follows
                               });
        Run run(idleSettingsFor(server));
        QVERIFY(run.startAndIdle({}));
        QCOMPARE(server.receivedWithName("UID SEARCH").size(), 1);
    }

    // A mailbox replaced while selected (a new UIDVALIDITY outside SELECT): the session's UIDs
    // mean nothing any more, so nothing is handed over or moved by them; the next session
    // selects again and hands the emails over under the new UIDVALIDITY.
    void uidValidityChangeStartsOver_data()
    {
        QTest::addColumn<QByteArray>("command");
        QTest::addColumn<QByteArray>("arguments"); // a part of them that picks the command
        QTest::newRow("during the search") << QByteArray("UID SEARCH") << QByteArray();
        QTest::newRow("while fetching sizes") << QByteArray("UID FETCH") << QByteArray("SIZE");
        QTest::newRow("while fetching the emails")
            << QByteArray("UID FETCH") << QByteArray("BODY.PEEK");
    }

    void uidValidityChangeStartsOver()
    {
        QFETCH(QByteArray, command);
        QFETCH(QByteArray, arguments);
        FakeImapServer server;
        server.addMessage(QStringLiteral("INBOX"), mail(1));
        server.handlers.insert(command,
                               [&server, arguments](Connection &connection, const QByteArray &,
                                                    const QByteArray &given) {
                                   if (server.uidValidity == 999 || !given.contains(arguments))
                                       return false;
                                   server.uidValidity = 999;
                                   connection.write("* OK [UIDVALIDITY 999] mailbox replaced\r\n");
                                   return true; // the tagged reply never comes
                               });
        ImapSettings settings = settingsFor(server);
        settings.reconnectMinSeconds = 0.05;
        Run run(settings);
        run.startAnswering(Fate::Done);
        QVERIFY(run.finish());
        QVERIFY(!run.ok());
        QVERIFY2(run.error().contains(QLatin1String("UIDVALIDITY changed from 1234 to 999")),
                 qPrintable(run.error()));
        QVERIFY(run.batches.isEmpty());
        QVERIFY(moveCommandsAbsent(server));
        QVERIFY(run.batches.wait(5000));
        QCOMPARE(run.batches.first().at(0).value<MailboxBatch>().uidValidity, quint32(999));
        QTRY_COMPARE(server.messages(QStringLiteral("Archive")).size(), 1);
    }

    void idleIsRenewed()
    {
        FakeImapServer server;
        ImapSettings settings = idleSettingsFor(server);
        settings.idleRenewSeconds = 0.2;
        Run run(settings);
        run.watcher.start();
        QTRY_VERIFY(server.receivedWithName("IDLE").size() >= 3);
        QVERIFY(server.received.count("DONE") >= 2);
        QCOMPARE(server.connectionCount(), 1);
    }

    void stallDuringIdleDoneIsATimeout()
    {
        FakeImapServer server;
        server.handlers.insert(
            "IDLE", [](Connection &connection, const QByteArray &, const QByteArray &) {
                connection.expectLine([](const QByteArray &) {}); // DONE is never answered
                connection.write("+ idling\r\n");
                return true;
            });
        Run run(idleSettingsFor(server));
        QVERIFY(run.startAndIdle({}));
        run.polls.clear();
        run.watcher.checkNow();
        QVERIFY(run.polls.wait(3000));
        QVERIFY(!run.ok());
        QVERIFY2(run.error().contains(u"no response"), qPrintable(run.error()));
    }

    void pollingReconnectsEachInterval()
    {
        FakeImapServer server;
        ImapSettings settings = settingsFor(server);
        settings.pollIntervalSeconds = 0.1;
        Run run(settings);
        run.watcher.start();
        QTRY_VERIFY(run.polls.size() >= 3);
        QVERIFY(server.connectionCount() >= 3);
        QCOMPARE(server.receivedWithName("LOGOUT").size(),
                 server.connectionCount() - (run.watcher.status().connected ? 1 : 0));
        QVERIFY(!run.watcher.status().pushMode);
    }

    void reconnectBackoffGrows()
    {
        FakeImapServer server;
        server.greeting = "* BYE not now\r\n";
        ImapSettings settings = settingsFor(server);
        settings.reconnectMinSeconds = 0.05;
        settings.reconnectMaxSeconds = 0.4;
        Run run(settings);
        run.watcher.start();
        QTRY_VERIFY_WITH_TIMEOUT(run.polls.size() >= 6, 10000);
        QCOMPARE(run.watcher.status().pollErrors, quint64(run.polls.size()));
        // Recovers once the server does.
        server.greeting = "* OK back\r\n";
        QTRY_VERIFY_WITH_TIMEOUT(run.polls.last().at(0).toBool(), 5000);
        QCOMPARE(run.watcher.status().lastError, QString());
        QVERIFY(run.watcher.status().lastSuccessfulPoll.isValid());
    }

    void stopDuringEveryStep_data()
    {
        QTest::addColumn<QByteArray>("command");
        for (const char *command : {"CAPABILITY", "LOGIN", "SELECT", "UID FETCH", "UID MOVE"})
            QTest::newRow(command) << QByteArray(command);
    }

    void stopDuringEveryStep()
    {
        QFETCH(QByteArray, command);
        FakeImapServer server;
        server.addMessage(QStringLiteral("INBOX"), mail(1));
        server.handlers.insert(command, reply("stall"));
        ImapSettings settings = settingsFor(server);
        settings.timeoutSeconds = 1;
        Run run(settings);
        answerAll(run.watcher, Fate::Done);
        QSignalSpy stopped(&run.watcher, &MailboxWatcher::stopped);
        QObject::connect(&server, &FakeImapServer::commandReceived, &run.watcher,
                         [&](const QByteArray &name) {
                             if (name == command)
                                 run.watcher.stop();
                         });
        run.watcher.start();
        QVERIFY(stopped.wait(5000));
        QCOMPARE(stopped.size(), 1);
        QCOMPARE(run.watcher.status().activity, MailboxStatus::Activity::Stopped);
        QCOMPARE(server.messages(QStringLiteral("INBOX")).size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestImapWatcher)
#include "tst_imapwatcher.moc"
