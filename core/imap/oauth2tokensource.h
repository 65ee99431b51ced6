#pragma once

#include "common/result.h"
#include "imap/imapsettings.h"

#include <QDateTime>
#include <QObject>
#include <QString>

class QNetworkAccessManager;
class QProcess;
class QTimer;

namespace Dmarc {

// Supplies OAuth2 access tokens for XOAUTH2/OAUTHBEARER: from a command's stdout, from a file,
// or from a refresh-token grant against the token endpoint. A granted token is cached until
// shortly before it expires. Asynchronous: request() is answered by finished(), always once.
class OAuth2TokenSource : public QObject
{
    Q_OBJECT
public:
    OAuth2TokenSource(const OAuth2Settings &settings, double timeoutSeconds,
                      QObject *parent = nullptr);
    ~OAuth2TokenSource() override;

    // `refresh`: the cached token was refused, get a new one.
    void request(bool refresh);
    void cancel();
    // The token in use and when it expires (invalid when unknown); for tests and status.
    QDateTime expiry() const { return m_expiry; }

Q_SIGNALS:
    void finished(const Dmarc::Result<QString> &token);

private:
    void runCommand();
    void readFile();
    void grant();
    void deliver(const Result<QString> &token);

    OAuth2Settings m_settings;
    double m_timeoutSeconds;
    QNetworkAccessManager *m_network = nullptr;
    QProcess *m_process = nullptr;
    QTimer *m_timer;
    QString m_token;
    QDateTime m_expiry;
    bool m_busy = false;
    quint64 m_generation = 0; // answers to a cancelled request are dropped
};

} // namespace Dmarc
