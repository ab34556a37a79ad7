/* Lockdown's kernel layer: the wall behind the guards.
 *
 * The guards are one load of a flag in process memory, and CPython has
 * memory-safety bugs that locked code can reach; an exploit that clears the
 * flag would undo lockdown.  So when the main interpreter locks on Linux,
 * lockdownlib.lockdown() also asks the kernel to refuse what lockdown
 * refuses:
 *
 * - a seccomp-bpf filter, synchronized to every thread of the process,
 *   refuses opening anything by path, changes to the file system, new
 *   processes and programs, new sockets and destinations, signals to other
 *   processes, and the system calls that reach other processes or the
 *   kernel's own state.  It answers with an errno (EPERM, or ENOSYS for
 *   clone3 so that the C library falls back to clone, whose flags the
 *   filter can read), never by killing the process: a C library that
 *   meets it fails like any OS error;
 * - a Landlock ruleset with no rule, where the kernel offers one, refuses
 *   every file-system access, TCP bind and connect, and (ABI 6 and later)
 *   signals and abstract unix sockets outside the process, for the thread
 *   that locks and every thread it starts;
 * - the process-wide flag the guards also read (_PyLockdown_Sealed) is set,
 *   then made read-only and sealed with mseal(2), and the filter refuses
 *   the calls that could remap or unprotect it.
 *
 * What survives a memory-corruption bug is therefore what this file
 * covers; Doc/library/lockdownlib.rst states what does not. */

#include "Python.h"
#include "pycore_lockdown.h"

#include <errno.h>
#include <string.h>

/* Aligned to its own size: no other variable shares its pages. */
_Alignas(_Py_LOCKDOWN_SEALED_SIZE) _PyLockdown_SealedPage _PyLockdown_Sealed;

/* What was installed, for kernel_layer().  Written once, with the GIL held,
   by the thread that locks; not sealed, since it decides nothing. */
static struct {
    int tried;
    int seccomp;
    int landlock_abi;           /* 0: no Landlock ruleset in force */
    int sealed;                 /* mseal() succeeded */
    char reason[160];           /* why the filter is not in force */
} kernel_layer;

#if defined(__linux__) && (defined(__x86_64__) || defined(__aarch64__))
#  define LOCKDOWN_HAVE_KERNEL_LAYER 1
#endif

#ifdef LOCKDOWN_HAVE_KERNEL_LAYER

#include <fcntl.h>                /* AT_* */
#include <linux/audit.h>          /* AUDIT_ARCH_* */
#include <linux/filter.h>         /* struct sock_filter */
#include <linux/seccomp.h>
#include <sched.h>                /* CLONE_THREAD */
#include <stddef.h>               /* offsetof() */
#include <sys/ioctl.h>            /* TIOCSTI */
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>           /* AF_UNIX */
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#  define LOCKDOWN_AUDIT_ARCH AUDIT_ARCH_X86_64
#else
#  define LOCKDOWN_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif

/* System calls newer than the oldest headers we build with.  From 424 on,
   every architecture numbers them alike. */
#ifndef __NR_fchmodat2
#  define __NR_fchmodat2 452
#endif
#ifndef __NR_statmount
#  define __NR_statmount 457
#endif
#ifndef __NR_listmount
#  define __NR_listmount 458
#endif
#ifndef __NR_lsm_set_self_attr
#  define __NR_lsm_set_self_attr 460
#endif
#ifndef __NR_mseal
#  define __NR_mseal 462
#endif
#ifndef __NR_setxattrat
#  define __NR_setxattrat 463
#endif
#ifndef __NR_getxattrat
#  define __NR_getxattrat 464
#endif
#ifndef __NR_listxattrat
#  define __NR_listxattrat 465
#endif
#ifndef __NR_removexattrat
#  define __NR_removexattrat 466
#endif
#ifndef __NR_open_tree_attr
#  define __NR_open_tree_attr 467
#endif
#ifndef __NR_file_getattr
#  define __NR_file_getattr 468
#endif
#ifndef __NR_file_setattr
#  define __NR_file_setattr 469
#endif
/* The first number the filter does not know: a system call added later
   is refused with ENOSYS, as on a kernel that lacks it, rather than let
   through unreviewed. */
#define LOCKDOWN_FIRST_UNKNOWN_SYSCALL 470

#ifndef MAP_FIXED_NOREPLACE
#  define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef PR_SET_MM
#  define PR_SET_MM 35
#endif
#ifndef PR_SET_PTRACER
#  define PR_SET_PTRACER 0x59616d61
#endif
#ifndef TIOCLINUX
#  define TIOCLINUX 0x541C
#endif

/* System calls refused whatever their arguments. */
static const int refused_syscalls[] = {
    /* opening, creating or looking up anything by path */
#ifdef __NR_open
    __NR_open,
#endif
#ifdef __NR_creat
    __NR_creat,
#endif
    __NR_openat, __NR_openat2, __NR_open_by_handle_at,
    __NR_name_to_handle_at,
#ifdef __NR_stat
    __NR_stat,
#endif
#ifdef __NR_lstat
    __NR_lstat,
#endif
#ifdef __NR_access
    __NR_access,
#endif
    __NR_faccessat, __NR_faccessat2,
#ifdef __NR_readlink
    __NR_readlink,
#endif
    __NR_readlinkat, __NR_statfs, __NR_getxattr, __NR_lgetxattr,
    __NR_listxattr, __NR_llistxattr, __NR_getxattrat, __NR_listxattrat,
    __NR_file_getattr, __NR_inotify_add_watch, __NR_fanotify_init,
    __NR_fanotify_mark,
#ifdef __NR_uselib
    __NR_uselib,
#endif
    /* changing the file system */
#ifdef __NR_mkdir
    __NR_mkdir,
#endif
    __NR_mkdirat,
#ifdef __NR_rmdir
    __NR_rmdir,
#endif
#ifdef __NR_unlink
    __NR_unlink,
#endif
    __NR_unlinkat,
#ifdef __NR_rename
    __NR_rename,
#endif
#ifdef __NR_renameat
    __NR_renameat,
#endif
    __NR_renameat2,
#ifdef __NR_link
    __NR_link,
#endif
    __NR_linkat,
#ifdef __NR_symlink
    __NR_symlink,
#endif
    __NR_symlinkat,
#ifdef __NR_chmod
    __NR_chmod,
#endif
    __NR_fchmod, __NR_fchmodat, __NR_fchmodat2,
#ifdef __NR_chown
    __NR_chown,
#endif
#ifdef __NR_lchown
    __NR_lchown,
#endif
    __NR_fchown, __NR_fchownat, __NR_truncate,
#ifdef __NR_mknod
    __NR_mknod,
#endif
    __NR_mknodat, __NR_chdir, __NR_fchdir, __NR_chroot, __NR_pivot_root,
#ifdef __NR_utime
    __NR_utime,
#endif
#ifdef __NR_utimes
    __NR_utimes,
#endif
#ifdef __NR_futimesat
    __NR_futimesat,
#endif
    __NR_utimensat, __NR_setxattr, __NR_lsetxattr, __NR_fsetxattr,
    __NR_removexattr, __NR_lremovexattr, __NR_fremovexattr,
    __NR_setxattrat, __NR_removexattrat, __NR_file_setattr,
    /* new processes and programs */
#ifdef __NR_fork
    __NR_fork,
#endif
#ifdef __NR_vfork
    __NR_vfork,
#endif
    __NR_execve, __NR_execveat,
    /* new sockets and destinations */
    __NR_socket, __NR_connect, __NR_bind, __NR_listen,
    /* the kernel cannot see whether a message names a destination */
    __NR_sendmsg, __NR_sendmmsg,
    /* other processes */
    __NR_ptrace, __NR_process_vm_readv, __NR_process_vm_writev, __NR_kcmp,
    __NR_pidfd_open, __NR_pidfd_getfd, __NR_pidfd_send_signal,
    __NR_process_madvise, __NR_process_mrelease, __NR_tkill,
    __NR_setpriority, __NR_sched_setscheduler, __NR_sched_setparam,
    __NR_sched_setattr, __NR_sched_setaffinity, __NR_ioprio_set,
    __NR_migrate_pages, __NR_move_pages,
    /* mounts, namespaces and the kernel's own state */
    __NR_mount, __NR_umount2, __NR_unshare, __NR_setns, __NR_move_mount,
    __NR_open_tree, __NR_open_tree_attr, __NR_fsopen, __NR_fsconfig,
    __NR_fsmount, __NR_fspick, __NR_mount_setattr, __NR_statmount,
    __NR_listmount, __NR_bpf, __NR_perf_event_open, __NR_keyctl,
    __NR_add_key, __NR_request_key, __NR_io_uring_setup,
    __NR_io_uring_enter, __NR_io_uring_register, __NR_userfaultfd,
    __NR_init_module, __NR_finit_module, __NR_delete_module,
    __NR_kexec_load,
#ifdef __NR_kexec_file_load
    __NR_kexec_file_load,
#endif
    __NR_reboot, __NR_swapon, __NR_swapoff, __NR_acct, __NR_quotactl,
    __NR_quotactl_fd, __NR_sethostname, __NR_setdomainname,
    __NR_settimeofday, __NR_clock_settime, __NR_clock_adjtime,
    __NR_adjtimex, __NR_syslog, __NR_vhangup, __NR_lsm_set_self_attr,
#ifdef __NR_iopl
    __NR_iopl,
#endif
#ifdef __NR_ioperm
    __NR_ioperm,
#endif
    /* credentials */
    __NR_setuid, __NR_setgid, __NR_setreuid, __NR_setregid,
    __NR_setresuid, __NR_setresgid, __NR_setfsuid, __NR_setfsgid,
    __NR_setgroups, __NR_capset,
    /* the host's IPC objects: System V ids are small integers that any
       code can guess, so using one is refused as well as looking it up */
    __NR_shmget, __NR_shmat, __NR_shmctl, __NR_msgget, __NR_msgsnd,
    __NR_msgrcv, __NR_msgctl, __NR_semget, __NR_semop, __NR_semtimedop,
    __NR_semctl, __NR_mq_open, __NR_mq_unlink,
    /* what the kernel offers to few but exploits */
#ifdef __NR_modify_ldt
    __NR_modify_ldt,
#endif
#ifdef __NR_ustat
    __NR_ustat,
#endif
#ifdef __NR_sysfs
    __NR_sysfs,
#endif
#ifdef __NR_setrlimit
    __NR_setrlimit,
#endif
    /* remapping pages by offset, including the sealed page */
#ifdef __NR_remap_file_pages
    __NR_remap_file_pages,
#endif
};

/* The filter is built into this buffer: the refused calls take two
   instructions each, the rest fewer than a hundred. */
#define LOCKDOWN_FILTER_MAX \
    (2 * Py_ARRAY_LENGTH(refused_syscalls) + 128)

typedef struct {
    struct sock_filter code[LOCKDOWN_FILTER_MAX];
    unsigned short len;
} filter_builder;

static void
emit(filter_builder *f, unsigned short op, unsigned char jt, unsigned char jf,
     uint32_t k)
{
    assert(f->len < LOCKDOWN_FILTER_MAX);
    f->code[f->len++] = (struct sock_filter){op, jt, jf, k};
}

#define RET_ALLOW SECCOMP_RET_ALLOW
#define RET_ERRNO(E) (SECCOMP_RET_ERRNO | ((E) & SECCOMP_RET_DATA))
#define ARG_LO(I) \
    ((uint32_t)offsetof(struct seccomp_data, args[(I)]))
#define ARG_HI(I) \
    ((uint32_t)offsetof(struct seccomp_data, args[(I)]) + 4)

static void
load(filter_builder *f, uint32_t offset)
{
    emit(f, BPF_LD | BPF_W | BPF_ABS, 0, 0, offset);
}

static void
ret(filter_builder *f, uint32_t action)
{
    emit(f, BPF_RET | BPF_K, 0, 0, action);
}

/* "If the call is NR, run the next LEN instructions (which end with a
   return); else skip them."  The accumulator holds the number. */
static void
when_syscall(filter_builder *f, int nr, unsigned char len)
{
    emit(f, BPF_JMP | BPF_JEQ | BPF_K, 0, len, (uint32_t)nr);
}

/* Allowed if the 32-bit argument I (an int: the kernel ignores the high
   half) is VALUE, else EPERM.  4 instructions. */
static void
allow_if_int_arg(filter_builder *f, int i, uint32_t value)
{
    load(f, ARG_LO(i));
    emit(f, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, value);
    ret(f, RET_ALLOW);
    ret(f, RET_ERRNO(EPERM));
}

/* Allowed if the pointer argument I is NULL, else EPERM.  6
   instructions. */
static void
allow_if_null_arg(filter_builder *f, int i)
{
    load(f, ARG_LO(i));
    emit(f, BPF_JMP | BPF_JEQ | BPF_K, 0, 3, 0);
    load(f, ARG_HI(i));
    emit(f, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0);
    ret(f, RET_ALLOW);
    ret(f, RET_ERRNO(EPERM));
}

/* EPERM if the address argument 0 is at or below LAST (the last byte of
   the sealed pages), since a range that starts there may cover them;
   allowed above.  Only the program's own image lies below the sealed
   pages, and nothing unmaps or unprotects that once running.  7
   instructions. */
static void
refuse_at_or_below(filter_builder *f, uint64_t last)
{
    uint32_t last_hi = (uint32_t)(last >> 32), last_lo = (uint32_t)last;
    load(f, ARG_HI(0));
    emit(f, BPF_JMP | BPF_JGT | BPF_K, 3, 0, last_hi);  /* above: allow */
    emit(f, BPF_JMP | BPF_JEQ | BPF_K, 0, 3, last_hi);  /* below: refuse */
    load(f, ARG_LO(0));
    emit(f, BPF_JMP | BPF_JGT | BPF_K, 0, 1, last_lo);
    ret(f, RET_ALLOW);
    ret(f, RET_ERRNO(EPERM));
}

static void
build_filter(filter_builder *f)
{
    uint64_t sealed_last = (uint64_t)(uintptr_t)&_PyLockdown_Sealed
                           + sizeof(_PyLockdown_Sealed) - 1;
    uint32_t pid = (uint32_t)getpid();

    f->len = 0;
    /* Another calling convention (int 0x80 on x86-64) would number the
       calls differently: refuse all of them. */
    load(f, (uint32_t)offsetof(struct seccomp_data, arch));
    emit(f, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, LOCKDOWN_AUDIT_ARCH);
    ret(f, RET_ERRNO(EPERM));
    load(f, (uint32_t)offsetof(struct seccomp_data, nr));
#ifdef __x86_64__
    /* The x32 ABI's numbers have bit 30 set. */
    emit(f, BPF_JMP | BPF_JGE | BPF_K, 0, 1, 0x40000000);
    ret(f, RET_ERRNO(EPERM));
#endif
    emit(f, BPF_JMP | BPF_JGE | BPF_K, 0, 1, LOCKDOWN_FIRST_UNKNOWN_SYSCALL);
    ret(f, RET_ERRNO(ENOSYS));

    for (size_t i = 0; i < Py_ARRAY_LENGTH(refused_syscalls); i++) {
        when_syscall(f, refused_syscalls[i], 1);
        ret(f, RET_ERRNO(EPERM));
    }

    /* The C library tries clone3 first and falls back to clone, whose
       flags (not behind a pointer) the filter can read. */
    when_syscall(f, __NR_clone3, 1);
    ret(f, RET_ERRNO(ENOSYS));
    /* Threads, not processes. */
    when_syscall(f, __NR_clone, 4);
    load(f, ARG_LO(0));
    emit(f, BPF_JMP | BPF_JSET | BPF_K, 0, 1, CLONE_THREAD);
    ret(f, RET_ALLOW);
    ret(f, RET_ERRNO(EPERM));
    /* A pair of connected unix sockets reaches nothing outside the
       process (asyncio's self-pipe is one). */
    when_syscall(f, __NR_socketpair, 4);
    allow_if_int_arg(f, 0, AF_UNIX);
    /* send() is sendto() with no address. */
    when_syscall(f, __NR_sendto, 6);
    allow_if_null_arg(f, 4);
    /* Signals to this process only (raise(), pthread_kill()). */
    static const int signal_syscalls[] = {
        __NR_kill, __NR_tgkill, __NR_rt_sigqueueinfo, __NR_rt_tgsigqueueinfo,
    };
    for (size_t i = 0; i < Py_ARRAY_LENGTH(signal_syscalls); i++) {
        when_syscall(f, signal_syscalls[i], 4);
        allow_if_int_arg(f, 0, pid);
    }
    /* Reading limits, not setting them. */
    when_syscall(f, __NR_prlimit64, 6);
    allow_if_null_arg(f, 2);
    /* prctl: not the calls that rewrite the memory map or let another
       process trace this one. */
    when_syscall(f, __NR_prctl, 5);
    load(f, ARG_LO(0));
    emit(f, BPF_JMP | BPF_JEQ | BPF_K, 2, 0, PR_SET_MM);
    emit(f, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, PR_SET_PTRACER);
    ret(f, RET_ALLOW);
    ret(f, RET_ERRNO(EPERM));
    /* ioctl: not the calls that push input into a terminal, which a shell
       of the host would then read as commands. */
    when_syscall(f, __NR_ioctl, 5);
    load(f, ARG_LO(1));
    emit(f, BPF_JMP | BPF_JEQ | BPF_K, 2, 0, TIOCSTI);
    emit(f, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, TIOCLINUX);
    ret(f, RET_ALLOW);
    ret(f, RET_ERRNO(EPERM));
#ifndef _Py_ADDRESS_SANITIZER
    /* The sealed pages stay mapped, read-only and unchanged: mseal() makes
       the kernel refuse that on its own where it can; this also covers
       kernels without it.  Not under AddressSanitizer, which maps its
       shadow memory below the program's image as it runs. */
    static const int memory_syscalls[] = {
        __NR_mprotect, __NR_pkey_mprotect, __NR_munmap, __NR_mremap,
        __NR_madvise, __NR_mseal,
    };
    for (size_t i = 0; i < Py_ARRAY_LENGTH(memory_syscalls); i++) {
        when_syscall(f, memory_syscalls[i], 7);
        refuse_at_or_below(f, sealed_last);
    }
    when_syscall(f, __NR_mmap, 9);
    load(f, ARG_LO(3));
    emit(f, BPF_JMP | BPF_JSET | BPF_K, 0, 5, MAP_FIXED | MAP_FIXED_NOREPLACE);
    refuse_at_or_below(f, sealed_last);
#else
    (void)sealed_last;
    (void)refuse_at_or_below;
#endif

    ret(f, RET_ALLOW);
}

/* Landlock, as far as the kernel's ABI goes.  The structure and flags are
   spelled out here since the headers we build with may be older than the
   kernel we run on. */
struct lockdown_landlock_ruleset_attr {
    uint64_t handled_access_fs;
    uint64_t handled_access_net;
    uint64_t scoped;
};

#define LL_CREATE_RULESET_VERSION (1U << 0)
#define LL_ACCESS_FS_V1 ((UINT64_C(1) << 13) - 1)
#define LL_ACCESS_FS_REFER (UINT64_C(1) << 13)        /* ABI 2 */
#define LL_ACCESS_FS_TRUNCATE (UINT64_C(1) << 14)     /* ABI 3 */
#define LL_ACCESS_NET_TCP (UINT64_C(3))               /* ABI 4 */
#define LL_ACCESS_FS_IOCTL_DEV (UINT64_C(1) << 15)    /* ABI 5 */
#define LL_SCOPE_ALL (UINT64_C(3))                    /* ABI 6 */

#ifndef __NR_landlock_create_ruleset
#  define __NR_landlock_create_ruleset 444
#  define __NR_landlock_restrict_self 446
#endif

/* Returns the ABI of the ruleset now in force on this thread, or 0. */
static int
install_landlock(void)
{
    long abi = syscall(__NR_landlock_create_ruleset, NULL, 0,
                       LL_CREATE_RULESET_VERSION);
    if (abi <= 0) {
        return 0;
    }
    struct lockdown_landlock_ruleset_attr attr = {0};
    size_t size = sizeof(attr.handled_access_fs);
    attr.handled_access_fs = LL_ACCESS_FS_V1;
    if (abi >= 2) {
        attr.handled_access_fs |= LL_ACCESS_FS_REFER;
    }
    if (abi >= 3) {
        attr.handled_access_fs |= LL_ACCESS_FS_TRUNCATE;
    }
    if (abi >= 4) {
        attr.handled_access_net = LL_ACCESS_NET_TCP;
        size = offsetof(struct lockdown_landlock_ruleset_attr, scoped);
    }
    if (abi >= 5) {
        attr.handled_access_fs |= LL_ACCESS_FS_IOCTL_DEV;
    }
    if (abi >= 6) {
        attr.scoped = LL_SCOPE_ALL;
        size = sizeof(attr);
    }
    /* No rule: nothing it handles is allowed. */
    int fd = (int)syscall(__NR_landlock_create_ruleset, &attr, size, 0);
    if (fd < 0) {
        return 0;
    }
    long res = syscall(__NR_landlock_restrict_self, fd, 0);
    close(fd);
    return res == 0 ? (int)abi : 0;
}

static void
seal_flag_page(void)
{
    _Py_atomic_store_int(&_PyLockdown_Sealed.state.locked, 1);
    if (mprotect(&_PyLockdown_Sealed, sizeof(_PyLockdown_Sealed),
                 PROT_READ) < 0)
    {
        return;                 /* still refused to others by the filter */
    }
    if (syscall(__NR_mseal, &_PyLockdown_Sealed, sizeof(_PyLockdown_Sealed),
                0) == 0)
    {
        kernel_layer.sealed = 1;
    }
}

int
_PyLockdown_InstallKernelLayer(int seal)
{
    if (kernel_layer.tried) {
        return kernel_layer.seccomp;
    }
    kernel_layer.tried = 1;
    if ((size_t)sysconf(_SC_PAGESIZE) > sizeof(_PyLockdown_Sealed)) {
        seal = 0;
    }
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
        PyOS_snprintf(kernel_layer.reason, sizeof(kernel_layer.reason),
                      "prctl(PR_SET_NO_NEW_PRIVS): %s", strerror(errno));
        if (seal) {
            seal_flag_page();
        }
        return 0;
    }
    kernel_layer.landlock_abi = install_landlock();
    /* Before the filter, which refuses mprotect of these pages. */
    if (seal) {
        seal_flag_page();
    }

    static filter_builder filter;
    build_filter(&filter);
    struct sock_fprog prog = {.len = filter.len, .filter = filter.code};
    long res = syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER,
                       SECCOMP_FILTER_FLAG_TSYNC, &prog);
    if (res == 0) {
        kernel_layer.seccomp = 1;
        return 1;
    }
    if (res > 0) {
        PyOS_snprintf(kernel_layer.reason, sizeof(kernel_layer.reason),
                      "seccomp: thread %ld could not be synchronized", res);
    }
    else {
        PyOS_snprintf(kernel_layer.reason, sizeof(kernel_layer.reason),
                      "seccomp: %s", strerror(errno));
    }
    return 0;
}

#else   /* !LOCKDOWN_HAVE_KERNEL_LAYER */

int
_PyLockdown_InstallKernelLayer(int seal)
{
    (void)seal;
    kernel_layer.tried = 1;
    PyOS_snprintf(kernel_layer.reason, sizeof(kernel_layer.reason),
                  "no seccomp filter for this platform");
    return 0;
}

#endif  /* LOCKDOWN_HAVE_KERNEL_LAYER */

void
_PyLockdown_DescribeKernelLayer(PyInterpreterState *interp, char *buf,
                                size_t size)
{
    if (kernel_layer.seccomp) {
        if (kernel_layer.landlock_abi > 0) {
            PyOS_snprintf(buf, size, "seccomp+landlock(%d)",
                          kernel_layer.landlock_abi);
        }
        else {
            PyOS_snprintf(buf, size, "seccomp");
        }
    }
    else if (kernel_layer.tried) {
        PyOS_snprintf(buf, size, "none: %s", kernel_layer.reason);
    }
    else if (!_PyLockdown_IsEnabledFor(interp)) {
        PyOS_snprintf(buf, size, "none: not locked");
    }
    else if (!_Py_IsMainInterpreter(interp)) {
        PyOS_snprintf(buf, size, "none: a sub-interpreter cannot filter "
                      "the whole process");
    }
    else {
        PyOS_snprintf(buf, size, "none: locked with kernel=False");
    }
}
