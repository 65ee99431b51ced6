#include "activitylogview.h"

#include "service/dashboardqueries.h"
#include "statustext.h"

#include <algorithm>

namespace Dmarc::Ui {

namespace {

constexpr int kLines = 500;

QString withTime(const QDateTime &when, const QDateTime &now, const QString &text)
{
    return whenText(when, now) + QLatin1Char(' ') + text;
}

// What an email counted, of each kind of report it held; "0 reports counted" when nothing.
QStringList countedText(const ActivityEntry &entry)
{
    QStringList counted;
    if (entry.counted > 0 || (entry.tlsCounted == 0 && entry.failuresCounted == 0))
        counted << ActivityLogView::tr("%n report(s) counted", nullptr, int(entry.counted));
    if (entry.tlsCounted > 0)
        counted << ActivityLogView::tr("%n TLS report(s) counted", nullptr, int(entry.tlsCounted));
    if (entry.failuresCounted > 0) {
        counted << ActivityLogView::tr("%n failure report(s) counted", nullptr,
                                       int(entry.failuresCounted));
    }
    return counted;
}

} // namespace

QString activityEntryText(const ActivityEntry &entry)
{
    const QString account = entry.host.isEmpty()
                                ? entry.account
                                : ActivityLogView::tr("%1 on %2").arg(entry.account, entry.host);
    const QString sender =
        entry.fromEmail.isEmpty() ? ActivityLogView::tr("(no sender)") : entry.fromEmail;
    QString what;
    switch (entry.event) {
    case ActivityEntry::Event::Done:
    case ActivityEntry::Event::Invalid:
        what = ActivityLogView::tr("%1 from %2: %3")
                   .arg(entry.label, sender, countedText(entry).join(QStringLiteral(", ")));
        if (entry.duplicates > 0) {
            what += QStringLiteral(", ") +
                    ActivityLogView::tr("%n duplicate(s)", nullptr, int(entry.duplicates));
        }
        if (entry.event == ActivityEntry::Event::Invalid)
            what += QStringLiteral(", ") + ActivityLogView::tr("invalid: %1").arg(entry.detail);
        what += QStringLiteral(", ") + ActivityLogView::tr("moved to %1").arg(entry.folder);
        break;
    case ActivityEntry::Event::DecidedBefore:
        what = ActivityLogView::tr("%1: decided before, moved to %2 now")
                   .arg(entry.label, entry.folder);
        break;
    case ActivityEntry::Event::NothingNew:
        what = ActivityLogView::tr("Checked: nothing new");
        break;
    case ActivityEntry::Event::CheckFailed:
        what = ActivityLogView::tr("Check failed: %1").arg(entry.detail);
        break;
    }
    return account + QStringLiteral(": ") + what;
}

ActivityLogView::ActivityLogView(QWidget *parent)
    : QPlainTextEdit(parent)
{
    setObjectName(QStringLiteral("activityLog"));
    setReadOnly(true);
    setMaximumBlockCount(kLines);
    setAccessibleName(tr("Recent activity"));
}

ActivityLogView::Line ActivityLogView::lineOf(const ActivityEntry &entry, const QDateTime &now)
{
    return Line{entry.id,
                withTime(QDateTime::fromSecsSinceEpoch(entry.at), now, activityEntryText(entry))};
}

void ActivityLogView::load(DashboardQueries *queries)
{
    if (!queries)
        return;
    m_loading = true;
    queries->recentActivity(kActivityKept, this, [this](const Result<QList<ActivityEntry>> &kept) {
        const QDateTime now = QDateTime::currentDateTime();
        clear();
        qint64 newest = 0;
        if (kept) {
            for (const ActivityEntry &entry : *kept) {
                appendLine(lineOf(entry, now));
                newest = std::max(newest, entry.id);
            }
        } else {
            appendLine(Line{
                0, withTime(now, now,
                            tr("Cannot read the recent activity: %1").arg(kept.error().message))});
        }
        // Lines added meanwhile that the answer did not hold yet.
        for (const Line &line : std::as_const(m_added)) {
            if (line.id == 0 || line.id > newest)
                appendLine(line);
        }
        m_added.clear();
        m_loading = false;
        m_loaded = true;
    });
}

void ActivityLogView::add(const QList<ActivityEntry> &entries)
{
    const QDateTime now = QDateTime::currentDateTime();
    for (const ActivityEntry &entry : entries) {
        const Line line = lineOf(entry, now);
        if (m_loading)
            m_added << line;
        appendLine(line);
    }
}

void ActivityLogView::addNote(const QString &text)
{
    const QDateTime now = QDateTime::currentDateTime();
    const Line line{0, withTime(now, now, text)};
    if (m_loading)
        m_added << line;
    appendLine(line);
}

void ActivityLogView::appendLine(const Line &line)
{
    appendPlainText(line.text);
}

} // namespace Dmarc::Ui
