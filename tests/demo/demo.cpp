// dmarc-demo: the exporter on a throwaway local Dovecot seeded with sample report emails, so
// that a new user sees real metrics (and the dashboard, on a desktop) within seconds.
// Stops everything it started on Ctrl-C or SIGTERM.

#include "dovecotserver.h"
#include "exporterharness.h"
#include "reportfixtures.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QSocketNotifier>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTextStream>

#include <csignal>
#include <sys/socket.h>
#include <unistd.h>

using namespace Dmarc::Test;

namespace {

int g_signalPipe[2] = {-1, -1};

void onSignal(int signalNumber)
{
    const char byte = char(signalNumber);
    [[maybe_unused]] const ssize_t written = ::write(g_signalPipe[0], &byte, 1);
}

// A month of reports from several reporters about several sending domains, with some failing
// sources, one duplicate and one email without a report.
QList<QByteArray> sampleEmails()
{
    QList<QByteArray> emails;
    for (const char *name :
         {"email-report-0.1-zip.eml", "email-report-2.0-xml.eml", "email-minimal-no-report.eml",
          "email-e2e-report-0.1-zip-id1.eml", "email-e2e-report-2.0-zip-id2.eml"}) {
        emails << readTestData(QStringLiteral("upstream/") + QString::fromLatin1(name));
    }
    QRandomGenerator random(7489);
    const QList<QByteArray> reporters{"google.com", "Enterprise Outlook", "Yahoo", "Mail.Ru",
                                      "comcast.net"};
    const QList<QByteArray> domains{"example.org", "example.net", "shop.example.com"};
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    for (int day = 30; day >= 1; --day) {
        for (const QByteArray &reporter : reporters) {
            if (random.bounded(3) == 0)
                continue;
            const QByteArray domain = domains.at(int(random.bounded(domains.size())));
            QByteArray records;
            for (int r = 0; r < 4; ++r) {
                const bool forged = r == 3 && random.bounded(2) == 0;
                const QByteArray disposition =
                    forged ? (random.bounded(2) ? "reject" : "quarantine") : "none";
                const QByteArray aligned = forged ? "fail" : "pass";
                records +=
                    record("<disposition>" + disposition + "</disposition><dkim>" + aligned +
                               "</dkim><spf>" + aligned + "</spf>",
                           "<count>" + QByteArray::number(1 + random.bounded(forged ? 5 : 400)) +
                               "</count>",
                           "<header_from>" + domain + "</header_from>",
                           "<dkim><domain>" + (forged ? QByteArray("spoof.example") : domain) +
                               "</domain><result>" + aligned +
                               "</result></dkim>"
                               "<spf><domain>" +
                               (forged ? QByteArray("spoof.example") : domain) +
                               "</domain><result>" + aligned + "</result></spf>");
            }
            QByteArray xml = feedback(records,
                                      "demo-" + reporter.toLower().replace(' ', '-') + '-' +
                                          QByteArray::number(day),
                                      QByteArray(), reporter);
            const qint64 begin = (now / 86400 - day) * 86400;
            xml.replace("<begin>1601510400</begin><end>1601596799</end>",
                        QByteArray("<begin>" + QByteArray::number(begin) + "</begin><end>" +
                                   QByteArray::number(begin + 86399) + "</end>"));
            emails << email(
                {attachment("application/gzip", reporter + "!" + domain + ".xml.gz", gzip(xml))},
                "dmarc-reports@" + reporter.toLower().replace(' ', '-') + ".example");
        }
    }
    return emails;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    QTextStream err(stderr);
    // --imap-only: the server alone, for a test that runs the exporter itself.
    const bool imapOnly = QCoreApplication::arguments().value(1) == QLatin1String("--imap-only");
    const QString exporterBinary = QCoreApplication::arguments().value(1);
    if (exporterBinary.isEmpty()) {
        err << "usage: dmarc-demo PATH-TO-dmarc-metrics-exporter | --imap-only\n";
        return 2;
    }

    DovecotServer server;
    if (const auto started = server.start(); !started) {
        err << started.error().message << '\n';
        return 1;
    }
    const QList<QByteArray> emails = sampleEmails();
    if (const auto delivered = server.deliverToInbox(emails); !delivered) {
        err << delivered.error().message << '\n';
        return 1;
    }
    ::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalPipe);
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    QSocketNotifier notifier(g_signalPipe[1], QSocketNotifier::Read);
    if (imapOnly) {
        // One line: host, plain IMAP port, user name, password.
        out << server.host() << ' ' << server.imapPort() << ' ' << server.userName() << ' '
            << server.password() << Qt::endl;
        QObject::connect(&notifier, &QSocketNotifier::activated, &app,
                         [] { QCoreApplication::exit(0); });
        const int code = QCoreApplication::exec();
        server.stop();
        return code;
    }
    out << "Started a local IMAP server (Dovecot, TLS on 127.0.0.1:" << server.imapsPort()
        << ") with " << emails.size() << " sample report emails." << Qt::endl;

    QTemporaryDir state;
    const QString configPath = state.filePath(QStringLiteral("dmarc-metrics-exporter.json"));
    const quint16 port =
        QTcpServer().listen(QHostAddress::LocalHost, 9797) ? 9797 : freeLocalPort();
    QFile config(configPath);
    if (!config.open(QIODevice::WriteOnly)) {
        err << "cannot write " << configPath << '\n';
        return 1;
    }
    config.write(exporterConfig({dovecotAccount(server, QStringLiteral("demo"))},
                                state.filePath(QStringLiteral("state")), port, 60));
    config.close();
    config.setPermissions(QFile::ReadOwner | QFile::WriteOwner);

    QProcess exporter;
    exporter.setProcessChannelMode(QProcess::ForwardedChannels);
    QStringList arguments{QStringLiteral("--configuration"), configPath};
    if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY"))
        arguments << QStringLiteral("--no-gui");
    exporter.start(exporterBinary, arguments);
    if (!exporter.waitForStarted(10000)) {
        err << "cannot start " << exporterBinary << ": " << exporter.errorString() << '\n';
        return 1;
    }
    out << "Exporter running with configuration " << configPath << Qt::endl
        << "Metrics: http://127.0.0.1:" << port << "/metrics" << Qt::endl
        << "Press Ctrl-C to stop." << Qt::endl;

    QObject::connect(&notifier, &QSocketNotifier::activated, &exporter, [&] {
        char byte = 0;
        [[maybe_unused]] const ssize_t got = ::read(g_signalPipe[1], &byte, 1);
        out << "Stopping..." << Qt::endl;
        exporter.terminate();
    });
    QObject::connect(&exporter, &QProcess::finished, &app,
                     [&](int code, QProcess::ExitStatus) { QCoreApplication::exit(code); });
    const int code = QCoreApplication::exec();
    server.stop();
    out << "Stopped the exporter and the IMAP server." << Qt::endl;
    return code;
}
