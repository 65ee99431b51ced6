#include "exporterharness.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpServer>

namespace Dmarc::Test {

LabelSet sampleLabelSet()
{
    return {QStringLiteral("google.com"), QStringLiteral("mydomain.de"),
            QStringLiteral("mydomain.de"), QStringLiteral("my-spf-domain.de")};
}

Counters sampleCounters()
{
    Counters counters;
    counters.total = counters.compliant = counters.spfPass = counters.dkimAligned =
        counters.dkimPass = 1;
    return counters;
}

QList<CounterFamily> counterFamilies()
{
    return {{QStringLiteral("dmarc_total"), &Counters::total},
            {QStringLiteral("dmarc_compliant_total"), &Counters::compliant},
            {QStringLiteral("dmarc_quarantine_total"), &Counters::quarantine},
            {QStringLiteral("dmarc_reject_total"), &Counters::reject},
            {QStringLiteral("dmarc_spf_aligned_total"), &Counters::spfAligned},
            {QStringLiteral("dmarc_spf_pass_total"), &Counters::spfPass},
            {QStringLiteral("dmarc_dkim_aligned_total"), &Counters::dkimAligned},
            {QStringLiteral("dmarc_dkim_pass_total"), &Counters::dkimPass}};
}

QString labelKey(const LabelSet &labels)
{
    return QStringLiteral(
               "{dkim_domain=\"%1\",from_domain=\"%2\",reporter=\"%3\",spf_domain=\"%4\"}")
        .arg(labels.dkimDomain, labels.fromDomain, labels.reporter, labels.spfDomain);
}

bool scrapeShows(const ParsedExposition &metrics, const QString &key, const Counters &expected,
                 QString *why)
{
    for (const CounterFamily &family : counterFamilies()) {
        const double value = metrics.samples.value(family.name + key, -1);
        if (value != double(expected.*family.member)) {
            *why = QStringLiteral("%1%2 is %3, expected %4")
                       .arg(family.name, key)
                       .arg(value)
                       .arg(expected.*family.member);
            return false;
        }
    }
    return true;
}

QJsonObject dovecotAccount(const DovecotServer &server, const QString &name, const QString &inbox,
                           const QString &done, const QString &error)
{
    return QJsonObject{
        {QStringLiteral("name"), name},
        {QStringLiteral("imap"),
         QJsonObject{{QStringLiteral("host"), QStringLiteral("localhost")},
                     {QStringLiteral("port"), server.imapsPort()},
                     {QStringLiteral("username"), server.userName()},
                     {QStringLiteral("password"), server.password()},
                     {QStringLiteral("ca_file"), server.caCertificatePath()},
                     {QStringLiteral("timeout_seconds"), 10}}},
        {QStringLiteral("folders"), QJsonObject{{QStringLiteral("inbox"), inbox},
                                                {QStringLiteral("done"), done},
                                                {QStringLiteral("error"), error}}},
    };
}

QByteArray exporterConfigWith(const DovecotServer &server, const QString &storagePath,
                              const QJsonObject &settings)
{
    QJsonObject json =
        QJsonDocument::fromJson(
            exporterConfig({dovecotAccount(server, QStringLiteral("main"))}, storagePath))
            .object();
    for (auto it = settings.constBegin(); it != settings.constEnd(); ++it)
        json.insert(it.key(), it.value());
    return QJsonDocument(json).toJson();
}

QByteArray exporterConfig(const QList<QJsonObject> &accounts, const QString &storagePath,
                          quint16 port, double pollIntervalSeconds)
{
    QJsonArray list;
    for (const QJsonObject &account : accounts)
        list.append(account);
    return QJsonDocument(
               QJsonObject{{QStringLiteral("listen_addr"), QStringLiteral("127.0.0.1")},
                           {QStringLiteral("port"), port},
                           {QStringLiteral("storage_path"), storagePath},
                           {QStringLiteral("poll_interval_seconds"), pollIntervalSeconds},
                           {QStringLiteral("accounts"), list},
                           // Tests ask no DNS server but their own (on loopback).
                           {QStringLiteral("sources"),
                            QJsonObject{{QStringLiteral("reverse_dns"), false}}},
                           {QStringLiteral("logging"),
                            QJsonObject{{QStringLiteral("handlers"),
                                         QJsonObject{{QStringLiteral("default"),
                                                      QJsonObject{{QStringLiteral("formatter"),
                                                                   QStringLiteral("plain")}}}}}}}})
        .toJson();
}

QByteArray httpGet(const QUrl &url)
{
    QNetworkAccessManager manager;
    QNetworkReply *reply = manager.get(QNetworkRequest(url));
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!reply->isFinished() && !finished.wait(10000)) {
        reply->abort();
        reply->deleteLater();
        return QByteArray();
    }
    const QByteArray body =
        reply->error() == QNetworkReply::NoError ? reply->readAll() : QByteArray();
    reply->deleteLater();
    return body;
}

ParsedExposition scrape(const QUrl &url)
{
    return parseExposition(httpGet(url));
}

quint16 freeLocalPort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

QByteArray readTestData(const QString &relativePath)
{
    QFile file(QStringLiteral(DMARC_TEST_DATA_DIR "/") + relativePath);
    if (!file.open(QIODevice::ReadOnly))
        return QByteArray();
    return file.readAll();
}

bool ExporterChild::start()
{
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.setStandardOutputFile(configPath + QStringLiteral(".log"), QIODevice::Append);
    process.start(QStringLiteral(DMARC_EXPORTER_BINARY),
                  {QStringLiteral("--no-gui"), QStringLiteral("--configuration"), configPath});
    return process.waitForStarted(10000);
}

bool ExporterChild::waitForExit(int ms)
{
    if (process.state() == QProcess::NotRunning)
        return true;
    QSignalSpy finished(&process, &QProcess::finished);
    return finished.wait(ms);
}

QString ExporterChild::log() const
{
    QFile file(configPath + QStringLiteral(".log"));
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

} // namespace Dmarc::Test
