#include "trayicon.h"

#include "dashboardmodels.h"
#include "service/dashboardqueries.h"
#include "service/exporter.h"
#include "statustext.h"

#include <QAction>
#include <QDateTime>
#include <QDesktopServices>
#include <QIcon>
#include <QLocale>
#include <QMenu>
#include <QTimer>

#include <algorithm>
#include <utility>

namespace Dmarc::Ui {

TrayState trayStateFor(const TrayInputs &inputs)
{
    const bool mailboxFailing =
        std::any_of(inputs.accounts.begin(), inputs.accounts.end(),
                    [](const AccountStatus &a) { return !a.lastError.isEmpty(); });
    if (mailboxFailing && !inputs.paused)
        return TrayState::Error;
    if (isFailing(inputs.lastWeek) || inputs.invalidLastWeek > 0 || inputs.newFailingSources > 0 ||
        !inputs.tlsFailingDomains.isEmpty())
        return TrayState::Attention;
    return inputs.paused ? TrayState::Paused : TrayState::Healthy;
}

QString trayIconPath(TrayState state)
{
    switch (state) {
    case TrayState::Error:
        return QStringLiteral(":/icons/tray-error.svg");
    case TrayState::Attention:
        return QStringLiteral(":/icons/tray-attention.svg");
    case TrayState::Paused:
        return QStringLiteral(":/icons/tray-paused.svg");
    case TrayState::Healthy:
        break;
    }
    return QStringLiteral(":/icons/tray-healthy.svg");
}

QString trayStateText(TrayState state)
{
    switch (state) {
    case TrayState::Error:
        return TrayIcon::tr("Mailbox error");
    case TrayState::Attention:
        return TrayIcon::tr("Needs attention");
    case TrayState::Paused:
        return TrayIcon::tr("Paused");
    case TrayState::Healthy:
        break;
    }
    return TrayIcon::tr("All good");
}

TrayIcon::TrayIcon(Exporter &exporter, QObject *parent)
    : QSystemTrayIcon(parent)
    , m_exporter(exporter)
    , m_menu(new QMenu)
    , m_refreshTimer(new QTimer(this))
    , m_notifier(new Notifier(15 * 60, this))
{
    m_menu->addAction(tr("Open &dashboard"), this, &TrayIcon::dashboardRequested);
    m_menu->addAction(tr("&Check now"), &m_exporter, &Exporter::checkNow);
    m_pauseAction = m_menu->addAction(tr("&Pause"));
    m_pauseAction->setCheckable(true);
    connect(m_pauseAction, &QAction::toggled, this, [this](bool paused) {
        m_exporter.setPaused(paused);
        showState();
    });
    m_menu->addAction(tr("Open &metrics page"), this,
                      [this] { QDesktopServices::openUrl(m_exporter.metricsUrl()); });
    m_menu->addAction(tr("&Settings…"), this, &TrayIcon::settingsRequested);
    m_menu->addSeparator();
    m_menu->addAction(tr("&Quit"), this, &TrayIcon::quitRequested);
    setContextMenu(m_menu);

    connect(this, &QSystemTrayIcon::activated, this, [this](ActivationReason reason) {
        if (reason == Trigger || reason == DoubleClick)
            Q_EMIT dashboardRequested();
    });
    connect(&m_exporter, &Exporter::accountChanged, this, &TrayIcon::onAccountChanged);
    connect(&m_exporter, &Exporter::emailsProcessed, this, &TrayIcon::onEmailsProcessed);
    connect(m_notifier, &Notifier::noticeReady, this, &TrayIcon::notify);
    connect(&m_exporter, &Exporter::storeStatusChanged, m_notifier, &Notifier::storeChanged);
    // Known by the time the first batch is processed: one answer against a network round trip.
    if (DashboardQueries *queries = m_exporter.queries()) {
        queries->newFailingSources(dayRange(Range::Week, QDateTime::currentDateTimeUtc().date()),
                                   this, [this](const Result<QList<FailingSource>> &sources) {
                                       if (sources)
                                           m_notifier->knowFailingSources(*sources);
                                   });
    }
    // The ranges of the tooltip move with the clock.
    m_refreshTimer->setInterval(60 * 1000);
    connect(m_refreshTimer, &QTimer::timeout, this, &TrayIcon::refresh);
    m_refreshTimer->start();
    refresh();
}

TrayIcon::~TrayIcon()
{
    delete m_menu;
}

void TrayIcon::acknowledge()
{
    m_newFailingSources = 0;
    showState();
}

void TrayIcon::refresh()
{
    showState();
    DashboardQueries *queries = m_exporter.queries();
    if (!queries)
        return;
    if (m_asking) {
        m_askAgain = true;
        return;
    }
    m_asking = true;
    const QDate today = QDateTime::currentDateTimeUtc().date();
    // Answered in the order asked: the last answer completes the figures.
    const DayRange week = dayRange(Range::Week, today);
    queries->totals(week, this, [this](const Result<RangeTotals> &totals) {
        if (totals)
            m_lastWeek = *totals;
    });
    queries->tlsSessions(week, TlsGroupBy::PolicyDomain, std::nullopt, this,
                         [this](const Result<QList<TlsSessionTotals>> &sessions) {
                             if (!sessions)
                                 return;
                             m_tlsFailingDomains.clear();
                             for (const TlsSessionTotals &row : *sessions) {
                                 if (row.failed > 0 && !m_tlsFailingDomains.contains(row.key))
                                     m_tlsFailingDomains << row.key;
                             }
                         });
    queries->totals(dayRange(Range::Yesterday, today), this, [this](const Result<RangeTotals> &day) {
        if (day)
            m_yesterday = day->counters;
        m_asking = false;
        if (std::exchange(m_askAgain, false))
            refresh();
        else
            showState();
    });
}

QString TrayIcon::figuresLine(Range range, const Counters &counters)
{
    // By report day, as the dashboard's range of the same name.
    return tr("%1: %2 messages, %3 compliant")
        .arg(rangeText(range), QLocale().toString(counters.total),
             formatPercent(counters.compliant, counters.total));
}

void TrayIcon::showState()
{
    TrayInputs inputs;
    inputs.paused = m_exporter.isPaused();
    inputs.accounts = m_exporter.accounts();
    inputs.newFailingSources = m_newFailingSources;
    inputs.lastWeek = m_lastWeek.counters;
    inputs.invalidLastWeek = m_lastWeek.invalidReports;
    inputs.tlsFailingDomains = m_tlsFailingDomains;
    m_state = trayStateFor(inputs);
    setIcon(QIcon(trayIconPath(m_state)));
    {
        const QSignalBlocker blocker(m_pauseAction);
        m_pauseAction->setChecked(inputs.paused);
    }

    const QDateTime now = QDateTime::currentDateTimeUtc();
    QDateTime lastCheck;
    for (const AccountStatus &account : std::as_const(inputs.accounts)) {
        if (account.lastSuccessfulPoll > lastCheck)
            lastCheck = account.lastSuccessfulPoll;
    }
    QStringList lines{
        tr("DMARC metrics exporter: %1").arg(trayStateText(m_state)),
        tr("Last check: %1").arg(whenText(lastCheck, now)),
        figuresLine(Range::Yesterday, m_yesterday), figuresLine(Range::Week, inputs.lastWeek)};
    if (inputs.invalidLastWeek > 0)
        lines << tr("%Ln invalid report(s) in the last 7 days", nullptr,
                    int(inputs.invalidLastWeek));
    if (!inputs.tlsFailingDomains.isEmpty())
        lines << tr("TLS failures in the last 7 days for %1")
                     .arg(inputs.tlsFailingDomains.join(QStringLiteral(", ")));
    for (const AccountStatus &account : std::as_const(inputs.accounts))
        lines << accountLine(account, now);
    setToolTip(lines.join(QLatin1Char('\n')));
}

void TrayIcon::onAccountChanged(int, const AccountStatus &status)
{
    m_notifier->accountChanged(status);
    showState();
}

void TrayIcon::onEmailsProcessed(const QList<EmailOutcome> &emails)
{
    m_notifier->emailsProcessed(emails);
    // The sources of the last 7 days not seen in the 30 days before, as the store has them now.
    if (DashboardQueries *queries = m_exporter.queries()) {
        queries->newFailingSources(dayRange(Range::Week, QDateTime::currentDateTimeUtc().date()),
                                   this, [this](const Result<QList<FailingSource>> &sources) {
                                       if (!sources)
                                           return;
                                       m_notifier->sourcesFailing(*sources);
                                       m_newFailingSources += m_notifier->takeNewFailingSources();
                                       showState();
                                   });
    }
    refresh();
}

void TrayIcon::notify(const Notice &notice)
{
    showMessage(notice.title, notice.message,
                notice.kind <= Notice::Kind::MailboxError ? Critical : Warning);
}

} // namespace Dmarc::Ui
