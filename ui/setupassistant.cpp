#include "setupassistant.h"

#include "service/exporter.h"
#include "settingsdialog.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QMessageBox>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTextStream>

#include <algorithm>

namespace Dmarc::Ui {

namespace {

using Kind = StartupProblem::Kind;

// Ports tried after a taken one before giving up on proposing one.
constexpr int kPortsTried = 100;

} // namespace

SetupAssistant::SetupAssistant(QString configPath, bool given)
    : m_path(std::move(configPath))
    , m_given(given)
{}

void SetupAssistant::setBeforeStart(std::function<void(const Config &)> beforeStart)
{
    m_beforeStart = std::move(beforeStart);
}

QString SetupAssistant::userConfigPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) +
           QStringLiteral("/config.json");
}

QString SetupAssistant::userStoragePath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation);
}

quint16 SetupAssistant::freePort(const QString &address, quint16 preferred)
{
    QHostAddress host;
    if (!host.setAddress(address))
        host = QHostAddress::LocalHost;
    for (int port = std::max<int>(preferred, 1); port <= std::min(65535, preferred + kPortsTried);
         ++port) {
        QTcpServer probe;
        if (probe.listen(host, quint16(port)))
            return quint16(port);
    }
    return 0;
}

StartupProblem SetupAssistant::tryStart(const QString &path,
                                        std::unique_ptr<Exporter> &exporter) const
{
    if (!QFileInfo::exists(path))
        return {Kind::Missing, QStringLiteral("%1 does not exist").arg(path)};
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {Kind::Unreadable, file.errorString()};
    file.close();
    auto config = loadConfig(path, systemEnvironment());
    if (!config)
        return {Kind::Invalid, config.error().message};
    if (hasPackagePlaceholders(*config))
        return {Kind::Placeholder, config->warnings.join(QLatin1Char('\n'))};
    if (m_beforeStart)
        m_beforeStart(*config);
    auto started = std::make_unique<Exporter>(*config);
    if (auto running = started->start(); !running) {
        const bool listen = running.error().code == QLatin1String("listen");
        return {listen ? Kind::PortInUse : Kind::Start, running.error().message};
    }
    exporter = std::move(started);
    return {};
}

std::unique_ptr<Exporter> SetupAssistant::run()
{
    // A setup of the person's own, once made, is what they launch from then on.
    if (!m_given && QFileInfo::exists(userConfigPath()))
        m_path = userConfigPath();
    for (;;) {
        std::unique_ptr<Exporter> exporter;
        const StartupProblem problem = tryStart(m_path, exporter);
        if (exporter)
            return exporter;
        QTextStream(stderr) << "dmarc-metrics-exporter: " << m_path << ": " << problem.message
                            << '\n';
        if (!resolve(problem))
            return nullptr;
    }
}

bool SetupAssistant::resolve(const StartupProblem &problem)
{
    if (!m_given && m_path != userConfigPath()) {
        // The system's file cannot serve this person: a setup of their own can.
        const QString text = explanation(m_path, problem, true);
        m_path = userConfigPath();
        return showSettings(text, true, true);
    }
    if (problem.kind == Kind::Missing)
        return showSettings(explanation(m_path, problem, false), true, true);
    if (problem.kind == Kind::Unreadable) {
        refuse(explanation(m_path, problem, false) + QStringLiteral("\n\n") +
               tr("Start the program as a user who may read it, or without --configuration to "
                  "set up a configuration of your own."));
        return false;
    }
    if (!QFileInfo(m_path).isWritable()) {
        refuse(explanation(m_path, problem, false) + QStringLiteral("\n\n") +
               tr("You may not change the file either: have its owner correct it, or start the "
                  "program without --configuration to set up a configuration of your own."));
        return false;
    }
    return showSettings(explanation(m_path, problem, false) + QStringLiteral("\n\n") +
                            tr("Correct the settings below; saving writes them to %1.")
                                .arg(QDir::toNativeSeparators(m_path)),
                        false, problem.kind == Kind::PortInUse);
}

bool SetupAssistant::showSettings(const QString &text, bool firstRun, bool proposePort)
{
    SettingsDialog dialog(m_path,
                          firstRun ? SettingsDialog::Mode::FirstRun : SettingsDialog::Mode::Edit);
    dialog.setProblem(text);
    if (proposePort) {
        const EndpointSettings endpoint = dialog.config().endpoint;
        if (const quint16 port = freePort(endpoint.listenAddress, endpoint.port))
            dialog.proposeListenPort(port);
    }
    if (dialog.exec() != QDialog::Accepted) {
        QTextStream(stderr) << "dmarc-metrics-exporter: setup cancelled\n";
        return false;
    }
    m_setUp = true;
    return true;
}

void SetupAssistant::refuse(const QString &text) const
{
    QMessageBox box(QMessageBox::Critical, tr("DMARC metrics exporter"), text, QMessageBox::Close);
    box.setObjectName(QStringLiteral("startupError"));
    box.setTextInteractionFlags(Qt::TextSelectableByMouse);
    box.exec();
}

QString SetupAssistant::explanation(const QString &path, const StartupProblem &problem,
                                    bool ownSetup)
{
    const QString file = QDir::toNativeSeparators(path);
    QString text;
    switch (problem.kind) {
    case Kind::None:
        break;
    case Kind::Missing:
        text = tr("There is no configuration file at %1 yet.").arg(file);
        break;
    case Kind::Unreadable: {
        const QFileInfo info(path);
        text = tr("You may not read %1 (%2): it holds an account's password, so only its owner "
                  "%3 and the group %4 may read it.")
                   .arg(file, problem.message, info.owner(), info.group());
        break;
    }
    case Kind::Invalid:
        text = tr("%1 has mistakes:\n%2").arg(file, problem.message);
        break;
    case Kind::Placeholder:
        text = tr("%1 still holds the package's sample account, with which no login can work:\n%2")
                   .arg(file, problem.message);
        break;
    case Kind::Start:
        text = tr("The exporter cannot start with %1: %2").arg(file, problem.message);
        break;
    case Kind::PortInUse:
        text = tr("The metrics port of %1 is taken, by the system service or another program: %2")
                   .arg(file, problem.message);
        break;
    }
    if (ownSetup) {
        text += QStringLiteral("\n\n") +
                tr("Set up the exporter for yourself instead: your own settings are used from "
                   "then on, and the counts are kept in %1.")
                    .arg(QDir::toNativeSeparators(userStoragePath()));
    }
    return text;
}

} // namespace Dmarc::Ui
