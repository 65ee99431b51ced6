#pragma once

// What the benchmarks of the endpoint share: a store of realistic label sets, and scrapes over
// a real socket timed as a scraper sees them.

#include "exporterharness.h"
#include "report/counters.h"
#include "store/store.h"

#include <QByteArray>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QTemporaryDir>
#include <QTextStream>

#include <algorithm>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace Dmarc::Test {

// 40 reporters x 50 own domains x 25 (DKIM, SPF) pairs: the shape of a large sender's reports.
inline LabelSet realisticLabelSet(int n)
{
    static const char *const reporters[] = {"google.com",  "Enterprise Outlook",
                                            "Yahoo",       "Mail.Ru",
                                            "AMAZON-SES",  "comcast.net",
                                            "web.de",      "GMX",
                                            "t-online.de", "Orange",
                                            "Free.fr",     "Fastmail Pty Ltd",
                                            "Proofpoint",  "Mimecast",
                                            "zoho.com",    "seznam.cz",
                                            "QQ Mail",     "163.com",
                                            "Yandex",      "Rambler",
                                            "Cisco",       "Barracuda",
                                            "Trend Micro", "Sophos",
                                            "Apple Inc.",  "ProtonMail",
                                            "Tutanota",    "posteo.de",
                                            "mailbox.org", "Hornetsecurity",
                                            "NetEase",     "Sina",
                                            "Naver",       "Daum",
                                            "KPN",         "Ziggo",
                                            "Telenet",     "Swisscom",
                                            "Bluewin",     "A1 Telekom Austria"};
    const int reporter = n % 40;
    const int domain = (n / 40) % 50;
    const int pair = n / 2000;
    const QString from = QStringLiteral("brand%1.example.com").arg(domain);
    static const char *const signers[] = {"sendgrid.net", "mailchimp.com", "amazonses.com",
                                          "mktomail.com", ""};
    const QString dkim = pair % 5 == 4 ? from : QString::fromLatin1(signers[pair % 5]);
    const QString spf = QStringLiteral("bounce%1.%2").arg(pair / 5).arg(from);
    return LabelSet{QString::fromLatin1(reporters[reporter]), from, dkim, spf};
}

// Fills a new store at `location` with `labelSetCount` label sets, 500 per report; the error, if
// any, written to `out`.
inline bool fillStore(const StoreLocation &location, int labelSetCount, QTextStream &out)
{
    StoreOptions options;
    options.maxLabelSets = labelSetCount; // a count above the default limit is asked for
    auto store = Store::open(location, options);
    if (!store) {
        out << store.error().message << "\n";
        return false;
    }
    QList<EmailCommit> batch;
    for (int first = 0; first < labelSetCount; first += 500) {
        EmailCommit email;
        email.identity = EmailIdentity{QStringLiteral("bench"), QStringLiteral("INBOX"), 1,
                                       quint32(first / 500 + 1), QByteArray::number(first)};
        email.analysis.fromEmail = QStringLiteral("noreply@reporter.example");
        email.analysis.candidates = 1;
        ReportCounts report;
        report.orgName = QStringLiteral("bench");
        report.reportId = QString::number(first);
        report.policyDomain = QStringLiteral("example.com");
        for (int n = first; n < std::min(first + 500, labelSetCount); ++n) {
            Counters counters;
            counters.total = counters.compliant = counters.dkimAligned = quint64(n % 97 + 1);
            report.counts << LabelCounts{realisticLabelSet(n), counters};
        }
        email.analysis.reports << report;
        batch << email;
    }
    const auto committed = (*store)->commit(batch, QDateTime::currentSecsSinceEpoch());
    if (!committed)
        out << committed.error().message << "\n";
    return committed.ok();
}

// One GET /metrics on a new connection, read to the end as a scraper does (into one reused buffer,
// nothing kept but the head): the body size, or -1.
inline qint64 scrapeOnce(quint16 port, bool gzip)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const timeval timeout{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    const QByteArray request =
        QByteArrayLiteral("GET /metrics HTTP/1.1\r\nHost: localhost\r\n") +
        (gzip ? QByteArrayLiteral("Accept-Encoding: gzip\r\n") : QByteArray()) +
        QByteArrayLiteral("Connection: close\r\n\r\n");
    qint64 total = 0;
    qsizetype headEnd = -1;
    QByteArray head;
    if (::connect(fd, reinterpret_cast<const sockaddr *>(&address), sizeof address) == 0 &&
        ::send(fd, request.constData(), size_t(request.size()), MSG_NOSIGNAL) == request.size()) {
        static char buffer[1 << 20];
        ssize_t got = 0;
        while ((got = ::recv(fd, buffer, sizeof buffer, 0)) > 0) {
            if (headEnd < 0) {
                head.append(buffer, got);
                headEnd = head.indexOf("\r\n\r\n");
            }
            total += got;
        }
    }
    ::close(fd);
    if (headEnd < 0 || !head.startsWith("HTTP/1.1 200"))
        return -1;
    return total - headEnd - 4;
}

struct Timings
{
    double p50 = 0;
    double p99 = 0;
    qint64 bytes = 0;
};

inline Timings scrapes(quint16 port, bool gzip, int count)
{
    QList<double> ms;
    Timings timings;
    for (int i = 0; i < count; ++i) {
        QElapsedTimer clock;
        clock.start();
        timings.bytes = scrapeOnce(port, gzip);
        ms << double(clock.nsecsElapsed()) / 1e6;
    }
    std::sort(ms.begin(), ms.end());
    timings.p50 = ms.at(ms.size() / 2);
    timings.p99 = ms.at(std::min<qsizetype>(ms.size() - 1, qsizetype(ms.size() * 0.99)));
    return timings;
}

// A configuration with an account nobody answers for: the exporter serves what its store holds.
// The top-level members of `settings` are put in or replaced.
inline QString writeConfig(const QTemporaryDir &dir, const QString &storage, quint16 port,
                           const QJsonObject &settings = {})
{
    QJsonObject account{
        {QStringLiteral("name"), QStringLiteral("bench")},
        {QStringLiteral("imap"), QJsonObject{{QStringLiteral("host"), QStringLiteral("127.0.0.1")},
                                             {QStringLiteral("port"), freeLocalPort()},
                                             {QStringLiteral("username"), QStringLiteral("u")},
                                             {QStringLiteral("password"), QStringLiteral("p")},
                                             {QStringLiteral("use_ssl"), false}}}};
    const QString path = dir.filePath(QStringLiteral("config.json"));
    QFile file(path);
    file.open(QIODevice::WriteOnly);
    QJsonObject config =
        QJsonDocument::fromJson(exporterConfig({account}, storage, port, 3600)).object();
    for (auto it = settings.constBegin(); it != settings.constEnd(); ++it)
        config.insert(it.key(), it.value());
    file.write(QJsonDocument(config).toJson());
    return path;
}

} // namespace Dmarc::Test
