#include "sources/knownsenders.h"

#include "sources/publicsuffixlist.h"

#include <QFile>

#include <utility>

namespace Dmarc {

namespace {

constexpr int kMaxReportedLines = 10;

struct TypeName
{
    SourceType type;
    const char *name;
};

constexpr TypeName kTypeNames[] = {
    {SourceType::Own, "own"},
    {SourceType::Esp, "esp"},
    {SourceType::MailboxProvider, "mailbox-provider"},
    {SourceType::Forwarder, "forwarder"},
    {SourceType::SecurityGateway, "security-gateway"},
    {SourceType::Hosting, "hosting"},
    {SourceType::Crm, "crm"},
    {SourceType::Marketing, "marketing"},
    {SourceType::Transactional, "transactional"},
    {SourceType::Isp, "isp"},
    {SourceType::Other, "other"},
};

// The types a map may give: every type but `own`, which only the configuration gives.
std::optional<SourceType> mapType(const QString &name)
{
    for (const TypeName &entry : kTypeNames) {
        if (entry.type != SourceType::Own &&
            name.compare(QLatin1String(entry.name), Qt::CaseInsensitive) == 0)
            return entry.type;
    }
    return std::nullopt;
}

QString mapTypeNames()
{
    QStringList names;
    for (const TypeName &entry : kTypeNames) {
        if (entry.type != SourceType::Own)
            names << QLatin1String(entry.name);
    }
    return names.join(QStringLiteral(", "));
}

// One line of CSV split into its fields (RFC 4180 quoting, a field's quotes doubled inside).
Result<QStringList> splitCsvLine(const QString &line)
{
    QStringList fields;
    QString field;
    bool quoted = false;
    bool wasQuoted = false;
    for (qsizetype i = 0; i < line.size(); ++i) {
        const QChar c = line.at(i);
        if (quoted) {
            if (c != QLatin1Char('"'))
                field += c;
            else if (i + 1 < line.size() && line.at(i + 1) == QLatin1Char('"'))
                field += line.at(++i);
            else
                quoted = false;
        } else if (c == QLatin1Char(',')) {
            fields << field;
            field.clear();
            wasQuoted = false;
        } else if (c == QLatin1Char('"') && field.trimmed().isEmpty() && !wasQuoted) {
            field.clear();
            quoted = wasQuoted = true;
        } else if (wasQuoted && !c.isSpace()) {
            return Error{QStringLiteral("csv"), QStringLiteral("text after a closing quote")};
        } else {
            field += c;
        }
    }
    if (quoted)
        return Error{QStringLiteral("csv"),
                     QStringLiteral("a quote is not closed (a field spans no line breaks)")};
    fields << field;
    return fields;
}

} // namespace

QString sourceTypeName(SourceType type)
{
    for (const TypeName &entry : kTypeNames) {
        if (entry.type == type)
            return QLatin1String(entry.name);
    }
    return QString();
}

KnownSenders KnownSenders::builtIn()
{
    // The table is part of the program: a mistake in it is caught by the tests, not here.
    QFile file(QStringLiteral(":/sources/known-senders.csv"));
    auto senders = file.open(QIODevice::ReadOnly) ? fromCsv(file.readAll(), file.fileName())
                                                  : Result<KnownSenders>(KnownSenders());
    return senders ? std::move(senders).value() : KnownSenders();
}

Result<KnownSenders> KnownSenders::fromCsv(const QByteArray &csv, const QString &fileName)
{
    QStringList problems;
    qsizetype badLines = 0;
    const auto bad = [&](int line, const QString &why) {
        if (++badLines <= kMaxReportedLines)
            problems << QStringLiteral("%1:%2: %3").arg(fileName).arg(line).arg(why);
    };
    QString text = QString::fromUtf8(csv);
    if (text.startsWith(QChar(0xfeff))) // a byte order mark, as spreadsheets write
        text.remove(0, 1);
    const QStringList lines = text.split(QLatin1Char('\n'));
    const QString header = QStringLiteral("base_reverse_dns,name,type");

    KnownSenders map;
    QHash<QString, int> firstLine;
    bool headerSeen = false;
    for (int number = 1; number <= lines.size(); ++number) {
        QString line = lines.at(number - 1);
        if (line.endsWith(QLatin1Char('\r')))
            line.chop(1);
        if (line.trimmed().isEmpty())
            continue;
        const auto fields = splitCsvLine(line);
        if (!fields) {
            bad(number, fields.error().message);
            continue;
        }
        if (!headerSeen) {
            headerSeen = true;
            QStringList names;
            for (const QString &field : *fields)
                names << field.trimmed().toLower();
            if (names.join(QLatin1Char(',')) != header)
                bad(number, QStringLiteral("expected the header line \"%1\"").arg(header));
            continue;
        }
        if (fields->size() != 3) {
            bad(number,
                QStringLiteral("expected 3 fields (%1), found %2").arg(header).arg(fields->size()));
            continue;
        }
        const QString domain = normalizedDomainName(fields->at(0));
        const QString name = fields->at(1).trimmed();
        const auto type = mapType(fields->at(2).trimmed());
        if (domain.isEmpty())
            bad(number, QStringLiteral("\"%1\" is not a domain name").arg(fields->at(0).trimmed()));
        else if (name.isEmpty())
            bad(number, QStringLiteral("the name is empty"));
        else if (!type)
            bad(number, QStringLiteral("the type \"%1\" is not one of %2")
                            .arg(fields->at(2).trimmed(), mapTypeNames()));
        else if (firstLine.contains(domain))
            bad(number, QStringLiteral("%1 is named already on line %2")
                            .arg(domain)
                            .arg(firstLine.value(domain)));
        else {
            firstLine.insert(domain, number);
            map.m_senders.insert(domain, KnownSender{name, *type});
        }
    }
    if (!headerSeen)
        problems << QStringLiteral("%1: empty; expected the header line \"%2\" and one sender "
                                   "a line")
                        .arg(fileName, header);
    if (badLines > kMaxReportedLines)
        problems << QStringLiteral("%1: %2 more bad lines")
                        .arg(fileName)
                        .arg(badLines - kMaxReportedLines);
    if (!problems.isEmpty())
        return Error{QStringLiteral("sources"), problems.join(QLatin1Char('\n'))};
    return map;
}

Result<KnownSenders> KnownSenders::fromFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error{QStringLiteral("sources"),
                     QStringLiteral("cannot read %1: %2").arg(path, file.errorString())};
    return fromCsv(file.readAll(), path);
}

Result<KnownSenders> KnownSenders::builtInWith(const QString &path)
{
    KnownSenders senders = builtIn();
    if (path.isEmpty())
        return senders;
    auto own = fromFile(path);
    if (!own)
        return own.error();
    for (auto it = own->m_senders.cbegin(); it != own->m_senders.cend(); ++it)
        senders.m_senders.insert(it.key(), it.value());
    return senders;
}

std::optional<KnownSender> KnownSenders::find(const QString &domain,
                                              const QString &registrableDomain) const
{
    if (registrableDomain.isEmpty() ||
        !(domain == registrableDomain || domain.endsWith(QLatin1Char('.') + registrableDomain)))
        return std::nullopt;
    for (QString candidate = domain;; candidate = candidate.section(QLatin1Char('.'), 1)) {
        const auto found = m_senders.constFind(candidate);
        if (found != m_senders.cend())
            return *found;
        if (candidate.size() <= registrableDomain.size())
            return std::nullopt;
    }
}

} // namespace Dmarc
