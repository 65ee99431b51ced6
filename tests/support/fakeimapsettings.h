#pragma once

#include "imap/imapsettings.h"

namespace Dmarc::Test {

// An account on a FakeImapServer (or any port on this host): plain text, as "user" with the
// password "secret", which the fake server accepts.
inline ImapSettings fakeAccount(quint16 port, double timeoutSeconds)
{
    ImapSettings settings;
    settings.host = QStringLiteral("127.0.0.1");
    settings.port = port;
    settings.security = ImapSettings::Security::Plain;
    settings.username = QStringLiteral("user");
    settings.password = QStringLiteral("secret");
    settings.timeoutSeconds = timeoutSeconds;
    return settings;
}

} // namespace Dmarc::Test
