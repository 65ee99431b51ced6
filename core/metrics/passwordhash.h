#pragma once

#include "common/result.h"

#include <QByteArray>

namespace Dmarc {

// Checks a password against a crypt(3) hash as the Prometheus exporter-toolkit's web config
// stores them: bcrypt ($2y$, $2b$, $2a$) and, in addition, sha512-crypt ($6$).
class PasswordHash
{
public:
    // Rejects hashes of other schemes, so a typo in the configuration is found at start.
    static Result<PasswordHash> parse(const QByteArray &hash);
    bool verify(const QByteArray &password) const;

private:
    explicit PasswordHash(QByteArray hash)
        : m_hash(std::move(hash))
    {}
    QByteArray m_hash;
};

// Compares SHA-256 digests of both, so the time depends neither on where they differ nor on
// their lengths.
bool equalsInConstantTime(const QByteArray &a, const QByteArray &b);

} // namespace Dmarc
