#include "dashboardwindow.h"
#include "exporterfixture.h"
#include "failurereportview.h"
#include "service/exporter.h"
#include "store/store.h"
#include "tlsview.h"
#include "trayicon.h"

#include <QAbstractButton>
#include <QDateTime>
#include <QDialog>
#include <QLabel>
#include <QLocale>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Dmarc;
using namespace Dmarc::Ui;

namespace {

const QString kCom = QStringLiteral("example.com");
const QString kOrg = QStringLiteral("example.org");
const QString kNet = QStringLiteral("example.net");

TlsReport tlsReport(const QString &org, const QString &id, QDate day,
                    const QList<TlsPolicyCounts> &policies)
{
    TlsReport r;
    r.organizationName = org;
    r.reportId = id;
    r.dateBegin = day.startOfDay(Qt::UTC).toSecsSinceEpoch();
    r.dateEnd = r.dateBegin + 86399;
    r.policies = policies;
    return r;
}

EmailCommit commitOf(quint32 uid, const QList<TlsReport> &tls,
                     const QList<FailureReport> &failureReports = {})
{
    EmailCommit commit;
    commit.identity = EmailIdentity{QStringLiteral("main"), QStringLiteral("INBOX"), 1, uid,
                                    QByteArray::number(uid)};
    commit.analysis.fromEmail = QStringLiteral("reports@receiver.example");
    commit.analysis.candidates = int(tls.size() + failureReports.size());
    commit.analysis.tlsReports = tls;
    commit.analysis.failureReports = failureReports;
    return commit;
}

FailureReport failure(const QString &domain, const QString &auth, const QString &alignment,
                      const QString &delivery)
{
    return FailureReport{domain, auth, alignment, delivery, QStringLiteral("part 2")};
}

qint64 secsOf(QDate day)
{
    return day.startOfDay(Qt::UTC).toSecsSinceEpoch() + 12 * 3600;
}

// Commits `emails`, each at its time, to a new store in `directory`, closed afterwards.
bool fillStore(const QString &directory, const QList<std::pair<EmailCommit, qint64>> &emails)
{
    auto store = Store::open(directory);
    if (!store) {
        qWarning("%s", qPrintable(store.error().message));
        return false;
    }
    for (const auto &[email, at] : emails) {
        if (auto committed = (*store)->commit({email}, at); !committed) {
            qWarning("%s", qPrintable(committed.error().message));
            return false;
        }
    }
    return true;
}

// The cells of a model, a row per line joined by " | ", in the model's order.
QStringList cells(const QAbstractItemModel *model)
{
    QStringList rows;
    for (int row = 0; row < model->rowCount(); ++row) {
        QStringList cells;
        for (int column = 0; column < model->columnCount(); ++column)
            cells << model->index(row, column).data().toString();
        rows << cells.join(QStringLiteral(" | "));
    }
    return rows;
}

// The letter after '&' in `text`, lower-cased; none when there is no mnemonic.
QChar mnemonicOf(const QString &text)
{
    for (qsizetype i = 0; i + 1 < text.size(); ++i) {
        if (text.at(i) == QLatin1Char('&')) {
            if (text.at(i + 1) != QLatin1Char('&'))
                return text.at(i + 1).toLower();
            ++i;
        }
    }
    return {};
}

} // namespace

// The dashboard's TLS and failure-report tabs show the exact figures of a store filled with
// known reports and follow the range; the tray asks for attention while a policy domain had
// failed TLS sessions in the last 7 days.
class TestTlsViews : public QObject
{
    Q_OBJECT

private:
    QDate m_today = QDateTime::currentDateTimeUtc().date();
    QTemporaryDir m_dir;
    std::unique_ptr<Exporter> m_exporter;
    std::unique_ptr<DashboardWindow> m_window;

    void settle() { QTRY_VERIFY(!m_window->isRefreshing()); }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
        QVERIFY(m_dir.isValid());
        // Yesterday: Google's report, with failures for example.com. Twenty days ago:
        // Microsoft's, with more failures for example.com and example.net (tlsa).
        const TlsReport recent =
            tlsReport(QStringLiteral("Google Inc."), QStringLiteral("g-1"), m_today.addDays(-1),
                      {TlsPolicyCounts{kCom,
                                       QStringLiteral("sts"),
                                       90,
                                       10,
                                       {{QStringLiteral("starttls-not-supported"), 4},
                                        {QStringLiteral("certificate-expired"), 6}}},
                       TlsPolicyCounts{kOrg, QStringLiteral("sts"), 40, 0, {}}});
        const TlsReport older = tlsReport(
            QStringLiteral("Microsoft"), QStringLiteral("m-1"), m_today.addDays(-20),
            {TlsPolicyCounts{
                 kCom, QStringLiteral("sts"), 50, 50, {{QStringLiteral("validation-failure"), 50}}},
             TlsPolicyCounts{
                 kNet, QStringLiteral("tlsa"), 5, 5, {{QStringLiteral("dnssec-invalid"), 5}}}});
        const QList<FailureReport> today{failure(kCom, QStringLiteral("dmarc"),
                                                 QStringLiteral("none"), QStringLiteral("reject")),
                                         failure(kCom, QStringLiteral("dmarc"),
                                                 QStringLiteral("none"), QStringLiteral("reject"))};
        QVERIFY(fillStore(m_dir.path(),
                          {{commitOf(1, {recent}), secsOf(m_today)},
                           {commitOf(2, {older}), secsOf(m_today.addDays(-20))},
                           {commitOf(3, {}, today), secsOf(m_today)},
                           {commitOf(4, {}, {failure(kOrg, QStringLiteral("spf"), {}, {})}),
                            secsOf(m_today.addDays(-20))}}));
        m_exporter = Test::startExporterWithUnreachableAccount(m_dir.path());
        QVERIFY(m_exporter);
        m_window = std::make_unique<DashboardWindow>(*m_exporter);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        settle();
    }

    void cleanupTestCase()
    {
        m_window.reset();
        Test::stopExporter(m_exporter);
    }

    void tabsHaveMnemonicsOfTheirOwn()
    {
        QTabWidget *tabs = m_window->tabs();
        QCOMPARE(tabs->tabText(tabs->indexOf(m_window->tlsView())), QStringLiteral("T&LS"));
        QCOMPARE(tabs->tabText(tabs->indexOf(m_window->failureReportView())),
                 QStringLiteral("&Failure reports"));
        QStringList texts;
        for (int i = 0; i < tabs->count(); ++i)
            texts << tabs->tabText(i);
        for (const QAbstractButton *button : m_window->findChildren<QAbstractButton *>())
            texts << button->text();
        for (const QLabel *label : m_window->findChildren<QLabel *>()) {
            if (label->buddy())
                texts << label->text();
        }
        // The letters the two tabs brought: used once in the window. Their pages both have
        // "&Group by:", never shown together (tst_mnemonics checks what is shown together).
        for (const QChar letter : {u'l', u'f'}) {
            QStringList users;
            for (const QString &text : std::as_const(texts)) {
                if (mnemonicOf(text) == letter)
                    users << text;
            }
            QVERIFY2(users.size() == 1, qPrintable(QString(letter) + QStringLiteral(": ") +
                                                   users.join(QStringLiteral(", "))));
        }
    }

    void tlsTabFollowsTheRange()
    {
        TlsView *view = m_window->tlsView();
        view->setGroupBy(TlsGroupBy::PolicyDomain);
        m_window->setRange(Range::Week);
        settle();
        QCOMPARE(cells(view->sessions()),
                 (QStringList{QStringLiteral("example.com | sts | 90 | 10 | 10.0 % | "
                                             "certificate-expired 6, starttls-not-supported 4"),
                              QStringLiteral("example.org | sts | 40 | 0 | 0.0 % | ")}));
        m_window->setRange(Range::Month);
        settle();
        QCOMPARE(cells(view->sessions()),
                 (QStringList{QStringLiteral("example.com | sts | 140 | 60 | 30.0 % | "
                                             "validation-failure 50, certificate-expired 6, "
                                             "starttls-not-supported 4"),
                              QStringLiteral("example.net | tlsa | 5 | 5 | 50.0 % | "
                                             "dnssec-invalid 5"),
                              QStringLiteral("example.org | sts | 40 | 0 | 0.0 % | ")}));
        m_window->setRange(Range::Yesterday); // Google's report only
        settle();
        QCOMPARE(view->sessions()->rowCount(), 2);
    }

    void tlsTabPerReporterAndDay()
    {
        TlsView *view = m_window->tlsView();
        m_window->setRange(Range::Month);
        settle();
        view->setGroupBy(TlsGroupBy::Reporter);
        QTRY_COMPARE(view->sessions()->headerData(0, Qt::Horizontal).toString(),
                     QStringLiteral("Reporter"));
        QCOMPARE(cells(view->sessions()),
                 (QStringList{QStringLiteral("Google Inc. | sts | 130 | 10 | 7.1 % | "
                                             "certificate-expired 6, starttls-not-supported 4"),
                              QStringLiteral("Microsoft | sts | 50 | 50 | 50.0 % | "
                                             "validation-failure 50"),
                              QStringLiteral("Microsoft | tlsa | 5 | 5 | 50.0 % | "
                                             "dnssec-invalid 5")}));
        view->setGroupBy(TlsGroupBy::Day);
        QTRY_COMPARE(view->sessions()->headerData(0, Qt::Horizontal).toString(),
                     QStringLiteral("Day (UTC)"));
        QCOMPARE(view->sessions()->rowCount(), 3);
        QCOMPARE(view->sessions()->index(0, 0).data().toString(),
                 m_today.addDays(-20).toString(Qt::ISODate));
        QCOMPARE(view->sessions()->index(2, 0).data().toString(),
                 m_today.addDays(-1).toString(Qt::ISODate));
        view->setGroupBy(TlsGroupBy::PolicyDomain);
        QTRY_COMPARE(view->sessions()->headerData(0, Qt::Horizontal).toString(),
                     QStringLiteral("Policy domain"));
        QCOMPARE(view->sessions()->rowCount(), 3);
    }

    void tlsReportersOfAPolicyDomain()
    {
        m_window->setRange(Range::Month);
        settle();
        m_window->tabs()->setCurrentWidget(m_window->tlsView());
        auto *table = m_window->tlsView()->findChild<QTableView *>(QStringLiteral("tlsSessions"));
        QVERIFY(table);
        int comRow = -1;
        for (int row = 0; row < table->model()->rowCount(); ++row) {
            if (table->model()->index(row, TlsSessionsModel::Key).data().toString() == kCom)
                comRow = row;
        }
        QVERIFY(comRow >= 0);
        table->setFocus();
        table->setCurrentIndex(table->model()->index(comRow, 0));
        QTest::keyClick(table, Qt::Key_Return);
        QTRY_COMPARE(cells(m_window->tlsView()->reporters()),
                     (QStringList{QStringLiteral("Google Inc. | sts | 90 | 10 | 10.0 % | "
                                                 "certificate-expired 6, starttls-not-supported 4"),
                                  QStringLiteral("Microsoft | sts | 50 | 50 | 50.0 % | "
                                                 "validation-failure 50")}));
        // The reporters follow the range too.
        m_window->setRange(Range::Week);
        settle();
        QCOMPARE(cells(m_window->tlsView()->reporters()),
                 QStringList{QStringLiteral("Google Inc. | sts | 90 | 10 | 10.0 % | "
                                            "certificate-expired 6, starttls-not-supported 4")});
    }

    void failureReportsTabFollowsTheRange()
    {
        FailureReportView *view = m_window->failureReportView();
        view->setGroupBy(FailureReportGroupBy::ReportedDomain);
        m_window->setRange(Range::Week);
        settle();
        QCOMPARE(cells(view->reports()),
                 QStringList{QStringLiteral("example.com | 2 | dmarc 2 | none 2 | reject 2")});
        m_window->setRange(Range::Month);
        settle();
        QCOMPARE(cells(view->reports()),
                 (QStringList{QStringLiteral("example.com | 2 | dmarc 2 | none 2 | reject 2"),
                              QStringLiteral("example.org | 1 | spf 1 | (none) 1 | (none) 1")}));
        view->setGroupBy(FailureReportGroupBy::Day);
        QTRY_COMPARE(view->reports()->headerData(0, Qt::Horizontal).toString(),
                     QStringLiteral("Day of arrival (UTC)"));
        QCOMPARE(cells(view->reports()),
                 (QStringList{m_today.addDays(-20).toString(Qt::ISODate) +
                                  QStringLiteral(" | 1 | spf 1 | (none) 1 | (none) 1"),
                              m_today.toString(Qt::ISODate) +
                                  QStringLiteral(" | 2 | dmarc 2 | none 2 | reject 2")}));
        view->setGroupBy(FailureReportGroupBy::ReportedDomain);
        QTRY_COMPARE(view->reports()->headerData(0, Qt::Horizontal).toString(),
                     QStringLiteral("Reported domain"));
    }

    // The Inspect view shows what a TLS report file and a failure report email hold.
    void inspectViewShowsTlsAndFailureReports()
    {
        QDialog *tls = m_window->openInspectView(
            QStringLiteral(DMARC_TEST_DATA_DIR "/tlsrpt/google-style.json"));
        QVERIFY(tls);
        const QString tlsSummary =
            tls->findChild<QLabel *>(QStringLiteral("inspectSummary"))->text();
        QVERIFY2(tlsSummary.startsWith(QStringLiteral("Valid")), qPrintable(tlsSummary));
        QVERIFY2(tlsSummary.contains(QStringLiteral("TLS report 2024-03-04T00:00:00Z_mydomain.de "
                                                    "from Google Inc.")),
                 qPrintable(tlsSummary));
        QVERIFY2(tlsSummary.contains(QStringLiteral("mydomain.de (sts): %1 successful")
                                         .arg(QLocale().toString(1203))),
                 qPrintable(tlsSummary));
        tls->close();
        QDialog *failure =
            m_window->openInspectView(QStringLiteral(DMARC_TEST_DATA_DIR "/arf/auth-failure.eml"));
        QVERIFY(failure);
        const QString failureSummary =
            failure->findChild<QLabel *>(QStringLiteral("inspectSummary"))->text();
        QVERIFY2(failureSummary.contains(QStringLiteral(
                     "Failure report for mydomain.de (part 2 (message/feedback-report)): auth "
                     "failure dmarc, alignment dkim,spf, delivery reject")),
                 qPrintable(failureSummary));
        failure->close();
    }

    // Amber while a policy domain had failed sessions in the last 7 days, with the domain in the
    // tooltip; not for failures older than that.
    void trayAsksForAttentionForTlsFailures()
    {
        m_exporter->setPaused(true); // the unreachable account is no error then
        {
            TrayIcon tray(*m_exporter);
            QVERIFY(tray.isRefreshing());
            QTRY_VERIFY(!tray.isRefreshing());
            QCOMPARE(tray.state(), TrayState::Attention);
            QVERIFY2(tray.toolTip().contains(
                         QStringLiteral("TLS failures in the last 7 days for example.com")),
                     qPrintable(tray.toolTip()));
            QVERIFY(!tray.toolTip().contains(kNet));
        }
        m_exporter->setPaused(false);

        // The same failures, all older than a week: nothing to look at.
        QTemporaryDir dir;
        const TlsReport old =
            tlsReport(QStringLiteral("Google Inc."), QStringLiteral("g-old"), m_today.addDays(-8),
                      {TlsPolicyCounts{kCom, QStringLiteral("sts"), 90, 10, {}}});
        const TlsReport fine =
            tlsReport(QStringLiteral("Google Inc."), QStringLiteral("g-new"), m_today.addDays(-1),
                      {TlsPolicyCounts{kCom, QStringLiteral("sts"), 90, 0, {}}});
        QVERIFY(fillStore(dir.path(), {{commitOf(1, {old, fine}), secsOf(m_today)}}));
        auto exporter = Test::startExporterWithUnreachableAccount(dir.path());
        QVERIFY(exporter);
        exporter->setPaused(true);
        {
            TrayIcon tray(*exporter);
            QVERIFY(tray.isRefreshing());
            QTRY_VERIFY(!tray.isRefreshing());
            QCOMPARE(tray.state(), TrayState::Paused);
            QVERIFY(!tray.toolTip().contains(QStringLiteral("TLS failures")));
        }
        Test::stopExporter(exporter);
    }
};

QTEST_MAIN(TestTlsViews)
#include "tst_tlsviews.moc"
