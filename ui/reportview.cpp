#include "reportview.h"

#include "dashboardmodels.h"
#include "service/dashboardqueries.h"

#include <QDateTime>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QScrollArea>
#include <QTableWidget>
#include <QTimeZone>
#include <QVBoxLayout>

#include <utility>

namespace Dmarc::Ui {

namespace {

QDate utcDay(qint64 secs)
{
    return QDateTime::fromSecsSinceEpoch(secs, QTimeZone::utc()).date();
}

// "relaxed (r)" for an alignment mode as written.
QString alignmentText(const QString &mode)
{
    if (mode.compare(QLatin1String("r"), Qt::CaseInsensitive) == 0)
        return ReportView::tr("relaxed (%1)").arg(mode);
    if (mode.compare(QLatin1String("s"), Qt::CaseInsensitive) == 0)
        return ReportView::tr("strict (%1)").arg(mode);
    return mode;
}

QString orNotGiven(const QString &value)
{
    return value.isEmpty() ? ReportView::tr("(not given)") : value;
}

QLabel *valueLabel(const QString &objectName, const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setObjectName(objectName);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setWordWrap(true);
    return label;
}

// A read-only table of `rows`, the columns in `numeric` right-aligned.
QTableWidget *makeTextTable(const QString &objectName, const QStringList &headers,
                            const QList<QStringList> &rows, const QList<int> &numeric,
                            QWidget *parent)
{
    auto *table = new QTableWidget(int(rows.size()), int(headers.size()), parent);
    table->setObjectName(objectName);
    table->setHorizontalHeaderLabels(headers);
    table->verticalHeader()->hide();
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table->horizontalHeader()->setStretchLastSection(true);
    for (int row = 0; row < rows.size(); ++row) {
        for (int column = 0; column < headers.size(); ++column) {
            auto *item = new QTableWidgetItem(rows.at(row).value(column));
            if (numeric.contains(column))
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            table->setItem(row, column, item);
        }
    }
    return table;
}

QString partKindText(EmailPart::Kind kind)
{
    switch (kind) {
    case EmailPart::Kind::Report:
        return ReportView::tr("report attachment");
    case EmailPart::Kind::FailureReport:
        return ReportView::tr("failure report");
    case EmailPart::Kind::Other:
        break;
    }
    return ReportView::tr("not a report");
}

// One other entry of the same email, in a line.
QString entryLine(const LoggedReport &entry)
{
    if (entry.outcome == ReportOutcome::Malformed && entry.orgName.isEmpty())
        return ReportView::tr("Failed: %1").arg(entry.reason);
    QString line = ReportView::tr("Report %1 from %2: %3")
                       .arg(orNotGiven(entry.reportId), orNotGiven(entry.orgName),
                            ReportsTableModel::outcomeText(entry.outcome));
    if (!entry.reason.isEmpty())
        line += QStringLiteral(" (") + entry.reason + QLatin1Char(')');
    return line;
}

} // namespace

QString dayRangeText(qint64 beginSecs, qint64 endSecs)
{
    if (beginSecs == 0)
        return QString();
    const QDate first = utcDay(beginSecs);
    // A range ends at the last second of its last day or at the first second of the next.
    const QDate last = endSecs > beginSecs ? utcDay(endSecs - 1) : first;
    const QLocale locale;
    const QString full = QStringLiteral("d MMM yyyy");
    if (first == last)
        return locale.toString(first, full);
    const QString from = first.year() != last.year() ? locale.toString(first, full)
                         : first.month() != last.month()
                             ? locale.toString(first, QStringLiteral("d MMM"))
                             : locale.toString(first, QStringLiteral("d"));
    return from + QStringLiteral(" \u2013 ") + locale.toString(last, full);
}

QString ReportView::titleFor(const LoggedReport &entry)
{
    if (!entry.reportId.isEmpty() || !entry.orgName.isEmpty())
        return tr("Report %1 from %2").arg(orNotGiven(entry.reportId), orNotGiven(entry.orgName));
    if (entry.fromEmail.isEmpty())
        return tr("Invalid email");
    return tr("Invalid email from %1").arg(entry.fromEmail);
}

ReportView::ReportView(const LoggedReport &entry, DashboardQueries *queries, QWidget *parent)
    : QDialog(parent)
    , m_entry(entry)
{
    setObjectName(QStringLiteral("reportDetails"));
    setAttribute(Qt::WA_DeleteOnClose);
    setWindowTitle(titleFor(entry));

    auto *outer = new QVBoxLayout(this);
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *page = new QWidget(scroll);
    m_content = new QVBoxLayout(page);
    m_fields = new QFormLayout;
    m_content->addLayout(m_fields);
    scroll->setWidget(page);
    outer->addWidget(scroll, 1);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    outer->addWidget(buttons);

    const QLocale locale;
    const bool invalidEmail = entry.outcome == ReportOutcome::Malformed && entry.orgName.isEmpty();
    if (!invalidEmail) {
        addField(QStringLiteral("reportReporter"), tr("Reporter:"), orNotGiven(entry.orgName));
        addField(QStringLiteral("reportId"), tr("Report ID:"), orNotGiven(entry.reportId));
        addField(QStringLiteral("reportDateRange"), tr("Days covered (UTC):"),
                 orNotGiven(dayRangeText(entry.dateBegin, entry.dateEnd)));
        addField(QStringLiteral("reportRecords"), tr("Records:"), locale.toString(entry.records));
        addField(QStringLiteral("reportMessages"), tr("Messages:"),
                 locale.toString(entry.messages));
    }
    addField(QStringLiteral("reportFrom"), tr("Sent by:"),
             entry.fromEmail.isEmpty() ? tr("(no sender)") : entry.fromEmail);
    addField(QStringLiteral("reportProcessed"), tr("Processed:"),
             locale.toString(QDateTime::fromSecsSinceEpoch(entry.processedAt).toLocalTime(),
                             QLocale::ShortFormat));
    addField(QStringLiteral("reportOutcome"), tr("Outcome:"),
             ReportsTableModel::outcomeText(entry.outcome));
    if (!entry.reason.isEmpty())
        addField(QStringLiteral("reportReason"), tr("Why it failed:"), entry.reason);

    resize(900, 640);
    if (!queries || entry.id == 0) {
        showFailure(tr("The store keeps nothing more of this entry."));
        return;
    }
    queries->reportDetails(entry.id, this, [this](const Result<LoggedReportDetails> &answer) {
        if (answer)
            fill(*answer);
        else
            showFailure(tr("Cannot read the store: %1").arg(answer.error().message));
    });
}

void ReportView::addField(const QString &objectName, const QString &label, const QString &value)
{
    m_fields->addRow(label, valueLabel(objectName, value, this));
}

void ReportView::addNote(const QString &objectName, const QString &text)
{
    m_content->addWidget(valueLabel(objectName, text, this));
}

void ReportView::showFailure(const QString &message)
{
    addNote(QStringLiteral("reportNote"), message);
    m_loaded = true;
    Q_EMIT loaded();
}

void ReportView::fill(const LoggedReportDetails &details)
{
    if (details.details) {
        if (!details.details->reporterEmail.isEmpty()) {
            findChild<QLabel *>(QStringLiteral("reportReporter"))
                ->setText(
                    tr("%1 (%2)").arg(orNotGiven(m_entry.orgName), details.details->reporterEmail));
        }
        addPolicy(details.details->policy);
        addRecords(m_entry, *details.details);
    } else if (!m_entry.orgName.isEmpty() || !m_entry.reportId.isEmpty()) {
        addNote(QStringLiteral("reportNote"),
                tr("This report was logged before the exporter kept the reporter's address, the "
                   "published policy and the records; only the figures above are known."));
    }
    if (details.email) {
        addEmail(*details.email, details.otherEntriesOfEmail);
    } else if (m_entry.outcome == ReportOutcome::Malformed) {
        addNote(QStringLiteral("emailNote"),
                tr("This email was processed before the exporter kept what it held. It is in the "
                   "account's error folder: save it and use \"Inspect a report file\" to see "
                   "every part."));
    }
    m_content->addStretch(1);
    m_loaded = true;
    Q_EMIT loaded();
}

void ReportView::addPolicy(const PolicyPublished &policy)
{
    auto *box = new QGroupBox(tr("Published policy"), this);
    box->setObjectName(QStringLiteral("reportPolicy"));
    auto *form = new QFormLayout(box);
    const auto row = [box, form](const QString &label, const QString &value) {
        form->addRow(label, valueLabel(QString(), value, box));
    };
    row(tr("Domain:"), orNotGiven(policy.domain));
    row(tr("Policy (p):"), orNotGiven(policy.p));
    row(tr("Subdomain policy (sp):"), orNotGiven(policy.sp));
    row(tr("Percentage (pct):"), orNotGiven(policy.pct));
    row(tr("DKIM alignment (adkim):"), orNotGiven(alignmentText(policy.adkim)));
    row(tr("SPF alignment (aspf):"), orNotGiven(alignmentText(policy.aspf)));
    // DMARC 2.0 (RFC 9990) and failure reporting: only when the report gives them.
    const std::pair<QString, QString> optional[] = {
        {tr("Non-existent subdomain policy (np):"), policy.np},
        {tr("Testing (t):"), policy.testing},
        {tr("Discovery method:"), policy.discoveryMethod},
        {tr("Failure reporting (fo):"), policy.fo}};
    for (const auto &[label, value] : optional) {
        if (!value.isEmpty())
            row(label, value);
    }
    m_content->addWidget(box);
}

void ReportView::addRecords(const LoggedReport &entry, const ReportDetails &details)
{
    const QLocale locale;
    QList<QStringList> rows;
    for (const ReportRow &r : details.rows) {
        rows << QStringList{r.sourceIp,    locale.toString(r.count),
                            r.disposition, r.policyDkim,
                            r.policySpf,   r.headerFrom,
                            r.dkimDomain,  r.dkimResult,
                            r.spfDomain,   r.spfResult};
    }
    auto *box = new QGroupBox(tr("Records"), this);
    auto *layout = new QVBoxLayout(box);
    if (quint64(details.rows.size()) < entry.records) {
        layout->addWidget(valueLabel(
            QStringLiteral("reportRowsNote"),
            tr("The first %1 of %2 records are listed.")
                .arg(locale.toString(details.rows.size()), locale.toString(entry.records)),
            box));
    }
    auto *table = makeTextTable(QStringLiteral("reportRows"),
                                {tr("Source IP"), tr("Messages"), tr("Disposition"), tr("DKIM"),
                                 tr("SPF"), tr("Header from"), tr("DKIM domain"), tr("DKIM result"),
                                 tr("SPF domain"), tr("SPF result")},
                                rows, {1}, box);
    table->setMinimumHeight(160);
    layout->addWidget(table);
    m_content->addWidget(box);
}

void ReportView::addEmail(const LoggedEmail &email, const QList<LoggedReport> &others)
{
    const QLocale locale;
    auto *box = new QGroupBox(tr("The email"), this);
    auto *layout = new QVBoxLayout(box);
    QStringList summary;
    if (!email.account.isEmpty())
        summary << tr("uid %1 in %2 of %3")
                       .arg(QString::number(email.uid), email.mailbox, email.account);
    summary << tr("Subject: %1").arg(email.subject.isEmpty() ? tr("(none)") : email.subject);
    if (email.size > 0)
        summary << tr("Size: %1").arg(locale.formattedDataSize(email.size));
    layout->addWidget(
        valueLabel(QStringLiteral("emailSummary"), summary.join(QLatin1Char('\n')), box));
    QList<QStringList> rows;
    for (const EmailPart &part : email.parts) {
        rows << QStringList{part.section, part.contentType, part.fileName,
                            locale.formattedDataSize(part.size), partKindText(part.kind)};
    }
    if (email.partCount > email.parts.size()) {
        layout->addWidget(valueLabel(
            QStringLiteral("emailPartsNote"),
            tr("The first %1 of %2 parts are listed.")
                .arg(locale.toString(email.parts.size()), locale.toString(email.partCount)),
            box));
    }
    auto *table =
        makeTextTable(QStringLiteral("emailParts"),
                      {tr("Part"), tr("Content type"), tr("File name"), tr("Size"), tr("Read as")},
                      rows, {3}, box);
    table->setMinimumHeight(120);
    layout->addWidget(table);
    if (!others.isEmpty()) {
        QStringList lines;
        for (const LoggedReport &other : others)
            lines << entryLine(other);
        layout->addWidget(valueLabel(
            QStringLiteral("emailOtherEntries"),
            tr("Also in this email:") + QLatin1Char('\n') + lines.join(QLatin1Char('\n')), box));
    }
    m_content->addWidget(box);
}

} // namespace Dmarc::Ui
