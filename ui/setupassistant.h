#pragma once

#include "config/config.h"

#include <QCoreApplication>
#include <QString>

#include <functional>
#include <memory>

namespace Dmarc {
class Exporter;
}

namespace Dmarc::Ui {

// What keeps a configuration file from running the exporter on this desktop.
struct StartupProblem
{
    enum class Kind
    {
        None,
        Missing,     // no file
        Unreadable,  // the file exists, this user may not read it
        Invalid,     // the loader's errors
        Placeholder, // still the package's sample account
        Start,       // the exporter did not start: storage not writable, store in use, ...
        PortInUse,   // the metrics port is taken
    };
    Kind kind = Kind::None;
    QString message; // the exact error
};

// Starts the exporter of the desktop face and never gives up silently. When the configuration
// cannot be used as it is, it says exactly what is wrong and offers the way on: without
// --configuration, a setup of the person's own (the file in the per-user configuration folder,
// the store in the per-user data folder, a free metrics port), which is used from then on; with
// --configuration, the settings of that file, or a message where it cannot be read or written.
class SetupAssistant
{
    Q_DECLARE_TR_FUNCTIONS(Dmarc::Ui::SetupAssistant)
public:
    // `configPath` is the file the command line names; `given` says whether --configuration named
    // it (then it is the one used, whatever its state).
    SetupAssistant(QString configPath, bool given);

    // Called with each configuration right before an exporter starts on it (logging).
    void setBeforeStart(std::function<void(const Config &)> beforeStart);

    // A started exporter, or null when the person gave up after being told why (also on
    // stderr).
    std::unique_ptr<Exporter> run();
    // Whether run() went through a setup or a repair (then the dashboard opens).
    bool setUpNow() const { return m_setUp; }
    // The file the exporter runs on.
    QString configPath() const { return m_path; }

    // What keeps `path` from running; with None, `exporter` runs on it.
    StartupProblem tryStart(const QString &path, std::unique_ptr<Exporter> &exporter) const;

    // ~/.config/dmarc-metrics-exporter/config.json and ~/.local/share/dmarc-metrics-exporter.
    static QString userConfigPath();
    static QString userStoragePath();
    // `preferred`, or the first port after it that is free on `address`; 0 when none is.
    static quint16 freePort(const QString &address, quint16 preferred);
    // The problem said for a person: what is wrong and how to put it right.
    static QString explanation(const QString &path, const StartupProblem &problem, bool ownSetup);

private:
    bool resolve(const StartupProblem &problem);
    // The settings of m_path with `text` above them; true when saved.
    bool showSettings(const QString &text, bool firstRun, bool proposePort);
    void refuse(const QString &text) const;

    QString m_path;
    bool m_given;
    bool m_setUp = false;
    std::function<void(const Config &)> m_beforeStart;
};

} // namespace Dmarc::Ui
