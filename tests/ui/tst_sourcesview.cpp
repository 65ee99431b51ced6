#include "dashboardwindow.h"
#include "exporterfixture.h"
#include "samplestore.h"
#include "service/exporter.h"
#include "sourcesview.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDialog>
#include <QLineEdit>
#include <QLocale>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <optional>

using namespace Dmarc;
using namespace Dmarc::Ui;

namespace {

const QString kOffice = QStringLiteral("203.0.113.5");
const QString kSendGrid = QStringLiteral("198.51.100.20");
const QString kShop = QStringLiteral("2001:db8::25");
const QString kSpoof = QStringLiteral("192.0.2.66");

// The row of `model` whose first column reads `key`; -1 when none.
int rowOf(const QAbstractItemModel *model, const QString &key)
{
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->index(row, 0).data(Qt::UserRole).toString() == key)
            return row;
    }
    return -1;
}

QString cell(const QAbstractItemModel *model, int row, int column)
{
    return model->index(row, column).data().toString();
}

quint64 value(const QAbstractItemModel *model, int row, int column)
{
    return model->index(row, column).data(Qt::UserRole).toULongLong();
}

// The keys of a model's first column, sorted.
QStringList keys(const QAbstractItemModel *model)
{
    QStringList keys;
    for (int row = 0; row < model->rowCount(); ++row)
        keys << model->index(row, 0).data(Qt::UserRole).toString();
    keys.sort();
    return keys;
}

} // namespace

// The dashboard's Sources tab over the sample store: one row per source IP with the figures
// of the same reports the other tables count, the filters, the grouping by source name and
// the drill-down to an address's days, reporters and DKIM and SPF domains.
class TestSourcesView : public QObject
{
    Q_OBJECT

private:
    QDate m_today = QDateTime::currentDateTimeUtc().date();
    QTemporaryDir m_dir;
    std::unique_ptr<Exporter> m_exporter;
    std::unique_ptr<DashboardWindow> m_window;
    // The messages per DKIM domain of the last 30 days, as the dashboard's summary has them.
    QHash<QString, Counters> m_byDkimDomain;

    SourcesView *view() const { return m_window->sourcesView(); }
    const SourcesModel *model() const { return view()->model(); }

    void settle() { QTRY_VERIFY(!m_window->isRefreshing()); }

    // Sets the filter and waits for the rows it asked for.
    void show(SourceFilter filter)
    {
        QSignalSpy reset(model(), &QAbstractItemModel::modelReset);
        view()->setFilter(filter);
        QVERIFY(reset.wait());
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany));
        QVERIFY(m_dir.isValid());
        QVERIFY(Test::openSampleStore(m_dir.path(), m_today)); // filled, then closed
        m_exporter = Test::startExporterWithUnreachableAccount(m_dir.path());
        QVERIFY(m_exporter);
        m_window = std::make_unique<DashboardWindow>(*m_exporter);
        m_window->setRange(Range::Month);
        m_window->tabs()->setCurrentWidget(view());
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        settle();
        std::optional<RangeSummary> summary;
        m_exporter->queries()->summary(dayRange(Range::Month, m_today), this,
                                       [&summary](const Result<RangeSummary> &answer) {
                                           if (answer)
                                               summary = *answer;
                                       });
        QTRY_VERIFY(summary);
        for (const GroupTotals &group : summary->groupsBy(GroupBy::DkimDomain))
            m_byDkimDomain.insert(group.key, group.counters);
    }

    void cleanupTestCase()
    {
        m_window.reset();
        Test::stopExporter(m_exporter);
        QLocale::setDefault(QLocale::c());
    }

    // Each address adds up to the reports its label sets came from, in the locale's digits.
    void onePerAddress()
    {
        show(SourceFilter{});
        QCOMPARE(keys(model()), (QStringList{kSpoof, kSendGrid, kShop, kOffice}));
        const std::pair<QString, QString> dkimDomainOf[] = {
            {kOffice, QStringLiteral("example.com")},
            {kSendGrid, QStringLiteral("example.org")},
            {kShop, QStringLiteral("shop.example.net")},
            {kSpoof, QStringLiteral("spoof.example")}};
        for (const auto &[ip, dkimDomain] : dkimDomainOf) {
            const int row = rowOf(model(), ip);
            const Counters expected = m_byDkimDomain.value(dkimDomain);
            QVERIFY(expected.total > 0);
            QCOMPARE(value(model(), row, SourcesModel::Messages), expected.total);
            QCOMPARE(cell(model(), row, SourcesModel::Messages),
                     QLocale().toString(expected.total));
            QCOMPARE(cell(model(), row, SourcesModel::Compliance),
                     formatPercent(expected.compliant, expected.total));
            QCOMPARE(cell(model(), row, SourcesModel::DkimAligned),
                     formatPercent(expected.dkimAligned, expected.total));
            QCOMPARE(cell(model(), row, SourcesModel::SpfAligned),
                     formatPercent(expected.spfAligned, expected.total));
            QCOMPARE(value(model(), row, SourcesModel::Quarantined), expected.quarantine);
            QCOMPARE(value(model(), row, SourcesModel::Rejected), expected.reject);
            QCOMPARE(model()->index(row, SourcesModel::Messages).data(Qt::TextAlignmentRole),
                     QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter));
            QCOMPARE(cell(model(), row, SourcesModel::LastSeen),
                     QLocale().toString(m_today, QLocale::ShortFormat));
        }
        const int office = rowOf(model(), kOffice);
        QCOMPARE(cell(model(), office, SourcesModel::Name), QStringLiteral("office"));
        QCOMPARE(cell(model(), office, SourcesModel::Type), QStringLiteral("own"));
        QCOMPARE(cell(model(), office, SourcesModel::FromDomains), QStringLiteral("example.com"));
        QVERIFY(!model()->index(office, 0).data(Qt::BackgroundRole).isValid());
        const int sendGrid = rowOf(model(), kSendGrid);
        QCOMPARE(cell(model(), sendGrid, SourcesModel::Name), QStringLiteral("SendGrid"));
        QCOMPARE(cell(model(), sendGrid, SourcesModel::Type), QStringLiteral("esp"));
        QCOMPARE(cell(model(), sendGrid, SourcesModel::PtrName),
                 QStringLiteral("o1.ptr1234.sendgrid.net"));
        QCOMPARE(cell(model(), sendGrid, SourcesModel::RegistrableDomain),
                 QStringLiteral("sendgrid.net"));
        QCOMPARE(cell(model(), sendGrid, SourcesModel::FirstSeen),
                 QLocale().toString(m_today.addDays(-29), QLocale::ShortFormat));
        const int spoof = rowOf(model(), kSpoof);
        QCOMPARE(cell(model(), spoof, SourcesModel::Name), QStringLiteral("unknown"));
        QCOMPARE(cell(model(), spoof, SourcesModel::PtrName), QString());
        QCOMPARE(cell(model(), spoof, SourcesModel::FromDomains), QStringLiteral("example.com"));
        QCOMPARE(cell(model(), spoof, SourcesModel::FirstSeen),
                 QLocale().toString(m_today.addDays(-6), QLocale::ShortFormat));
        QVERIFY(model()->index(spoof, 0).data(Qt::BackgroundRole).isValid());
    }

    void failingOnly()
    {
        show(SourceFilter{});
        QSignalSpy reset(model(), &QAbstractItemModel::modelReset);
        view()->findChild<QCheckBox *>(QStringLiteral("failingOnly"))->setChecked(true);
        QVERIFY(reset.wait());
        QCOMPARE(keys(model()), (QStringList{kSpoof, kSendGrid, kShop}));
    }

    // Over the last 7 days only the spoofing address was not seen before.
    void newInTheRange()
    {
        show(SourceFilter{false, true, false, QString()});
        QCOMPARE(model()->rowCount(), 4); // the store begins within the last 30 days
        m_window->setRange(Range::Week);
        settle();
        QCOMPARE(keys(model()), QStringList{kSpoof});
        show(SourceFilter{});
        QCOMPARE(model()->rowCount(), 4);
        m_window->setRange(Range::Month);
        settle();
    }

    void groupedByName()
    {
        show(SourceFilter{false, false, true, QString()});
        QCOMPARE(model()->headerData(0, Qt::Horizontal).toString(), SourcesView::tr("Addresses"));
        QStringList names;
        for (int row = 0; row < model()->rowCount(); ++row)
            names << cell(model(), row, SourcesModel::Name);
        names.sort();
        QCOMPARE(names, (QStringList{QStringLiteral("SendGrid"), QStringLiteral("office"),
                                     QStringLiteral("unknown")}));
        int unknown = -1;
        for (int row = 0; row < model()->rowCount(); ++row) {
            if (cell(model(), row, SourcesModel::Name) == QStringLiteral("unknown"))
                unknown = row;
        }
        QCOMPARE(value(model(), unknown, SourcesModel::Key), quint64(2));
        QCOMPARE(value(model(), unknown, SourcesModel::Messages),
                 m_byDkimDomain.value(QStringLiteral("shop.example.net")).total +
                     m_byDkimDomain.value(QStringLiteral("spoof.example")).total);
        QCOMPARE(cell(model(), unknown, SourcesModel::FromDomains),
                 QStringLiteral("example.com, shop.example.net"));
        QCOMPARE(cell(model(), unknown, SourcesModel::FirstSeen),
                 QLocale().toString(m_today.addDays(-29), QLocale::ShortFormat));

        // Opening a source name lists its addresses.
        auto *table = view()->findChild<QTableView *>(QStringLiteral("sourcesTable"));
        auto *proxy = static_cast<QSortFilterProxyModel *>(table->model());
        QSignalSpy reset(model(), &QAbstractItemModel::modelReset);
        const QModelIndex unknownIndex = proxy->mapFromSource(model()->index(unknown, 0));
        Q_EMIT table->activated(unknownIndex);
        QVERIFY(reset.wait());
        QVERIFY(!view()->filter().byName);
        QCOMPARE(proxy->rowCount(), 2);
        view()->findChild<QLineEdit *>(QStringLiteral("search"))->clear();
        QTRY_COMPARE(proxy->rowCount(), 4);
    }

    // The view asks for a page at a time, most messages first: the first page, then the next
    // as the table wants more, the last page ending the asking.
    void pages()
    {
        view()->setPageRows(2);
        show(SourceFilter{});
        QCOMPARE(model()->rowCount(), 2);
        QCOMPARE(model()->total(), 4);
        QVERIFY(model()->canFetchMore({}));
        QVERIFY(value(model(), 0, SourcesModel::Messages) >=
                value(model(), 1, SourcesModel::Messages));
        QSignalSpy inserted(model(), &QAbstractItemModel::rowsInserted);
        // The table asks for more when it has room; else ask as a scroll to the end would.
        if (model()->rowCount() == 2)
            const_cast<SourcesModel *>(model())->fetchMore({});
        QTRY_COMPARE(model()->rowCount(), 4);
        QVERIFY(!model()->canFetchMore({}));
        QCOMPARE(keys(model()), (QStringList{kSpoof, kSendGrid, kShop, kOffice}));
        for (int row = 1; row < model()->rowCount(); ++row)
            QVERIFY(value(model(), row - 1, SourcesModel::Messages) >=
                    value(model(), row, SourcesModel::Messages));
        view()->setPageRows(SourcesView::kPageRows);
    }

    // Sorting by a column asks the store for the first page in that order.
    void sortingAsksTheStore()
    {
        view()->setPageRows(2);
        show(SourceFilter{});
        auto *table = view()->findChild<QTableView *>(QStringLiteral("sourcesTable"));
        QSignalSpy reset(model(), &QAbstractItemModel::modelReset);
        table->sortByColumn(SourcesModel::Key, Qt::AscendingOrder);
        QVERIFY(reset.wait());
        // The first page holds two rows; the table may already have asked for the next one.
        QVERIFY(model()->rowCount() == 2 || model()->rowCount() == 4);
        QCOMPARE(model()->index(0, 0).data(Qt::UserRole).toString(), kSpoof);
        QCOMPARE(model()->index(1, 0).data(Qt::UserRole).toString(), kSendGrid);
        if (model()->rowCount() == 2)
            const_cast<SourcesModel *>(model())->fetchMore({});
        QTRY_COMPARE(model()->rowCount(), 4);
        QCOMPARE(model()->index(2, 0).data(Qt::UserRole).toString(), kShop);
        QCOMPARE(model()->index(3, 0).data(Qt::UserRole).toString(), kOffice);
        table->sortByColumn(SourcesModel::Messages, Qt::DescendingOrder);
        QVERIFY(reset.wait());
        view()->setPageRows(SourcesView::kPageRows);
    }

    // The filters and the search go to the store: the totals count only what they keep.
    void filtersAskTheStore()
    {
        view()->setPageRows(2);
        show(SourceFilter{true, false, false, QString()});
        QCOMPARE(model()->total(), 3);
        show(SourceFilter{false, false, false, QStringLiteral("SENDGRID")});
        QCOMPARE(model()->total(), 1);
        QCOMPARE(keys(model()), QStringList{kSendGrid});
        show(SourceFilter{false, false, false, QStringLiteral("nothing.invalid")});
        QCOMPARE(model()->total(), 0);
        // Typed, the search asks once typing pauses.
        QSignalSpy reset(model(), &QAbstractItemModel::modelReset);
        view()->findChild<QLineEdit *>(QStringLiteral("search"))->setText(QStringLiteral("2001:"));
        QVERIFY(reset.wait());
        QCOMPARE(keys(model()), QStringList{kShop});
        show(SourceFilter{});
        QCOMPARE(model()->total(), 4);
        view()->setPageRows(SourcesView::kPageRows);
    }

    // The tray's news: over the last 7 days only the spoofing address fails and was not seen
    // in the 30 days before; SendGrid fails too, but was seen before.
    void newFailingSourcesForTheTray()
    {
        const auto ask = [this](Range range) {
            std::optional<QList<FailingSource>> sources;
            m_exporter->queries()->newFailingSources(
                dayRange(range, m_today), this,
                [&sources](const Result<QList<FailingSource>> &answer) {
                    if (!answer)
                        QFAIL(qPrintable(answer.error().message));
                    sources = *answer;
                });
            [&sources] { QTRY_VERIFY(sources); }();
            return sources.value_or(QList<FailingSource>());
        };
        const QList<FailingSource> week = ask(Range::Week);
        QCOMPARE(week.size(), 1);
        QCOMPARE(week.first().key, kSpoof);
        QCOMPARE(week.first().fromDomains, QStringList{QStringLiteral("example.com")});
        show(SourceFilter{});
        m_window->setRange(Range::Week);
        settle();
        QCOMPARE(week.first().failed,
                 value(model(), rowOf(model(), kSpoof), SourcesModel::Messages));
        m_window->setRange(Range::Month);
        settle();
        QVERIFY(ask(Range::Yesterday).isEmpty()); // seen in the 30 days before yesterday
    }

    void drillDownToAnAddress()
    {
        show(SourceFilter{});
        QDialog *dialog = view()->openDetails(kSendGrid);
        QVERIFY(dialog);
        auto *days = dialog->findChild<QTableView *>(QStringLiteral("sourceDays"))->model();
        QTRY_VERIFY(days->rowCount() > 0);
        quint64 total = 0;
        for (int row = 0; row < days->rowCount(); ++row) {
            QCOMPARE(cell(days, row, 1), QStringLiteral("example.org"));
            QCOMPARE(cell(days, row, 2), QStringLiteral("SendGrid"));
            total += days->index(row, 3).data(Qt::UserRole).toULongLong();
        }
        QCOMPARE(days->rowCount(), 30);
        const Counters expected = m_byDkimDomain.value(QStringLiteral("example.org"));
        QCOMPARE(total, expected.total);
        const auto tables = dialog->findChildren<QTableView *>();
        QCOMPARE(tables.size(), 4);
        QStringList reporters;
        QStringList dkim;
        QStringList spf;
        for (QTableView *table : tables) {
            const QAbstractItemModel *m = table->model();
            const QString header = m->headerData(0, Qt::Horizontal).toString();
            QStringList *list = header == SourcesView::tr("Reporter")      ? &reporters
                                : header == SourcesView::tr("DKIM domain") ? &dkim
                                : header == SourcesView::tr("SPF domain")  ? &spf
                                                                           : nullptr;
            if (!list)
                continue;
            quint64 sum = 0;
            for (int row = 0; row < m->rowCount(); ++row) {
                *list << m->index(row, 0).data().toString();
                sum += m->index(row, 1).data(Qt::UserRole).toULongLong();
            }
            QCOMPARE(sum, expected.total); // every message had a reporter and passing domains
        }
        reporters.sort();
        QCOMPARE(reporters, (QStringList{QStringLiteral("Mail.Ru"), QStringLiteral("Outlook.com"),
                                         QStringLiteral("Yahoo"), QStringLiteral("google.com")}));
        QCOMPARE(dkim, QStringList{QStringLiteral("example.org")});
        QCOMPARE(spf, QStringList{QStringLiteral("mail.example.org")});
        dialog->close();
    }
};

QTEST_MAIN(TestSourcesView)
#include "tst_sourcesview.moc"
