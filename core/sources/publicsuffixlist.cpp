#include "sources/publicsuffixlist.h"

#include "sources/sourceip.h"

#include <QFile>

#include <algorithm>
#include <libpsl.h>

namespace Dmarc {

QString normalizedDomainName(const QString &domain)
{
    QString name = domain.trimmed().toLower();
    if (name.endsWith(QLatin1Char('.')))
        name.chop(1);
    const bool plausible =
        !name.startsWith(QLatin1Char('.')) && !name.contains(QLatin1String("..")) &&
        std::none_of(name.cbegin(), name.cend(), [](QChar c) {
            return c.isSpace() || c == QLatin1Char('@') || c == QLatin1Char('*') ||
                   c == QLatin1Char('/') || c == QLatin1Char(':');
        });
    return plausible ? name : QString();
}

Result<std::shared_ptr<const PublicSuffixList>> PublicSuffixList::load(const QString &path)
{
    psl_ctx_t *context = psl_load_file(QFile::encodeName(path).constData());
    if (!context) {
        const QString why = QFile::exists(path) ? QStringLiteral("not a Public Suffix List")
                                                : QStringLiteral("no such file");
        return Error{QStringLiteral("public_suffix_list"),
                     QStringLiteral("cannot read the Public Suffix List %1: %2 (it comes with the "
                                    "package publicsuffix)")
                         .arg(path, why)};
    }
    return std::shared_ptr<const PublicSuffixList>(new PublicSuffixList(context));
}

Result<std::shared_ptr<const PublicSuffixList>> PublicSuffixList::system()
{
    static const Result<std::shared_ptr<const PublicSuffixList>> list =
        load(QString::fromLatin1(kDefaultPath));
    return list;
}

PublicSuffixList::~PublicSuffixList()
{
    psl_free(m_context);
}

QString PublicSuffixList::registrableDomain(const QString &domain) const
{
    const QString name = normalizedDomainName(domain);
    if (name.isEmpty() || !normalizeSourceIp(name).isEmpty())
        return QString();
    const QByteArray utf8 = name.toUtf8();
    const char *registrable = psl_registrable_domain(m_context, utf8.constData());
    return registrable ? QString::fromUtf8(registrable) : QString();
}

} // namespace Dmarc
