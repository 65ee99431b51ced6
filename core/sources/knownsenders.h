#pragma once

#include "common/result.h"

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QStringList>

#include <optional>

namespace Dmarc {

// What kind of sender a source is (docs/counting.md section 10.2). `Own` is for the classes of
// the configuration and the own domain; a map gives one of the others.
enum class SourceType
{
    Own,
    Esp,
    MailboxProvider,
    Forwarder,
    SecurityGateway,
    Hosting,
    Crm,
    Marketing,
    Transactional,
    Isp,
    Other,
};

// The type as the map and the metrics spell it: "own", "esp", "mailbox-provider", ...
QString sourceTypeName(SourceType type);

struct KnownSender
{
    QString name; // for a person: "SendGrid"
    SourceType type = SourceType::Other;

    friend bool operator==(const KnownSender &a, const KnownSender &b)
    {
        return a.name == b.name && a.type == b.type;
    }
};

// The known-senders map: who operates which domain (docs/counting.md section 10.3). The
// project's own table is built in; a user's file in the same CSV layout extends it and wins
// for the domains it names.
class KnownSenders
{
public:
    // The table the program carries.
    static KnownSenders builtIn();
    // A map as CSV: the header `base_reverse_dns,name,type`, then one sender a line (fields may
    // be quoted as in RFC 4180; blank lines are skipped). Every bad line is named as
    // "<fileName>:<line>: ..." and refuses the whole map, so that no sender is named by half a
    // file.
    static Result<KnownSenders> fromCsv(const QByteArray &csv, const QString &fileName);
    static Result<KnownSenders> fromFile(const QString &path);

    // The built-in table with the map at `path` over it; the built-in table alone when `path`
    // is empty.
    static Result<KnownSenders> builtInWith(const QString &path);

    // The sender of the most specific entry for `domain` or one of its parents down to
    // `registrableDomain` ("o1.ptr123.sendgrid.net" finds "sendgrid.net"); nothing for a
    // domain that is not `registrableDomain` or below it.
    std::optional<KnownSender> find(const QString &domain, const QString &registrableDomain) const;

    qsizetype size() const { return m_senders.size(); }
    friend bool operator==(const KnownSenders &a, const KnownSenders &b)
    {
        return a.m_senders == b.m_senders;
    }
    QStringList domains() const { return m_senders.keys(); }

private:
    QHash<QString, KnownSender> m_senders; // by domain, lower case
};

} // namespace Dmarc
