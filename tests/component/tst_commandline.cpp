#include "common/version.h"
#include "store/store.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

// The command line as a user meets it: the real binary, run as a child process.
class TestCommandLine : public QObject
{
    Q_OBJECT

    struct Run
    {
        int exitCode = -1;
        QString out;
        QString err;
    };

    static Run
    run(const QStringList &arguments,
        const QProcessEnvironment &environment = QProcessEnvironment::systemEnvironment())
    {
        QProcess process;
        process.setProcessEnvironment(environment);
        process.start(QStringLiteral(DMARC_EXPORTER_BINARY), arguments);
        Run result;
        if (!process.waitForFinished(30000))
            return result;
        result.exitCode = process.exitCode();
        result.out = QString::fromUtf8(process.readAllStandardOutput());
        result.err = QString::fromUtf8(process.readAllStandardError());
        return result;
    }

private Q_SLOTS:
    void versionPrintsProjectVersion()
    {
        const Run result = run({QStringLiteral("--version")});
        QCOMPARE(result.exitCode, 0);
        QCOMPARE(result.out.trimmed(),
                 QStringLiteral("dmarc-metrics-exporter ") + QString::fromLatin1(Dmarc::kVersion));
    }

    void helpExplainsTheOptions()
    {
        const Run result = run({QStringLiteral("--help")});
        QCOMPARE(result.exitCode, 0);
        for (const char *option : {"--configuration", "--no-gui", "--debug", "--version"})
            QVERIFY2(result.out.contains(QString::fromLatin1(option)), option);
        QVERIFY(result.out.contains(QStringLiteral("/etc/dmarc-metrics-exporter.json")));
        QVERIFY(result.out.contains(QStringLiteral("Prometheus")));
    }

    void unknownOptionExitsWithUsageError()
    {
        const Run result = run({QStringLiteral("--no-such-option")});
        QCOMPARE(result.exitCode, 2);
        QVERIFY(result.err.contains(QStringLiteral("no-such-option")));
    }

    static QString writeFile(const QTemporaryDir &dir, const QString &name, const QByteArray &data)
    {
        QFile file(dir.filePath(name));
        if (!file.open(QIODevice::WriteOnly))
            return QString();
        file.write(data);
        file.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
        return file.fileName();
    }

    // A configuration for the import command: just a store folder and a placeholder login.
    static QString writeImportConfig(const QTemporaryDir &dir, const QString &storage)
    {
        return writeFile(
            dir, QStringLiteral("config.json"),
            QStringLiteral(R"({"storage_path": "%1", "imap": {"username": "u", "password": "p"}})")
                .arg(storage)
                .toUtf8());
    }

    void checkConfigAcceptsTheUpstreamSample()
    {
        const Run result =
            run({QStringLiteral("--check-config"), QStringLiteral("--configuration"),
                 QStringLiteral(DMARC_TEST_DATA_DIR "/upstream/config-sample.json")});
        QCOMPARE(result.exitCode, 0);
        QVERIFY(result.out.contains(QStringLiteral("\"username\": \"dmarc@your-server.com\"")));
        // Secrets are masked in what is printed.
        QVERIFY(!result.out.contains(QStringLiteral("supersecret")));
        QVERIFY(result.out.contains(QStringLiteral("\"password\": \"********\"")));
        QVERIFY(result.err.contains(QStringLiteral(": OK")));
    }

    void configErrorsExitWithCode2_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("message");
        QTest::newRow("typo") << QByteArray(R"({"imap": {"username": "u", "pasword": "p"}})")
                              << QStringLiteral(
                                     "`imap.pasword`: unknown key; did you mean `password`?");
        QTest::newRow("wrong type")
            << QByteArray(R"({"port": "x", "imap": {"username": "u", "password": "p"}})")
            << QStringLiteral("`port`: expected a whole number from 0 to 65535, got \"x\"");
        QTest::newRow("missing imap")
            << QByteArray("{}") << QStringLiteral("`imap`: missing (required)");
        QTest::newRow("broken json")
            << QByteArray("{\n\"imap\": }") << QStringLiteral("not JSON: ");
        QTest::newRow("empty file")
            << QByteArray("\n") << QStringLiteral("the file is empty; expected a JSON object");
        QTest::newRow("shortened key")
            << QByteArray(R"({"imap": {"username": "u", "password": "p", "verify_cert": false}})")
            << QStringLiteral(
                   "`imap.verify_cert`: unknown key; did you mean `verify_certificate`?");
        QTest::newRow("range")
            << QByteArray(
                   R"({"deduplication_max_seconds": -1, "imap": {"username": "u", "password": "p"}})")
            << QStringLiteral("`deduplication_max_seconds`: expected a number from 0 to "
                              "316224000, got -1");
    }

    void configErrorsExitWithCode2()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, message);
        QTemporaryDir dir;
        const QString path = writeFile(dir, QStringLiteral("config.json"), json);
        for (const QStringList &mode : {QStringList{QStringLiteral("--check-config")},
                                        QStringList{QStringLiteral("--no-gui")}}) {
            const Run result = run(mode + QStringList{QStringLiteral("--configuration"), path});
            QCOMPARE(result.exitCode, 2);
            QVERIFY2(result.err.contains(message), qPrintable(result.err));
            QVERIFY(result.err.contains(path));
        }
    }

    void missingConfigFileExitsWithCode2()
    {
        const Run result = run({QStringLiteral("--no-gui"), QStringLiteral("--configuration"),
                                QStringLiteral("/nonexistent/dmarc.json")});
        QCOMPARE(result.exitCode, 2);
        QVERIFY(result.err.contains(
            QStringLiteral("cannot read the configuration /nonexistent/dmarc.json")));
    }

    void unwritableStorageIsAClearError()
    {
        QTemporaryDir dir;
        const QString blocker = writeFile(dir, QStringLiteral("file"), "not a directory");
        const QString path = writeFile(
            dir, QStringLiteral("config.json"),
            QStringLiteral(
                R"({"port": 0, "storage_path": "%1/state", "imap": {"username": "u", "password": "p", "port": 1}})")
                .arg(blocker)
                .toUtf8());
        const Run result =
            run({QStringLiteral("--no-gui"), QStringLiteral("--configuration"), path});
        QCOMPARE(result.exitCode, 1);
        QVERIFY2(result.err.contains(blocker + QStringLiteral("/state")), qPrintable(result.err));
    }

    // One instance per store: while another process (this test) has the store open, the
    // exporter exits 1 with a message that names that process.
    void secondInstanceIsRefusedNamingTheFirst()
    {
        QTemporaryDir dir;
        const QString storage = dir.filePath(QStringLiteral("state"));
        auto first = Dmarc::Store::open(storage);
        QVERIFY(first.ok());
        const QString path = writeFile(
            dir, QStringLiteral("config.json"),
            QStringLiteral(
                R"({"port": 0, "storage_path": "%1", "imap": {"username": "u", "password": "p", "port": 1}})")
                .arg(storage)
                .toUtf8());
        const Run result =
            run({QStringLiteral("--no-gui"), QStringLiteral("--configuration"), path});
        QCOMPARE(result.exitCode, 1);
        QVERIFY2(result.err.contains(QStringLiteral("in use by another process (PID %1)")
                                         .arg(QCoreApplication::applicationPid())),
                 qPrintable(result.err));
        QVERIFY2(result.err.contains(storage), qPrintable(result.err));
    }

    void importCountsFilesOnceAndInspectExplains()
    {
        QTemporaryDir dir;
        const QString storage = dir.filePath(QStringLiteral("state"));
        const QString config = writeImportConfig(dir, storage);
        const QString archive = dir.filePath(QStringLiteral("archive"));
        QVERIFY(QDir().mkpath(archive + QStringLiteral("/2020")));
        for (const char *name : {"email-report-0.1-zip.eml", "email-report-2.0-xml.eml",
                                 "email-minimal-no-report.eml", "report-0.1.xml"}) {
            QVERIFY(QFile::copy(QStringLiteral(DMARC_TEST_DATA_DIR "/upstream/") +
                                    QString::fromLatin1(name),
                                archive + QStringLiteral("/2020/") + QString::fromLatin1(name)));
        }
        const QStringList import{QStringLiteral("import"), QStringLiteral("--configuration"),
                                 config, archive};
        Run result = run(import);
        // The email without a report is an error: exit 1, and the summary says so.
        QCOMPARE(result.exitCode, 1);
        QVERIFY2(
            result.err.contains(QStringLiteral(
                "Imported 4 files: 1 reports counted, 2 duplicates skipped, 1 files with errors")),
            qPrintable(result.err));
        QVERIFY2(!result.err.contains(QStringLiteral("imported before")), qPrintable(result.err));
        // Again: nothing moves, each file was counted before, and the log says so.
        result = run(import);
        QVERIFY2(result.err.contains(QStringLiteral("4 files already counted")),
                 qPrintable(result.err));
        QCOMPARE(result.err.count(QStringLiteral("File was imported before; already counted")), 4);
        QVERIFY2(!result.err.contains(QStringLiteral("moving")), qPrintable(result.err));

        auto store = Dmarc::Store::open(storage);
        QVERIFY(store.ok());
        const auto snapshot = (*store)->snapshot();
        QCOMPARE(snapshot->counters.size(), 1);
        QCOMPARE(snapshot->counters.constFirst().counters.total, quint64(1));
        QCOMPARE(snapshot->invalidReports.size(), 1);

        const Run inspect = run({QStringLiteral("inspect"), QStringLiteral("--json"),
                                 archive + QStringLiteral("/2020/email-minimal-no-report.eml")});
        QCOMPARE(inspect.exitCode, 1);
        QVERIFY(inspect.out.contains(QStringLiteral("\"verdict\": \"error\"")));
    }

    void importFolderTakesTlsReports()
    {
        QTemporaryDir dir;
        const QString storage = dir.filePath(QStringLiteral("state"));
        const QString config = writeImportConfig(dir, storage);
        const QString archive = dir.filePath(QStringLiteral("archive"));
        QVERIFY(QDir().mkpath(archive));
        QVERIFY(QFile::copy(QStringLiteral(DMARC_TEST_DATA_DIR "/tlsrpt/google-style.json"),
                            archive + QStringLiteral("/google-style.json")));
        const Run result =
            run({QStringLiteral("import"), QStringLiteral("--configuration"), config, archive});
        QVERIFY2(result.exitCode == 0, qPrintable(result.err));

        auto store = Dmarc::Store::open(storage);
        QVERIFY(store.ok());
        const auto snapshot = (*store)->snapshot();
        const QList<Dmarc::CountRow> sessions =
            snapshot->counts.at(int(Dmarc::CountTable::TlsSessions));
        QCOMPARE(sessions.size(), 1);
        QCOMPARE(sessions.constFirst().labels.at(0), QStringLiteral("Google Inc."));
        QCOMPARE(sessions.constFirst().values, (QList<quint64>{1203, 2}));
    }

    // A usage error is one line on what is wrong and one on where the help is, not the help.
    void usageErrorsAreShort_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("problem");
        QTest::newRow("unknown option")
            << QStringList{QStringLiteral("--no-such-option")} << QStringLiteral("no-such-option");
        QTest::newRow("inspect without files")
            << QStringList{QStringLiteral("inspect")}
            << QStringLiteral("inspect: give at least one file or folder");
        QTest::newRow("unknown command") << QStringList{QStringLiteral("frobnicate")}
                                         << QStringLiteral("Unknown command: frobnicate");
        QTest::newRow("json without inspect")
            << QStringList{QStringLiteral("--json")} << QStringLiteral("--json");
        QTest::newRow("option without its value")
            << QStringList{QStringLiteral("--configuration")} << QStringLiteral("configuration");
    }

    void usageErrorsAreShort()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, problem);
        const Run result = run(arguments);
        QCOMPARE(result.exitCode, 2);
        QVERIFY(result.out.isEmpty());
        const QStringList lines = result.err.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 2);
        QVERIFY2(lines.at(0).startsWith(QStringLiteral("dmarc-metrics-exporter: ")),
                 qPrintable(result.err));
        QVERIFY2(lines.at(0).contains(problem), qPrintable(result.err));
        QCOMPARE(lines.at(1), QStringLiteral("Try 'dmarc-metrics-exporter --help'."));
    }

    // The package's file is accepted, with a warning for each placeholder still in it, and
    // printed without upstream's -1 for an unset TLS version.
    void checkConfigOfThePackagedFile()
    {
        QTemporaryDir dir;
        QFile packaged(QStringLiteral(DMARC_TEST_DATA_DIR "/../../installer/"
                                                          "dmarc-metrics-exporter.json"));
        QVERIFY(packaged.open(QIODevice::ReadOnly));
        const QString path = writeFile(dir, QStringLiteral("config.json"), packaged.readAll());
        const Run result =
            run({QStringLiteral("--check-config"), QStringLiteral("--configuration"), path});
        QCOMPARE(result.exitCode, 0);
        QVERIFY2(result.err.contains(QStringLiteral(
                     "warning: `imap.host`: still the package's placeholder \"imap.example.com\"")),
                 qPrintable(result.err));
        QVERIFY2(result.err.contains(
                     QStringLiteral("warning: `imap.password`: still the package's placeholder")),
                 qPrintable(result.err));
        QVERIFY(!result.err.contains(QStringLiteral("change-me")));
        QVERIFY(!result.out.contains(QStringLiteral("change-me")));
        QVERIFY2(!result.out.contains(QStringLiteral("tls_maximum_version")),
                 qPrintable(result.out));
        QVERIFY2(!result.out.contains(QStringLiteral("-1")), qPrintable(result.out));
        QVERIFY2(!result.out.contains(QStringLiteral("e+")), qPrintable(result.out));
        QVERIFY(result.out.contains(QStringLiteral("\"max_payload_bytes\": 268435456")));
    }

    // SIGHUP reads the configuration again: the log level and the account change in place, the
    // keys that need a restart are named (never their values), an invalid file changes nothing;
    // the process keeps running throughout.
    void sighupReloadsTheConfiguration()
    {
        QTemporaryDir dir;
        const QString storage = dir.filePath(QStringLiteral("state"));
        auto configWith = [&](const QString &level, const QString &password, int dedup) {
            return QStringLiteral(R"({"port": 0, "storage_path": "%1", "deduplication_max_seconds": %4,
                "logging": {"handlers": {"default": {"formatter": "plain"}}, "root": {"level": "%2"}},
                "imap": {"host": "127.0.0.1", "port": 1, "username": "u", "password": "%3"}})")
                .arg(storage, level, password)
                .arg(dedup)
                .toUtf8();
        };
        const QString path =
            writeFile(dir, QStringLiteral("config.json"),
                      configWith(QStringLiteral("info"), QStringLiteral("first-pw"), 3600));
        QProcess exporter;
        exporter.start(QStringLiteral(DMARC_EXPORTER_BINARY),
                       {QStringLiteral("--no-gui"), QStringLiteral("--configuration"), path});
        QString err;
        auto logged = [&](const QString &text) {
            return QTest::qWaitFor(
                [&] {
                    err += QString::fromUtf8(exporter.readAllStandardError());
                    return err.contains(text);
                },
                20000);
        };
        // The event loop runs once the first check (nothing listens on port 1) has failed.
        QVERIFY2(logged(QStringLiteral("Mailbox check failed")), qPrintable(err));

        writeFile(dir, QStringLiteral("config.json"),
                  configWith(QStringLiteral("warning"), QStringLiteral("second-pw"), 7200));
        ::kill(pid_t(exporter.processId()), SIGHUP);
        QVERIFY2(logged(QStringLiteral("Configuration reloaded")), qPrintable(err));
        const QString line = err.mid(err.indexOf(QStringLiteral("Configuration reloaded")));
        QVERIFY2(line.contains(
                     QStringLiteral("applied=imap.password,logging.root.level "
                                    "restart_needed=deduplication_max_seconds")),
                 qPrintable(line));
        QVERIFY(!err.contains(QStringLiteral("second-pw")));
        QCOMPARE(exporter.state(), QProcess::Running);

        writeFile(dir, QStringLiteral("config.json"), "{\"imap\": ");
        ::kill(pid_t(exporter.processId()), SIGHUP);
        QVERIFY2(logged(QStringLiteral("Configuration not reloaded; running on unchanged")),
                 qPrintable(err));
        QVERIFY2(err.contains(QStringLiteral("not JSON")), qPrintable(err));
        QCOMPARE(exporter.state(), QProcess::Running);

        // The level "warning" holds: the info line of the stop is not written.
        exporter.terminate();
        QVERIFY(exporter.waitForFinished(20000));
        QCOMPARE(exporter.exitStatus(), QProcess::NormalExit);
        QCOMPARE(exporter.exitCode(), 0);
        err += QString::fromUtf8(exporter.readAllStandardError());
        QVERIFY2(!err.contains(QStringLiteral("Stopping")), qPrintable(err));
    }
};

QTEST_GUILESS_MAIN(TestCommandLine)
#include "tst_commandline.moc"
