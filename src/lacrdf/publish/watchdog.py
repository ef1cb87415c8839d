"""The watchdog of a ``lacrdf serve`` process: it kills that process's Oxigraph children and removes its
temporary folder once the process is gone, however it ended (SIGKILL included). The process holds the
write end of the watchdog's stdin and writes ``pid N`` / ``gone N`` lines to it; the kernel closes that end
when the process dies, and the watchdog reads end-of-file.

Run as a script (``python -I -S watchdog.py FOLDER BINARY``), standard library only, in a session of its
own, so that neither Ctrl-C in the terminal nor a kill of the process group ends it before its work."""

from __future__ import annotations

import os
import shutil
import signal
import sys
import time

GONE_WAIT = 5.0  # seconds to wait for killed processes to disappear before removing the folder


def _is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].split()[0] != b"Z"  # a zombie has stopped running
    except OSError:
        return True


def _is_ours(pid: int, binary: str) -> bool:
    """Whether the pid still runs the Oxigraph binary (and is not a new process that reused the pid)."""
    try:
        return os.path.realpath(f"/proc/{pid}/exe") == os.path.realpath(binary)
    except OSError:
        return not os.path.isdir("/proc")  # no /proc to ask (not Linux): trust the owner's list


def main(folder: str, binary: str) -> int:
    for name in ("SIGINT", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_IGN)
    pids: set[int] = set()
    for line in sys.stdin.buffer:  # until end-of-file: the owner closed it, or died
        words = line.split()
        if len(words) == 2 and words[1].isdigit():
            if words[0] == b"pid":
                pids.add(int(words[1]))
            elif words[0] == b"gone":
                pids.discard(int(words[1]))
    for pid in sorted(pids):
        if _is_alive(pid) and _is_ours(pid, binary):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
    deadline = time.monotonic() + GONE_WAIT
    while any(_is_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
