#include "autostart.h"
#include "config/config.h"
#include "dashboardwindow.h"
#include "desktopsession.h"
#include "desktopshell.h"
#include "samplestore.h"
#include "service/exporter.h"
#include "settingsdialog.h"
#include "setupassistant.h"
#include "trayicon.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDirIterator>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QProcess>
#include <QSignalSpy>
#include <QSpinBox>
#include <QSystemTrayIcon>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <deque>
#include <functional>
#include <unistd.h>

using namespace Dmarc;
using namespace Dmarc::Ui;

namespace {

// Root passes every permission check. As long as this lives, the process (every thread of it)
// acts as the user nobody, who owns `home`, and meets the file modes as a person does.
class AsAPerson
{
public:
    explicit AsAPerson(const QString &home)
    {
        if (::geteuid() != 0)
            return;
        m_switched = true;
        QDirIterator it(home, QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden,
                        QDirIterator::Subdirectories);
        QStringList paths{home};
        while (it.hasNext())
            paths << it.next();
        for (const QString &path : std::as_const(paths)) {
            if (::lchown(QFile::encodeName(path).constData(), kNobody, kNobody) != 0)
                qFatal("cannot hand %s over", qPrintable(path));
        }
        if (::setegid(kNobody) != 0 || ::seteuid(kNobody) != 0)
            qFatal("cannot become nobody");
    }
    ~AsAPerson()
    {
        if (m_switched && (::seteuid(0) != 0 || ::setegid(0) != 0))
            qFatal("cannot become root again");
    }
    AsAPerson(const AsAPerson &) = delete;
    AsAPerson &operator=(const AsAPerson &) = delete;

private:
    static constexpr uid_t kNobody = 65534;
    bool m_switched = false;
};

template<typename T>
T *field(QWidget *dialog, const char *name)
{
    T *found = dialog->findChild<T *>(QString::fromLatin1(name));
    if (!found)
        qFatal("no field %s", name);
    return found;
}

quint16 closedPort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost))
        qFatal("cannot listen");
    return probe.serverPort();
}

// A valid configuration: one account nobody answers for, metrics on `metricsPort`.
QByteArray configJson(const QString &storage, quint16 metricsPort)
{
    const QJsonObject json{{QStringLiteral("listen_addr"), QStringLiteral("127.0.0.1")},
                           {QStringLiteral("port"), metricsPort},
                           {QStringLiteral("storage_path"), storage},
                           {QStringLiteral("poll_interval_seconds"), 3600},
                           {QStringLiteral("imap"),
                            QJsonObject{{QStringLiteral("host"), QStringLiteral("127.0.0.1")},
                                        {QStringLiteral("port"), closedPort()},
                                        {QStringLiteral("use_ssl"), false},
                                        {QStringLiteral("username"), QStringLiteral("reports")},
                                        {QStringLiteral("password"), QStringLiteral("secret")}}}};
    return QJsonDocument(json).toJson();
}

QString writeFile(const QString &path, const QByteArray &content,
                  QFileDevice::Permissions permissions = QFile::ReadOwner | QFile::WriteOwner)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        qFatal("cannot write %s", qPrintable(path));
    file.write(content);
    file.close();
    file.setPermissions(permissions);
    return path;
}

// The account a person enters in the assistant: nobody answers at its port.
void fillAccount(QWidget *dialog)
{
    field<QLineEdit>(dialog, "host")->setText(QStringLiteral("127.0.0.1"));
    field<QComboBox>(dialog, "security")->setCurrentIndex(2);
    field<QSpinBox>(dialog, "port")->setValue(closedPort());
    field<QLineEdit>(dialog, "username")->setText(QStringLiteral("dmarc@example.com"));
    field<QLineEdit>(dialog, "password")->setText(QStringLiteral("s3cret"));
}

// The setup completed: the account, metrics on a port the system picks, saved.
void completeSetup(QWidget *dialog)
{
    fillAccount(dialog);
    field<QSpinBox>(dialog, "listenPort")->setValue(0);
    static_cast<QDialog *>(dialog)->accept();
}

// What the person does with each modal window, in turn: the window's object name, and the
// steps. Each window is handled once; a window that was not expected fails the test.
class ModalScript : public QObject
{
public:
    using Step = std::function<void(QWidget *)>;

    void expect(const QString &objectName, Step step)
    {
        m_steps.push_back({objectName, std::move(step)});
        if (!m_timer) {
            m_timer = new QTimer(this);
            m_timer->setInterval(20);
            connect(m_timer, &QTimer::timeout, this, &ModalScript::poll);
            m_timer->start();
        }
    }
    bool done() const { return m_steps.empty(); }
    QStringList seen() const { return m_seen; }

private:
    void poll()
    {
        QWidget *window = QApplication::activeModalWidget();
        if (!window || window == m_handled || !window->isVisible())
            return;
        m_handled = window;
        m_seen.append(window->objectName());
        if (m_steps.empty()) {
            QTest::qFail("an unexpected window opened", __FILE__, __LINE__);
            window->close();
            return;
        }
        auto [name, step] = std::move(m_steps.front());
        m_steps.pop_front();
        if (window->objectName() != name) {
            QTest::qFail(
                qPrintable(QStringLiteral("expected %1, got %2").arg(name, window->objectName())),
                __FILE__, __LINE__);
            window->close();
            return;
        }
        step(window);
    }

    std::deque<std::pair<QString, Step>> m_steps;
    QPointer<QWidget> m_handled;
    QTimer *m_timer = nullptr;
    QStringList m_seen;
};

QString problemText(QWidget *dialog)
{
    return field<QLabel>(dialog, "problem")->text();
}

void stop(Exporter *exporter)
{
    if (!exporter)
        return;
    QSignalSpy stopped(exporter, &Exporter::stopped);
    exporter->stop();
    QVERIFY(stopped.count() == 1 || stopped.wait());
}

// GET /metrics on `port`: the body, or an empty one when nothing answers.
QByteArray scrape(quint16 port)
{
    QNetworkAccessManager network;
    QNetworkReply *reply =
        network.get(QNetworkRequest(QUrl(QStringLiteral("http://127.0.0.1:%1/metrics").arg(port))));
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!reply->isFinished() && !finished.wait(10000))
        return {};
    const QByteArray body = reply->error() == QNetworkReply::NoError ? reply->readAll() : "";
    delete reply;
    return body;
}

// The line of one sample in an exposition.
QByteArray sampleLine(const QByteArray &exposition, const QByteArray &prefix)
{
    for (const QByteArray &line : exposition.split('\n')) {
        if (line.startsWith(prefix))
            return line;
    }
    return {};
}

} // namespace

// The desktop face's start, as a person meets it: a configuration that cannot serve leads to a
// setup or a clear message, never to a silent end; one instance per user; saved settings apply
// at once; "Start at login". Runs on a private X server with a tray host (run-with-tray.sh),
// where the dashboard is not opened by itself.
class TestStartup : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_home;

    QString home(const QString &name) const { return m_home->filePath(name); }

    // The system's file as the package installs it, here in a folder of the test.
    QString systemConfig(const QByteArray &json,
                         QFileDevice::Permissions permissions = QFile::ReadOwner |
                                                                QFile::WriteOwner)
    {
        QDir().mkpath(home(QStringLiteral("etc")));
        return writeFile(home(QStringLiteral("etc/dmarc-metrics-exporter.json")), json,
                         permissions);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
        QTRY_VERIFY_WITH_TIMEOUT(QSystemTrayIcon::isSystemTrayAvailable(), 15000);
    }

    // Each test has a home of its own: configuration, data and runtime folders.
    void init()
    {
        m_home = std::make_unique<QTemporaryDir>();
        QVERIFY(m_home->isValid());
        for (const char *name : {"config", "data", "runtime"})
            QVERIFY(QDir().mkpath(home(QString::fromLatin1(name))));
        QFile::setPermissions(home(QStringLiteral("runtime")),
                              QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        qputenv("HOME", m_home->path().toUtf8());
        qputenv("XDG_CONFIG_HOME", home(QStringLiteral("config")).toUtf8());
        qputenv("XDG_DATA_HOME", home(QStringLiteral("data")).toUtf8());
        qputenv("XDG_RUNTIME_DIR", home(QStringLiteral("runtime")).toUtf8());
    }

    void freePortIsTheNextFreeOne()
    {
        QTcpServer taken;
        QVERIFY(taken.listen(QHostAddress::LocalHost));
        const quint16 port =
            SetupAssistant::freePort(QStringLiteral("127.0.0.1"), taken.serverPort());
        QVERIFY(port > taken.serverPort());
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, port));
    }

    // The system's file belongs to the service: a person gets a setup of their own, and after
    // it the dashboard, not only the tray icon.
    void unreadableSystemFileOffersASetupThenTheDashboard()
    {
        const QString system =
            systemConfig(configJson(home(QStringLiteral("var")), 0), QFileDevice::Permissions());
        ModalScript script;
        script.expect(QStringLiteral("firstRunAssistant"), [system](QWidget *dialog) {
            const QString problem = problemText(dialog);
            QVERIFY2(problem.contains(QStringLiteral("You may not read %1").arg(system)),
                     qPrintable(problem));
            QVERIFY2(problem.contains(QStringLiteral("Permission denied")), qPrintable(problem));
            QVERIFY(field<QLabel>(dialog, "problem")->isVisible());
            QCOMPARE(field<QLineEdit>(dialog, "storagePath")->text(),
                     SetupAssistant::userStoragePath());
            completeSetup(dialog);
        });
        AsAPerson asAPerson(m_home->path());
        DesktopSession session(system, false);
        int exitCode = -1;
        QVERIFY(session.start(&exitCode));
        QVERIFY(script.done());
        QCOMPARE(exitCode, 0);
        QCOMPARE(session.assistant().configPath(), SetupAssistant::userConfigPath());
        QVERIFY(SetupAssistant::userConfigPath().startsWith(home(QStringLiteral("config/"))));
        QVERIFY(SetupAssistant::userStoragePath().startsWith(home(QStringLiteral("data/"))));
        QCOMPARE(session.exporter()->config().storagePath, SetupAssistant::userStoragePath());
        QVERIFY(session.shell()->tray()->isVisible());
        QVERIFY(session.shell()->dashboard());
        QVERIFY(QTest::qWaitForWindowExposed(session.shell()->dashboard()));
        stop(session.exporter());
    }

    // The package's sample file names no real account: the setup is offered, and cancelling it
    // ends the start with exit code 1 and writes nothing.
    void placeholderOffersASetup()
    {
        QFile sample(QStringLiteral(DMARC_INSTALLER_DIR "/dmarc-metrics-exporter.json"));
        QVERIFY(sample.open(QIODevice::ReadOnly));
        const QString system = systemConfig(sample.readAll());
        ModalScript script;
        script.expect(QStringLiteral("firstRunAssistant"), [](QWidget *dialog) {
            const QString problem = problemText(dialog);
            QVERIFY2(problem.contains(QStringLiteral("the package's sample account")),
                     qPrintable(problem));
            QVERIFY2(problem.contains(QStringLiteral("imap.example.com")), qPrintable(problem));
            static_cast<QDialog *>(dialog)->reject();
        });
        DesktopSession session(system, false);
        int exitCode = -1;
        QVERIFY(!session.start(&exitCode));
        QVERIFY(script.done());
        QCOMPARE(exitCode, 1);
        QVERIFY(!QFile::exists(SetupAssistant::userConfigPath()));
    }

    // The person may read the system's file (as its group may) but not write the service's
    // storage: a setup of their own.
    void storageNotWritableOffersASetup()
    {
        // The service's own folder: another user's, for its owner only.
        QTemporaryDir service;
        QVERIFY(QFile::setPermissions(service.path(), QFile::ReadOwner | QFile::WriteOwner |
                                                          QFile::ExeOwner | QFile::ReadOther |
                                                          QFile::ExeOther));
        const QString storage = service.filePath(QStringLiteral("var"));
        QVERIFY(QDir().mkdir(storage));
        QVERIFY(
            QFile::setPermissions(storage, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
        const QString system = systemConfig(configJson(storage, 0));
        ModalScript script;
        script.expect(QStringLiteral("firstRunAssistant"), [storage](QWidget *dialog) {
            const QString problem = problemText(dialog);
            QVERIFY2(problem.contains(QStringLiteral("The exporter cannot start with")),
                     qPrintable(problem));
            QVERIFY2(problem.contains(storage), qPrintable(problem));
            completeSetup(dialog);
        });
        AsAPerson asAPerson(m_home->path());
        DesktopSession session(system, false);
        int exitCode = -1;
        QVERIFY(session.start(&exitCode));
        QVERIFY(script.done());
        QCOMPARE(session.exporter()->config().storagePath, SetupAssistant::userStoragePath());
        stop(session.exporter());
    }

    // The setup saved a port that is taken meanwhile: the settings come back with the next
    // free port proposed, and the program runs on it.
    void busyPortAfterSetupProposesTheNextFree()
    {
        QTcpServer taken;
        QVERIFY(taken.listen(QHostAddress::LocalHost));
        const QString path = home(QStringLiteral("given/config.json"));
        quint16 proposed = 0;
        ModalScript script;
        script.expect(QStringLiteral("firstRunAssistant"), [&](QWidget *dialog) {
            const QString problem = problemText(dialog);
            QVERIFY2(problem.contains(QStringLiteral("There is no configuration file at")),
                     qPrintable(problem));
            fillAccount(dialog);
            field<QLineEdit>(dialog, "storagePath")->setText(home(QStringLiteral("store")));
            field<QSpinBox>(dialog, "listenPort")->setValue(taken.serverPort());
            static_cast<QDialog *>(dialog)->accept();
        });
        script.expect(QStringLiteral("settingsDialog"), [&](QWidget *dialog) {
            const QString problem = problemText(dialog);
            QVERIFY2(problem.contains(QStringLiteral("The metrics port of %1 is taken").arg(path)),
                     qPrintable(problem));
            proposed = quint16(field<QSpinBox>(dialog, "listenPort")->value());
            QVERIFY(proposed > taken.serverPort());
            static_cast<QDialog *>(dialog)->accept();
        });
        DesktopSession session(path, true);
        int exitCode = -1;
        QVERIFY(session.start(&exitCode));
        QVERIFY(script.done());
        QCOMPARE(session.exporter()->metricsUrl().port(), int(proposed));
        QVERIFY(!scrape(proposed).isEmpty());
        QVERIFY(session.shell()->dashboard());
        stop(session.exporter());
    }

    // A file named on the command line is used as it is: when it cannot be read, a message
    // says why and how to go on.
    void givenUnreadableFileIsExplained()
    {
        const QString path =
            writeFile(home(QStringLiteral("mine.json")),
                      configJson(home(QStringLiteral("store")), 0), QFileDevice::Permissions());
        QString said;
        ModalScript script;
        script.expect(QStringLiteral("startupError"), [&said](QWidget *box) {
            said = static_cast<QMessageBox *>(box)->text();
            box->close();
        });
        AsAPerson asAPerson(m_home->path());
        DesktopSession session(path, true);
        int exitCode = -1;
        QVERIFY(!session.start(&exitCode));
        QVERIFY(script.done());
        QCOMPARE(exitCode, 1);
        QVERIFY2(said.contains(QStringLiteral("You may not read %1").arg(path)), qPrintable(said));
        QVERIFY2(said.contains(QStringLiteral("without --configuration")), qPrintable(said));
        QVERIFY(!QFile::exists(SetupAssistant::userConfigPath()));
    }

    // A second launch of the program by the same user shows the first one's dashboard and
    // ends with exit code 0; the first one runs on.
    void secondLaunchShowsTheFirst()
    {
        const QString path = writeFile(home(QStringLiteral("mine.json")),
                                       configJson(home(QStringLiteral("store")), 0));
        DesktopSession first(path, true);
        int exitCode = -1;
        QVERIFY(first.start(&exitCode));
        QVERIFY(!first.shell()->dashboard());

        QProcess second;
        second.start(QStringLiteral(DMARC_EXPORTER_BINARY),
                     {QStringLiteral("--configuration"), path});
        QVERIFY(second.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(second.state() == QProcess::NotRunning, 20000);
        QCOMPARE(second.exitStatus(), QProcess::NormalExit);
        QCOMPARE(second.exitCode(), 0);
        const QString err = QString::fromUtf8(second.readAllStandardError());
        QVERIFY2(err.contains(QStringLiteral("Already running")), qPrintable(err));
        QTRY_VERIFY(first.shell()->dashboard() && first.shell()->dashboard()->isVisible());
        QVERIFY(first.exporter()->metricsUrl().port() > 0);
        stop(first.exporter());
    }

    // Saving the settings moves /metrics to the new port at once; the counters stay.
    void changingThePortMovesTheMetrics()
    {
        const QString storage = home(QStringLiteral("store"));
        Test::openSampleStore(storage, QDateTime::currentDateTimeUtc().date());
        const quint16 before = closedPort();
        const QString path =
            writeFile(home(QStringLiteral("mine.json")), configJson(storage, before));
        auto config = loadConfig(path, {});
        QVERIFY2(config, config ? "" : qPrintable(config.error().message));
        Exporter exporter(*config);
        QVERIFY(exporter.start());
        DesktopShell shell(exporter);
        shell.start();
        const QByteArray first = scrape(before);
        const QByteArray counted = sampleLine(first, "dmarc_total{");
        QVERIFY2(!counted.isEmpty(), first.left(2000).constData());

        shell.openSettings();
        QVERIFY(shell.settings());
        const quint16 after = closedPort();
        field<QSpinBox>(shell.settings(), "listenPort")->setValue(after);
        shell.settings()->accept();
        QCOMPARE(shell.lastSettingsResult(), QStringLiteral("The exporter uses the new settings."));
        QCOMPARE(exporter.metricsUrl().port(), int(after));
        const QByteArray moved = scrape(after);
        QCOMPARE(sampleLine(moved, counted.left(counted.lastIndexOf(' '))), counted);
        QVERIFY(scrape(before).isEmpty());
        stop(&exporter);
    }

    // "Start at login" writes the person's autostart entry, on this configuration, and removes
    // it again.
    void startAtLoginWritesAndRemovesTheEntry()
    {
        const QString path = writeFile(home(QStringLiteral("my config.json")),
                                       configJson(home(QStringLiteral("store")), 0));
        const QString entry =
            home(QStringLiteral("config/autostart/dmarc-metrics-exporter.desktop"));
        QCOMPARE(Autostart::entryPath(), entry);
        {
            SettingsDialog dialog(path, SettingsDialog::Mode::Edit);
            auto *startAtLogin = field<QCheckBox>(&dialog, "startAtLogin");
            QVERIFY(!startAtLogin->isChecked());
            startAtLogin->setChecked(true);
            dialog.accept();
            QCOMPARE(dialog.result(), int(QDialog::Accepted));
        }
        QFile file(entry);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(file.readAll());
        QVERIFY2(text.startsWith(QStringLiteral("[Desktop Entry]\n")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("\nType=Application\n")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral(" --configuration \"%1\"\n").arg(path)),
                 qPrintable(text));
        {
            SettingsDialog dialog(path, SettingsDialog::Mode::Edit);
            auto *startAtLogin = field<QCheckBox>(&dialog, "startAtLogin");
            QVERIFY(startAtLogin->isChecked());
            startAtLogin->setChecked(false);
            dialog.accept();
        }
        QVERIFY(!QFile::exists(entry));
    }
};

QTEST_MAIN(TestStartup)
#include "tst_startup.moc"
