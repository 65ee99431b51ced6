// The report view opened from "Recent reports": a real Dovecot and exporter, the store on disk,
// the window offscreen. A known report shows its reporter, days, policy and records; an invalid
// email shows what it held and why it failed.
#include "dashboardmodels.h"
#include "dashboardwindow.h"
#include "dovecotserver.h"
#include "exporterfixture.h"
#include "exporterharness.h"
#include "reportfixtures.h"
#include "reportview.h"
#include "screenshot.h"
#include "service/exporter.h"

#include <QDateTime>
#include <QGroupBox>
#include <QLabel>
#include <QLocale>
#include <QSortFilterProxyModel>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

using namespace Dmarc;
using namespace Dmarc::Test;
using namespace Dmarc::Ui;

namespace {

qint64 utcSecs(int year, int month, int day, int hour = 0, int minute = 0, int second = 0)
{
    return QDateTime(QDate(year, month, day), QTime(hour, minute, second), QTimeZone::utc())
        .toSecsSinceEpoch();
}

QByteArray knownRecord(const QByteArray &ip, const QByteArray &count, const QByteArray &disposition,
                       const QByteArray &dkimResult, const QByteArray &spfDomain)
{
    return "<record><row><source_ip>" + ip + "</source_ip><count>" + count +
           "</count><policy_evaluated><disposition>" + disposition + "</disposition><dkim>" +
           dkimResult +
           "</dkim><spf>fail</spf></policy_evaluated></row><identifiers>"
           "<header_from>example.com</header_from></identifiers><auth_results><dkim><domain>"
           "example.com</domain><result>" +
           dkimResult + "</result></dkim><spf><domain>" + spfDomain +
           "</domain><result>softfail</result></spf></auth_results></record>";
}

// A DMARC 2.0 report of three records over 1 to 3 Dec 2026.
QByteArray knownReport()
{
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<feedback xmlns=\"urn:ietf:params:xml:ns:dmarc-2.0\"><report_metadata>"
           "<org_name>Example Reporter</org_name><email>dmarc-reports@reporter.example</email>"
           "<report_id>known-42</report_id><date_range><begin>" +
           QByteArray::number(utcSecs(2026, 12, 1)) + "</begin><end>" +
           QByteArray::number(utcSecs(2026, 12, 3, 23, 59, 59)) +
           "</end></date_range></report_metadata><policy_published><domain>example.com</domain>"
           "<adkim>s</adkim><aspf>r</aspf><p>reject</p><sp>quarantine</sp><pct>50</pct>"
           "<np>reject</np><testing>n</testing><discovery_method>treewalk</discovery_method>"
           "</policy_published>" +
           knownRecord("192.0.2.10", "1234", "none", "pass", "example.com") +
           knownRecord("2001:db8::7", "5", "quarantine", "fail", "bounce.example.net") +
           knownRecord("198.51.100.3", "1", "reject", "fail", "spoof.example") + "</feedback>";
}

// The view of the reports table on the "Recent reports" tab.
QTableView *reportsView(DashboardWindow &window, ReportsTableModel **model)
{
    for (QTableView *view : window.findChildren<QTableView *>()) {
        auto *proxy = qobject_cast<QSortFilterProxyModel *>(view->model());
        if (proxy && (*model = qobject_cast<ReportsTableModel *>(proxy->sourceModel())))
            return view;
    }
    return nullptr;
}

QString labelText(QWidget *parent, const QString &name)
{
    auto *label = parent->findChild<QLabel *>(name);
    return label ? label->text() : QStringLiteral("<no label %1>").arg(name);
}

// The labels of `view` shown smaller than their text needs: narrower than a line that does not
// wrap, or lower than their lines at their width.
QStringList cutLabels(QWidget *view)
{
    QStringList cut;
    for (QLabel *label : view->findChildren<QLabel *>()) {
        if (!label->isVisibleTo(view) || label->text().isEmpty())
            continue;
        const QSize hint = label->sizeHint();
        const int needed =
            label->wordWrap() ? label->heightForWidth(label->width()) : hint.height();
        if ((!label->wordWrap() && label->width() < hint.width()) || label->height() < needed)
            cut << QStringLiteral("\"%1\" %2x%3, needs %4x%5")
                       .arg(label->text())
                       .arg(label->width())
                       .arg(label->height())
                       .arg(label->wordWrap() ? label->width() : hint.width())
                       .arg(needed);
    }
    return cut;
}

} // namespace

class TestReportView : public QObject
{
    Q_OBJECT

    DovecotServer m_server;
    QTemporaryDir m_storage;
    std::unique_ptr<Exporter> m_exporter;
    std::unique_ptr<DashboardWindow> m_window;

    // Opens the entry of the reports table whose row `matches`, as a user does (Enter).
    ReportView *open(const std::function<bool(const LoggedReport &)> &matches)
    {
        ReportsTableModel *model = nullptr;
        QTableView *view = reportsView(*m_window, &model);
        if (!view)
            return nullptr;
        auto *proxy = qobject_cast<QSortFilterProxyModel *>(view->model());
        for (int row = 0; row < proxy->rowCount(); ++row) {
            const int source = proxy->mapToSource(proxy->index(row, 0)).row();
            if (!matches(model->entry(source)))
                continue;
            // Closed views are deleted later: the new one is the one not there before.
            const QList<ReportView *> before = m_window->findChildren<ReportView *>();
            view->setFocus();
            view->setCurrentIndex(proxy->index(row, 0));
            QTest::keyClick(view, Qt::Key_Return);
            for (ReportView *dialog : m_window->findChildren<ReportView *>()) {
                if (before.contains(dialog))
                    continue;
                if (!QTest::qWaitFor([dialog] { return dialog->isLoaded(); }, 10000))
                    return nullptr;
                return dialog;
            }
            return nullptr;
        }
        return nullptr;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
        const auto started = m_server.start();
        QVERIFY2(started.ok(), qPrintable(started.ok() ? QString() : started.error().message));
        QVERIFY(m_storage.isValid());
        m_exporter = startExporterOn(m_server, m_storage.path());
        QVERIFY(m_exporter);
        m_window = std::make_unique<DashboardWindow>(*m_exporter);
        m_window->show();

        QVERIFY(m_server
                    .deliver(QStringLiteral("INBOX"),
                             email({attachment("application/gzip", "known.xml.gz",
                                               gzip(knownReport()))}))
                    .ok());
        QVERIFY(m_server
                    .deliver(QStringLiteral("INBOX"),
                             email({Part{"Content-Type: text/plain", "Here is the report."},
                                    attachment("application/zip", "broken.zip",
                                               "PK\x03\x04 this is no zip archive")},
                                   "reports@broken.example"))
                    .ok());
        QTRY_COMPARE_WITH_TIMEOUT(m_server.messageCount(QStringLiteral("Archive")), 1, 20000);
        QTRY_COMPARE_WITH_TIMEOUT(m_server.messageCount(QStringLiteral("Invalid")), 1, 20000);
        ReportsTableModel *model = nullptr;
        QVERIFY(reportsView(*m_window, &model));
        QTRY_COMPARE(model->rowCount(), 2);
    }

    void cleanupTestCase()
    {
        m_window.reset();
        stopExporter(m_exporter);
    }

    void oneDayOrSeveral_data()
    {
        QTest::addColumn<qint64>("begin");
        QTest::addColumn<qint64>("end");
        QTest::addColumn<QString>("expected");
        QTest::newRow("one day") << utcSecs(2026, 12, 1) << utcSecs(2026, 12, 1, 23, 59, 59)
                                 << QStringLiteral("1 Dec 2026");
        QTest::newRow("ends at the next midnight")
            << utcSecs(2026, 12, 1) << utcSecs(2026, 12, 2) << QStringLiteral("1 Dec 2026");
        QTest::newRow("three days") << utcSecs(2026, 12, 1) << utcSecs(2026, 12, 3, 23, 59, 59)
                                    << QStringLiteral("1 \u2013 3 Dec 2026");
        QTest::newRow("two months") << utcSecs(2026, 11, 30) << utcSecs(2026, 12, 1, 23, 59, 59)
                                    << QStringLiteral("30 Nov \u2013 1 Dec 2026");
        QTest::newRow("two years") << utcSecs(2026, 12, 31) << utcSecs(2027, 1, 1, 23, 59, 59)
                                   << QStringLiteral("31 Dec 2026 \u2013 1 Jan 2027");
        QTest::newRow("none given") << qint64(0) << qint64(0) << QString();
    }

    void oneDayOrSeveral()
    {
        QFETCH(qint64, begin);
        QFETCH(qint64, end);
        QFETCH(QString, expected);
        QCOMPARE(dayRangeText(begin, end), expected);
    }

    void aKnownReportShowsEveryField()
    {
        ReportView *view = open(
            [](const LoggedReport &entry) { return entry.reportId == QStringLiteral("known-42"); });
        QVERIFY(view);
        QCOMPARE(view->windowTitle(), QStringLiteral("Report known-42 from Example Reporter"));
        QCOMPARE(labelText(view, QStringLiteral("reportReporter")),
                 QStringLiteral("Example Reporter (dmarc-reports@reporter.example)"));
        QCOMPARE(labelText(view, QStringLiteral("reportId")), QStringLiteral("known-42"));
        QCOMPARE(labelText(view, QStringLiteral("reportDateRange")),
                 QStringLiteral("1 \u2013 3 Dec 2026"));
        QCOMPARE(labelText(view, QStringLiteral("reportRecords")), QStringLiteral("3"));
        QCOMPARE(labelText(view, QStringLiteral("reportMessages")), QStringLiteral("1,240"));
        QCOMPARE(labelText(view, QStringLiteral("reportFrom")),
                 QStringLiteral("noreply-dmarc-support@google.com"));

        auto *policy = view->findChild<QGroupBox *>(QStringLiteral("reportPolicy"));
        QVERIFY(policy);
        QStringList policyTexts;
        for (const QLabel *label : policy->findChildren<QLabel *>())
            policyTexts << label->text();
        for (const QString &expected :
             {QStringLiteral("example.com"), QStringLiteral("reject"), QStringLiteral("quarantine"),
              QStringLiteral("50"), QStringLiteral("strict (s)"), QStringLiteral("relaxed (r)"),
              QStringLiteral("Non-existent subdomain policy (np):"), QStringLiteral("n"),
              QStringLiteral("treewalk")})
            QVERIFY2(policyTexts.contains(expected), qPrintable(policyTexts.join(u'|')));
        // Not in the report: not shown.
        QVERIFY(!policyTexts.contains(QStringLiteral("Failure reporting (fo):")));

        auto *rows = view->findChild<QTableWidget *>(QStringLiteral("reportRows"));
        QVERIFY(rows);
        QCOMPARE(rows->rowCount(), 3);
        const auto cells = [rows](int row) {
            QStringList texts;
            for (int column = 0; column < rows->columnCount(); ++column)
                texts << rows->item(row, column)->text();
            return texts;
        };
        QCOMPARE(cells(0),
                 (QStringList{QStringLiteral("192.0.2.10"), QStringLiteral("1,234"),
                              QStringLiteral("none"), QStringLiteral("pass"),
                              QStringLiteral("fail"), QStringLiteral("example.com"),
                              QStringLiteral("example.com"), QStringLiteral("pass"),
                              QStringLiteral("example.com"), QStringLiteral("softfail")}));
        QCOMPARE(cells(1),
                 (QStringList{QStringLiteral("2001:db8::7"), QStringLiteral("5"),
                              QStringLiteral("quarantine"), QStringLiteral("fail"),
                              QStringLiteral("fail"), QStringLiteral("example.com"),
                              QStringLiteral("example.com"), QStringLiteral("fail"),
                              QStringLiteral("bounce.example.net"), QStringLiteral("softfail")}));
        QCOMPARE(cells(2).mid(0, 3), (QStringList{QStringLiteral("198.51.100.3"),
                                                  QStringLiteral("1"), QStringLiteral("reject")}));
        QVERIFY(rows->item(0, 1)->textAlignment() & Qt::AlignRight);
        QVERIFY(!view->findChild<QLabel *>(QStringLiteral("reportRowsNote")));
        // Shown once the widgets added with the details have been shown.
        QTRY_VERIFY(policy->isVisible() && rows->isVisible());
        view->resize(900, 900);
        QTRY_VERIFY(policy->height() >= policy->minimumSizeHint().height());
        QVERIFY(saveScreenshot(view->grab(), QStringLiteral("report-view.png")));
        view->close();
    }

    // At the size it opens with, every label of a report can be read whole (the page scrolls
    // rather than squash them).
    void everyLabelFitsAtTheDefaultSize()
    {
        ReportView *view = open(
            [](const LoggedReport &entry) { return entry.reportId == QStringLiteral("known-42"); });
        QVERIFY(view);
        QCOMPARE(view->size(), QSize(900, 640));
        auto *policy = view->findChild<QGroupBox *>(QStringLiteral("reportPolicy"));
        QVERIFY(policy);
        QTRY_VERIFY(policy->isVisible());
        QTRY_COMPARE(cutLabels(view), QStringList());
        view->close();
    }

    void anInvalidEmailShowsWhatItHeldAndWhy()
    {
        ReportView *view = open(
            [](const LoggedReport &entry) { return entry.outcome == ReportOutcome::Malformed; });
        QVERIFY(view);
        QCOMPARE(view->windowTitle(), QStringLiteral("Invalid email from reports@broken.example"));
        // The reason the analysis gave, naming the part.
        const QString reason = labelText(view, QStringLiteral("reportReason"));
        QVERIFY2(reason.startsWith(QStringLiteral("part 2 (broken.zip): ")), qPrintable(reason));
        QVERIFY2(reason.size() > QStringLiteral("part 2 (broken.zip): ").size(),
                 qPrintable(reason));
        // Nothing blank: no reporter, id or days of a report that was never read.
        QVERIFY(!view->findChild<QLabel *>(QStringLiteral("reportReporter")));
        QVERIFY(!view->findChild<QLabel *>(QStringLiteral("reportId")));

        const QString summary = labelText(view, QStringLiteral("emailSummary"));
        QVERIFY2(summary.contains(QStringLiteral("uid 2 in INBOX of main")), qPrintable(summary));
        QVERIFY2(summary.contains(QStringLiteral("Subject: Report domain: mydomain.de")),
                 qPrintable(summary));
        auto *parts = view->findChild<QTableWidget *>(QStringLiteral("emailParts"));
        QVERIFY(parts);
        QCOMPARE(parts->rowCount(), 2);
        QCOMPARE(parts->item(0, 0)->text(), QStringLiteral("1"));
        QCOMPARE(parts->item(0, 1)->text(), QStringLiteral("text/plain"));
        QCOMPARE(parts->item(0, 4)->text(), QStringLiteral("not a report"));
        QCOMPARE(parts->item(1, 0)->text(), QStringLiteral("2"));
        QCOMPARE(parts->item(1, 1)->text(), QStringLiteral("application/zip"));
        QCOMPARE(parts->item(1, 2)->text(), QStringLiteral("broken.zip"));
        QVERIFY(parts->item(1, 3)->text().endsWith(QStringLiteral(" bytes")));
        QVERIFY(parts->item(1, 3)->textAlignment() & Qt::AlignRight);
        QCOMPARE(parts->item(1, 4)->text(), QStringLiteral("report attachment"));
        view->close();
    }

    // Lines logged before the store kept more than the line itself: the view says what it
    // lacks and where the rest can be seen. (Last: it takes the details away.)
    void anOlderEntrySaysWhatItLacks()
    {
        {
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("older"));
            db.setDatabaseName(m_storage.filePath(QStringLiteral("dmarc-metrics-exporter.sqlite")));
            QVERIFY(db.open());
            QSqlQuery query(db);
            for (const char *sql :
                 {"DELETE FROM report_details", "UPDATE reports_log SET email_id = 0"})
                QVERIFY2(query.exec(QString::fromLatin1(sql)),
                         qPrintable(query.lastError().text()));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("older"));

        ReportView *report = open(
            [](const LoggedReport &entry) { return entry.reportId == QStringLiteral("known-42"); });
        QVERIFY(report);
        QVERIFY(labelText(report, QStringLiteral("reportNote"))
                    .startsWith(QStringLiteral("This report was logged before the exporter kept "
                                               "the reporter's address, the published policy and "
                                               "the records")));
        QCOMPARE(labelText(report, QStringLiteral("reportDateRange")),
                 QStringLiteral("1 \u2013 3 Dec 2026"));
        QVERIFY(!report->findChild<QGroupBox *>(QStringLiteral("reportPolicy")));
        QVERIFY(!report->findChild<QTableWidget *>(QStringLiteral("reportRows")));
        report->close();

        ReportView *invalid = open(
            [](const LoggedReport &entry) { return entry.outcome == ReportOutcome::Malformed; });
        QVERIFY(invalid);
        QVERIFY(labelText(invalid, QStringLiteral("reportReason"))
                    .startsWith(QStringLiteral("part 2 (broken.zip): ")));
        QVERIFY(labelText(invalid, QStringLiteral("emailNote"))
                    .contains(QStringLiteral("It is in the account's error folder")));
        QVERIFY(!invalid->findChild<QTableWidget *>(QStringLiteral("emailParts")));
        invalid->close();
    }
};

QTEST_MAIN(TestReportView)
#include "tst_reportview.moc"
