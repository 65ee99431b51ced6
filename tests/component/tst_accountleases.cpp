#include "postgresserver.h"
#include "service/accountleases.h"
#include "store/leasesession.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace Dmarc;
using Dmarc::Test::PostgresServer;

namespace {

// Short enough for a test: the other instance tries every second.
constexpr int kTakeoverSeconds = 3;
constexpr int kTakeoverMs = kTakeoverSeconds * 1000;

const QStringList kAccounts{QStringLiteral("postmaster"), QStringLiteral("reports")};

bool holdsAll(const AccountLeases &leases)
{
    for (const QString &account : kAccounts) {
        if (!leases.holds(account))
            return false;
    }
    return true;
}

bool holdsNone(const AccountLeases &leases)
{
    for (const QString &account : kAccounts) {
        if (leases.holds(account))
            return false;
    }
    return true;
}

} // namespace

// Account leases (docs/architecture.md, section 3) between instances on a real PostgreSQL.
class TestAccountLeases : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        const auto started = m_server.start();
        QVERIFY2(started.ok(), qPrintable(started.error().message));
    }

    void init()
    {
        // Each case its own accounts' locks: a fresh database.
        ++m_case;
        const QString name = QStringLiteral("leases%1").arg(m_case);
        QVERIFY(m_server.createDatabase(name).ok());
        auto database = DatabaseSettings::fromUrl(m_server.urlWithPassword(name));
        QVERIFY(database.ok());
        m_database = *database;
    }

    void keyIsStableAndNonNegative()
    {
        QCOMPARE(LeaseSession::key(QStringLiteral("postmaster")),
                 LeaseSession::key(QStringLiteral("postmaster")));
        QVERIFY(LeaseSession::key(QStringLiteral("postmaster")) !=
                LeaseSession::key(QStringLiteral("reports")));
        for (const QString &name : {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"),
                                    QStringLiteral("\u00e9t\u00e9"), QString()})
            QVERIFY(LeaseSession::key(name) >= 0);
    }

    void oneInstanceHoldsEachAccountAndTheOtherSaysWho()
    {
        AccountLeases alpha(m_database, QStringLiteral("alpha"), kTakeoverSeconds);
        QSignalSpy taken(&alpha, &AccountLeases::leaseChanged);
        alpha.setAccounts(kAccounts);
        QVERIFY(holdsAll(alpha));
        QCOMPARE(taken.count(), 2);
        QCOMPARE(taken.at(0).at(1).toBool(), true);
        QCOMPARE(alpha.holder(QStringLiteral("reports")), QStringLiteral("alpha"));

        AccountLeases beta(m_database, QStringLiteral("beta"), kTakeoverSeconds);
        beta.setAccounts(kAccounts);
        QVERIFY(holdsNone(beta));
        QCOMPARE(beta.holder(QStringLiteral("postmaster")), QStringLiteral("alpha"));
        QCOMPARE(beta.holder(QStringLiteral("reports")), QStringLiteral("alpha"));
        // Beta's next tries change nothing while alpha lives.
        QSignalSpy betaChanged(&beta, &AccountLeases::leaseChanged);
        QVERIFY(!betaChanged.wait(kTakeoverMs / 2));
        QVERIFY(holdsAll(alpha));
    }

    void theOtherTakesOverWhenTheHolderEnds()
    {
        auto alpha = std::make_unique<AccountLeases>(m_database, QStringLiteral("alpha"),
                                                     kTakeoverSeconds);
        alpha->setAccounts(kAccounts);
        QVERIFY(holdsAll(*alpha));
        AccountLeases beta(m_database, QStringLiteral("beta"), kTakeoverSeconds);
        beta.setAccounts(kAccounts);
        QVERIFY(holdsNone(beta));

        QElapsedTimer elapsed;
        elapsed.start();
        alpha.reset(); // its session closes, as when the process exits or is killed
        QTRY_VERIFY_WITH_TIMEOUT(holdsAll(beta), kTakeoverMs);
        QVERIFY2(elapsed.elapsed() <= kTakeoverMs, qPrintable(QString::number(elapsed.elapsed())));
        QTRY_COMPARE(beta.holder(QStringLiteral("postmaster")), QStringLiteral("beta"));
    }

    void aSessionEndedByTheServerLosesItsLeases()
    {
        AccountLeases alpha(m_database, QStringLiteral("alpha"), kTakeoverSeconds);
        alpha.setAccounts(kAccounts);
        QVERIFY(holdsAll(alpha));
        AccountLeases beta(m_database, QStringLiteral("beta"), kTakeoverSeconds);
        beta.setAccounts(kAccounts);
        QSignalSpy alphaChanged(&alpha, &AccountLeases::leaseChanged);

        QElapsedTimer elapsed;
        elapsed.start();
        QVERIFY(m_server
                    .executeAsSuperuser(QStringLiteral("SELECT pg_terminate_backend(pid) FROM "
                                                       "pg_stat_activity WHERE application_name "
                                                       "= 'alpha'"))
                    .ok());
        // Alpha finds its session gone at its next keepalive and stops watching.
        QTRY_VERIFY_WITH_TIMEOUT(alphaChanged.count() >= 2, kTakeoverMs);
        QCOMPARE(alphaChanged.at(0).at(1).toBool(), false);
        QCOMPARE(alphaChanged.at(1).at(1).toBool(), false);
        // Within the bound each account is watched again, by one of them (alpha may win it
        // back: it connects again and tries like beta).
        const auto watchedOnce = [&] {
            for (const QString &account : kAccounts) {
                if (alpha.holds(account) == beta.holds(account))
                    return false;
            }
            return true;
        };
        QTRY_VERIFY_WITH_TIMEOUT(watchedOnce(), kTakeoverMs);
        QVERIFY2(elapsed.elapsed() <= kTakeoverMs, qPrintable(QString::number(elapsed.elapsed())));
        // Both say who: the same instance.
        for (const QString &account : kAccounts) {
            const QString holder =
                alpha.holds(account) ? QStringLiteral("alpha") : QStringLiteral("beta");
            QTRY_COMPARE_WITH_TIMEOUT(alpha.holder(account), holder, kTakeoverMs);
            QTRY_COMPARE_WITH_TIMEOUT(beta.holder(account), holder, kTakeoverMs);
        }
    }

    void anAccountNoLongerListedIsReleased()
    {
        AccountLeases alpha(m_database, QStringLiteral("alpha"), kTakeoverSeconds);
        alpha.setAccounts(kAccounts);
        AccountLeases beta(m_database, QStringLiteral("beta"), kTakeoverSeconds);
        beta.setAccounts(kAccounts);
        QVERIFY(holdsNone(beta));

        alpha.setAccounts({QStringLiteral("postmaster")});
        QVERIFY(alpha.holds(QStringLiteral("postmaster")));
        QVERIFY(!alpha.holds(QStringLiteral("reports")));
        QTRY_VERIFY_WITH_TIMEOUT(beta.holds(QStringLiteral("reports")), kTakeoverMs);
        QVERIFY(!beta.holds(QStringLiteral("postmaster")));
    }

    void aRestartedServerLosesTheLeasesAndTheyAreTakenAgain()
    {
        AccountLeases alpha(m_database, QStringLiteral("alpha"), kTakeoverSeconds);
        alpha.setAccounts(kAccounts);
        QVERIFY(holdsAll(alpha));
        m_server.stop();
        QTRY_VERIFY_WITH_TIMEOUT(holdsNone(alpha), kTakeoverMs);
        const auto restarted = m_server.restart();
        QVERIFY2(restarted.ok(), qPrintable(restarted.error().message));
        QTRY_VERIFY_WITH_TIMEOUT(holdsAll(alpha), kTakeoverMs);
        QCOMPARE(alpha.holder(QStringLiteral("postmaster")), QStringLiteral("alpha"));
    }

    void anUnreachableDatabaseHoldsNothing()
    {
        DatabaseSettings nowhere = m_database;
        nowhere.password = QStringLiteral("wrong");
        AccountLeases alpha(nowhere, QStringLiteral("alpha"), kTakeoverSeconds);
        alpha.setAccounts(kAccounts);
        QVERIFY(holdsNone(alpha));
        QVERIFY(alpha.holder(QStringLiteral("postmaster")).isEmpty());
    }

private:
    PostgresServer m_server;
    DatabaseSettings m_database;
    int m_case = 0;
};

QTEST_GUILESS_MAIN(TestAccountLeases)
#include "tst_accountleases.moc"
