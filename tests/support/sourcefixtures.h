#pragma once

// Report records from sending sources of every kind (docs/counting.md section 10), and the
// class that names some of them.

#include "reportfixtures.h"
#include "sources/sourcesettings.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QPair>

namespace Dmarc::Test {

// An address as a record writes it, and the domain of its passing DKIM signature ("" for the
// record's from domain). Named by the class "office" (sourceClasses()), as the own domain, by the
// known-senders map (SendGrid, Amazon SES) or not at all (bulk.example is in no built-in map);
// written in several spellings, and one that is no address.
inline const QList<QPair<QByteArray, QByteArray>> &testSenders()
{
    static const QList<QPair<QByteArray, QByteArray>> list{
        {"192.0.2.10", ""},
        {"192.0.2.11", ""},
        {"198.51.100.7", "o1.ptr123.sendgrid.net"},
        {"2001:DB8:0:0::25", "amazonses.com"},
        {"203.0.113.9", "bulk.example"},
        {"::ffff:198.51.100.99", "bulk.example"},
        {"not-an-ip", ""}};
    return list;
}

// A record of `sender` for mail from `fromDomain`, its DKIM domain passing and its SPF domain
// (the from domain) failing.
inline QByteArray senderRecord(const QPair<QByteArray, QByteArray> &sender,
                               const QByteArray &fromDomain, const QByteArray &policyEvaluated,
                               quint64 count)
{
    const QByteArray &signer = sender.second.isEmpty() ? fromDomain : sender.second;
    return record(policyEvaluated, "<count>" + QByteArray::number(count) + "</count>",
                  "<header_from>" + fromDomain + "</header_from>",
                  "<dkim><domain>" + signer + "</domain><result>pass</result></dkim><spf><domain>" +
                      fromDomain + "</domain><result>fail</result></spf>")
        .replace("192.0.2.1", sender.first);
}

// The class "office", 203.0.113.0/24, as settings and as the configuration's `classes`.
inline QList<SourceClassSettings> sourceClasses()
{
    return {{QStringLiteral("office"), {QStringLiteral("203.0.113.0/24")}}};
}

inline QJsonArray sourceClassesJson(const QList<SourceClassSettings> &classes = sourceClasses())
{
    QJsonArray list;
    for (const SourceClassSettings &sourceClass : classes) {
        list.append(
            QJsonObject{{QStringLiteral("name"), sourceClass.name},
                        {QStringLiteral("cidrs"), QJsonArray::fromStringList(sourceClass.cidrs)}});
    }
    return list;
}

} // namespace Dmarc::Test
