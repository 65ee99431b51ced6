#include "accounttest.h"

#include "imap/accountprobe.h"

namespace Dmarc {

AccountTest::AccountTest(ImapSettings settings, QObject *parent)
    : QObject(parent)
    , m_probe(new AccountProbe(std::move(settings), this))
{
    connect(m_probe, &AccountProbe::finished, this, &AccountTest::finished);
}

void AccountTest::start()
{
    m_probe->start();
}

} // namespace Dmarc
