#pragma once

#include "service/dashboardtypes.h"
#include "service/reportdetails.h"

#include <QDialog>

class QFormLayout;
class QVBoxLayout;

namespace Dmarc {
class DashboardQueries;
}

namespace Dmarc::Ui {

// The days a report covers, UTC: "1 Dec 2026" for one day, "1 – 3 Dec 2026" for more (the
// month and year said once where they are shared); the end second itself is not a day of its
// own. Empty when the report gave no range.
QString dayRangeText(qint64 beginSecs, qint64 endSecs);

// One entry of the reports log in full, as the store keeps it: the reporter, the report's id and
// days, the published policy and the records for a report that was read; for an invalid email,
// what it held (its parts) and why it failed. Shows the log entry at once and the rest when the
// service's answer arrives (DashboardQueries::reportDetails).
class ReportView : public QDialog
{
    Q_OBJECT
public:
    ReportView(const LoggedReport &entry, DashboardQueries *queries, QWidget *parent = nullptr);

    // Whether the answer has arrived (or failed).
    bool isLoaded() const { return m_loaded; }
    // The window title for `entry`.
    static QString titleFor(const LoggedReport &entry);

Q_SIGNALS:
    void loaded();

private:
    void fill(const LoggedReportDetails &details);
    void showFailure(const QString &message);
    void addField(const QString &objectName, const QString &label, const QString &value);
    void addNote(const QString &objectName, const QString &text);
    void addPolicy(const PolicyPublished &policy);
    void addRecords(const LoggedReport &entry, const ReportDetails &details);
    void addEmail(const LoggedEmail &email, const QList<LoggedReport> &others);

    LoggedReport m_entry;
    QVBoxLayout *m_content = nullptr;
    QFormLayout *m_fields = nullptr;
    bool m_loaded = false;
};

} // namespace Dmarc::Ui
