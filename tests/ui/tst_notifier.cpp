// Desktop notifications: which events deserve one, how each is named, and the rate limit that
// holds and merges news instead of dropping or replacing them. Time is the test's own clock.
#include "notifier.h"

#include <QLocale>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

using namespace Dmarc;
using namespace Dmarc::Ui;

namespace {

constexpr qint64 kWindow = 900;

// A source newly failing DMARC as example.org, 5 of its messages failed.
FailingSource failingSource(const QString &key)
{
    return FailingSource{key, 5, {QStringLiteral("example.org")}};
}

EmailOutcome invalidEmail()
{
    EmailOutcome email;
    email.verdict = EmailVerdict::Error;
    return email;
}

AccountStatus troubled(AccountStatus::Trouble trouble)
{
    AccountStatus account;
    account.name = QStringLiteral("work");
    account.host = QStringLiteral("imap.example.com");
    account.user = QStringLiteral("reports");
    account.activity = AccountStatus::Activity::Reconnecting;
    account.trouble = trouble;
    account.lastError = QStringLiteral("imap.example.com:993: Connection refused while connecting");
    account.certificateIssuer = QStringLiteral("Private CA");
    account.certificateNames = {QStringLiteral("mail.example.com")};
    account.certificateProblems = {QStringLiteral("The certificate is self-signed, and untrusted")};
    return account;
}

// A store that takes no commits, for `reason`.
StoreStatus storeDown(const QString &reason)
{
    StoreStatus store;
    store.usable = false;
    store.reason = reason;
    store.error = QStringLiteral("/var/lib/dmarc/dmarc-metrics-exporter.sqlite: cannot commit: "
                                 "database or disk is full");
    store.failedCommits = 1;
    return store;
}

// Whether the notice's title is made of `parts`, in this order, separated by ", ". The words
// after a count take their plural form from a translation (English has one of its own).
bool isTitled(const Notice &notice, const QStringList &parts)
{
    const QStringList shown = notice.title.split(QStringLiteral(", "));
    if (shown.size() != parts.size())
        return false;
    for (int i = 0; i < parts.size(); ++i) {
        if (!shown.at(i).startsWith(parts.at(i)))
            return false;
    }
    return true;
}

// A notifier on a clock the test sets.
struct ClockedNotifier
{
    ClockedNotifier()
        : notifier(kWindow)
        , shown(&notifier, &Notifier::noticeReady)
    {
        notifier.setClock([this] { return now; });
    }

    Notice last() const { return shown.constLast().at(0).value<Notice>(); }
    // The held news' timer firing at `when`.
    void fireAt(qint64 when)
    {
        now = when;
        QVERIFY(QMetaObject::invokeMethod(notifier.timer(), "timeout"));
    }

    qint64 now = 1000;
    Notifier notifier;
    QSignalSpy shown;
};

} // namespace

class TestNotifier : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // News within the window are held and shown as one notice when it ends: none dropped, none
    // replacing the notice shown.
    void newsWithinTheWindowAreMergedAndDeliveredLater()
    {
        ClockedNotifier c;
        c.notifier.sourcesFailing({failingSource(QStringLiteral("one.example"))});
        QCOMPARE(c.shown.size(), 1);
        QCOMPARE(c.last().kind, Notice::Kind::FailingSource);
        QVERIFY2(isTitled(c.last(), {QStringLiteral("1 new source")}), qPrintable(c.last().title));
        QVERIFY(!c.notifier.timer()->isActive());

        c.now = 1060;
        c.notifier.sourcesFailing({failingSource(QStringLiteral("two.example"))});
        c.now = 1100;
        c.notifier.emailsProcessed({invalidEmail()});
        c.notifier.sourcesFailing({failingSource(QStringLiteral("three.example"))});
        QCOMPARE(c.shown.size(), 1);
        QVERIFY(c.notifier.timer()->isActive());
        // Due when the window of the first notice ends: 800 s from now.
        QVERIFY2(qAbs(c.notifier.timer()->remainingTime() - 800 * 1000) < 5000,
                 qPrintable(QString::number(c.notifier.timer()->remainingTime())));

        c.fireAt(1899); // early: nothing yet
        QCOMPARE(c.shown.size(), 1);
        c.fireAt(1900);
        QCOMPARE(c.shown.size(), 2);
        const Notice merged = c.last();
        QVERIFY2(isTitled(merged, {QStringLiteral("2 new failing source"),
                                   QStringLiteral("1 invalid report")}),
                 qPrintable(merged.title));
        QCOMPARE(merged.kind, Notice::Kind::FailingSource);
        QVERIFY(merged.message.contains(QStringLiteral("two.example")));
        QVERIFY(merged.message.contains(QStringLiteral("three.example")));
        QVERIFY(merged.message.contains(QStringLiteral("could not be read as a report")));
        QVERIFY(!c.notifier.timer()->isActive());

        // Quiet after that: the next news wait for the window of the merged notice.
        c.now = 2000;
        c.notifier.emailsProcessed({invalidEmail()});
        QCOMPARE(c.shown.size(), 2);
        c.fireAt(2800);
        QCOMPARE(c.shown.size(), 3);
        QCOMPARE(c.last().kind, Notice::Kind::InvalidReport);
        QCOMPARE(c.last().title, QStringLiteral("Invalid DMARC report"));
    }

    // News more important than the notice shown are shown at once, with what is held; lesser
    // news never take the place of a notice before its window ends.
    void importantNoticesAreNotReplacedByLesserOnes()
    {
        ClockedNotifier c;
        c.notifier.sourcesFailing({failingSource(QStringLiteral("one.example"))});
        QCOMPARE(c.shown.size(), 1);
        c.now = 1010;
        c.notifier.emailsProcessed({invalidEmail()});
        QCOMPARE(c.shown.size(), 1);
        c.now = 1020;
        c.notifier.accountChanged(troubled(AccountStatus::Trouble::LoginRefused));
        QCOMPARE(c.shown.size(), 2);
        QCOMPARE(c.last().kind, Notice::Kind::MailboxError);
        QVERIFY2(isTitled(c.last(), {QStringLiteral("1 mailbox problem"),
                                     QStringLiteral("1 invalid report")}),
                 qPrintable(c.last().title));
        QVERIFY(c.last().message.startsWith(
            QStringLiteral("Login refused by imap.example.com for user reports\n")));

        c.now = 1030;
        c.notifier.sourcesFailing({failingSource(QStringLiteral("two.example"))});
        c.notifier.accountChanged(troubled(AccountStatus::Trouble::Unreachable));
        QCOMPARE(c.shown.size(), 2);
        c.fireAt(1020 + kWindow);
        QCOMPARE(c.shown.size(), 3);
        QCOMPARE(c.last().kind, Notice::Kind::MailboxError);
        QVERIFY2(isTitled(c.last(), {QStringLiteral("1 mailbox problem"),
                                     QStringLiteral("1 new failing source")}),
                 qPrintable(c.last().title));
        QVERIFY(c.last().message.contains(QStringLiteral("Server unreachable")));
        QVERIFY(c.last().message.contains(QStringLiteral("two.example")));
    }

    void mailboxNoticesSayWhatWentWrong_data()
    {
        QTest::addColumn<int>("trouble");
        QTest::addColumn<QString>("title");
        QTest::addColumn<QString>("message");
        QTest::newRow("login refused")
            << int(AccountStatus::Trouble::LoginRefused)
            << QStringLiteral("Mailbox work: login refused")
            << QStringLiteral("Login refused by imap.example.com for user reports");
        QTest::newRow("certificate")
            << int(AccountStatus::Trouble::Certificate)
            << QStringLiteral("Mailbox work: certificate not trusted")
            << QStringLiteral("Certificate not trusted: issued by Private CA for mail.example.com "
                              "(The certificate is self-signed, and untrusted)");
        QTest::newRow("unreachable")
            << int(AccountStatus::Trouble::Unreachable)
            << QStringLiteral("Mailbox work unreachable")
            << QStringLiteral(
                   "Server unreachable: imap.example.com:993: Connection refused while connecting");
    }

    void mailboxNoticesSayWhatWentWrong()
    {
        QFETCH(int, trouble);
        QFETCH(QString, title);
        QFETCH(QString, message);
        ClockedNotifier c;
        c.notifier.accountChanged(troubled(AccountStatus::Trouble(trouble)));
        QCOMPARE(c.shown.size(), 1);
        QCOMPARE(c.last().kind, Notice::Kind::MailboxError);
        QCOMPARE(c.last().title, title);
        QCOMPARE(c.last().message, message);
    }

    // One notice per trouble, not per failed attempt; a trouble that ended while held is no
    // longer news.
    void eachTroubleOnce()
    {
        ClockedNotifier c;
        const AccountStatus refused = troubled(AccountStatus::Trouble::LoginRefused);
        c.notifier.accountChanged(refused);
        c.now = 5000;
        c.notifier.accountChanged(refused);
        QCOMPARE(c.shown.size(), 1);

        AccountStatus well = refused;
        well.trouble = AccountStatus::Trouble::None;
        c.notifier.accountChanged(well);
        c.notifier.accountChanged(refused); // refused again: news, shown (window over)
        QCOMPARE(c.shown.size(), 2);
        c.now = 5010;
        c.notifier.accountChanged(well);
        c.notifier.accountChanged(troubled(AccountStatus::Trouble::Unreachable));
        QVERIFY(c.notifier.timer()->isActive());
        c.notifier.accountChanged(well);
        QVERIFY(!c.notifier.timer()->isActive());
        c.fireAt(5000 + kWindow);
        QCOMPARE(c.shown.size(), 2);
    }

    // A store that stops taking reports is the most important news: shown at once, even within
    // the window of another notice, with what is held; once per fault, not per failed retry.
    void storeFailuresComeFirstAndOnce()
    {
        ClockedNotifier c;
        c.notifier.accountChanged(troubled(AccountStatus::Trouble::LoginRefused));
        QCOMPARE(c.shown.size(), 1);
        c.now = 1010;
        c.notifier.emailsProcessed({invalidEmail()});
        QCOMPARE(c.shown.size(), 1);

        c.now = 1020;
        const QString full = QStringLiteral("the disk holding the store is full");
        c.notifier.storeChanged(storeDown(full));
        QCOMPARE(c.shown.size(), 2);
        QCOMPARE(c.last().kind, Notice::Kind::StoreFailure);
        QVERIFY2(isTitled(c.last(), {QStringLiteral("Reports not saved"),
                                     QStringLiteral("1 invalid report")}),
                 qPrintable(c.last().title));
        QVERIFY2(c.last().message.startsWith(
                     QStringLiteral("Reports cannot be saved: the disk holding the store is full. "
                                    "The emails stay in the inbox and are tried again.\n"
                                    "/var/lib/dmarc/dmarc-metrics-exporter.sqlite: cannot "
                                    "commit: database or disk is full\n")),
                 qPrintable(c.last().message));
        QVERIFY(!c.notifier.timer()->isActive());

        // Each retry that fails for the same reason is no news; a new reason is, within the
        // window held like any news of the same rank.
        c.now = 1030;
        StoreStatus retried = storeDown(full);
        retried.failedCommits = 2;
        c.notifier.storeChanged(retried);
        QCOMPARE(c.shown.size(), 2);
        QVERIFY(!c.notifier.timer()->isActive());
        c.now = 1040;
        c.notifier.storeChanged(storeDown(QStringLiteral("the storage file is read-only")));
        QCOMPARE(c.shown.size(), 2);
        QVERIFY(c.notifier.timer()->isActive());
        c.fireAt(1020 + kWindow);
        QCOMPARE(c.shown.size(), 3);
        QCOMPARE(c.last().kind, Notice::Kind::StoreFailure);
        QCOMPARE(c.last().title, QStringLiteral("Reports could not be saved"));
        QVERIFY2(c.last().message.startsWith(QStringLiteral(
                     "Reports cannot be saved: the storage file is read-only.")),
                 qPrintable(c.last().message));
    }

    // A store that takes reports again before its held notice is due is no longer news; failing
    // again later is.
    void aStoreFailureThatEndedIsNoLongerNews()
    {
        ClockedNotifier c;
        const QString full = QStringLiteral("the disk holding the store is full");
        c.notifier.storeChanged(storeDown(full));
        QCOMPARE(c.shown.size(), 1);
        StoreStatus usable;
        usable.failedCommits = 1;
        c.now = 1010;
        c.notifier.storeChanged(usable);
        c.notifier.storeChanged(storeDown(full));
        QVERIFY(c.notifier.timer()->isActive());
        c.notifier.storeChanged(usable);
        QVERIFY(!c.notifier.timer()->isActive());
        c.fireAt(1000 + kWindow);
        QCOMPARE(c.shown.size(), 1);

        c.now = 1000 + kWindow;
        c.notifier.storeChanged(storeDown(full));
        QCOMPARE(c.shown.size(), 2);
        QCOMPARE(c.last().kind, Notice::Kind::StoreFailure);
    }

    // Sources known from the store, or seen before, are not news; a notice names the source,
    // its from domains and its failed messages.
    void newFailingSourcesOnce()
    {
        NotificationPolicy policy(0);
        const FailingSource known = failingSource(QStringLiteral("SendGrid"));
        policy.knowFailingSources({known});
        QVERIFY(!policy.sourcesFailing({known}, 10));
        QCOMPARE(policy.takeNewFailingSources(), 0);

        const FailingSource phish{QStringLiteral("192.0.2.66"),
                                  1234,
                                  {QStringLiteral("example.com"), QStringLiteral("example.org")}};
        const auto notice = policy.sourcesFailing({known, phish}, 20);
        QVERIFY(notice);
        QCOMPARE(notice->kind, Notice::Kind::FailingSource);
        QVERIFY2(
            notice->message.contains(QStringLiteral("192.0.2.66 as example.com, example.org: ") +
                                     QLocale().toString(1234)),
            qPrintable(notice->message));
        QCOMPARE(policy.takeNewFailingSources(), 1);
        QVERIFY(!policy.sourcesFailing({phish}, 30));
        QVERIFY(!policy.dueAt());
        // An email, whatever its reports, is no failing source: the store says which are.
        EmailOutcome email;
        email.analysis.reports = {ReportCounts{}};
        QVERIFY(!policy.emailsProcessed({email}, 40));
    }
};

QTEST_GUILESS_MAIN(TestNotifier)
#include "tst_notifier.moc"
