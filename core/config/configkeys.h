#pragma once

#include "imap/imapsettings.h"
#include "metrics/endpointsettings.h"

#include <QLatin1String>
#include <QString>

// Every key of the configuration file, each spelled here once for the reader and the writer
// (README, "Configuration"; docs/architecture.md, the `config` module).
namespace Dmarc::Key {

inline constexpr QLatin1String kListenAddr("listen_addr");
inline constexpr QLatin1String kPort("port");
inline constexpr QLatin1String kWeb("web");
inline constexpr QLatin1String kTlsCertFile("tls_cert_file");
inline constexpr QLatin1String kTlsKeyFile("tls_key_file");
inline constexpr QLatin1String kBasicAuthUser("basic_auth_user");
inline constexpr QLatin1String kBasicAuthPasswordHash("basic_auth_password_hash");
inline constexpr QLatin1String kStoragePath("storage_path");
inline constexpr QLatin1String kDatabase("database");
inline constexpr QLatin1String kUrl("url");
inline constexpr QLatin1String kInstance("instance");
inline constexpr QLatin1String kTakeoverSeconds("takeover_seconds");
inline constexpr QLatin1String kPollIntervalSeconds("poll_interval_seconds");
inline constexpr QLatin1String kDeduplicationMaxSeconds("deduplication_max_seconds");
inline constexpr QLatin1String kLimits("limits");
inline constexpr QLatin1String kMaxPayloadBytes("max_payload_bytes");
inline constexpr QLatin1String kMaxZipMembers("max_zip_members");
inline constexpr QLatin1String kMaxCandidateParts("max_candidate_parts");
inline constexpr QLatin1String kMaxTlsReportBytes("max_tls_report_bytes");
inline constexpr QLatin1String kMaxLabelSetsPerReport("max_label_sets_per_report");
inline constexpr QLatin1String kMaxLabelSets("max_label_sets");
inline constexpr QLatin1String kDomains("domains");
inline constexpr QLatin1String kSources("sources");
inline constexpr QLatin1String kClasses("classes");
inline constexpr QLatin1String kCidrs("cidrs");
inline constexpr QLatin1String kMapFile("map_file");
inline constexpr QLatin1String kReverseDns("reverse_dns");
inline constexpr QLatin1String kDnsServer("dns_server");
inline constexpr QLatin1String kLogging("logging");
inline constexpr QLatin1String kHandlers("handlers");
inline constexpr QLatin1String kDefault("default");
inline constexpr QLatin1String kFormatter("formatter");
inline constexpr QLatin1String kRoot("root");
inline constexpr QLatin1String kLevel("level");

inline constexpr QLatin1String kAccounts("accounts");
inline constexpr QLatin1String kName("name");
inline constexpr QLatin1String kImap("imap");
inline constexpr QLatin1String kHost("host");
inline constexpr QLatin1String kUsername("username");
inline constexpr QLatin1String kPassword("password");
inline constexpr QLatin1String kPasswordFile("password_file");
inline constexpr QLatin1String kUseSsl("use_ssl");
inline constexpr QLatin1String kStartTls("starttls");
inline constexpr QLatin1String kVerifyCertificate("verify_certificate");
inline constexpr QLatin1String kCaFile("ca_file");
inline constexpr QLatin1String kTlsMaximumVersion("tls_maximum_version");
inline constexpr QLatin1String kAuth("auth");
inline constexpr QLatin1String kOAuth2("oauth2");
inline constexpr QLatin1String kTokenCommand("token_command");
inline constexpr QLatin1String kTokenFile("token_file");
inline constexpr QLatin1String kTokenUrl("token_url");
inline constexpr QLatin1String kClientId("client_id");
inline constexpr QLatin1String kClientSecret("client_secret");
inline constexpr QLatin1String kRefreshToken("refresh_token");
inline constexpr QLatin1String kScope("scope");
inline constexpr QLatin1String kIdle("idle");
inline constexpr QLatin1String kMaxBatchBytes("max_batch_bytes");
inline constexpr QLatin1String kTimeoutSeconds("timeout_seconds");
inline constexpr QLatin1String kFolders("folders");
inline constexpr QLatin1String kInbox("inbox");
inline constexpr QLatin1String kDone("done");
inline constexpr QLatin1String kError("error");

// The order toJson() writes the members of every object in: upstream's sample first
// (listen_addr, port, imap, folders, storage_path, ...), this program's keys beside their
// kin. One list serves all objects because each object's keys appear in it in that object's
// order ("port" of the top after listen_addr, of imap after host). Unknown keys come last.
inline constexpr QLatin1String kWriteOrder[] = {kListenAddr,
                                                kHost,
                                                kPort,
                                                kUrl,
                                                kUsername,
                                                kPassword,
                                                kPasswordFile,
                                                kInstance,
                                                kTakeoverSeconds,
                                                kUseSsl,
                                                kStartTls,
                                                kVerifyCertificate,
                                                kCaFile,
                                                kTlsMaximumVersion,
                                                kAuth,
                                                kOAuth2,
                                                kTokenCommand,
                                                kTokenFile,
                                                kTokenUrl,
                                                kClientId,
                                                kClientSecret,
                                                kRefreshToken,
                                                kScope,
                                                kIdle,
                                                kMaxBatchBytes,
                                                kTimeoutSeconds,
                                                kWeb,
                                                kTlsCertFile,
                                                kTlsKeyFile,
                                                kBasicAuthUser,
                                                kBasicAuthPasswordHash,
                                                kName,
                                                kImap,
                                                kFolders,
                                                kInbox,
                                                kDone,
                                                kError,
                                                kAccounts,
                                                kStoragePath,
                                                kDatabase,
                                                kPollIntervalSeconds,
                                                kDeduplicationMaxSeconds,
                                                kDomains,
                                                kSources,
                                                kClasses,
                                                kCidrs,
                                                kMapFile,
                                                kReverseDns,
                                                kDnsServer,
                                                kLimits,
                                                kMaxPayloadBytes,
                                                kMaxZipMembers,
                                                kMaxCandidateParts,
                                                kMaxTlsReportBytes,
                                                kMaxLabelSetsPerReport,
                                                kMaxLabelSets,
                                                kLogging,
                                                kHandlers,
                                                kDefault,
                                                kFormatter,
                                                kRoot,
                                                kLevel};

// Where the unknown members of the class at `index` of sources.classes are kept.
inline QString sourceClassPath(int index)
{
    return QString(kSources) + QLatin1Char('.') + kClasses + QStringLiteral("[%1]").arg(index);
}

// A key whose value is text held in a member of `Settings`: read, written and compared alike.
template<typename Settings>
struct TextKey
{
    QLatin1String key;
    QString Settings::*member;
    bool secret; // masked where the configuration is shown
};

inline const TextKey<OAuth2Settings> kOAuth2Keys[] = {
    {kTokenCommand, &OAuth2Settings::tokenCommand, false},
    {kTokenFile, &OAuth2Settings::tokenFile, false},
    {kTokenUrl, &OAuth2Settings::tokenUrl, false},
    {kClientId, &OAuth2Settings::clientId, false},
    {kClientSecret, &OAuth2Settings::clientSecret, true},
    {kRefreshToken, &OAuth2Settings::refreshToken, true},
    {kScope, &OAuth2Settings::scope, false},
};

inline const TextKey<EndpointSettings> kWebKeys[] = {
    {kTlsCertFile, &EndpointSettings::tlsCertFile, false},
    {kTlsKeyFile, &EndpointSettings::tlsKeyFile, false},
    {kBasicAuthUser, &EndpointSettings::basicAuthUser, false},
    {kBasicAuthPasswordHash, &EndpointSettings::basicAuthPasswordHash, true},
};

inline const TextKey<ImapSettings> kFolderKeys[] = {
    {kInbox, &ImapSettings::inboxFolder, false},
    {kDone, &ImapSettings::doneFolder, false},
    {kError, &ImapSettings::errorFolder, false},
};

} // namespace Dmarc::Key
