#pragma once

#include "passwordhash.h"

#include <QByteArray>
#include <QDeadlineTimer>
#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QThreadPool>
#include <QTimer>

#include <functional>
#include <memory>

namespace Dmarc {

// Basic auth for the endpoint. The password hash is checked on a thread of its own, never on the
// thread that serves, so a flood of guesses slows neither scrapes nor mail processing. An
// Authorization header that passed is remembered for a minute (by its SHA-256), as the
// Prometheus exporter toolkit does. Checks from one client address run one at a time, and after
// a failed one that address waits before its next: the failure delay, doubled with each further
// failure up to 16 times. Addresses that have not passed a check yet share a budget of one
// check per half second, those without failures first, so guesses from many addresses cost at
// most one hash every half second; addresses that passed before are checked at once.
class BasicAuth : public QObject
{
public:
    using Done = std::function<void(bool authorized)>;

    BasicAuth(const QByteArray &user, const PasswordHash &hash, int failureDelayMs,
              QObject *parent = nullptr);
    ~BasicAuth() override; // waits for a check that is running

    // Calls `done` in this object's thread, at once when the answer is known without the hash
    // (remembered, missing or malformed), else after the check. Not called once `context` is
    // gone.
    void check(const QHostAddress &client, const QByteArray &authorization, QObject *context,
               Done done);

private:
    struct Pending
    {
        QByteArray digest;
        QByteArray user;
        QByteArray password;
        QPointer<QObject> context;
        Done done;
    };
    struct Client
    {
        QList<Pending> queue;
        bool checking = false;
        bool timerSet = false;
        int failures = 0;            // in a row
        QDeadlineTimer notBefore{0}; // no check before this
    };

    bool remembered(const QByteArray &digest);
    void next(const QHostAddress &client);
    void start(const QHostAddress &client, Client &state);
    void budgetRenewed();
    void finished(const QHostAddress &client, const Pending &pending, bool ok);
    void forgetIdleClients();

    QByteArray m_user;
    std::shared_ptr<const PasswordHash> m_hash;
    int m_failureDelayMs;
    QHash<QByteArray, QDeadlineTimer> m_verified; // header digest -> until when it is trusted
    QHash<QHostAddress, Client> m_clients;
    QSet<QHostAddress> m_proven; // addresses that passed a check
    QList<QHostAddress> m_awaitingBudget;
    QDeadlineTimer m_budget{0}; // when the next check of an unproven address may start
    QTimer *m_budgetTimer;      // a child, so it moves to the endpoint's thread with this object
    QThreadPool m_pool;         // declared last: destroyed first, before what its tasks reach
};

} // namespace Dmarc
