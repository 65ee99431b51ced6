#include "passwordhash.h"

#include <QCryptographicHash>

#include <crypt.h>
#include <memory>

namespace Dmarc {

namespace {

QByteArray cryptHash(const QByteArray &password, const QByteArray &setting)
{
    auto data = std::make_unique<crypt_data>();
    const char *result = crypt_r(password.constData(), setting.constData(), data.get());
    // libxcrypt returns a string starting with '*' on failure.
    if (!result || result[0] == '*')
        return QByteArray();
    return QByteArray(result);
}

} // namespace

Result<PasswordHash> PasswordHash::parse(const QByteArray &hash)
{
    const bool known = hash.startsWith("$2y$") || hash.startsWith("$2b$") ||
                       hash.startsWith("$2a$") || hash.startsWith("$6$");
    // A hash must hash something: this also proves libcrypt supports the scheme.
    if (!known || cryptHash(QByteArrayLiteral("probe"), hash).isEmpty()) {
        return Error{QStringLiteral("invalid_hash"),
                     QStringLiteral("the basic auth password hash is not a bcrypt ($2y$, $2b$) "
                                    "or sha512-crypt ($6$) hash")};
    }
    return PasswordHash(hash);
}

bool PasswordHash::verify(const QByteArray &password) const
{
    if (password.contains('\0'))
        return false;
    const QByteArray computed = cryptHash(password, m_hash);
    return !computed.isEmpty() && equalsInConstantTime(computed, m_hash);
}

bool equalsInConstantTime(const QByteArray &a, const QByteArray &b)
{
    const QByteArray da = QCryptographicHash::hash(a, QCryptographicHash::Sha256);
    const QByteArray db = QCryptographicHash::hash(b, QCryptographicHash::Sha256);
    unsigned char diff = 0;
    for (qsizetype i = 0; i < da.size(); ++i)
        diff |= static_cast<unsigned char>(da.at(i) ^ db.at(i));
    return diff == 0;
}

} // namespace Dmarc
