#include <sqlite3.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

/// Takes (`F_WRLCK`) or releases (`F_UNLCK`) a lock on `length` bytes at `start` of the file
/// open as `fd`, without waiting. Returns 0, or the errno (`EAGAIN`/`EACCES`: another holder).
///
/// On Linux this is an open-file-description lock (`F_OFD_SETLK`): it belongs to the open file,
/// not to the process, so two connections of one process exclude each other too, and it does
/// not conflict with the classic POSIX locks SQLite takes on other bytes of the same file. Where
/// OFD locks are missing it falls back to `flock` on the whole file, which the kernel keeps
/// apart from POSIX record locks as well.
static inline int migrate_lock_range(int fd, short type, long long start, long long length) {
#if defined(__linux__)
#ifndef F_OFD_SETLK
#define F_OFD_SETLK 37
#endif
    struct flock lock;
    lock.l_type = type;
    lock.l_whence = SEEK_SET;
    lock.l_start = (off_t)start;
    lock.l_len = (off_t)length;
    lock.l_pid = 0;
    return fcntl(fd, F_OFD_SETLK, &lock) == 0 ? 0 : errno;
#else
    (void)start;
    (void)length;
    return flock(fd, type == F_UNLCK ? LOCK_UN : (LOCK_EX | LOCK_NB)) == 0 ? 0 : errno;
#endif
}
