#include "dashboardmodels.h"
#include "dashboardwindow.h"
#include "exporterfixture.h"
#include "notifier.h"
#include "service/exporter.h"
#include "settingsdialog.h"
#include "store/store.h"
#include "translations.h"

#include <QAbstractProxyModel>
#include <QCryptographicHash>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLibraryInfo>
#include <QPushButton>
#include <QStandardPaths>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace Dmarc;
using namespace Dmarc::Ui;

namespace {

const QLocale kEnglish(QLocale::English, QLocale::UnitedStates);
const QLocale kGerman(QLocale::German, QLocale::Germany);
const QLocale kFrench(QLocale::French, QLocale::France);

void useLanguage(const QLocale &locale)
{
    QLocale::setDefault(locale);
    installTranslations(locale);
}

// An email whose analysis failed: an invalid report.
EmailOutcome invalidEmail()
{
    EmailOutcome email;
    email.label = QStringLiteral("uid 7");
    email.verdict = EmailVerdict::Error;
    return email;
}

// The notice of a first batch of `count` invalid emails.
QString invalidNotice(int count)
{
    NotificationPolicy policy;
    const auto notice = policy.emailsProcessed(QList<EmailOutcome>(count, invalidEmail()), 0);
    return notice ? notice->message : QString();
}

// A report of 12,345 messages in one record, committed to `store`.
void addLargeReport(Store &store)
{
    ReportCounts report;
    report.orgName = QStringLiteral("Large Reporter");
    report.reportId = QStringLiteral("large-report");
    report.policyDomain = QStringLiteral("example.com");
    report.policy = QStringLiteral("reject");
    report.source = QStringLiteral("test");
    Counters counters;
    counters.total = 12345;
    counters.compliant = 12345;
    counters.dkimAligned = 12345;
    counters.dkimPass = 12345;
    report.counts = {LabelCounts{{report.orgName, QStringLiteral("example.com"),
                                  QStringLiteral("example.com"), QStringLiteral("example.com")},
                                 counters}};
    report.records = 1;
    report.messages = counters.total;
    EmailCommit commit;
    commit.identity.account = QStringLiteral("localisation");
    commit.identity.mailbox = QStringLiteral("INBOX");
    commit.identity.uidValidity = 1;
    commit.identity.uid = 1;
    commit.identity.digest = QCryptographicHash::hash("large", QCryptographicHash::Sha256);
    commit.analysis.fromEmail = QStringLiteral("noreply@large.example");
    commit.analysis.candidates = 1;
    commit.analysis.reports = {report};
    const auto committed = store.commit({commit}, QDateTime::currentSecsSinceEpoch());
    QVERIFY2(committed, committed ? "" : qPrintable(committed.error().message));
}

// The settings dialog's poll interval field over a file that sets `seconds`.
struct PollIntervalField
{
    QTemporaryDir dir;
    std::unique_ptr<SettingsDialog> dialog;
    QDoubleSpinBox *field = nullptr;

    explicit PollIntervalField(double seconds)
    {
        QFile file(dir.filePath(QStringLiteral("config.json")));
        if (!file.open(QIODevice::WriteOnly))
            return;
        file.write(QJsonDocument(QJsonObject{{QStringLiteral("poll_interval_seconds"), seconds}})
                       .toJson());
        file.close();
        dialog = std::make_unique<SettingsDialog>(file.fileName(), SettingsDialog::Mode::Edit);
        field = dialog->findChild<QDoubleSpinBox *>(QStringLiteral("pollInterval"));
    }
};

} // namespace

// The desktop in English, German and French: plural forms, Qt's own words, numbers and
// durations as a person of the language writes them.
class TestLocalisation : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void cleanup() { useLanguage(kEnglish); }

    void englishHasPluralForms_data()
    {
        QTest::addColumn<QLocale>("locale");
        QTest::newRow("English") << kEnglish;
        // Without a translation of its own, a language gets English with its plural forms.
        QTest::newRow("Spanish") << QLocale(QLocale::Spanish, QLocale::Spain);
    }

    void englishHasPluralForms()
    {
        QFETCH(QLocale, locale);
        useLanguage(locale);
        QVERIFY2(invalidNotice(1).startsWith(QStringLiteral("1 email could not be read")),
                 qPrintable(invalidNotice(1)));
        QVERIFY2(invalidNotice(2).startsWith(QStringLiteral("2 emails could not be read")),
                 qPrintable(invalidNotice(2)));
        // In the locale's digits: "1,234" in English, "1234" in Spanish.
        QVERIFY2(invalidNotice(1234).startsWith(locale.toString(1234) +
                                                QStringLiteral(" emails could not be read")),
                 qPrintable(invalidNotice(1234)));
    }

    void germanAndFrenchPluralForms_data()
    {
        QTest::addColumn<QLocale>("locale");
        QTest::addColumn<QString>("one");
        QTest::addColumn<QString>("two");
        QTest::addColumn<QString>("many");
        QTest::newRow("German") << kGerman << QStringLiteral("1 E-Mail konnte")
                                << QStringLiteral("2 E-Mails konnten")
                                << QStringLiteral("1.234 E-Mails konnten");
        QTest::newRow("French") << kFrench << QStringLiteral("1 e-mail n'a pas pu")
                                << QStringLiteral("2 e-mails n'ont pas pu")
                                << QStringLiteral("1\u202f234 e-mails n'ont pas pu");
    }

    void germanAndFrenchPluralForms()
    {
        QFETCH(QLocale, locale);
        QFETCH(QString, one);
        QFETCH(QString, two);
        QFETCH(QString, many);
        useLanguage(locale);
        QVERIFY2(invalidNotice(1).startsWith(one), qPrintable(invalidNotice(1)));
        QVERIFY2(invalidNotice(2).startsWith(two), qPrintable(invalidNotice(2)));
        QVERIFY2(invalidNotice(1234).startsWith(many), qPrintable(invalidNotice(1234)));
    }

    void standardButtonsInTheLanguage_data()
    {
        QTest::addColumn<QLocale>("locale");
        QTest::addColumn<QString>("save");
        QTest::addColumn<QString>("cancel");
        QTest::newRow("German") << kGerman << QStringLiteral("Speichern")
                                << QStringLiteral("Abbrechen");
        QTest::newRow("French") << kFrench << QStringLiteral("Enregistrer")
                                << QStringLiteral("Annuler");
    }

    void standardButtonsInTheLanguage()
    {
        QFETCH(QLocale, locale);
        QFETCH(QString, save);
        QFETCH(QString, cancel);
        const QString catalogue = QLibraryInfo::path(QLibraryInfo::TranslationsPath) +
                                  QStringLiteral("/qtbase_%1.qm").arg(locale.name().left(2));
        if (!QFileInfo::exists(catalogue))
            QSKIP(qPrintable(catalogue + QStringLiteral(" is missing: Qt's own translations "
                                                        "(qt6-translations-l10n) are not "
                                                        "installed")));
        useLanguage(locale);
        QTemporaryDir dir;
        SettingsDialog dialog(dir.filePath(QStringLiteral("config.json")),
                              SettingsDialog::Mode::Edit);
        auto *buttons = dialog.findChild<QDialogButtonBox *>();
        QVERIFY(buttons);
        QVERIFY(buttons->button(QDialogButtonBox::Save));
        QCOMPARE(buttons->button(QDialogButtonBox::Save)->text().remove(QLatin1Char('&')), save);
        QCOMPARE(buttons->button(QDialogButtonBox::Cancel)->text().remove(QLatin1Char('&')),
                 cancel);
    }

    void recentReportsNumbersAlignRightInTheLocale_data()
    {
        QTest::addColumn<QLocale>("locale");
        QTest::addColumn<QString>("messages");
        QTest::newRow("English") << kEnglish << QStringLiteral("12,345");
        QTest::newRow("German") << kGerman << QStringLiteral("12.345");
        QTest::newRow("French") << kFrench << QStringLiteral("12\u202f345");
    }

    void recentReportsNumbersAlignRightInTheLocale()
    {
        QFETCH(QLocale, locale);
        QFETCH(QString, messages);
        useLanguage(locale);
        QTemporaryDir dir;
        {
            auto store = Store::open(dir.path());
            QVERIFY2(store, store ? "" : qPrintable(store.error().message));
            addLargeReport(**store);
            if (QTest::currentTestFailed())
                return;
        }
        auto exporter = Test::startExporterWithUnreachableAccount(dir.path());
        QVERIFY(exporter);
        {
            DashboardWindow window(*exporter);
            QTRY_VERIFY(!window.isRefreshing());

            const QAbstractItemModel *reports = nullptr;
            for (const QTableView *view : window.findChildren<QTableView *>()) {
                const auto *proxy = qobject_cast<const QAbstractProxyModel *>(view->model());
                if (proxy && qobject_cast<const ReportsTableModel *>(proxy->sourceModel()))
                    reports = view->model();
            }
            QVERIFY2(reports, "no table shows the recent reports");
            int row = 0;
            while (row < reports->rowCount() &&
                   reports->index(row, ReportsTableModel::ReportId).data() !=
                       QStringLiteral("large-report"))
                ++row;
            QVERIFY(row < reports->rowCount());
            const auto cell = [&](int column, int role) {
                return reports->index(row, column).data(role);
            };
            QCOMPARE(cell(ReportsTableModel::Messages, Qt::DisplayRole).toString(), messages);
            QCOMPARE(cell(ReportsTableModel::Records, Qt::DisplayRole).toString(),
                     QStringLiteral("1"));
            for (const int column :
                 {int(ReportsTableModel::Records), int(ReportsTableModel::Messages)}) {
                const auto alignment = cell(column, Qt::TextAlignmentRole).value<Qt::Alignment>();
                QVERIFY2(alignment & Qt::AlignRight, qPrintable(QString::number(column)));
            }
            const auto reporterAlignment =
                cell(ReportsTableModel::Reporter, Qt::TextAlignmentRole).value<Qt::Alignment>();
            QVERIFY(!(reporterAlignment & Qt::AlignRight));

            // The accounts' count of failed checks, a number too.
            const auto *accounts =
                window.findChild<QTableWidget *>(QStringLiteral("accountsTable"));
            QVERIFY(accounts);
            int errors = 0;
            while (errors < accounts->columnCount() &&
                   accounts->horizontalHeaderItem(errors)->text() != DashboardWindow::tr("Errors"))
                ++errors;
            QVERIFY(errors < accounts->columnCount());
            QVERIFY(accounts->item(0, errors));
            QVERIFY(accounts->item(0, errors)->textAlignment() & Qt::AlignRight);
        }
        Test::stopExporter(exporter);
    }

    void pollIntervalReadsAsAPersonWritesIt_data()
    {
        QTest::addColumn<QLocale>("locale");
        QTest::addColumn<double>("seconds");
        QTest::addColumn<QString>("shown");
        QTest::newRow("a minute") << kEnglish << 60.0 << QStringLiteral("60 s");
        QTest::newRow("five minutes") << kEnglish << 300.0 << QStringLiteral("5 min");
        QTest::newRow("minutes and seconds") << kEnglish << 150.0 << QStringLiteral("2 min 30 s");
        QTest::newRow("an hour and a half") << kEnglish << 5400.0 << QStringLiteral("1 h 30 min");
        QTest::newRow("a day") << kEnglish << 86400.0 << QStringLiteral("24 h");
        QTest::newRow("a fraction") << kEnglish << 1.5 << QStringLiteral("1.5 s");
        QTest::newRow("a German fraction") << kGerman << 1.5 << QStringLiteral("1,5 s");
        QTest::newRow("German minutes") << kGerman << 600.0 << QStringLiteral("10 min");
    }

    void pollIntervalReadsAsAPersonWritesIt()
    {
        QFETCH(QLocale, locale);
        QFETCH(double, seconds);
        QFETCH(QString, shown);
        useLanguage(locale);
        PollIntervalField interval(seconds);
        QVERIFY(interval.field);
        QCOMPARE(interval.field->value(), seconds);
        QCOMPARE(interval.field->text(), shown);
    }

    void pollIntervalTakesWhatAPersonTypes_data()
    {
        QTest::addColumn<QLocale>("locale");
        QTest::addColumn<QString>("typed");
        QTest::addColumn<double>("seconds");
        QTest::addColumn<QString>("shown");
        QTest::newRow("plain seconds")
            << kEnglish << QStringLiteral("90") << 90.0 << QStringLiteral("90 s");
        QTest::newRow("minutes") << kEnglish << QStringLiteral("10 min") << 600.0
                                 << QStringLiteral("10 min");
        QTest::newRow("hours and minutes")
            << kEnglish << QStringLiteral("1 h 15 min") << 4500.0 << QStringLiteral("1 h 15 min");
        QTest::newRow("no spaces")
            << kEnglish << QStringLiteral("2min30s") << 150.0 << QStringLiteral("2 min 30 s");
        QTest::newRow("German decimal")
            << kGerman << QStringLiteral("1,5 min") << 90.0 << QStringLiteral("90 s");
        QTest::newRow("not a duration")
            << kEnglish << QStringLiteral("soon") << 60.0 << QStringLiteral("60 s");
    }

    void pollIntervalTakesWhatAPersonTypes()
    {
        QFETCH(QLocale, locale);
        QFETCH(QString, typed);
        QFETCH(double, seconds);
        QFETCH(QString, shown);
        useLanguage(locale);
        PollIntervalField interval(60);
        QVERIFY(interval.field);
        interval.field->selectAll();
        QTest::keyClicks(interval.field, typed);
        QTest::keyClick(interval.field, Qt::Key_Enter);
        QCOMPARE(interval.field->value(), seconds);
        QCOMPARE(interval.field->text(), shown);
    }

    void pollIntervalStepsThroughRoundValues()
    {
        useLanguage(kEnglish);
        PollIntervalField interval(60);
        QVERIFY(interval.field);
        interval.field->stepUp();
        QCOMPARE(interval.field->text(), QStringLiteral("2 min"));
        interval.field->stepUp();
        QCOMPARE(interval.field->text(), QStringLiteral("3 min"));
        interval.field->stepUp();
        QCOMPARE(interval.field->text(), QStringLiteral("5 min"));
        interval.field->stepDown();
        interval.field->stepDown();
        interval.field->stepDown();
        interval.field->stepDown();
        QCOMPARE(interval.field->text(), QStringLiteral("45 s"));
    }
};

QTEST_MAIN(TestLocalisation)
#include "tst_localisation.moc"
