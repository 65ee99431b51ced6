#include "oauth2tokensource.h"

#include "common/logging.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QTimer>
#include <QUrlQuery>

namespace Dmarc {

namespace {

constexpr int expiryMarginSeconds = 60; // refresh this long before the token expires

Error tokenError(const QString &message)
{
    return Error{QStringLiteral("oauth2"), message};
}

} // namespace

OAuth2TokenSource::OAuth2TokenSource(const OAuth2Settings &settings, double timeoutSeconds,
                                     QObject *parent)
    : QObject(parent)
    , m_settings(settings)
    , m_timeoutSeconds(timeoutSeconds)
    , m_timer(new QTimer(this))
{
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, [this]() {
        if (m_process)
            m_process->kill(); // finished() follows and reports the failure
    });
}

OAuth2TokenSource::~OAuth2TokenSource()
{
    cancel();
}

void OAuth2TokenSource::cancel()
{
    ++m_generation;
    m_busy = false;
    m_timer->stop();
    if (m_process) {
        // Dropped once it has exited, so the child is reaped without a blocking wait.
        QProcess *process = m_process;
        m_process = nullptr;
        process->disconnect(this);
        connect(process, &QProcess::finished, process, &QObject::deleteLater);
        process->kill();
    }
}

void OAuth2TokenSource::request(bool refresh)
{
    if (m_busy)
        return; // the answer in progress serves this request too
    m_busy = true;
    if (!m_settings.tokenCommand.isEmpty()) {
        runCommand();
    } else if (!m_settings.tokenFile.isEmpty()) {
        readFile();
    } else if (!refresh && !m_token.isEmpty() &&
               QDateTime::currentDateTimeUtc().secsTo(m_expiry) > expiryMarginSeconds) {
        const quint64 generation = m_generation;
        QTimer::singleShot(0, this, [this, generation]() {
            if (generation == m_generation)
                deliver(m_token);
        });
    } else {
        grant();
    }
}

void OAuth2TokenSource::deliver(const Result<QString> &token)
{
    m_busy = false;
    m_timer->stop();
    if (!token)
        qCDebug(lcImap).noquote() << token.error().message; // the requester reports it
    Q_EMIT finished(token);
}

void OAuth2TokenSource::runCommand()
{
    QStringList arguments = QProcess::splitCommand(m_settings.tokenCommand);
    if (arguments.isEmpty()) {
        deliver(tokenError(QStringLiteral("oauth2.token_command is empty")));
        return;
    }
    const QString program = arguments.takeFirst();
    m_process = new QProcess(this);
    connect(m_process, &QProcess::finished, this,
            [this, program](int exitCode, QProcess::ExitStatus status) {
                QProcess *process = m_process;
                m_process = nullptr;
                process->deleteLater();
                const QString token = QString::fromUtf8(process->readAllStandardOutput()).trimmed();
                if (status != QProcess::NormalExit || exitCode != 0 || token.isEmpty()) {
                    const QString detail = QString::fromUtf8(process->readAllStandardError())
                                               .trimmed()
                                               .section(u'\n', 0, 0);
                    deliver(tokenError(QStringLiteral("oauth2.token_command %1 failed (exit %2)%3")
                                           .arg(program)
                                           .arg(status == QProcess::NormalExit ? exitCode : -1)
                                           .arg(detail.isEmpty() ? QString() : u": " + detail)));
                    return;
                }
                deliver(token);
            });
    connect(m_process, &QProcess::errorOccurred, this,
            [this, program](QProcess::ProcessError error) {
                if (error != QProcess::FailedToStart || !m_process)
                    return;
                m_process->deleteLater();
                m_process = nullptr;
                deliver(tokenError(
                    QStringLiteral("oauth2.token_command %1 cannot be started").arg(program)));
            });
    m_timer->start(std::chrono::milliseconds(qint64(m_timeoutSeconds * 1000)));
    m_process->start(program, arguments, QIODevice::ReadOnly);
}

void OAuth2TokenSource::readFile()
{
    QFile file(m_settings.tokenFile);
    Result<QString> token =
        tokenError(QStringLiteral("oauth2.token_file %1 cannot be read").arg(m_settings.tokenFile));
    if (file.open(QIODevice::ReadOnly)) {
        const QString content = QString::fromUtf8(file.read(64 * 1024)).trimmed();
        token =
            content.isEmpty()
                ? Result<QString>(tokenError(
                      QStringLiteral("oauth2.token_file %1 is empty").arg(m_settings.tokenFile)))
                : Result<QString>(content);
    }
    const quint64 generation = m_generation;
    QTimer::singleShot(0, this, [this, generation, token]() {
        if (generation == m_generation)
            deliver(token);
    });
}

void OAuth2TokenSource::grant()
{
    if (!m_network)
        m_network = new QNetworkAccessManager(this);
    QUrlQuery form;
    form.addQueryItem(QStringLiteral("grant_type"), QStringLiteral("refresh_token"));
    form.addQueryItem(QStringLiteral("refresh_token"), m_settings.refreshToken);
    form.addQueryItem(QStringLiteral("client_id"), m_settings.clientId);
    if (!m_settings.clientSecret.isEmpty())
        form.addQueryItem(QStringLiteral("client_secret"), m_settings.clientSecret);
    if (!m_settings.scope.isEmpty())
        form.addQueryItem(QStringLiteral("scope"), m_settings.scope);
    QNetworkRequest request{QUrl(m_settings.tokenUrl)};
    request.setHeader(QNetworkRequest::ContentTypeHeader,
                      QStringLiteral("application/x-www-form-urlencoded"));
    request.setTransferTimeout(int(m_timeoutSeconds * 1000));
    QNetworkReply *reply = m_network->post(request, form.toString(QUrl::FullyEncoded).toUtf8());
    const quint64 generation = m_generation;
    connect(reply, &QNetworkReply::finished, this, [this, reply, generation]() {
        reply->deleteLater();
        if (generation != m_generation)
            return;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QJsonObject json = QJsonDocument::fromJson(reply->readAll()).object();
        const QString where = QStringLiteral("token endpoint %1").arg(m_settings.tokenUrl);
        if (status == 0) {
            deliver(tokenError(where + QStringLiteral(" unreachable: ") + reply->errorString()));
            return;
        }
        const QString accessToken = json[u"access_token"].toString();
        if (status != 200 || accessToken.isEmpty()) {
            const QString reason = json[u"error"].toString();
            const QString description = json[u"error_description"].toString();
            deliver(tokenError(QStringLiteral("%1 refused the refresh token: HTTP %2 %3 %4")
                                   .arg(where)
                                   .arg(status)
                                   .arg(reason, description)
                                   .trimmed()));
            return;
        }
        m_token = accessToken;
        const int expiresIn = json[u"expires_in"].toInt(3600);
        m_expiry = QDateTime::currentDateTimeUtc().addSecs(expiresIn);
        // Some providers rotate the refresh token with every grant.
        if (const QString next = json[u"refresh_token"].toString(); !next.isEmpty())
            m_settings.refreshToken = next;
        qCInfo(lcImap).noquote() << "OAuth2 access token granted, valid for" << expiresIn << "s";
        deliver(m_token);
    });
}

} // namespace Dmarc

#include "moc_oauth2tokensource.cpp"
