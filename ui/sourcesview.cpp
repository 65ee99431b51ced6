#include "sourcesview.h"

#include "dashboardtables.h"
#include "service/dashboardqueries.h"

#include <QCheckBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>

namespace Dmarc::Ui {

namespace {

enum class Grouping
{
    Address,
    Name
};

QString keyHeaderOf(Grouping grouping)
{
    return grouping == Grouping::Name ? SourcesView::tr("Addresses") : SourcesView::tr("Source IP");
}

// A number in the locale, or its value for sorting.
QVariant number(quint64 value, bool display)
{
    return display ? QVariant(QLocale().toString(value)) : QVariant(value);
}

// A day in the locale's short form, or its ISO text for sorting.
QVariant dayData(QDate day, bool display)
{
    return display ? QLocale().toString(day, QLocale::ShortFormat) : day.toString(Qt::ISODate);
}

// The days of a range as the titles say them.
QString rangeWords(DayRange range)
{
    if (!range.from.isValid() && !range.to.isValid())
        return SourcesView::tr("all time");
    const QLocale locale;
    return locale.toString(range.from, QLocale::ShortFormat) + QStringLiteral(" – ") +
           locale.toString(range.to, QLocale::ShortFormat);
}

QTableView *addTable(QAbstractItemModel *model, int sortColumn, QWidget *parent)
{
    QTableView *view = makeTable(makeProxy(model, parent), parent);
    view->sortByColumn(sortColumn, Qt::DescendingOrder);
    return view;
}

// A proxy that leaves the order of the rows to its source: sorting asks the source model.
class SourceOrderProxy : public QSortFilterProxyModel
{
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;

    void sort(int column, Qt::SortOrder order) override { sourceModel()->sort(column, order); }
};

} // namespace

SourcesModel::SourcesModel(QObject *parent)
    : QAbstractTableModel(parent)
    , m_keyHeader(keyHeaderOf(Grouping::Address))
{}

void SourcesModel::setPage(const SourcePage &page, const QString &keyHeader)
{
    m_fetching = false;
    m_total = page.total;
    if (page.offset == 0) {
        beginResetModel();
        m_rows = page.rows;
        m_keyHeader = keyHeader;
        endResetModel();
        return;
    }
    if (page.offset != m_rows.size() || page.rows.isEmpty()) {
        m_total = std::max(m_total, m_rows.size());
        return;
    }
    beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + page.rows.size() - 1));
    m_rows += page.rows;
    endInsertRows();
}

int SourcesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int SourcesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : Columns;
}

bool SourcesModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && !m_fetching && m_rows.size() < m_total;
}

void SourcesModel::fetchMore(const QModelIndex &parent)
{
    if (!canFetchMore(parent))
        return;
    m_fetching = true;
    Q_EMIT moreWanted(m_rows.size());
}

void SourcesModel::sort(int column, Qt::SortOrder order)
{
    if (column < 0 || column >= Columns)
        return;
    const SourceOrder wanted{SourceSort(column), order == Qt::DescendingOrder};
    if (wanted.by == m_order.by && wanted.descending == m_order.descending)
        return;
    m_order = wanted;
    Q_EMIT orderChanged();
}

QVariant SourcesModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const SourceTotals &row = m_rows.at(index.row());
    const Counters &c = row.counters;
    if (role == Qt::BackgroundRole)
        return isFailing(c) ? QVariant(failingRowColor()) : QVariant();
    const auto column = Column(index.column());
    if (role == Qt::TextAlignmentRole && column >= Messages && column <= Rejected)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::TextAlignmentRole && column == Key && row.ip.isEmpty())
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole && role != Qt::UserRole)
        return {};
    const bool display = role == Qt::DisplayRole;
    const auto share = [display, &c](quint64 part) -> QVariant {
        return display ? QVariant(formatPercent(part, c.total)) : QVariant(percent(part, c.total));
    };
    switch (column) {
    case Key:
        if (!row.ip.isEmpty())
            return row.ip;
        return number(quint64(row.addresses), display);
    case PtrName:
        return row.ptrName;
    case RegistrableDomain:
        return row.registrableDomain;
    case Name:
        return row.name;
    case Type:
        return row.type;
    case Messages:
        return number(c.total, display);
    case Compliance:
        return share(c.compliant);
    case DkimAligned:
        return share(c.dkimAligned);
    case SpfAligned:
        return share(c.spfAligned);
    case Quarantined:
        return number(c.quarantine, display);
    case Rejected:
        return number(c.reject, display);
    case FirstSeen:
        return dayData(row.firstSeen, display);
    case LastSeen:
        return dayData(row.lastSeen, display);
    case FromDomains:
        return row.fromDomains.join(QStringLiteral(", "));
    case Columns:
        break;
    }
    return {};
}

QVariant SourcesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case Key:
        return m_keyHeader;
    case PtrName:
        return tr("PTR name");
    case RegistrableDomain:
        return tr("Domain");
    case Name:
        return tr("Source");
    case Type:
        return tr("Type");
    case Messages:
        return tr("Messages");
    case Compliance:
        return tr("DMARC compliant");
    case DkimAligned:
        return tr("DKIM aligned");
    case SpfAligned:
        return tr("SPF aligned");
    case Quarantined:
        return tr("Quarantined");
    case Rejected:
        return tr("Rejected");
    case FirstSeen:
        return tr("First seen");
    case LastSeen:
        return tr("Last seen");
    case FromDomains:
        return tr("From domains");
    case Columns:
        break;
    }
    return {};
}

QVariant SourceDomainsModel::data(const QModelIndex &index, int role) const
{
    const SourceDomainTotals *found = rowOf(index);
    if (!found)
        return {};
    if (role == Qt::TextAlignmentRole && index.column() == Messages)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole && role != Qt::UserRole)
        return {};
    if (index.column() == Domain)
        return found->domain;
    return number(found->messages, role == Qt::DisplayRole);
}

QVariant SourceDomainsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    return section == Domain ? QVariant(keyHeader()) : QVariant(tr("Messages"));
}

SourcesView::SourcesView(QWidget *parent)
    : GroupedView(tr("Group &by:"), QStringLiteral("sourcesGroupBox"), parent)
    , m_model(new SourcesModel(this))
    , m_failingOnly(new QCheckBox(tr("Wit&h failures"), this))
    , m_newOnly(new QCheckBox(tr("Ne&w in the range"), this))
    , m_searchPause(new QTimer(this))
{
    addGroup(tr("Source IP"), int(Grouping::Address));
    addGroup(tr("Source name"), int(Grouping::Name));
    m_failingOnly->setObjectName(QStringLiteral("failingOnly"));
    m_failingOnly->setToolTip(tr("Only sources with messages that failed DMARC"));
    m_newOnly->setObjectName(QStringLiteral("newOnly"));
    m_newOnly->setToolTip(tr("Only addresses the store has no day of before the range"));
    for (QCheckBox *box : {m_failingOnly, m_newOnly})
        connect(box, &QCheckBox::toggled, this, &SourcesView::askAgain);

    auto *proxy = new SourceOrderProxy(this);
    proxy->setSourceModel(m_model);
    proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    proxy->setFilterKeyColumn(-1);
    QTableView *table = makeTable(proxy, this);
    table->sortByColumn(SourcesModel::Messages, Qt::DescendingOrder);
    table->setObjectName(QStringLiteral("sourcesTable"));
    table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    table->horizontalHeader()->setStretchLastSection(true); // the from domains
    table->setToolTip(tr("Double-click (or Enter) an address for its days, reporters and DKIM "
                         "and SPF domains, a source name for its addresses"));
    connect(table, &QTableView::activated, this, [this, proxy](const QModelIndex &index) {
        if (index.isValid())
            open(m_model->row(proxy->mapToSource(index).row()));
    });

    auto *layout = new QVBoxLayout(this);
    QHBoxLayout *header = makeHeaderRow(proxy);
    header->addWidget(m_failingOnly);
    header->addWidget(m_newOnly);
    m_search = findChild<QLineEdit *>(QStringLiteral("search"));
    // The store filters by the search too, once typing pauses.
    m_searchPause->setSingleShot(true);
    m_searchPause->setInterval(300);
    connect(m_search, &QLineEdit::textChanged, m_searchPause, qOverload<>(&QTimer::start));
    connect(m_searchPause, &QTimer::timeout, this, &SourcesView::askAgain);
    connect(m_model, &SourcesModel::orderChanged, this, &SourcesView::askAgain);
    connect(m_model, &SourcesModel::moreWanted, this, &SourcesView::askPage);
    layout->addLayout(header);
    layout->addWidget(table, 1);
}

SourceFilter SourcesView::filter() const
{
    return SourceFilter{m_failingOnly->isChecked(), m_newOnly->isChecked(),
                        Grouping(group()) == Grouping::Name, m_search->text().trimmed()};
}

void SourcesView::setFilter(SourceFilter filter)
{
    // One question for the whole change, not one per box.
    const QSignalBlocker failing(m_failingOnly);
    const QSignalBlocker fresh(m_newOnly);
    m_failingOnly->setChecked(filter.failingOnly);
    m_newOnly->setChecked(filter.newOnly);
    m_search->setText(filter.text);
    m_searchPause->stop(); // asked below
    const Grouping grouping = filter.byName ? Grouping::Name : Grouping::Address;
    if (Grouping(group()) != grouping)
        setGroup(int(grouping)); // asks
    else
        askAgain();
}

void SourcesView::ask(DashboardQueries &queries, DayRange range)
{
    m_queries = &queries;
    m_range = range;
    ++m_asked;
    askPage(0);
}

void SourcesView::askPage(qsizetype offset)
{
    if (!m_queries)
        return;
    const SourceFilter asked = filter();
    m_queries->sources(
        m_range, asked, m_model->order(), offset, m_pageRows, this,
        [this, asked, question = m_asked](const Result<SourcePage> &page) {
            if (question != m_asked)
                return;
            if (page)
                m_model->setPage(
                    *page, keyHeaderOf(asked.byName ? Grouping::Name : Grouping::Address));
            else
                Q_EMIT readFailed(page.error().message);
        });
}

void SourcesView::open(const SourceTotals &row)
{
    if (!row.ip.isEmpty()) {
        openDetails(row.ip);
        return;
    }
    // A source name: its addresses.
    SourceFilter addresses = filter();
    addresses.byName = false;
    addresses.text = row.name;
    setFilter(addresses);
}

QDialog *SourcesView::openDetails(const QString &ip)
{
    auto *dialog = new QDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setObjectName(QStringLiteral("sourceDetails"));
    dialog->setWindowTitle(tr("Source %1 (%2)").arg(ip, rangeWords(m_range)));
    auto *layout = new QVBoxLayout(dialog);
    auto *intro = new QLabel(tr("%1, by report day (UTC): the messages of %2 per day and from "
                                "domain, and the reporters and DKIM and SPF domains that passed "
                                "for them.")
                                 .arg(rangeWords(m_range), ip),
                             dialog);
    intro->setWordWrap(true);
    intro->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(intro);
    auto *days = new CountsTableModel({tr("Day"), tr("From domain"), tr("Source")}, dialog);
    QTableView *daysTable = addTable(days, 0, dialog);
    daysTable->setObjectName(QStringLiteral("sourceDays"));
    layout->addWidget(daysTable, 2);
    auto *domainsRow = new QHBoxLayout;
    auto *reporters = new SourceDomainsModel(tr("Reporter"), dialog);
    auto *dkim = new SourceDomainsModel(tr("DKIM domain"), dialog);
    auto *spf = new SourceDomainsModel(tr("SPF domain"), dialog);
    for (SourceDomainsModel *model : {reporters, dkim, spf})
        domainsRow->addWidget(addTable(model, SourceDomainsModel::Messages, dialog));
    layout->addLayout(domainsRow, 1);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
    connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    layout->addWidget(buttons);
    dialog->resize(900, 560);
    dialog->show();
    if (m_queries) {
        m_queries->sourceDetails(
            ip, m_range, dialog,
            [this, days, reporters, dkim, spf](const Result<SourceDetails> &details) {
                if (!details) {
                    Q_EMIT readFailed(details.error().message);
                    return;
                }
                QList<CountsTableModel::Row> rows;
                for (const SourceDayTotals &day : details->days)
                    rows << CountsTableModel::Row{
                        {day.day.toString(Qt::ISODate), day.fromDomain, day.name}, day.counters};
                days->setRows(std::move(rows));
                reporters->setRows(details->reporters, tr("Reporter"));
                dkim->setRows(details->dkimDomains, tr("DKIM domain"));
                spf->setRows(details->spfDomains, tr("SPF domain"));
            });
    }
    return dialog;
}

} // namespace Dmarc::Ui
