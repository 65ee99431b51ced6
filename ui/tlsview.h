#pragma once

#include "dashboardmodels.h"
#include "groupedview.h"

#include <optional>

class QLabel;

namespace Dmarc::Ui {

// The dashboard's TLS tab: the SMTP TLS sessions of the dashboard's range per policy domain,
// reporter or day (each with its policy type), and below them the reporters of the policy
// domain that was opened (double-click or Enter on its row).
class TlsView : public GroupedView
{
    Q_OBJECT
public:
    explicit TlsView(QWidget *parent = nullptr);

    TlsGroupBy groupBy() const { return TlsGroupBy(group()); }
    void setGroupBy(TlsGroupBy by) { setGroup(int(by)); }
    // Lists the reporters of `policyDomain` below the table.
    void showReportersOf(const QString &policyDomain);

    const TlsSessionsModel *sessions() const { return m_sessions; }
    const TlsSessionsModel *reporters() const { return m_reporters; }

protected:
    void ask(DashboardQueries &queries, DayRange range) override;

private:
    std::optional<QString> m_policyDomain;
    TlsSessionsModel *m_sessions;
    QLabel *m_reportersTitle;
    TlsSessionsModel *m_reporters;
};

} // namespace Dmarc::Ui
