#include "singleinstance.h"

#include "common/log.h"
#include "common/logging.h"

#include <QLocalServer>
#include <QLocalSocket>
#include <QLockFile>
#include <QStandardPaths>

namespace Dmarc::Ui {

namespace {

constexpr QByteArrayView kShow = "show\n";
// A running instance answers at once; this bounds a hung one.
constexpr int kAnswerMs = 3000;

} // namespace

SingleInstance::SingleInstance(QObject *parent)
    : QObject(parent)
    , m_server(new QLocalServer(this))
{
    connect(m_server, &QLocalServer::newConnection, this, [this] {
        while (QLocalSocket *socket = m_server->nextPendingConnection()) {
            connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
            connect(socket, &QLocalSocket::readyRead, this, [this, socket] {
                if (!socket->canReadLine())
                    return;
                if (socket->readLine() == kShow.toByteArray())
                    Q_EMIT activationRequested();
                socket->disconnectFromServer();
            });
        }
    });
}

SingleInstance::~SingleInstance() = default;

QString SingleInstance::socketPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::RuntimeLocation) +
           QStringLiteral("/dmarc-metrics-exporter.socket");
}

bool SingleInstance::handOver()
{
    const QString path = socketPath();
    // Two launches at once: one after the other finds the socket or makes it.
    QLockFile lock(path + QStringLiteral(".lock"));
    lock.tryLock(kAnswerMs);
    QLocalSocket running;
    running.connectToServer(path);
    if (running.waitForConnected(kAnswerMs)) {
        running.write(kShow.data(), kShow.size());
        running.waitForBytesWritten(kAnswerMs);
        // The other side closes once it has read the request.
        running.waitForDisconnected(kAnswerMs);
        Log::info(lcUi(), QStringLiteral("Already running: showing its dashboard"), {});
        return true;
    }
    // A socket left by an instance that crashed answers nobody.
    QLocalServer::removeServer(path);
    m_server->setSocketOptions(QLocalServer::UserAccessOption);
    if (!m_server->listen(path)) {
        Log::warning(
            lcUi(), QStringLiteral("Cannot make sure this is the only instance"),
            {{QStringLiteral("socket"), path}, {QStringLiteral("error"), m_server->errorString()}});
    }
    return false;
}

} // namespace Dmarc::Ui
