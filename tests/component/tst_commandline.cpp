#include "common/version.h"

#include <QProcess>
#include <QTest>

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

    static Run run(const QStringList &arguments)
    {
        QProcess process;
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
        QCOMPARE(result.out.trimmed(), QStringLiteral("dmarc-metrics-exporter ")
                                           + QString::fromLatin1(Dmarc::kVersion));
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
};

QTEST_GUILESS_MAIN(TestCommandLine)
#include "tst_commandline.moc"
