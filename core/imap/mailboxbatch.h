#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace Dmarc {

// One email of a batch. An email larger than ImapSettings::maxMessageBytes is not downloaded:
// it arrives with `oversized` set and an empty `raw`, and still needs a destination.
struct FetchedEmail
{
    quint32 uid = 0;
    qint64 size = 0; // RFC822.SIZE
    QByteArray raw;  // the whole message (BODY.PEEK[], so \Seen is not set)
    bool oversized = false;
};

// Emails handed to the consumer together. (account, mailbox, uidValidity, uid) names an email
// for good: the consumer keys what it has decided on it.
struct MailboxBatch
{
    QString account;
    QString mailbox; // the inbox as used on the server (a personal prefix may have been added)
    quint32 uidValidity = 0;
    QList<FetchedEmail> emails;
};

} // namespace Dmarc
