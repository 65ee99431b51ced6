#pragma once

#include "dashboardmodels.h"
#include "notifier.h"
#include "service/dashboardtypes.h"

#include <QSystemTrayIcon>

class QAction;
class QMenu;
class QTimer;

namespace Dmarc {
class Exporter;
}

namespace Dmarc::Ui {

// What the icon says at a glance, most urgent first.
enum class TrayState
{
    Error,     // a mailbox is unreachable or refuses the login
    Attention, // compliance under the threshold, invalid reports, new failing sources, TLS failures
    Paused,
    Healthy
};

struct TrayInputs
{
    bool paused = false;
    QList<AccountStatus> accounts;
    Counters lastWeek;
    quint64 invalidLastWeek = 0;
    int newFailingSources = 0;
    // Policy domains with failed TLS sessions in the last 7 days (docs/counting.md 8.7).
    QStringList tlsFailingDomains;
};

TrayState trayStateFor(const TrayInputs &inputs);
QString trayIconPath(TrayState state);
QString trayStateText(TrayState state);

// The exporter's icon in the system tray: its state, a tooltip with the last days' numbers,
// a menu (dashboard, check now, pause, metrics page, settings, quit) and rate-limited
// notifications.
class TrayIcon : public QSystemTrayIcon
{
    Q_OBJECT
public:
    explicit TrayIcon(Exporter &exporter, QObject *parent = nullptr);
    ~TrayIcon() override;

    TrayState state() const { return m_state; }
    QMenu *menu() const { return m_menu; }
    // Asks for the last days' figures again; state and tooltip follow when they arrive.
    void refresh();
    // Between refresh() and the last of its answers.
    bool isRefreshing() const { return m_asking; }
    // The person has looked at the dashboard: new failing sources are no longer news.
    void acknowledge();

Q_SIGNALS:
    void dashboardRequested();
    void settingsRequested();
    void quitRequested();

private:
    // State and tooltip from the exporter and the figures at hand.
    void showState();
    // "Yesterday: 1,234 messages, 98.0 % compliant"
    static QString figuresLine(Range range, const Counters &counters);
    void onAccountChanged(int index, const AccountStatus &status);
    void onEmailsProcessed(const QList<EmailOutcome> &emails);
    void notify(const Notice &notice);

    Exporter &m_exporter;
    QMenu *m_menu;
    QAction *m_pauseAction;
    QTimer *m_refreshTimer;
    Notifier *m_notifier;
    TrayState m_state = TrayState::Healthy;
    int m_newFailingSources = 0;
    RangeTotals m_lastWeek;
    Counters m_yesterday;
    QStringList m_tlsFailingDomains;
    bool m_asking = false;
    bool m_askAgain = false;
};

} // namespace Dmarc::Ui
