#ifndef MAILBATCH_CLINUX_SHIM_H
#define MAILBATCH_CLINUX_SHIM_H

#include <fcntl.h>
#include <malloc.h>
#include <sys/syscall.h>
#include <unistd.h>

// renameat2(RENAME_EXCHANGE) swaps two paths atomically. glibc declares renameat2 only under
// _GNU_SOURCE, which Swift's Glibc module does not set, so it is reached through syscall(2).
static inline int mb_rename_exchange(const char *from, const char *to) {
    return (int)syscall(SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to, 2 /* RENAME_EXCHANGE */);
}

// syncfs(2): flushes the file system holding fd. Declared by glibc only under _GNU_SOURCE too.
static inline int mb_syncfs(int fd) {
    return (int)syscall(SYS_syncfs, fd);
}

// memfd_create(2): an anonymous file in memory, reachable as /proc/self/fd/N. Also _GNU_SOURCE only.
static inline int mb_memfd_create(const char *name) {
    return (int)syscall(SYS_memfd_create, name, 1 /* MFD_CLOEXEC */);
}

// Gives freed heap memory back to the system (glibc keeps it in per-thread arenas otherwise).
static inline void mb_malloc_trim(void) {
    malloc_trim(0);
}

#endif
