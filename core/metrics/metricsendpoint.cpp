#include "metricsendpoint.h"

#include "common/log.h"
#include "common/logging.h"
#include "httpserver.h"
#include "metricsregistry.h"
#include "passwordhash.h"
#include "servertls.h"

#include <QPointer>

namespace Dmarc {

MetricsEndpoint::MetricsEndpoint(MetricsRegistry *registry, QObject *parent)
    : QObject(parent)
    , m_registry(registry)
{
    m_thread.setObjectName(QStringLiteral("metrics-http"));
}

MetricsEndpoint::~MetricsEndpoint()
{
    stop();
}

Result<void> MetricsEndpoint::start(const EndpointSettings &settings)
{
    stop();

    QHostAddress address;
    if (settings.listenAddress == QLatin1String("::"))
        address = QHostAddress::Any; // dual stack, as "::" listens on most systems
    else if (!address.setAddress(settings.listenAddress))
        return Error{
            QStringLiteral("listen_address"),
            QStringLiteral("listen address %1 is not an IP address").arg(settings.listenAddress)};

    std::optional<QSslConfiguration> tls;
    if (!settings.tlsCertFile.isEmpty() || !settings.tlsKeyFile.isEmpty()) {
        auto loaded = loadServerTls(settings.tlsCertFile, settings.tlsKeyFile);
        if (!loaded.ok())
            return loaded.error();
        tls = loaded.value();
    }
    std::optional<PasswordHash> passwordHash;
    if (!settings.basicAuthUser.isEmpty() || !settings.basicAuthPasswordHash.isEmpty()) {
        if (settings.basicAuthUser.isEmpty() || settings.basicAuthPasswordHash.isEmpty())
            return Error{QStringLiteral("basic_auth"),
                         QStringLiteral("basic auth needs both a user and a password hash")};
        auto hash = PasswordHash::parse(settings.basicAuthPasswordHash.toUtf8());
        if (!hash.ok())
            return hash.error();
        passwordHash = hash.value();
    }

    const bool usesTls = tls.has_value();
    const bool usesAuth = passwordHash.has_value();
    auto server = std::make_unique<HttpServer>(settings, std::move(tls), std::move(passwordHash));
    if (!server->listen(address, settings.port)) {
        return Error{QStringLiteral("listen"), QStringLiteral("cannot listen on %1 port %2: %3")
                                                   .arg(settings.listenAddress)
                                                   .arg(settings.port)
                                                   .arg(server->errorString())};
    }
    m_address = server->serverAddress();
    m_port = server->serverPort();
    m_usesTls = usesTls;
    server->setSnapshot(m_registry->snapshot());
    m_server = server.release();
    m_server->moveToThread(&m_thread);
    m_thread.start();
    m_registry->setChangeHandler([endpoint = QPointer<MetricsEndpoint>(this)] {
        if (endpoint)
            QMetaObject::invokeMethod(endpoint, &MetricsEndpoint::publish, Qt::QueuedConnection);
    });

    Log::info(
        lcHttp(), QStringLiteral("Serving metrics"),
        {{QStringLiteral("url"),
          QStringLiteral("%1://%2:%3/metrics")
              .arg(m_usesTls ? QStringLiteral("https") : QStringLiteral("http"))
              .arg(settings.listenAddress.contains(QLatin1Char(':'))
                       ? QLatin1Char('[') + settings.listenAddress + QLatin1Char(']')
                       : settings.listenAddress)
              .arg(m_port)},
         {QStringLiteral("basic_auth"), usesAuth ? QStringLiteral("on") : QStringLiteral("off")}});
    return {};
}

void MetricsEndpoint::stop()
{
    if (!m_server)
        return;
    // The server and its connections end in their own thread, then the thread ends.
    QMetaObject::invokeMethod(m_server, [server = m_server] {
        delete server;
        QThread::currentThread()->quit();
    });
    m_thread.wait();
    m_server = nullptr;
    m_address = QHostAddress();
    m_port = 0;
    m_usesTls = false;
}

int MetricsEndpoint::connectionCount() const
{
    return m_server ? m_server->connectionCount() : 0;
}

void MetricsEndpoint::publish()
{
    if (!m_server)
        return;
    QMetaObject::invokeMethod(m_server, [server = m_server, snapshot = m_registry->snapshot()] {
        server->setSnapshot(snapshot);
    });
}

} // namespace Dmarc
