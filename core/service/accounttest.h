#pragma once

#include "common/result.h"
#include "imap/imapsettings.h"

#include <QObject>
#include <QStringList>

namespace Dmarc {

class AccountProbe;

// "Test connection" for the settings: logs in to one account as the exporter would (OAuth2
// included), lists its folders and logs out, touching no email. For the desktop, which opens no
// IMAP connection itself (docs/architecture.md 1.1).
class AccountTest : public QObject
{
    Q_OBJECT
public:
    explicit AccountTest(ImapSettings settings, QObject *parent = nullptr);

    // Runs the test once; finished() follows.
    void start();

Q_SIGNALS:
    // The account's folders in the server's order, or what went wrong in words for the person
    // who typed the settings.
    void finished(const Dmarc::Result<QStringList> &folders);

private:
    AccountProbe *m_probe;
};

} // namespace Dmarc
