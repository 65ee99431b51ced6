#include "dashboardmodels.h"
#include "queryanswer.h"
#include "samplestore.h"
#include "service/dashboardqueries.h"
#include "trayicon.h"

#include <QDateTime>
#include <QLocale>
#include <QSortFilterProxyModel>
#include <QTemporaryDir>
#include <QTest>
#include <QTranslator>

using namespace Dmarc;
using namespace Dmarc::Ui;
using Dmarc::Test::answerOf;

class TestDashboardModels : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<DashboardQueries> m_queries;
    QDate m_today = QDateTime::currentDateTimeUtc().date();

    static Counters counters(quint64 total, quint64 compliant)
    {
        Counters c;
        c.total = total;
        c.compliant = compliant;
        c.dkimAligned = compliant;
        c.spfAligned = total / 2;
        return c;
    }

    // The table of `by` over `days`, as the dashboard's summary has it; empty when unanswered.
    QList<GroupTotals> groupsOf(GroupBy by, DayRange days) const
    {
        const auto summary = answerOf<RangeSummary>(
            [&](QObject *c, auto reply) { m_queries->summary(days, c, reply); });
        return summary && *summary ? (*summary)->groupsBy(by) : QList<GroupTotals>();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
        QVERIFY(m_dir.isValid());
        QVERIFY(Test::openSampleStore(m_dir.path(), m_today));
        m_queries = std::make_unique<DashboardQueries>(StoreLocation{m_dir.path(), {}});
    }

    void percentages_data()
    {
        QTest::addColumn<quint64>("part");
        QTest::addColumn<quint64>("whole");
        QTest::addColumn<QString>("text");
        QTest::newRow("three quarters") << quint64(3) << quint64(4) << QStringLiteral("75.0 %");
        QTest::newRow("all") << quint64(7) << quint64(7) << QStringLiteral("100.0 %");
        QTest::newRow("none") << quint64(0) << quint64(9) << QStringLiteral("0.0 %");
        QTest::newRow("rounded") << quint64(2) << quint64(3) << QStringLiteral("66.7 %");
        QTest::newRow("nothing to divide") << quint64(0) << quint64(0) << QStringLiteral("–");
    }

    void percentages()
    {
        QFETCH(quint64, part);
        QFETCH(quint64, whole);
        QFETCH(QString, text);
        QCOMPARE(formatPercent(part, whole), text);
    }

    void rangesByReportDay_data()
    {
        QTest::addColumn<int>("range");
        QTest::addColumn<QDate>("from");
        QTest::addColumn<QDate>("to");
        QTest::newRow("yesterday") << int(Range::Yesterday) << QDate(2026, 2, 28)
                                   << QDate(2026, 2, 28);
        QTest::newRow("7 d") << int(Range::Week) << QDate(2026, 2, 23) << QDate(2026, 3, 1);
        QTest::newRow("30 d") << int(Range::Month) << QDate(2026, 1, 31) << QDate(2026, 3, 1);
        QTest::newRow("all") << int(Range::All) << QDate() << QDate();
    }

    void rangesByReportDay()
    {
        QFETCH(int, range);
        QFETCH(QDate, from);
        QFETCH(QDate, to);
        const DayRange days = dayRange(Range(range), QDate(2026, 3, 1));
        QCOMPARE(days.from, from);
        QCOMPARE(days.to, to);
    }

    // The summary's cards are the sum of each of its tables, on every range.
    void summaryAddsUp_data()
    {
        QTest::addColumn<int>("range");
        QTest::newRow("yesterday") << int(Range::Yesterday);
        QTest::newRow("7 d") << int(Range::Week);
        QTest::newRow("30 d") << int(Range::Month);
        QTest::newRow("all") << int(Range::All);
    }

    void summaryAddsUp()
    {
        QFETCH(int, range);
        const auto summary = answerOf<RangeSummary>([&](QObject *c, auto reply) {
            m_queries->summary(dayRange(Range(range), m_today), c, reply);
        });
        QVERIFY(summary && *summary);
        QVERIFY((*summary)->totals.counters.total > 0);
        for (int by = 0; by < kGroupings; ++by) {
            Counters sum;
            for (const GroupTotals &group : (*summary)->groupsBy(GroupBy(by)))
                sum += group.counters;
            QCOMPARE(sum, (*summary)->totals.counters);
        }
    }

    void groupedTableSortsNumerically()
    {
        const auto groups = groupsOf(GroupBy::FromDomain, DayRange{});
        QVERIFY(!groups.isEmpty());
        CountsTableModel model({QStringLiteral("Sending domain")});
        model.setGroups(groups);
        QSortFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        proxy.setSortRole(Qt::UserRole);
        QCOMPARE(model.columnCount(), 1 + CountsTableModel::ValueColumns);

        proxy.sort(1 + CountsTableModel::Messages, Qt::DescendingOrder);
        quint64 previous = std::numeric_limits<quint64>::max();
        for (int row = 0; row < proxy.rowCount(); ++row) {
            const quint64 messages =
                proxy.index(row, 1 + CountsTableModel::Messages).data(Qt::UserRole).toULongLong();
            QVERIFY(messages <= previous);
            previous = messages;
        }
        QCOMPARE(proxy.index(0, 0).data().toString(), QStringLiteral("example.com"));

        // Percentages sort by value, not by their text ("9.5 %" after "10.0 %").
        proxy.sort(1 + CountsTableModel::Compliance, Qt::AscendingOrder);
        double previousShare = -2;
        for (int row = 0; row < proxy.rowCount(); ++row) {
            const double share =
                proxy.index(row, 1 + CountsTableModel::Compliance).data(Qt::UserRole).toDouble();
            QVERIFY(share >= previousShare);
            previousShare = share;
        }
    }

    void percentagesPerRow()
    {
        CountsTableModel model({QStringLiteral("Reporter")});
        model.setGroups({GroupTotals{QStringLiteral("r"), counters(8, 6)},
                         GroupTotals{QString(), counters(0, 0)}});
        QCOMPARE(model.index(0, 1 + CountsTableModel::Messages).data().toString(),
                 QStringLiteral("8"));
        QCOMPARE(model.index(0, 1 + CountsTableModel::Compliance).data().toString(),
                 QStringLiteral("75.0 %"));
        QCOMPARE(model.index(0, 1 + CountsTableModel::SpfAligned).data().toString(),
                 QStringLiteral("50.0 %"));
        QCOMPARE(model.index(0, 1 + CountsTableModel::Compliance).data(Qt::UserRole).toDouble(),
                 75.0);
        QCOMPARE(model.index(1, 0).data().toString(), QStringLiteral("(none)"));
        QCOMPARE(model.index(1, 1 + CountsTableModel::Compliance).data().toString(),
                 QStringLiteral("–"));
        QCOMPARE(model.headerData(1 + CountsTableModel::Compliance, Qt::Horizontal).toString(),
                 QStringLiteral("DMARC compliant"));
    }

    void failingRowsAreHighlighted_data()
    {
        QTest::addColumn<quint64>("total");
        QTest::addColumn<quint64>("compliant");
        QTest::addColumn<bool>("failing");
        QTest::newRow("all compliant") << quint64(10) << quint64(10) << false;
        QTest::newRow("at the threshold") << quint64(10) << quint64(9) << false;
        QTest::newRow("under the threshold") << quint64(10) << quint64(8) << true;
        QTest::newRow("none compliant") << quint64(3) << quint64(0) << true;
        QTest::newRow("empty") << quint64(0) << quint64(0) << false;
    }

    void failingRowsAreHighlighted()
    {
        QFETCH(quint64, total);
        QFETCH(quint64, compliant);
        QFETCH(bool, failing);
        CountsTableModel model({QStringLiteral("Reporter")});
        model.setGroups({GroupTotals{QStringLiteral("r"), counters(total, compliant)}});
        QCOMPARE(model.isFailing(0), failing);
        QCOMPARE(model.index(0, 0).data(Qt::BackgroundRole).isValid(), failing);
    }

    void searchFilters()
    {
        const auto groups = groupsOf(GroupBy::Reporter, DayRange{});
        QVERIFY(!groups.isEmpty());
        CountsTableModel model({QStringLiteral("Reporter")});
        model.setGroups(groups);
        QSortFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        proxy.setFilterCaseSensitivity(Qt::CaseInsensitive);
        proxy.setFilterKeyColumn(-1);
        QVERIFY(proxy.rowCount() >= 4);
        proxy.setFilterFixedString(QStringLiteral("yahoo"));
        QCOMPARE(proxy.rowCount(), 1);
        QCOMPARE(proxy.index(0, 0).data().toString(), QStringLiteral("Yahoo"));
        proxy.setFilterFixedString(QStringLiteral("no such reporter"));
        QCOMPARE(proxy.rowCount(), 0);
    }

    void drillDownAddsUpToTheRow_data()
    {
        QTest::addColumn<int>("by");
        QTest::addColumn<QString>("key");
        QTest::addColumn<int>("range");
        QTest::newRow("sending domain")
            << int(GroupBy::FromDomain) << QStringLiteral("example.com") << int(Range::All);
        QTest::newRow("reporter") << int(GroupBy::Reporter) << QStringLiteral("Mail.Ru")
                                  << int(Range::Month);
        QTest::newRow("dkim domain")
            << int(GroupBy::DkimDomain) << QStringLiteral("spoof.example") << int(Range::Week);
        QTest::newRow("spf domain")
            << int(GroupBy::SpfDomain) << QStringLiteral("esp.example") << int(Range::Yesterday);
    }

    void drillDownAddsUpToTheRow()
    {
        QFETCH(int, by);
        QFETCH(QString, key);
        QFETCH(int, range);
        const DayRange days = dayRange(Range(range), m_today);
        const auto groups = groupsOf(GroupBy(by), days);
        const auto labelSets = answerOf<QList<LabelCounts>>([&](QObject *c, auto reply) {
            m_queries->labelSetsBehind(GroupBy(by), key, days, c, reply);
        });
        QVERIFY(labelSets && *labelSets);
        const auto group = std::find_if(groups.begin(), groups.end(),
                                        [&key](const GroupTotals &g) { return g.key == key; });
        QVERIFY(group != groups.end());
        const QList<LabelCounts> &behind = **labelSets;
        QVERIFY(!behind.isEmpty());
        Counters sum;
        for (const LabelCounts &entry : behind)
            sum += entry.counters;
        QCOMPARE(sum, group->counters);

        CountsTableModel model({QStringLiteral("Reporter"), QStringLiteral("Sending domain"),
                                QStringLiteral("DKIM domain"), QStringLiteral("SPF domain")});
        model.setLabelSets(behind);
        QCOMPARE(model.rowCount(), behind.size());
        QCOMPARE(model.columnCount(), 4 + CountsTableModel::ValueColumns);
        QCOMPARE(model.index(0, by).data().toString(), key);
    }

    void reportsLogShowsOutcomes()
    {
        const auto entries = answerOf<QList<LoggedReport>>(
            [&](QObject *c, auto reply) { m_queries->recentReports(1000, c, reply); });
        QVERIFY(entries && *entries);
        ReportsTableModel model;
        model.setEntries(**entries);
        QCOMPARE(model.rowCount(), (*entries)->size());
        int errors = 0;
        for (int row = 0; row < model.rowCount(); ++row) {
            const QString outcome = model.index(row, ReportsTableModel::Outcome).data().toString();
            const bool isError = model.entry(row).outcome == ReportOutcome::Malformed;
            QCOMPARE(outcome == QStringLiteral("Error"), isError);
            QCOMPARE(model.index(row, 0).data(Qt::BackgroundRole).isValid(), isError);
            if (isError) {
                ++errors;
                QVERIFY(!model.index(row, ReportsTableModel::Reason).data().toString().isEmpty());
            }
        }
        QVERIFY(errors >= 2);
    }

    void trayState_data()
    {
        QTest::addColumn<bool>("paused");
        QTest::addColumn<QString>("mailboxError");
        QTest::addColumn<quint64>("compliant");
        QTest::addColumn<quint64>("invalid");
        QTest::addColumn<int>("newSources");
        QTest::addColumn<int>("state");
        QTest::newRow("healthy") << false << QString() << quint64(95) << quint64(0) << 0
                                 << int(TrayState::Healthy);
        QTest::newRow("low compliance")
            << false << QString() << quint64(80) << quint64(0) << 0 << int(TrayState::Attention);
        QTest::newRow("invalid reports")
            << false << QString() << quint64(100) << quint64(1) << 0 << int(TrayState::Attention);
        QTest::newRow("new failing source")
            << false << QString() << quint64(100) << quint64(0) << 1 << int(TrayState::Attention);
        QTest::newRow("mailbox error") << false << QStringLiteral("login failed") << quint64(80)
                                       << quint64(1) << 0 << int(TrayState::Error);
        QTest::newRow("paused") << true << QString() << quint64(100) << quint64(0) << 0
                                << int(TrayState::Paused);
        QTest::newRow("paused hides old errors")
            << true << QStringLiteral("timeout") << quint64(100) << quint64(0) << 0
            << int(TrayState::Paused);
    }

    void trayState()
    {
        QFETCH(bool, paused);
        QFETCH(QString, mailboxError);
        QFETCH(quint64, compliant);
        QFETCH(quint64, invalid);
        QFETCH(int, newSources);
        QFETCH(int, state);
        TrayInputs inputs;
        inputs.paused = paused;
        AccountStatus account;
        account.name = QStringLiteral("a");
        account.lastError = mailboxError;
        inputs.accounts = {account};
        inputs.lastWeek = counters(100, compliant);
        inputs.invalidLastWeek = invalid;
        inputs.newFailingSources = newSources;
        QCOMPARE(int(trayStateFor(inputs)), state);
        QVERIFY(!trayIconPath(TrayState(state)).isEmpty());
    }

    void translationsAreBuiltIn_data()
    {
        QTest::addColumn<QString>("language");
        QTest::addColumn<QString>("counted");
        QTest::newRow("German") << QStringLiteral("de_DE") << QStringLiteral("Gezählt");
        QTest::newRow("French") << QStringLiteral("fr_FR") << QStringLiteral("Compté");
    }

    void translationsAreBuiltIn()
    {
        QFETCH(QString, language);
        QFETCH(QString, counted);
        QTranslator translator;
        QVERIFY(translator.load(QLocale(language), QStringLiteral("dmarc-metrics-exporter"),
                                QStringLiteral("_"), QStringLiteral(":/i18n")));
        QVERIFY(QCoreApplication::installTranslator(&translator));
        const QString text = ReportsTableModel::outcomeText(ReportOutcome::Counted);
        QCoreApplication::removeTranslator(&translator);
        QCOMPARE(text, counted);
        QCOMPARE(ReportsTableModel::outcomeText(ReportOutcome::Counted), QStringLiteral("Counted"));
    }
};

QTEST_MAIN(TestDashboardModels)
#include "tst_dashboardmodels.moc"
