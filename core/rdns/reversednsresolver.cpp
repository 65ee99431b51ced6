#include "rdns/reversednsresolver.h"

#include "rdns/ptrname.h"

#include <QDateTime>
#include <QSocketNotifier>
#include <QtEndian>

#include <ares.h>
#include <arpa/nameser.h>
#include <cstring>
#include <netdb.h>

namespace Dmarc {

namespace {

struct PendingQuery
{
    ReverseDnsResolver *resolver;
    QString ip;
    QHostAddress address;
};

ReverseDnsOutcome outcomeOfStatus(int status)
{
    switch (status) {
    case ARES_ENOTFOUND: // NXDOMAIN
    case ARES_ENODATA:   // the name exists, without a PTR record
        return ReverseDnsOutcome::NoName;
    case ARES_ETIMEOUT:
        return ReverseDnsOutcome::Timeout;
    default:
        return ReverseDnsOutcome::ServerFailure;
    }
}

// The answer to a PTR query that c-ares received: the first PTR name for the question.
ReverseDnsAnswer readReply(const PendingQuery &query, const unsigned char *reply, int length)
{
    ReverseDnsAnswer answer{query.ip, ReverseDnsOutcome::ServerFailure, {}};
    const bool v4 = query.address.protocol() == QAbstractSocket::IPv4Protocol;
    unsigned char bytes[16];
    if (v4) {
        const quint32 address = qToBigEndian(query.address.toIPv4Address());
        std::memcpy(bytes, &address, 4);
    } else {
        const Q_IPV6ADDR address = query.address.toIPv6Address();
        std::memcpy(bytes, address.c, 16);
    }
    hostent *host = nullptr;
    const int status =
        ares_parse_ptr_reply(reply, length, bytes, v4 ? 4 : 16, v4 ? AF_INET : AF_INET6, &host);
    if (status == ARES_ENODATA) // an answer without a PTR record for the question
        answer.outcome = ReverseDnsOutcome::NoName;
    if (status != ARES_SUCCESS)
        return answer;
    QString name = QString::fromLatin1(host->h_name).toLower();
    ares_free_hostent(host);
    if (name.endsWith(QLatin1Char('.')))
        name.chop(1);
    if (name.isEmpty()) {
        answer.outcome = ReverseDnsOutcome::NoName;
    } else {
        answer.outcome = ReverseDnsOutcome::Name;
        answer.name = name;
    }
    return answer;
}

} // namespace

// The C callbacks of c-ares, let into the resolver.
struct ReverseDnsCallbacks
{
    static void socketState(void *data, ares_socket_t fd, int readable, int writable)
    {
        static_cast<ReverseDnsResolver *>(data)->watchSocket(fd, readable != 0, writable != 0);
    }

    static void reply(void *data, int status, int /*timeouts*/, unsigned char *reply, int length)
    {
        const std::unique_ptr<PendingQuery> query(static_cast<PendingQuery *>(data));
        if (status == ARES_EDESTRUCTION || status == ARES_ECANCELLED)
            return; // the resolver is going away
        query->resolver->finish(status == ARES_SUCCESS
                                    ? readReply(*query, reply, length)
                                    : ReverseDnsAnswer{query->ip, outcomeOfStatus(status), {}});
    }
};

Result<std::unique_ptr<ReverseDnsResolver>>
ReverseDnsResolver::create(const ReverseDnsSettings &settings, ReverseDnsCache &cache)
{
    if (!settings.enabled)
        return std::unique_ptr<ReverseDnsResolver>();
    std::unique_ptr<ReverseDnsResolver> resolver(new ReverseDnsResolver(settings, cache));
    if (Result<void> started = resolver->startChannel(); !started)
        return started.error();
    return resolver;
}

ReverseDnsResolver::ReverseDnsResolver(const ReverseDnsSettings &settings, ReverseDnsCache &cache)
    : m_settings(settings)
    , m_cache(cache)
{
    m_timeout.setSingleShot(true);
    m_timeout.setTimerType(Qt::PreciseTimer); // a coarse timer may fire before c-ares' deadline
    connect(&m_timeout, &QTimer::timeout, this,
            [this] { process(ARES_SOCKET_BAD, ARES_SOCKET_BAD); });
}

ReverseDnsResolver::~ReverseDnsResolver()
{
    if (m_channel) {
        ares_destroy(m_channel);
        ares_library_cleanup();
    }
}

Result<void> ReverseDnsResolver::startChannel()
{
    ares_addr_port_node server{};
    if (!m_settings.server.isEmpty()) {
        const QHostAddress address(m_settings.server);
        if (address.protocol() == QAbstractSocket::IPv4Protocol) {
            server.family = AF_INET;
            server.addr.addr4.s_addr = qToBigEndian(address.toIPv4Address());
        } else if (address.protocol() == QAbstractSocket::IPv6Protocol &&
                   address.scopeId().isEmpty()) {
            server.family = AF_INET6;
            std::memcpy(server.addr.addr6._S6_un._S6_u8, address.toIPv6Address().c, 16);
        } else {
            return Error{QStringLiteral("dns_server"),
                         QStringLiteral("reverse DNS: the DNS server \"%1\" is not an IP address")
                             .arg(m_settings.server)};
        }
        server.udp_port = m_settings.port;
        server.tcp_port = m_settings.port;
    }

    const auto notStarted = [](int status) {
        return Error{QStringLiteral("dns_init"),
                     QStringLiteral("reverse DNS: c-ares did not start: %1")
                         .arg(QString::fromLatin1(ares_strerror(status)))};
    };
    if (const int status = ares_library_init(ARES_LIB_INIT_ALL); status != ARES_SUCCESS)
        return notStarted(status);
    ares_options options{};
    options.timeout = int(m_settings.timeout.count());
    options.tries = 1;
    options.sock_state_cb = &ReverseDnsCallbacks::socketState;
    options.sock_state_cb_data = this;
    int status = ares_init_options(&m_channel, &options,
                                   ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_SOCK_STATE_CB);
    if (status == ARES_SUCCESS && server.family != 0)
        status = ares_set_servers_ports(m_channel, &server);
    if (status != ARES_SUCCESS) {
        if (m_channel) {
            ares_destroy(m_channel);
            m_channel = nullptr;
        }
        ares_library_cleanup();
        return notStarted(status);
    }
    return {};
}

void ReverseDnsResolver::ask(const QString &ip)
{
    if (m_waiting.contains(ip))
        return;
    const QHostAddress address(ip);
    if (ptrQueryName(address).isEmpty() || !address.scopeId().isEmpty()) {
        deliver({ip, ReverseDnsOutcome::NotAsked, {}});
        return;
    }
    if (std::optional<ReverseDnsAnswer> cached =
            m_cache.find(ip, QDateTime::currentDateTimeUtc())) {
        deliver(*cached);
        return;
    }
    if (m_queue.size() >= m_settings.maxQueued && m_inFlight >= m_settings.maxInFlight) {
        deliver({ip, ReverseDnsOutcome::NotAsked, {}});
        return;
    }
    m_waiting.insert(ip);
    m_queue.enqueue({ip, address});
    sendQueued();
    scheduleTimeout();
}

void ReverseDnsResolver::sendQueued()
{
    // A query that fails at once (no socket) is finished inside ares_query, freeing its place.
    while (m_inFlight < m_settings.maxInFlight && !m_queue.isEmpty()) {
        const auto [ip, address] = m_queue.dequeue();
        ++m_inFlight;
        ares_query(m_channel, ptrQueryName(address).toLatin1().constData(), ns_c_in, ns_t_ptr,
                   &ReverseDnsCallbacks::reply, new PendingQuery{this, ip, address});
    }
}

void ReverseDnsResolver::finish(const ReverseDnsAnswer &answer)
{
    --m_inFlight;
    m_waiting.remove(answer.ip);
    const auto lifetime =
        answer.outcome == ReverseDnsOutcome::Name || answer.outcome == ReverseDnsOutcome::NoName
            ? m_settings.nameLifetime
            : m_settings.failureLifetime;
    m_cache.remember(answer,
                     QDateTime::currentDateTimeUtc().addSecs(
                         std::chrono::duration_cast<std::chrono::seconds>(lifetime).count()));
    deliver(answer);
}

void ReverseDnsResolver::deliver(const ReverseDnsAnswer &answer)
{
    if (m_ready.isEmpty())
        QMetaObject::invokeMethod(this, &ReverseDnsResolver::deliverReady, Qt::QueuedConnection);
    m_ready.append(answer);
}

void ReverseDnsResolver::deliverReady()
{
    const QList<ReverseDnsAnswer> ready = std::exchange(m_ready, {});
    for (const ReverseDnsAnswer &answer : ready)
        Q_EMIT answered(answer);
}

void ReverseDnsResolver::watchSocket(int fd, bool readable, bool writable)
{
    if (!readable && !writable) { // c-ares closes the socket
        const Notifiers closed = m_notifiers.take(fd);
        for (QSocketNotifier *notifier : {closed.read, closed.write}) {
            if (notifier) {
                notifier->setEnabled(false);
                notifier->deleteLater(); // it may be the one whose signal is running
            }
        }
        return;
    }
    Notifiers &notifiers = m_notifiers[fd];
    if (!notifiers.read) {
        notifiers.read = new QSocketNotifier(fd, QSocketNotifier::Read, this);
        connect(notifiers.read, &QSocketNotifier::activated, this,
                [this, fd] { process(fd, ARES_SOCKET_BAD); });
        notifiers.write = new QSocketNotifier(fd, QSocketNotifier::Write, this);
        connect(notifiers.write, &QSocketNotifier::activated, this,
                [this, fd] { process(ARES_SOCKET_BAD, fd); });
    }
    notifiers.read->setEnabled(readable);
    notifiers.write->setEnabled(writable);
}

void ReverseDnsResolver::process(int readFd, int writeFd)
{
    ares_process_fd(m_channel, readFd, writeFd);
    sendQueued();
    scheduleTimeout();
}

void ReverseDnsResolver::scheduleTimeout()
{
    timeval next{};
    if (ares_timeout(m_channel, nullptr, &next))
        m_timeout.start(int(next.tv_sec * 1000 + (next.tv_usec + 999) / 1000));
    else
        m_timeout.stop();
}

} // namespace Dmarc
