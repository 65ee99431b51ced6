#pragma once

#include "common/result.h"

#include <QSslConfiguration>
#include <QString>

namespace Dmarc {

// The endpoint's TLS configuration from a PEM certificate chain and an unencrypted PEM private
// key (RSA, EC or DSA), TLS 1.2 or later. Errors name the file that failed.
Result<QSslConfiguration> loadServerTls(const QString &certFile, const QString &keyFile);

} // namespace Dmarc
