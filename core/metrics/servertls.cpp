#include "servertls.h"

#include <QFile>
#include <QList>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslSocket>

namespace Dmarc {

Result<QSslConfiguration> loadServerTls(const QString &certFile, const QString &keyFile)
{
    if (certFile.isEmpty() || keyFile.isEmpty())
        return Error{QStringLiteral("tls"),
                     QStringLiteral("TLS needs both a certificate file and a key file")};
    if (!QSslSocket::supportsSsl())
        return Error{QStringLiteral("tls"), QStringLiteral("TLS is not available (no OpenSSL)")};
    const QList<QSslCertificate> chain = QSslCertificate::fromPath(certFile);
    if (chain.isEmpty()) {
        return Error{QStringLiteral("tls"),
                     QStringLiteral("TLS certificate file %1: no PEM certificate could be read")
                         .arg(certFile)};
    }
    QFile file(keyFile);
    if (!file.open(QIODevice::ReadOnly)) {
        return Error{QStringLiteral("tls"),
                     QStringLiteral("TLS key file %1: %2").arg(keyFile, file.errorString())};
    }
    const QByteArray pem = file.readAll();
    QSslKey key;
    for (QSsl::KeyAlgorithm algorithm : {QSsl::Rsa, QSsl::Ec, QSsl::Dsa}) {
        key = QSslKey(pem, algorithm, QSsl::Pem, QSsl::PrivateKey);
        if (!key.isNull())
            break;
    }
    if (key.isNull()) {
        return Error{QStringLiteral("tls"),
                     QStringLiteral("TLS key file %1: no unencrypted PEM private key could be read")
                         .arg(keyFile)};
    }
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setLocalCertificateChain(chain);
    configuration.setPrivateKey(key);
    configuration.setProtocol(QSsl::TlsV1_2OrLater);
    configuration.setPeerVerifyMode(QSslSocket::VerifyNone);
    return configuration;
}

} // namespace Dmarc
