#pragma once

#include "service/activity.h"

#include <QDateTime>
#include <QList>
#include <QPlainTextEdit>
#include <QString>

namespace Dmarc {
class DashboardQueries;
}

namespace Dmarc::Ui {

// One line of the recent activity, without its time: "mail@example.com on imap.example.com:
// uid 100 from dmarc@google.com: 1 report counted, moved to Archive".
QString activityEntryText(const ActivityEntry &entry);

// The recent activity: the lines the store keeps (so they outlive a restart), then those added
// while the dashboard is open, each with its time ("12:04" today, else the date too).
class ActivityLogView : public QPlainTextEdit
{
    Q_OBJECT
public:
    explicit ActivityLogView(QWidget *parent = nullptr);

    // Asks for the lines kept; they go before the lines added meanwhile.
    void load(DashboardQueries *queries);
    // Lines the exporter added (Exporter::activityAdded).
    void add(const QList<ActivityEntry> &entries);
    // A line the store does not keep (it is what failed).
    void addNote(const QString &text);
    bool isLoaded() const { return m_loaded; }

private:
    struct Line
    {
        qint64 id = 0; // 0: not kept
        QString text;  // with its time
    };

    static Line lineOf(const ActivityEntry &entry, const QDateTime &now);
    void appendLine(const Line &line);

    QList<Line> m_added; // while the kept lines are asked for
    bool m_loading = false;
    bool m_loaded = false;
};

} // namespace Dmarc::Ui
