#include "awaitfinished.h"
#include "dovecotserver.h"
#include "imap/accountprobe.h"
#include "imap/mailboxwatcher.h"
#include "mailboxfates.h"

#include <QElapsedTimer>
#include <QFile>
#include <QLoggingCategory>
#include <QSignalSpy>
#include <QTest>

using namespace Dmarc;
using Dmarc::Test::awaitFinished;
using Dmarc::Test::destinations;
using Dmarc::Test::DovecotServer;
using Dmarc::Test::Fate;
using Dmarc::Test::folderFor;

namespace {

QByteArray email(const QString &name)
{
    QFile file(QStringLiteral(DMARC_TEST_DATA_DIR "/upstream/") + name);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

ImapSettings settingsFor(const DovecotServer &server)
{
    ImapSettings settings;
    settings.host = server.host();
    settings.port = server.imapsPort();
    settings.security = ImapSettings::Security::ImplicitTls;
    settings.caFile = server.caCertificatePath();
    settings.tlsPeerName = server.tlsPeerName();
    settings.username = server.userName();
    settings.password = server.password();
    settings.idle = false;
    settings.pollIntervalSeconds = 3600;
    settings.timeoutSeconds = 10;
    return settings;
}

// Captures the wire trace, to see which commands went out.
QStringList g_wire;
void captureWire(QtMsgType, const QMessageLogContext &context, const QString &message)
{
    if (qstrcmp(context.category, "dmarc.imap.wire") == 0)
        g_wire.append(message);
}

class WireTrace
{
public:
    WireTrace()
    {
        g_wire.clear();
        QLoggingCategory::setFilterRules(QStringLiteral("dmarc.imap.wire.debug=true"));
        m_previous = qInstallMessageHandler(captureWire);
    }
    ~WireTrace()
    {
        qInstallMessageHandler(m_previous);
        QLoggingCategory::setFilterRules(QString());
    }
    bool sent(const QString &command) const
    {
        return std::any_of(g_wire.cbegin(), g_wire.cend(), [&](const QString &line) {
            return line.startsWith(u"C:") && line.contains(command);
        });
    }

private:
    QtMessageHandler m_previous;
};

} // namespace

class TestImapDovecot : public QObject
{
    Q_OBJECT
private:
    // Delivers three emails, runs one poll, gives Done/Error/nothing and checks where they went.
    void runMovesByVerdict(const ImapSettings &settings, DovecotServer &server)
    {
        const QList<QByteArray> mails{email(QStringLiteral("email-report-0.1-xml.eml")),
                                      email(QStringLiteral("email-minimal-no-report.eml")),
                                      email(QStringLiteral("email-dummy-queue-message.eml"))};
        for (const QByteArray &mail : mails)
            QVERIFY(server.deliver(QStringLiteral("INBOX"), mail).ok());

        MailboxWatcher watcher(settings);
        QSignalSpy batches(&watcher, &MailboxWatcher::batchReady);
        QSignalSpy polls(&watcher, &MailboxWatcher::pollFinished);
        QSignalSpy moved(&watcher, &MailboxWatcher::emailsMoved);
        watcher.start();
        QVERIFY(batches.wait(10000));
        const auto batch = batches.first().first().value<MailboxBatch>();
        QCOMPARE(batch.emails.size(), 3);
        QVERIFY(batch.uidValidity != 0);
        QCOMPARE(batch.mailbox, QStringLiteral("INBOX"));
        for (int i = 0; i < 3; ++i)
            QCOMPARE(batch.emails.at(i).raw, mails.at(i));
        watcher.submitDestinations(destinations(watcher, {{batch.emails.at(0).uid, Fate::Done},
                                                          {batch.emails.at(1).uid, Fate::Error}}));
        QVERIFY(polls.wait(10000));
        QCOMPARE(polls.first().first().toBool(), true);
        QCOMPARE(moved.size(), 2);
        QCOMPARE(server.messageCount(QStringLiteral("INBOX")), 1);
        QCOMPARE(server.messageCount(settings.doneFolder), 1);
        QCOMPARE(server.messageCount(settings.errorFolder), 1);
        QCOMPARE(watcher.status().emailsMoved, 2u);
        // A poll without verdicts leaves everything where it is.
        QSignalSpy stopped(&watcher, &MailboxWatcher::stopped);
        watcher.stop();
        QVERIFY(stopped.count() == 1 || stopped.wait(5000));
    }

private Q_SLOTS:
    void initTestCase() { qRegisterMetaType<MailboxBatch>(); }

    void implicitTlsLoginUidMove()
    {
        DovecotServer server;
        QVERIFY(server.start().ok());
        WireTrace trace;
        runMovesByVerdict(settingsFor(server), server);
        QVERIFY(trace.sent(QStringLiteral("UID MOVE")));
        QVERIFY(trace.sent(QStringLiteral("LOGIN testuser ***")));
        QVERIFY(!trace.sent(server.password()));
    }

    void startTlsPlainAuthentication()
    {
        DovecotServer server;
        QVERIFY(server.start().ok());
        ImapSettings settings = settingsFor(server);
        settings.port = server.imapPort();
        settings.security = ImapSettings::Security::StartTls;
        settings.auth = ImapSettings::Auth::Plain;
        WireTrace trace;
        runMovesByVerdict(settings, server);
        QVERIFY(trace.sent(QStringLiteral("STARTTLS")));
        QVERIFY(trace.sent(QStringLiteral("AUTHENTICATE PLAIN ***")));
    }

    void untrustedCertificateIsRefused()
    {
        DovecotServer server;
        QVERIFY(server.start().ok());
        QVERIFY(
            server
                .deliver(QStringLiteral("INBOX"), email(QStringLiteral("email-report-0.1-xml.eml")))
                .ok());
        ImapSettings settings = settingsFor(server);
        settings.caFile.clear();
        MailboxWatcher watcher(settings);
        QSignalSpy batches(&watcher, &MailboxWatcher::batchReady);
        QSignalSpy polls(&watcher, &MailboxWatcher::pollFinished);
        watcher.start();
        QVERIFY(polls.wait(10000));
        QCOMPARE(polls.first().at(0).toBool(), false);
        QVERIFY2(polls.first().at(1).toString().contains(u"TLS"),
                 qPrintable(polls.first().at(1).toString()));
        QVERIFY(batches.isEmpty());
        QCOMPARE(watcher.status().pollErrors, 1u);
        // The status names the refused certificate.
        const MailboxStatus status = watcher.status();
        QCOMPARE(status.failure, MailboxStatus::Failure::Certificate);
        QVERIFY(status.refusedCertificate);
        QCOMPARE(status.refusedCertificate->issuer, QStringLiteral("dmarc test CA"));
        QCOMPARE(status.refusedCertificate->names, QStringList{QStringLiteral("localhost")});
        QVERIFY(!status.refusedCertificate->problems.isEmpty());
        watcher.stop();
    }

    void nestedAndNonAsciiFolders()
    {
        DovecotServer server;
        QVERIFY(server.start().ok());
        ImapSettings settings = settingsFor(server);
        settings.doneFolder = QStringLiteral("DMARC/Erledigt & gut");
        settings.errorFolder = QStringLiteral("DMARC/Ungültig ✓");
        runMovesByVerdict(settings, server);
        const QStringList folders = server.mailboxes();
        QVERIFY2(folders.contains(settings.doneFolder), qPrintable(folders.join(u", ")));
        QVERIFY2(folders.contains(settings.errorFolder), qPrintable(folders.join(u", ")));
    }

    void copyStoreExpungeWithoutMove_data()
    {
        QTest::addColumn<QString>("capabilities");
        QTest::addColumn<QString>("expunge");
        QTest::newRow("UIDPLUS") << QStringLiteral("IMAP4rev1 SASL-IR LITERAL+ UIDPLUS IDLE")
                                 << QStringLiteral("UID EXPUNGE");
        QTest::newRow("plain EXPUNGE")
            << QStringLiteral("IMAP4rev1 SASL-IR LITERAL+ IDLE") << QStringLiteral(" EXPUNGE");
    }

    void copyStoreExpungeWithoutMove()
    {
        QFETCH(QString, capabilities);
        QFETCH(QString, expunge);
        DovecotServer server;
        DovecotServer::Options options;
        options.extraConfig = QStringLiteral("imap_capability = ") + capabilities;
        QVERIFY(server.start(options).ok());
        WireTrace trace;
        runMovesByVerdict(settingsFor(server), server);
        QVERIFY(!trace.sent(QStringLiteral("UID MOVE")));
        QVERIFY(trace.sent(QStringLiteral("UID COPY")));
        QVERIFY(trace.sent(QStringLiteral("+FLAGS.SILENT (\\Deleted)")));
        QVERIFY(trace.sent(expunge));
    }

    void idleHandsOverNewMailWithinSeconds()
    {
        DovecotServer server;
        QVERIFY(server.start().ok());
        ImapSettings settings = settingsFor(server);
        settings.idle = true;
        MailboxWatcher watcher(settings);
        QSignalSpy batches(&watcher, &MailboxWatcher::batchReady);
        QSignalSpy polls(&watcher, &MailboxWatcher::pollFinished);
        watcher.start();
        QVERIFY(polls.wait(10000));
        QTRY_COMPARE_WITH_TIMEOUT(watcher.status().activity, MailboxStatus::Activity::Idling, 5000);
        QVERIFY(watcher.status().pushMode);

        QElapsedTimer clock;
        clock.start();
        QVERIFY(
            server
                .deliver(QStringLiteral("INBOX"), email(QStringLiteral("email-report-0.1-xml.eml")))
                .ok());
        QVERIFY(batches.wait(5000));
        QVERIFY(clock.elapsed() < 5000);
        const auto batch = batches.first().first().value<MailboxBatch>();
        watcher.submitDestinations(destinations(watcher, {{batch.emails.first().uid, Fate::Done}}));
        QTRY_COMPARE_WITH_TIMEOUT(server.messageCount(settings.doneFolder), 1, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(watcher.status().activity, MailboxStatus::Activity::Idling, 5000);

        QSignalSpy stopped(&watcher, &MailboxWatcher::stopped);
        watcher.stop();
        QVERIFY(stopped.wait(5000));
        QCOMPARE(watcher.status().activity, MailboxStatus::Activity::Stopped);
    }

    void reconnectsAfterServerRestart()
    {
        DovecotServer server;
        QVERIFY(server.start().ok());
        ImapSettings settings = settingsFor(server);
        settings.idle = true;
        settings.reconnectMinSeconds = 0.2;
        settings.reconnectMaxSeconds = 1;
        MailboxWatcher watcher(settings);
        QSignalSpy batches(&watcher, &MailboxWatcher::batchReady);
        QSignalSpy polls(&watcher, &MailboxWatcher::pollFinished);
        watcher.start();
        QVERIFY(polls.wait(10000));
        QTRY_COMPARE_WITH_TIMEOUT(watcher.status().activity, MailboxStatus::Activity::Idling, 5000);

        server.stop();
        QTRY_VERIFY_WITH_TIMEOUT(watcher.status().pollErrors >= 1, 15000);
        QVERIFY(!watcher.status().connected);
        QVERIFY(server.restart().ok());
        QVERIFY(
            server
                .deliver(QStringLiteral("INBOX"), email(QStringLiteral("email-report-0.1-xml.eml")))
                .ok());
        QVERIFY(batches.wait(15000));
        QVERIFY(watcher.status().connected);
        watcher.stop();
    }

    // A refused login is tried again in minutes (1, 2, 5, 10, then every 15), a network error
    // in seconds: the same credentials would be refused again, and a server's intrusion
    // protection counts the refusals. "Check now" tries at once all the same.
    void refusedLoginIsRetriedInMinutes()
    {
        DovecotServer server;
        QVERIFY(server.start().ok());
        ImapSettings settings = settingsFor(server);
        settings.password = QStringLiteral("wrong");
        settings.reconnectMinSeconds = 0.2;
        settings.reconnectMaxSeconds = 1;
        MailboxWatcher watcher(settings);
        QSignalSpy polls(&watcher, &MailboxWatcher::pollFinished);
        const auto secondsToNextAttempt = [&watcher] {
            return QDateTime::currentDateTimeUtc().msecsTo(watcher.status().nextAttempt) / 1000.0;
        };
        watcher.start();
        QVERIFY(polls.wait(15000));
        QCOMPARE(watcher.status().failure, MailboxStatus::Failure::LoginRefused);
        QCOMPARE(watcher.status().activity, MailboxStatus::Activity::Reconnecting);
        QVERIFY2(secondsToNextAttempt() > 58 && secondsToNextAttempt() <= 60,
                 qPrintable(QString::number(secondsToNextAttempt())));

        watcher.checkNow();
        QVERIFY(polls.wait(15000));
        QCOMPARE(polls.size(), 2);
        QCOMPARE(watcher.status().failure, MailboxStatus::Failure::LoginRefused);
        QVERIFY2(secondsToNextAttempt() > 118 && secondsToNextAttempt() <= 120,
                 qPrintable(QString::number(secondsToNextAttempt())));
        QCOMPARE(watcher.status().pollErrors, quint64(2));
        const QList<double> minutes{1, 2, 5, 10, 15, 15};
        for (int refusals = 1; refusals <= minutes.size(); ++refusals)
            QCOMPARE(MailboxWatcher::loginRetryDelaySeconds(refusals),
                     60 * minutes.at(refusals - 1));

        // The server goes away: a network error, retried within the second.
        server.stop();
        watcher.checkNow();
        QVERIFY(polls.wait(15000));
        QCOMPARE(watcher.status().failure, MailboxStatus::Failure::Network);
        QVERIFY2(secondsToNextAttempt() <= 1, qPrintable(QString::number(secondsToNextAttempt())));
        QVERIFY(!watcher.status().refusedCertificate);
        watcher.stop();
    }

    // "Test this account" against a real server: the folders over implicit TLS and STARTTLS,
    // nested and non-ASCII names decoded; nothing is created.
    void probeListsTheFolders()
    {
        DovecotServer server;
        QVERIFY(server.start().ok());
        const QString nested = QStringLiteral("DMARC/Ungültig ✓");
        QVERIFY(server.createMailbox(nested).ok());
        ImapSettings startTls = settingsFor(server);
        startTls.port = server.imapPort();
        startTls.security = ImapSettings::Security::StartTls;
        for (const ImapSettings &settings : {settingsFor(server), startTls}) {
            AccountProbe probe(settings);
            const auto folders = awaitFinished<QStringList>(probe, 10000);
            QVERIFY2(folders.ok(), folders.ok() ? "" : qPrintable(folders.error().message));
            QVERIFY2(folders->contains(QStringLiteral("INBOX")) && folders->contains(nested),
                     qPrintable(folders->join(u", ")));
        }
        QVERIFY(!server.mailboxes().contains(settingsFor(server).doneFolder));
    }

    void probeExplainsWhatWentWrong_data()
    {
        QTest::addColumn<bool>("trustTheCa");
        QTest::addColumn<QString>("password");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("message");
        QTest::newRow("untrusted certificate")
            << false << QStringLiteral("testpass") << QStringLiteral("certificate")
            << QStringLiteral("The server's certificate is not trusted");
        QTest::newRow("wrong password")
            << true << QStringLiteral("nope") << QStringLiteral("auth_failed")
            << QStringLiteral("Login refused");
    }

    void probeExplainsWhatWentWrong()
    {
        QFETCH(bool, trustTheCa);
        QFETCH(QString, password);
        QFETCH(QString, code);
        QFETCH(QString, message);
        DovecotServer server;
        QVERIFY(server.start().ok());
        ImapSettings settings = settingsFor(server);
        if (!trustTheCa)
            settings.caFile.clear();
        settings.password = password;
        AccountProbe probe(settings);
        const auto folders = awaitFinished<QStringList>(probe, 15000);
        QVERIFY(!folders.ok());
        QCOMPARE(folders.error().code, code);
        QVERIFY2(folders.error().message.startsWith(message), qPrintable(folders.error().message));
    }
};

QTEST_GUILESS_MAIN(TestImapDovecot)
#include "tst_imapdovecot.moc"
