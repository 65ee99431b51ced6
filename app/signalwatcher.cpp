#include "signalwatcher.h"

#include "common/log.h"
#include "common/logging.h"
#include "config/config.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSocketNotifier>

#include <csignal>
#include <sys/socket.h>
#include <unistd.h>

namespace Dmarc::App {

namespace {

int g_pipe[2] = {-1, -1};
constexpr int kSignals[] = {SIGTERM, SIGINT, SIGHUP};

// The dotted paths of the members that differ between two objects ("imap.host"); an array or a
// value that changes kind counts as one.
void differences(const QJsonObject &before, const QJsonObject &after, const QString &prefix,
                 QStringList &paths)
{
    QStringList keys = before.keys() + after.keys();
    keys.removeDuplicates();
    keys.sort();
    for (const QString &key : std::as_const(keys)) {
        const QJsonValue old = before.value(key);
        const QJsonValue now = after.value(key);
        if (old == now)
            continue;
        const QString path = prefix.isEmpty() ? key : prefix + QLatin1Char('.') + key;
        if (old.isObject() && now.isObject())
            differences(old.toObject(), now.toObject(), path, paths);
        else
            paths.append(path);
    }
}

QJsonObject fileForm(const Config &config)
{
    return QJsonDocument::fromJson(toJson(config, ConfigForm::File)).object();
}

} // namespace

SignalWatcher::SignalWatcher(QObject *parent)
    : QObject(parent)
{
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_pipe) != 0)
        return;
    m_notifier = new QSocketNotifier(g_pipe[1], QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &SignalWatcher::readSignal);
    struct sigaction action = {};
    action.sa_handler = &SignalWatcher::handle;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    for (const int signalNumber : kSignals)
        ::sigaction(signalNumber, &action, nullptr);
}

SignalWatcher::~SignalWatcher()
{
    for (const int signalNumber : kSignals)
        std::signal(signalNumber, SIG_DFL);
    ::close(g_pipe[0]);
    ::close(g_pipe[1]);
    g_pipe[0] = g_pipe[1] = -1;
}

void SignalWatcher::handle(int signalNumber)
{
    const char byte = char(signalNumber);
    [[maybe_unused]] const ssize_t written = ::write(g_pipe[0], &byte, 1);
}

void SignalWatcher::readSignal()
{
    char byte = 0;
    if (::read(g_pipe[1], &byte, 1) != 1)
        return;
    if (int(byte) == SIGHUP)
        Q_EMIT reloadRequested();
    else
        Q_EMIT terminationRequested(int(byte));
}

void reloadConfiguration(const QString &path, bool debug, Config &running)
{
    Result<Config> reloaded = loadConfig(path, systemEnvironment());
    if (!reloaded) {
        Log::warning(lcApp(), QStringLiteral("Configuration not reloaded; running on unchanged"),
                     {{QStringLiteral("signal"), QStringLiteral("SIGHUP")},
                      {QStringLiteral("error"), reloaded.error().message}});
        return;
    }
    QStringList changed;
    differences(fileForm(running), fileForm(*reloaded), QString(), changed);
    if (changed.isEmpty()) {
        Log::info(lcApp(), QStringLiteral("Configuration reloaded; nothing changed"),
                  {{QStringLiteral("signal"), QStringLiteral("SIGHUP")}});
        return;
    }
    // The log level and format change in place; everything else is read at start only.
    const QString logging = QStringLiteral("logging");
    QStringList applied;
    QStringList restart;
    for (const QString &key : std::as_const(changed)) {
        if (key == logging || key.startsWith(logging + QLatin1Char('.')))
            applied.append(key);
        else
            restart.append(key);
    }
    for (const QString &warning : std::as_const(reloaded->warnings))
        Log::warning(lcApp(), warning, {});
    Log::Fields fields{{QStringLiteral("signal"), QStringLiteral("SIGHUP")},
                       {QStringLiteral("applied"), applied.join(QLatin1Char(','))}};
    if (!restart.isEmpty())
        fields.append({QStringLiteral("restart_needed"), restart.join(QLatin1Char(','))});
    // Written before a new level applies, which could hide it.
    Log::write(lcApp(), restart.isEmpty() ? QtInfoMsg : QtWarningMsg,
               QStringLiteral("Configuration reloaded"), fields);
    if (!applied.isEmpty()) {
        running.logFormat = reloaded->logFormat;
        running.logLevel = reloaded->logLevel;
        Log::install(running.logFormat, debug ? QtDebugMsg : running.logLevel);
    }
}

} // namespace Dmarc::App
