#include "confignames.h"

namespace Dmarc {

int pythonLevelNumber(QtMsgType level)
{
    int number = 0;
    for (const Named<QtMsgType> &entry : kLogLevelNames) {
        number += 10;
        if (entry.value == level)
            return number;
    }
    return 0;
}

std::optional<QtMsgType> levelFromPythonNumber(double number)
{
    for (const Named<QtMsgType> &entry : kLogLevelNames) {
        if (pythonLevelNumber(entry.value) == number)
            return entry.value;
    }
    return std::nullopt;
}

SecurityFlags securityFlags(ImapSettings::Security security)
{
    return {security == ImapSettings::Security::ImplicitTls,
            security == ImapSettings::Security::StartTls};
}

ImapSettings::Security securityFromFlags(SecurityFlags flags)
{
    if (flags.startTls)
        return ImapSettings::Security::StartTls;
    return flags.useSsl ? ImapSettings::Security::ImplicitTls : ImapSettings::Security::Plain;
}

} // namespace Dmarc
