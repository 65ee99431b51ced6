#include "storelock.h"

#include <QDir>
#include <QFile>
#include <QHash>
#include <QMutex>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace Dmarc {

namespace {

struct HeldLock
{
    int fd = -1;
    int users = 0;
};

// The locks this process holds, by lock file path.
QMutex heldMutex;
QHash<QString, HeldLock> held;

QString systemError()
{
    return QString::fromLocal8Bit(std::strerror(errno));
}

Error lockError(const QString &path, const QString &detail)
{
    return Error{QStringLiteral("store_lock"),
                 QStringLiteral("storage lock %1: %2").arg(path, detail)};
}

} // namespace

Result<StoreLock> StoreLock::acquire(const QString &directory)
{
    const QString path = QDir(directory).absoluteFilePath(fileName());
    const QMutexLocker locker(&heldMutex);
    if (auto it = held.find(path); it != held.end()) {
        ++it->users;
        return StoreLock(path);
    }
    const QByteArray name = QFile::encodeName(path);
    const int fd = ::open(name.constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return lockError(path, QStringLiteral("cannot open: ") + systemError());
    struct flock lock = {};
    lock.l_type = F_WRLCK;
    lock.l_whence = SEEK_SET;
    if (::fcntl(fd, F_SETLK, &lock) != 0) {
        const int failure = errno;
        struct flock holder = {};
        holder.l_type = F_WRLCK;
        holder.l_whence = SEEK_SET;
        const bool known = ::fcntl(fd, F_GETLK, &holder) == 0 && holder.l_type != F_UNLCK;
        ::close(fd);
        if (failure != EACCES && failure != EAGAIN) {
            errno = failure;
            return lockError(path, QStringLiteral("cannot lock: ") + systemError());
        }
        return lockError(path,
                         QStringLiteral("the store is in use by another process (PID %1); only "
                                        "one instance may use a storage_path at a time")
                             .arg(known ? QString::number(holder.l_pid) : QStringLiteral("?")));
    }
    // The lock file of an earlier release or of a dead process may have other bits; and the
    // PID is for people to read, the lock itself is the fcntl lock.
    const QByteArray pid = QByteArray::number(qint64(::getpid())) + '\n';
    if (::fchmod(fd, 0600) != 0 || ::ftruncate(fd, 0) != 0 ||
        ::pwrite(fd, pid.constData(), size_t(pid.size()), 0) != pid.size()) {
        const QString detail = QStringLiteral("cannot write: ") + systemError();
        ::close(fd);
        return lockError(path, detail);
    }
    held.insert(path, HeldLock{fd, 1});
    return StoreLock(path);
}

StoreLock::StoreLock(StoreLock &&other) noexcept
    : m_path(std::exchange(other.m_path, QString()))
{}

StoreLock &StoreLock::operator=(StoreLock &&other) noexcept
{
    if (this != &other) {
        release();
        m_path = std::exchange(other.m_path, QString());
    }
    return *this;
}

StoreLock::~StoreLock()
{
    release();
}

void StoreLock::release()
{
    if (m_path.isEmpty())
        return;
    const QMutexLocker locker(&heldMutex);
    const auto it = held.find(m_path);
    if (it != held.end() && --it->users == 0) {
        ::close(it->fd); // drops the lock; the file stays, for the next holder to take over
        held.erase(it);
    }
    m_path.clear();
}

} // namespace Dmarc
