/* The kernel oracle of Locked Down Python's tests (Linux, x86-64).
 *
 * oracle_install() installs a seccomp-bpf filter that traps every
 * side-effecting system call lockdown forbids: opening and changing files
 * and directories, exec, fork and non-thread clone, sockets, signals to
 * other processes, changes of identity, mounts, tracing, module loading.
 * A trapped call never runs: the SIGSYS handler writes "TRAP <number>" to
 * the report descriptor and ends the process, so the test that loaded
 * this library (with ctypes, before lockdown) learns which system call was
 * made and, from its own log, by which Python callable.
 *
 * Built by test_lockdown at test time; not part of the interpreter. */

#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static int report_fd = 2;

static void
on_sigsys(int signum, siginfo_t *info, void *context)
{
    (void)signum;
    (void)context;
    char buf[32] = "TRAP ";
    char digits[12];
    int n = 0, len = 5;
    unsigned int nr = (unsigned int)info->si_syscall;
    do {
        digits[n++] = (char)('0' + nr % 10);
        nr /= 10;
    } while (nr && n < (int)sizeof(digits));
    while (n > 0) {
        buf[len++] = digits[--n];
    }
    buf[len++] = '\n';
    (void)!write(report_fd, buf, (size_t)len);
    _exit(99);
}

#define ALLOW       BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)
#define TRAP        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP)
#define LOAD_NR     BPF_STMT(BPF_LD | BPF_W | BPF_ABS, \
                             offsetof(struct seccomp_data, nr))
#define LOAD_ARG0   BPF_STMT(BPF_LD | BPF_W | BPF_ABS, \
                             offsetof(struct seccomp_data, args[0]))

/* Trapped outright.  kill, tkill, tgkill and clone are checked below. */
#define S(name) {__NR_##name, #name}
static const struct {
    int nr;
    const char *name;
} trapped[] = {
    S(open),
    S(openat),
    S(openat2),
    S(creat),
    S(open_by_handle_at),
    S(name_to_handle_at),
    S(mkdir),
    S(mkdirat),
    S(rmdir),
    S(unlink),
    S(unlinkat),
    S(rename),
    S(renameat),
    S(renameat2),
    S(link),
    S(linkat),
    S(symlink),
    S(symlinkat),
    S(chmod),
    S(fchmod),
    S(fchmodat),
    S(chown),
    S(fchown),
    S(lchown),
    S(fchownat),
    S(truncate),
    S(ftruncate),
    S(utime),
    S(utimes),
    S(utimensat),
    S(futimesat),
    S(mknod),
    S(mknodat),
    S(chdir),
    S(fchdir),
    S(chroot),
    S(mount),
    S(umount2),
    S(pivot_root),
    S(setxattr),
    S(lsetxattr),
    S(fsetxattr),
    S(removexattr),
    S(lremovexattr),
    S(fremovexattr),
    S(inotify_add_watch),
    S(fanotify_mark),
    S(execve),
    S(execveat),
    S(fork),
    S(vfork),
    S(socket),
    S(bind),
    S(connect),
    S(listen),
    S(ptrace),
    S(process_vm_readv),
    S(process_vm_writev),
    S(setuid),
    S(setgid),
    S(setreuid),
    S(setregid),
    S(setresuid),
    S(setresgid),
    S(setgroups),
    S(setfsuid),
    S(setfsgid),
    S(sethostname),
    S(setdomainname),
    S(settimeofday),
    S(clock_settime),
    S(adjtimex),
    S(clock_adjtime),
    S(reboot),
    S(swapon),
    S(swapoff),
    S(init_module),
    S(finit_module),
    S(delete_module),
    S(unshare),
    S(setns),
    S(pidfd_open),
    S(pidfd_send_signal),
    S(pidfd_getfd),
    S(kcmp),
    S(bpf),
    S(perf_event_open),
    S(keyctl),
    S(add_key),
    S(request_key),
    S(io_uring_setup),
    S(acct),
    S(quotactl),
    S(personality),
    S(setpriority),
    S(sched_setaffinity),
    S(sched_setscheduler),
    S(sched_setparam),
    S(setsid),
    S(setpgid),
    S(setrlimit),
    S(syslog),
    S(memfd_secret),
};
#undef S

enum { N_TRAPPED = sizeof(trapped) / sizeof(trapped[0]) };

/* The name of system call NR, if the filter traps it, else NULL. */
const char *
oracle_name(int nr)
{
    static const struct {
        int nr;
        const char *name;
    } checked[] = {
        {__NR_clone, "clone"}, {__NR_kill, "kill"}, {__NR_tgkill, "tgkill"},
        {__NR_tkill, "tkill"}, {__NR_prlimit64, "prlimit64"},
    };
    for (size_t i = 0; i < N_TRAPPED; i++) {
        if (trapped[i].nr == nr) {
            return trapped[i].name;
        }
    }
    for (size_t i = 0; i < sizeof(checked) / sizeof(checked[0]); i++) {
        if (checked[i].nr == nr) {
            return checked[i].name;
        }
    }
    return NULL;
}

int
oracle_trapped_count(void)
{
    return N_TRAPPED + 5;
}

/* Install the filter.  Returns 0, or -1 with errno set. */
int
oracle_install(int fd)
{
    struct sock_filter filter[2 * N_TRAPPED + 32];
    int k = 0;
    pid_t self = getpid();

    report_fd = fd;
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_sigsys;
    sa.sa_flags = SA_SIGINFO;
    if (sigaction(SIGSYS, &sa, NULL) < 0) {
        return -1;
    }

    filter[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
        offsetof(struct seccomp_data, arch));
    filter[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
        AUDIT_ARCH_X86_64, 1, 0);
    filter[k++] = (struct sock_filter)TRAP;
    filter[k++] = (struct sock_filter)LOAD_NR;
    /* clone3 hides its flags behind a pointer: make glibc fall back to
       clone, whose flags can be read. */
    filter[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
        __NR_clone3, 0, 1);
    filter[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
        SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA));
    /* clone: threads only. */
    filter[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
        __NR_clone, 0, 4);
    filter[k++] = (struct sock_filter)LOAD_ARG0;
    filter[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K,
        CLONE_THREAD, 0, 1);
    filter[k++] = (struct sock_filter)ALLOW;
    filter[k++] = (struct sock_filter)TRAP;
    /* kill and tgkill: this process only. */
    filter[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
        __NR_kill, 1, 0);
    filter[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
        __NR_tgkill, 0, 4);
    filter[k++] = (struct sock_filter)LOAD_ARG0;
    filter[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
        (unsigned int)self, 0, 1);
    filter[k++] = (struct sock_filter)ALLOW;
    filter[k++] = (struct sock_filter)TRAP;
    filter[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
        __NR_tkill, 0, 1);
    filter[k++] = (struct sock_filter)TRAP;
    /* prlimit64: reading limits (no new limit, as getrlimit() and
       sysconf() do), not setting them; as the kernel layer allows. */
    filter[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
        __NR_prlimit64, 0, 6);
    filter[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
        offsetof(struct seccomp_data, args) + 2 * sizeof(uint64_t));
    filter[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
        0, 0, 3);
    filter[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
        offsetof(struct seccomp_data, args) + 2 * sizeof(uint64_t) + 4);
    filter[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
        0, 0, 1);
    filter[k++] = (struct sock_filter)ALLOW;
    filter[k++] = (struct sock_filter)TRAP;
    for (size_t i = 0; i < N_TRAPPED; i++) {
        filter[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
            (unsigned int)trapped[i].nr, 0, 1);
        filter[k++] = (struct sock_filter)TRAP;
    }
    filter[k++] = (struct sock_filter)ALLOW;

    struct sock_fprog prog = {
        .len = (unsigned short)k,
        .filter = filter,
    };
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
        return -1;
    }
    if (syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER,
                SECCOMP_FILTER_FLAG_TSYNC, &prog) < 0)
    {
        return -1;
    }
    return 0;
}
