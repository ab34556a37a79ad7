"""The guards of the rest of the standard library, as one table."""

import json
import unittest
from test.support import os_helper
from test.test_lockdown.util import LockdownTestCase


class StandardLibraryGuardTests(LockdownTestCase):
    """The guards of issue-3 scope: one table, each call run unlocked (it
    must reach the real function: a result or an OSError-like error) and
    locked (it must be refused with the guard's own operation)."""

    # (call, operation, kind): each call is evaluated in the namespace the
    # scenario guard_table sets up (open files, a terminal, queues...).
    CALLS = [
        # posix: who and where the host is
        ("os.getppid()", "os.getppid", "host identity"),
        ("os.getuid()", "os.getuid", "host identity"),
        ("os.geteuid()", "os.geteuid", "host identity"),
        ("os.getgid()", "os.getgid", "host identity"),
        ("os.getegid()", "os.getegid", "host identity"),
        ("os.getgroups()", "os.getgroups", "host identity"),
        ("os.getgrouplist('root', 0)", "os.getgrouplist", "host identity"),
        ("os.getlogin()", "os.getlogin", "host identity"),
        ("os.getresuid()", "os.getresuid", "host identity"),
        ("os.getresgid()", "os.getresgid", "host identity"),
        ("os.getpgrp()", "os.getpgrp", "host identity"),
        ("os.getpgid(0)", "os.getpgid", "host identity"),
        ("os.getsid(0)", "os.getsid", "host identity"),
        ("os.uname()", "os.uname", "host identity"),
        ("os.ctermid()", "os.ctermid", "host identity"),
        ("os.ttyname(slave)", "os.ttyname", "host identity"),
        ("os.getloadavg()", "os.getloadavg", "host identity"),
        ("os.getpriority(os.PRIO_PROCESS, 0)", "os.getpriority",
         "host identity"),
        ("os.sched_getaffinity(1)", "os.sched_getaffinity", "host identity"),
        ("os.sched_getscheduler(0)", "os.sched_getscheduler",
         "host identity"),
        ("os.sched_getparam(0)", "os.sched_getparam", "host identity"),
        ("os.tcgetpgrp(slave)", "os.tcgetpgrp", "host identity"),
        # posix: process state
        ("os.setsid()", "os.setsid", "OS state"),
        ("os.setpgid(0, 0)", "os.setpgid", "OS state"),
        ("os.setpgrp()", "os.setpgrp", "OS state"),
        ("os.setuid(uid)", "os.setuid", "OS state"),
        ("os.seteuid(euid)", "os.seteuid", "OS state"),
        ("os.setgid(gid)", "os.setgid", "OS state"),
        ("os.setegid(egid)", "os.setegid", "OS state"),
        ("os.setreuid(-1, -1)", "os.setreuid", "OS state"),
        ("os.setregid(-1, -1)", "os.setregid", "OS state"),
        ("os.setresuid(-1, -1, -1)", "os.setresuid", "OS state"),
        ("os.setresgid(-1, -1, -1)", "os.setresgid", "OS state"),
        ("os.setgroups(groups)", "os.setgroups", "OS state"),
        ("os.initgroups('root', 0)", "os.initgroups", "OS state"),
        ("os.nice(0)", "os.nice", "OS state"),
        ("os.setpriority(os.PRIO_PROCESS, 0, prio)", "os.setpriority",
         "OS state"),
        ("os.sched_setaffinity(0, affinity)", "os.sched_setaffinity",
         "OS state"),
        ("os.sched_setscheduler(0, policy, param)", "os.sched_setscheduler",
         "OS state"),
        ("os.sched_setparam(0, param)", "os.sched_setparam", "OS state"),
        ("os.tcsetpgrp(slave, pgrp)", "os.tcsetpgrp", "OS state"),
        ("os.unshare(0)", "os.unshare", "OS state"),
        # posix: the file system
        ("os.statvfs('/')", "os.statvfs", "file system"),
        ("os.sync()", "os.sync", "file system"),
        ("os.pathconf('/', 'PC_NAME_MAX')", "os.pathconf", "file system"),
        ("os.lockf(data_fd, os.F_TEST, 0)", "os.lockf", "file system"),
        ("os.getxattr(data_path, 'user.ldp')", "os.getxattr", "file system"),
        ("os.setxattr(data_path, 'user.ldp', b'1')", "os.setxattr",
         "file system"),
        ("os.listxattr(data_path)", "os.listxattr", "file system"),
        ("os.removexattr(data_path, 'user.ldp')", "os.removexattr",
         "file system"),
        ("os.openpty()", "os.openpty", "file system"),
        ("os.posix_openpt(os.O_RDWR)", "os.posix_openpt", "file system"),
        ("os.grantpt(pt)", "os.grantpt", "file system"),
        ("os.unlockpt(pt)", "os.unlockpt", "file system"),
        ("os.ptsname(pt)", "os.ptsname", "file system"),
        ("os.pidfd_open(pid)", "os.pidfd_open", "process"),
        # signal
        ("signal.signal(signal.SIGUSR1, signal.SIG_IGN)", "signal.signal",
         "OS state"),
        ("signal.setitimer(signal.ITIMER_REAL, 0)", "signal.setitimer",
         "OS state"),
        ("signal.alarm(0)", "signal.alarm", "OS state"),
        ("signal.pthread_sigmask(signal.SIG_BLOCK, [])",
         "signal.pthread_sigmask", "OS state"),
        ("signal.set_wakeup_fd(-1)", "signal.set_wakeup_fd", "OS state"),
        ("signal.siginterrupt(signal.SIGUSR1, False)", "signal.siginterrupt",
         "OS state"),
        ("signal.pthread_kill(threading.get_ident(), 0)",
         "signal.pthread_kill", "process"),
        ("signal.raise_signal(signal.SIGUSR1)", "signal.raise_signal",
         "process"),
        ("signal.pidfd_send_signal(pidfd, 0)", "signal.pidfd_send_signal",
         "process"),
        # termios
        ("termios.tcsetattr(slave, termios.TCSANOW, attrs)",
         "termios.tcsetattr", "OS state"),
        ("termios.tcsendbreak(slave, 0)", "termios.tcsendbreak", "OS state"),
        ("termios.tcdrain(slave)", "termios.tcdrain", "OS state"),
        ("termios.tcflush(slave, termios.TCIFLUSH)", "termios.tcflush",
         "OS state"),
        ("termios.tcflow(slave, termios.TCOON)", "termios.tcflow",
         "OS state"),
        ("termios.tcsetwinsize(slave, (24, 80))", "termios.tcsetwinsize",
         "OS state"),
        # user and group databases
        ("pwd.getpwuid(0)", "pwd.getpwuid", "host identity"),
        ("pwd.getpwnam('root')", "pwd.getpwnam", "host identity"),
        ("pwd.getpwall()", "pwd.getpwall", "host identity"),
        ("grp.getgrgid(0)", "grp.getgrgid", "host identity"),
        ("grp.getgrnam('root')", "grp.getgrnam", "host identity"),
        ("grp.getgrall()", "grp.getgrall", "host identity"),
        # time and locale
        ("time.tzset()", "time.tzset", "OS state"),
        ("time.clock_settime(time.CLOCK_MONOTONIC, 0.0)",
         "time.clock_settime", "OS state"),
        ("time.clock_settime_ns(time.CLOCK_MONOTONIC, 0)",
         "time.clock_settime_ns", "OS state"),
        ("time.pthread_getcpuclockid(threading.get_ident())",
         "time.pthread_getcpuclockid", "native code"),
        # queues and channels between interpreters, named by small ints
        ("_interpqueues.create(2, 0, 3)", "_interpqueues.create",
         "interpreters"),
        ("_interpqueues.put(qid, 1, 0, 3)", "_interpqueues.put",
         "interpreters"),
        ("_interpqueues.get(qid)", "_interpqueues.get", "interpreters"),
        ("_interpqueues.destroy(gone_qid)", "_interpqueues.destroy",
         "interpreters"),
        ("_interpchannels.create(3)", "_interpchannels.create",
         "interpreters"),
        ("_interpchannels.send(cid, b'x', blocking=False)",
         "_interpchannels.send", "interpreters"),
        ("_interpchannels.recv(cid)", "_interpchannels.recv", "interpreters"),
        ("_interpchannels.send_buffer(cid, b'x', blocking=False)",
         "_interpchannels.send_buffer", "interpreters"),
        ("_interpchannels.close(cid)", "_interpchannels.close",
         "interpreters"),
        ("_interpchannels.destroy(gone_cid)", "_interpchannels.destroy",
         "interpreters"),
        ("_locale.setlocale(_locale.LC_ALL, 'C')", "locale.setlocale",
         "OS state"),
        # files behind other modules
        ("context.load_cert_chain(data_path)",
         "ssl.SSLContext.load_cert_chain", "file system"),
        ("context.load_verify_locations(cafile=data_path)",
         "ssl.SSLContext.load_verify_locations", "file system"),
        ("context.set_default_verify_paths()",
         "ssl.SSLContext.set_default_verify_paths", "file system"),
        ("mmap.mmap(data_fd, 4096)", "mmap.mmap", "file system"),
        ("_multiprocessing.SemLock(1, 1, 1, '/ldp-test-sem', True)",
         "_multiprocessing.SemLock", "file system"),
        ("_multiprocessing.sem_unlink('/ldp-test-none')",
         "_multiprocessing.sem_unlink", "file system"),
        # network identity
        ("socket.if_nameindex()", "socket.if_nameindex", "host identity"),
        ("socket.if_nametoindex('lo')", "socket.if_nametoindex",
         "host identity"),
        ("socket.if_indextoname(1)", "socket.if_indextoname",
         "host identity"),
        ("socket.getprotobyname('tcp')", "socket.getprotobyname",
         "host identity"),
        # interpreter state
        ("sys.setrecursionlimit(1000)", "sys.setrecursionlimit",
         "interpreter"),
        ("sys.setswitchinterval(0.005)", "sys.setswitchinterval",
         "interpreter"),
        ("sys.set_int_max_str_digits(4300)", "sys.set_int_max_str_digits",
         "interpreter"),
        ("sys.setdlopenflags(sys.getdlopenflags())", "sys.setdlopenflags",
         "interpreter"),
        ("sys.activate_stack_trampoline('perf')",
         "sys.activate_stack_trampoline", "interpreter"),
        ("faulthandler.enable(null_fd)", "faulthandler.enable", "OS state"),
        ("faulthandler.dump_traceback_later(100, file=null_fd)",
         "faulthandler.dump_traceback_later", "OS state"),
        ("faulthandler.register(signal.SIGUSR2, null_fd)",
         "faulthandler.register", "OS state"),
        ("faulthandler.dump_traceback(null_fd)", "faulthandler.dump_traceback",
         "OS state"),
        ("atexit.register(len)", "atexit.register", "interpreter"),
        ("atexit.unregister(len)", "atexit.unregister", "interpreter"),
        ("atexit._run_exitfuncs()", "atexit._run_exitfuncs", "interpreter"),
        ("atexit._clear()", "atexit._clear", "interpreter"),
        ("_tracemalloc.start()", "tracemalloc.start", "interpreter"),
        ("_tracemalloc.reset_peak()", "tracemalloc.reset_peak",
         "interpreter"),
        ("_tracemalloc.clear_traces()", "tracemalloc.clear_traces",
         "interpreter"),
        ("_tracemalloc._get_traces()", "tracemalloc._get_traces",
         "interpreter"),
        ("_tracemalloc._get_object_traceback(sys)",
         "tracemalloc._get_object_traceback", "interpreter"),
        # Last: unlocked, setns() joins the namespace the child is in (or
        # fails with EPERM), and login_tty() starts a new session before
        # its data_fd, no terminal, makes it fail with ENOTTY.
        ("os.setns(ns_fd, 0)", "os.setns", "OS state"),
        ("os.login_tty(data_fd)", "os.login_tty", "OS state"),
    ]

    def test_guards(self):
        calls = [call for call, _, _ in self.CALLS]
        # Locked, the child cannot clean up: the test does.
        scratch = self.enterContext(os_helper.temp_dir())
        result = self.run_named_scenario("guard_table", scratch,
                                         json.dumps(calls))
        for (call, operation, kind), before, after in zip(
                self.CALLS, result["before"], result["after"]):
            with self.subTest(call=call):
                # Unlocked, the call reaches the real function.
                self.assertFalse(before["refused"], before)
                self.assertEqual(after, {"refused": True,
                                         "operation": operation,
                                         "kind": kind})

    def test_what_stays_allowed(self):
        result = self.run_named_scenario("what_stays_allowed")
        for name, outcome in result.items():
            self.assertEqual(outcome, {"refused": False, "error": None}, name)


if __name__ == "__main__":
    unittest.main()
