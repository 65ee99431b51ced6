#pragma once

#include "report/counters.h"
#include "service/accountstatus.h"
#include "service/emailoutcome.h"

#include <QHash>
#include <QList>
#include <QSet>
#include <QString>

#include <optional>

namespace Dmarc::Ui {

// A desktop notification to show.
struct Notice
{
    enum class Kind
    {
        MailboxError,
        FailingSource,
        InvalidReport
    };
    Kind kind = Kind::MailboxError;
    QString title;
    QString message;
};

// Decides which events deserve a desktop notification: a mailbox error (once per new error
// text), a source failing DMARC for a domain that was not failing before, an invalid report.
// Each kind is shown at most once per `minIntervalSecs`, so a broken mailbox does not flood the
// desktop. Pure: the caller passes the time.
class NotificationPolicy
{
public:
    explicit NotificationPolicy(qint64 minIntervalSecs = 15 * 60);

    // The sources already known to fail (e.g. from the store at start): no notice for them.
    void knowFailingSources(const QList<LabelCounts> &counts);
    std::optional<Notice> accountChanged(const AccountStatus &account, qint64 nowSecs);
    QList<Notice> emailsProcessed(const QList<EmailOutcome> &emails, qint64 nowSecs);
    // Sources that started failing since the last call (for the tray's attention state).
    int takeNewFailingSources();

private:
    // Remembers the source; true when it was not known to fail before.
    bool addFailing(const LabelSet &labels);
    bool allow(const QString &key, qint64 nowSecs);

    qint64 m_minIntervalSecs;
    QHash<QString, qint64> m_lastShown;
    QHash<QString, QString> m_accountErrors;
    QSet<QString> m_failingSources;
    int m_newFailing = 0;
};

} // namespace Dmarc::Ui
