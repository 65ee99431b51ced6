#include "dovecotserver.h"
#include "exporterharness.h"
#include "postgresserver.h"
#include "reportfixtures.h"
#include "store/store.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Dmarc;
using namespace Dmarc::Test;

namespace {

constexpr int kPerMailbox = 30;
constexpr int kTakeoverSeconds = 3;
const QString kSecondInbox = QStringLiteral("Second");

// Report email `i`: one DMARC report of its own id (every tenth without a report, so that
// the error folders get some).
QByteArray reportEmail(int i)
{
    if (i % 10 == 3)
        return email({}, "noreply-" + QByteArray::number(i) + "@reporter.example");
    const QByteArray domain = i % 2 ? "example.org" : "example.net";
    const QByteArray xml = feedback(
        record("<disposition>none</disposition><dkim>pass</dkim><spf>fail</spf>",
               "<count>" + QByteArray::number(1 + i % 7) + "</count>",
               "<header_from>" + domain + "</header_from>",
               "<dkim><domain>" + domain + "</domain><result>pass</result></dkim><spf><domain>" +
                   domain + "</domain><result>fail</result></spf>"),
        "multi-" + QByteArray::number(i), QByteArray(), i % 3 ? "google.com" : "yahoo.com");
    return email({attachment("application/gzip", "r.xml.gz", gzip(xml))});
}

// The two mailboxes overlap: the second holds the last half of the first's reports again.
QList<QByteArray> firstMailbox()
{
    QList<QByteArray> emails;
    for (int i = 0; i < kPerMailbox; ++i)
        emails << reportEmail(i);
    return emails;
}

QList<QByteArray> secondMailbox()
{
    QList<QByteArray> emails;
    for (int i = kPerMailbox / 2; i < kPerMailbox + kPerMailbox / 2; ++i)
        emails << reportEmail(i);
    return emails;
}

// What the emails of both mailboxes count, each report once: dmarc_total per label set, and
// the emails without a report per sender (each email, also the same one in both mailboxes).
struct Expected
{
    QHash<LabelSet, quint64> totals;
    QHash<QString, quint64> invalid;
};

Expected expectedCounts()
{
    Expected expected;
    for (int i = 0; i < kPerMailbox + kPerMailbox / 2; ++i) {
        if (i % 10 == 3)
            continue;
        const QString domain =
            i % 2 ? QStringLiteral("example.org") : QStringLiteral("example.net");
        const LabelSet labels{i % 3 ? QStringLiteral("google.com") : QStringLiteral("yahoo.com"),
                              domain, domain, domain};
        expected.totals[labels] += quint64(1 + i % 7);
    }
    for (const QList<int> &mailbox :
         {QList<int>{0, kPerMailbox}, QList<int>{kPerMailbox / 2, kPerMailbox * 3 / 2}}) {
        for (int i = mailbox.at(0); i < mailbox.at(1); ++i) {
            if (i % 10 == 3)
                ++expected.invalid[QStringLiteral("noreply-%1@reporter.example").arg(i)];
        }
    }
    return expected;
}

int invalidCount(const QList<QByteArray> &emails)
{
    int invalid = 0;
    for (int i = 0; i < emails.size(); ++i)
        invalid += emails.at(i).contains("r.xml.gz") ? 0 : 1;
    return invalid;
}

// One exporter process of the pair.
struct Instance : ExporterChild
{
    QString name;

    // Whether this instance says it watches `account` (-1: it does not say).
    int watches(const QString &account) const
    {
        const ParsedExposition scraped = scrape(metrics);
        const QString key =
            QStringLiteral("dmarc_metrics_exporter_account_watched{account=\"%1\"}").arg(account);
        return scraped.samples.contains(key) ? int(scraped.samples.value(key)) : -1;
    }
};

} // namespace

// Two exporters, one PostgreSQL store, two mailboxes of one Dovecot with overlapping reports
// (docs/architecture.md, section 3): every report counted once, every email moved once, also
// when the lease holder is killed or PostgreSQL restarts mid-run; and a watcher whose lease
// comes back while it still logs out watches again.
class TestMultiInstance : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        m_expected = expectedCounts();
        QCOMPARE(m_expected.totals.size(), qsizetype(4));
    }

    void init()
    {
        m_dovecot = std::make_unique<DovecotServer>();
        QVERIFY(m_dovecot->start().ok());
        QVERIFY(m_dovecot->createMailbox(kSecondInbox).ok());
        QVERIFY(m_dovecot->deliverToInbox(firstMailbox()).ok());
        QVERIFY(m_dovecot->deliverMany(kSecondInbox, secondMailbox()).ok());
        m_postgres = std::make_unique<PostgresServer>();
        const auto started = m_postgres->start();
        QVERIFY2(started.ok(), started.ok() ? "" : qPrintable(started.error().message));
        m_dir = std::make_unique<QTemporaryDir>();
        for (auto *instance : {&m_alpha, &m_beta}) {
            instance->reset(new Instance);
            (*instance)->name =
                instance == &m_alpha ? QStringLiteral("alpha") : QStringLiteral("beta");
            QVERIFY(writeConfig(**instance));
        }
    }

    void cleanup()
    {
        for (auto *instance : {&m_alpha, &m_beta}) {
            if (QTest::currentTestFailed())
                qInfo("%s's log:\n%s", qPrintable((*instance)->name),
                      qPrintable((*instance)->log().right(4000)));
            (*instance)->process.kill();
            (*instance)->waitForExit(10000);
        }
        m_alpha.reset();
        m_beta.reset();
        m_dovecot.reset();
        m_postgres.reset();
        m_dir.reset();
    }

    void twoInstancesCountEveryReportOnceAndMoveEveryEmailOnce()
    {
        QVERIFY(m_alpha->start());
        QVERIFY(m_beta->start());
        everyEmailMovedOnce();
        if (QTest::currentTestFailed())
            return;
        // Each account is watched by exactly one instance, and both say which.
        for (const QString &account : {QStringLiteral("first"), QStringLiteral("second")})
            QTRY_COMPARE(m_alpha->watches(account) + m_beta->watches(account), 1);
        storeHoldsTheExpectedCounts();
    }

    void theLeaseHolderKilledMidBatchIsTakenOver()
    {
        // Both start together; the one that takes the first account's lease starts on its
        // inbox at once and is killed as soon as the test sees an email moved (the emails then
        // left in both inboxes are logged: on a fast machine the first may be done already).
        QVERIFY(m_alpha->start());
        QVERIFY(m_beta->start());
        QTRY_VERIFY_WITH_TIMEOUT(m_dovecot->messageCount(QStringLiteral("INBOX")) < kPerMailbox,
                                 30000);
        const int alphaWatches = m_alpha->watches(QStringLiteral("first"));
        Instance &holder = alphaWatches == 1 ? *m_alpha : *m_beta;
        Instance &other = alphaWatches == 1 ? *m_beta : *m_alpha;
        holder.process.kill();
        QVERIFY(holder.waitForExit(10000));
        qInfo("%s killed with %d emails left in the first inbox", qPrintable(holder.name),
              m_dovecot->messageCount(QStringLiteral("INBOX")));
        QElapsedTimer takeover;
        takeover.start();
        QTRY_COMPARE_WITH_TIMEOUT(other.watches(QStringLiteral("first")), 1,
                                  kTakeoverSeconds * 1000 + 2000);
        QTRY_COMPARE(other.watches(QStringLiteral("second")), 1);
        qInfo("%s watches both accounts %lld ms after the other was killed", qPrintable(other.name),
              takeover.elapsed());
        everyEmailMovedOnce();
        if (QTest::currentTestFailed())
            return;
        storeHoldsTheExpectedCounts();
    }

    void postgresRestartedMidRunLosesNothing()
    {
        QVERIFY(m_alpha->start());
        QVERIFY(m_beta->start());
        QTRY_VERIFY_WITH_TIMEOUT(m_dovecot->messageCount(QStringLiteral("INBOX")) < kPerMailbox,
                                 30000);
        m_postgres->stop();
        // Both report it: their leases are gone and the store does not take commits.
        for (Instance *instance : {m_alpha.get(), m_beta.get()}) {
            QTRY_COMPARE_WITH_TIMEOUT(instance->watches(QStringLiteral("first")) +
                                          instance->watches(QStringLiteral("second")),
                                      0, 10000);
        }
        const auto restarted = m_postgres->restart();
        QVERIFY2(restarted.ok(), restarted.ok() ? "" : qPrintable(restarted.error().message));
        // A batch whose commit failed stays in the inbox; its watcher stopped with the lease,
        // and once it has the lease again it takes that batch anew: that commit must not wait
        // for a retry of the dropped one.
        everyEmailMovedOnce();
        for (Instance *instance : {m_alpha.get(), m_beta.get()})
            qInfo("%s: %lld commits failed while PostgreSQL was away", qPrintable(instance->name),
                  static_cast<long long>(instance->log().count(QLatin1String("Cannot commit"))));
        if (QTest::currentTestFailed())
            return;
        storeHoldsTheExpectedCounts();
    }

    void aLeaseTakenBackWhileItsWatcherLogsOutIsWatchedAgain()
    {
        // Alpha alone, on the first inbox. Its lease session ends while Dovecot hangs, so that
        // the watcher told to stop is still logging out when the lease is taken back (as after
        // a short break of the database connection): once it has stopped, it watches again.
        QVERIFY(writeConfig(*m_alpha, {QStringLiteral("first")}));
        QVERIFY(m_alpha->start());
        QTRY_COMPARE_WITH_TIMEOUT(m_dovecot->messageCount(QStringLiteral("INBOX")), 0, 60000);
        const QString lastCheck = QStringLiteral(
            "dmarc_metrics_exporter_imap_last_success_timestamp_seconds{account=\"first\"}");
        QTRY_VERIFY(scrape(m_alpha->metrics).samples.value(lastCheck) > 0);
        const QString taken = QStringLiteral("Account lease taken");
        QCOMPARE(m_alpha->log().count(taken), qsizetype(1));

        m_dovecot->setFrozen(true);
        auto thaw = qScopeGuard([this] { m_dovecot->setFrozen(false); });
        const auto ended = m_postgres->executeAsSuperuser(
            QStringLiteral("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE application_name = 'alpha'"));
        QVERIFY2(ended.ok(), ended.ok() ? "" : qPrintable(ended.error().message));
        QTRY_COMPARE_WITH_TIMEOUT(m_alpha->log().count(taken), qsizetype(2),
                                  kTakeoverSeconds * 1000 + 5000);
        QVERIFY(m_alpha->log().contains(QLatin1String("Account leases lost with their session")));
        thaw.dismiss();
        m_dovecot->setFrozen(false);

        // New mail is taken by the watcher that started again.
        QVERIFY(m_dovecot->deliverToInbox(secondMailbox()).ok());
        QTRY_COMPARE_WITH_TIMEOUT(m_dovecot->messageCount(QStringLiteral("INBOX")), 0, 60000);
        QCOMPARE(m_dovecot->messageCount(QStringLiteral("Invalid")),
                 invalidCount(firstMailbox()) + invalidCount(secondMailbox()));
        QCOMPARE(m_alpha->watches(QStringLiteral("first")), 1);
    }

    void everyInstanceServesTheCountersOfTheDatabase()
    {
        // Only alpha reads a mailbox: the first, with a TLS report and a failure report beside
        // the aggregate ones; beta watches an empty one and counts nothing itself.
        QVERIFY(m_dovecot
                    ->deliverToInbox({email({attachment("application/tlsrpt+gzip", "report.json.gz",
                                                        gzip(readTestData(QStringLiteral(
                                                            "tlsrpt/rfc8460-example.json"))))}),
                                      readTestData(QStringLiteral("arf/auth-failure.eml"))})
                    .ok());
        QVERIFY(m_dovecot->createMailbox(QStringLiteral("Idle")).ok());
        QVERIFY(writeConfig(*m_alpha, {QStringLiteral("first")}));
        QVERIFY(writeConfig(*m_beta, {QStringLiteral("idle")}));
        QVERIFY(m_beta->start());
        QVERIFY(m_alpha->start());
        const auto processed = [](const Instance &instance) {
            const ParsedExposition scraped = scrape(instance.metrics);
            double emails = 0;
            for (const char *outcome : {"done", "error"}) {
                emails += scraped.samples.value(
                    QStringLiteral("dmarc_metrics_exporter_emails_processed_total{outcome=\"%1\"}")
                        .arg(QLatin1String(outcome)));
            }
            return emails;
        };
        QTRY_COMPARE_WITH_TIMEOUT(processed(*m_alpha), double(kPerMailbox + 2), 60000);
        ParsedExposition counted;
        counted.samples = scrape(m_alpha->metrics).sharedSamples();
        for (const char *family :
             {"dmarc_total", "dmarc_invalid_reports_total", "tlsrpt_successful_sessions_total",
              "dmarc_failure_reports_total", "dmarc_source_total"})
            QVERIFY2(!counted.samplesOf(QLatin1String(family)).isEmpty(), family);
        // Beta reads them back within its refresh interval, exactly.
        QTRY_COMPARE_WITH_TIMEOUT(scrape(m_beta->metrics).sharedSamples(), counted.samples, 15000);
        // Its own figures stay its own: it processed no email.
        QCOMPARE(processed(*m_beta), 0.0);
    }

private:
    // Writes the configuration of `instance`, with the accounts named in `accounts` among
    // "first" (the inbox), "second" (the second inbox) and "idle" (a mailbox named Idle).
    bool writeConfig(Instance &instance, const QStringList &accounts = {QStringLiteral("first"),
                                                                        QStringLiteral("second")})
    {
        instance.configPath = m_dir->filePath(instance.name + QStringLiteral(".json"));
        const quint16 port = freeLocalPort();
        instance.metrics = QUrl(QStringLiteral("http://127.0.0.1:%1/metrics").arg(port));
        // Small batches, so that a kill lands between commits and moves.
        const auto account = [this](const QString &name, const QString &inbox,
                                    const QString &suffix) {
            QJsonObject json =
                dovecotAccount(*m_dovecot, name, inbox, QStringLiteral("Archive") + suffix,
                               QStringLiteral("Invalid") + suffix);
            QJsonObject imap = json.value(QStringLiteral("imap")).toObject();
            imap.insert(QStringLiteral("max_batch_bytes"), 8000);
            json.insert(QStringLiteral("imap"), imap);
            return json;
        };
        const QHash<QString, QJsonObject> known{
            {QStringLiteral("first"),
             account(QStringLiteral("first"), QStringLiteral("INBOX"), {})},
            {QStringLiteral("second"),
             account(QStringLiteral("second"), kSecondInbox, QStringLiteral("2"))},
            {QStringLiteral("idle"),
             account(QStringLiteral("idle"), QStringLiteral("Idle"), QStringLiteral("3"))}};
        QList<QJsonObject> chosen;
        for (const QString &name : accounts)
            chosen << known.value(name);
        QJsonObject config = QJsonDocument::fromJson(
                                 exporterConfig(chosen, m_dir->filePath(instance.name), port, 0.2))
                                 .object();
        config.insert(QStringLiteral("database"),
                      QJsonObject{{QStringLiteral("url"), m_postgres->url()},
                                  {QStringLiteral("password_file"), m_postgres->passwordFile()},
                                  {QStringLiteral("instance"), instance.name},
                                  {QStringLiteral("takeover_seconds"), kTakeoverSeconds}});
        QFile file(instance.configPath);
        return file.open(QIODevice::WriteOnly) && file.write(QJsonDocument(config).toJson()) > 0;
    }

    // Both inboxes emptied; each email in its account's done or error folder, once.
    void everyEmailMovedOnce()
    {
        const auto emptied = [this] {
            return m_dovecot->messageCount(QStringLiteral("INBOX")) == 0 &&
                   m_dovecot->messageCount(kSecondInbox) == 0;
        };
        QTRY_VERIFY_WITH_TIMEOUT(emptied(), 90000);
        const int firstInvalid = invalidCount(firstMailbox());
        const int secondInvalid = invalidCount(secondMailbox());
        QCOMPARE(m_dovecot->messageCount(QStringLiteral("Invalid")), firstInvalid);
        QCOMPARE(m_dovecot->messageCount(QStringLiteral("Archive")), kPerMailbox - firstInvalid);
        QCOMPARE(m_dovecot->messageCount(QStringLiteral("Invalid2")), secondInvalid);
        QCOMPARE(m_dovecot->messageCount(QStringLiteral("Archive2")), kPerMailbox - secondInvalid);
    }

    // The shared store holds what one uninterrupted instance counts.
    void storeHoldsTheExpectedCounts()
    {
        auto database = DatabaseSettings::fromUrl(m_postgres->urlWithPassword());
        QVERIFY(database.ok());
        auto store =
            Store::open(StoreLocation{m_dir->filePath(QStringLiteral("check")), *database});
        QVERIFY2(store.ok(), store.ok() ? "" : qPrintable(store.error().message));
        const auto snapshot = (*store)->snapshot();
        QVERIFY(snapshot.ok());
        QHash<LabelSet, quint64> totals;
        for (const LabelCounts &counts : snapshot->counters)
            totals.insert(counts.labels, counts.counters.total);
        QCOMPARE(totals, m_expected.totals);
        QHash<QString, quint64> invalid;
        for (const InvalidCount &count : snapshot->invalidReports)
            invalid.insert(count.fromEmail, count.count);
        QCOMPARE(invalid, m_expected.invalid);
    }

    Expected m_expected;
    std::unique_ptr<DovecotServer> m_dovecot;
    std::unique_ptr<PostgresServer> m_postgres;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Instance> m_alpha;
    std::unique_ptr<Instance> m_beta;
};

QTEST_GUILESS_MAIN(TestMultiInstance)
#include "tst_multiinstance.moc"
