#pragma once

#include "dovecotserver.h"
#include "exposition.h"
#include "report/counters.h"

#include <QByteArray>
#include <QJsonObject>
#include <QProcess>
#include <QString>
#include <QUrl>

namespace Dmarc::Test {

// The label set of every upstream sample report.
inline QString sampleLabels()
{
    return QStringLiteral("{dkim_domain=\"mydomain.de\",from_domain=\"mydomain.de\","
                          "reporter=\"google.com\",spf_domain=\"my-spf-domain.de\"}");
}

// The labels and counts of the upstream sample report (tests/data/upstream/README.md).
LabelSet sampleLabelSet();
Counters sampleCounters();

// The eight dmarc counter families and the member of Counters each one exposes.
struct CounterFamily
{
    QString name;
    quint64 Counters::*member;
};
QList<CounterFamily> counterFamilies();

// `labels` as a scrape writes them: {dkim_domain="...",from_domain="...",...}.
QString labelKey(const LabelSet &labels);

// Whether a scrape shows exactly `expected` for the label set `key`; `why` names the first
// family that differs.
bool scrapeShows(const ParsedExposition &metrics, const QString &key, const Counters &expected,
                 QString *why);

// One account of the test Dovecot, over implicit TLS trusting the test CA.
QJsonObject dovecotAccount(const DovecotServer &server, const QString &name,
                           const QString &inbox = QStringLiteral("INBOX"),
                           const QString &done = QStringLiteral("Archive"),
                           const QString &error = QStringLiteral("Invalid"));

// A whole configuration: the accounts, state in `storagePath`, metrics on `port` (0: any).
QByteArray exporterConfig(const QList<QJsonObject> &accounts, const QString &storagePath,
                          quint16 port = 0, double pollIntervalSeconds = 0.2);

// The configuration of exporterConfig() for the one account of `server` (state in
// `storagePath`), with the top-level members of `settings` put in or replaced.
QByteArray exporterConfigWith(const DovecotServer &server, const QString &storagePath,
                              const QJsonObject &settings);

// GET `url`; empty on failure.
QByteArray httpGet(const QUrl &url);

// A scrape, parsed.
ParsedExposition scrape(const QUrl &url);

// A port on 127.0.0.1 that is free right now.
quint16 freeLocalPort();

QByteArray readTestData(const QString &relativePath);

// The exporter binary run headless as a process of its own on `configPath`, its output appended
// to `configPath` + ".log".
struct ExporterChild
{
    QProcess process;
    QString configPath;
    QUrl metrics;

    bool start();
    // Runs the event loop while waiting.
    bool waitForExit(int ms);
    QString log() const;
};

} // namespace Dmarc::Test
