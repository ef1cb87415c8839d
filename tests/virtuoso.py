"""A throwaway Virtuoso 7 for tests/test_virtuoso.py: its own virtuoso.ini and database in a temporary
folder, its HTTP and SQL ports on loopback, started in a process group of its own that is killed when
the test run ends, however it ends."""

from __future__ import annotations

import ctypes
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import requests

from lacrdf.publish.server import free_port

WAIT = 60.0  # upper bound for Virtuoso to start, stop or answer one isql command
INSTALL_HINT = "run 'make system-deps' (scripts/system-deps.sh installs Debian's virtuoso-opensource)"

INI = """\
; written by tests/virtuoso.py: a database of its own, on loopback only
[Database]
DatabaseFile        = {folder}/virtuoso.db
ErrorLogFile        = {folder}/virtuoso.log
LockFile            = {folder}/virtuoso.lck
TransactionFile     = {folder}/virtuoso.trx
xa_persistent_file  = {folder}/virtuoso.pxa
ErrorLogLevel       = 7
FileExtend          = 200
MaxCheckpointRemap  = 2000
Striping            = 0
TempStorage         = TempDatabase

[TempDatabase]
DatabaseFile        = {folder}/virtuoso-temp.db
TransactionFile     = {folder}/virtuoso-temp.trx
MaxCheckpointRemap  = 2000
Striping            = 0

[Parameters]
ServerPort          = 127.0.0.1:{sql_port}
DisableUnixSocket   = 1
MaxClientConnections = 10
CheckpointInterval  = 60
CaseMode            = 2
AllowOSCalls        = 0
DirsAllowed         = {folder}
NumberOfBuffers     = 10000
MaxDirtyBuffers     = 6000
ThreadsPerQuery     = 2

[HTTPServer]
ServerPort          = 127.0.0.1:{http_port}
ServerRoot          = {folder}
ServerThreads       = 4
MaxClientConnections = 4
EnabledDavVSP       = 0
Charset             = UTF-8

[SPARQL]
; Virtuoso cuts every result at ResultSetMaxRows without saying so: far above any stored query's rows
ResultSetMaxRows    = 1000000
MaxQueryExecutionTime = 60
MaxQueryCostEstimationTime = 400
"""


class VirtuosoError(Exception):
    """Virtuoso is missing, did not start or refused a command: one line saying which."""


def _own_group_dies_with_us() -> None:
    """preexec_fn: a process group of its own (so a stop reaches every process of it) and SIGKILL from
    Linux when the test process dies, so not even a killed pytest leaves Virtuoso running."""
    os.setsid()
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG


class Virtuoso:
    """``start()`` writes virtuoso.ini in ``folder``, starts ``virtuoso-t`` and waits (bounded) until its
    SPARQL endpoint answers, then gives the dba user a random password; ``stop()`` ends the process group
    and removes the database files (the log stays for a look after a failure)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.http_port = free_port()
        self.sql_port = free_port()
        while self.sql_port == self.http_port:
            self.sql_port = free_port()
        self.password = "dba"  # a new database's; replaced by a random one once it runs
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def query_url(self) -> str:
        return self.url + "/sparql"

    @property
    def store_url(self) -> str:
        """Virtuoso's Graph Store Protocol endpoint without authentication (it writes as the SPARQL
        user, so that user needs the SPARQL_UPDATE role)."""
        return self.url + "/sparql-graph-crud"

    def start(self) -> None:
        server = shutil.which("virtuoso-t")
        if server is None or shutil.which("isql-vt") is None:
            raise VirtuosoError(f"Virtuoso is not installed (no virtuoso-t or isql-vt on PATH); {INSTALL_HINT}")
        ini = self.folder / "virtuoso.ini"
        ini.write_text(INI.format(folder=self.folder, sql_port=self.sql_port, http_port=self.http_port))
        with (self.folder / "virtuoso.out").open("wb") as out:
            self.process = subprocess.Popen([server, "+configfile", str(ini), "+foreground"], cwd=self.folder,
                                            stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                            preexec_fn=_own_group_dies_with_us)
        deadline = time.monotonic() + WAIT
        while not (self._answers() and self._accepts_sql()):
            if self.process.poll() is not None:
                raise VirtuosoError(f"virtuoso-t exited with code {self.process.returncode} while starting: "
                                    f"{self._last_log_line()}")
            if time.monotonic() > deadline:
                raise VirtuosoError(f"Virtuoso did not answer on {self.query_url} within {WAIT:g} s: "
                                    f"{self._last_log_line()}")
            time.sleep(0.2)
        new_password = secrets.token_hex(12)
        self.isql(f"USER_SET_PASSWORD('dba', '{new_password}');")
        self.password = new_password

    def isql(self, sql: str) -> str:
        """Run SQL statements as dba with ``isql-vt``; VirtuosoError with Virtuoso's message if one fails
        (isql-vt exits 0 after a failed statement and prints the error on stderr)."""
        try:
            done = subprocess.run(["isql-vt", f"127.0.0.1:{self.sql_port}", "dba", self.password, f"exec={sql}"],
                                  capture_output=True, text=True, timeout=WAIT, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise VirtuosoError(f"isql-vt gave no answer within {WAIT:g} s") from None
        output = (done.stderr + done.stdout).splitlines()
        # an error is "*** Error CODE: [Virtuoso Driver]...: Line 1: " with its detail on the next line
        errors = [" ".join(output[i:i + 2]) for i, line in enumerate(output) if line.startswith("*** Error")]
        if done.returncode != 0 or errors:
            detail = errors[0] if errors else f"exit code {done.returncode}"
            if self.password != "dba":  # the random one is not shown; a new database's is no secret
                detail = detail.replace(self.password, "***")
            raise VirtuosoError(f"isql-vt failed: {detail}")
        return done.stdout

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None:
            # the group is signalled only while its leader is not reaped, so its id cannot be another's
            for stop in (signal.SIGTERM, signal.SIGKILL):  # SIGTERM: Virtuoso's quick shutdown
                if process.poll() is not None:
                    break
                os.killpg(process.pid, stop)
                try:
                    process.wait(WAIT)
                except subprocess.TimeoutExpired:
                    continue
        for pattern in ("*.db", "*.trx"):  # about 75 MB a run; pytest keeps the last few tmp folders
            for path in self.folder.glob(pattern):
                path.unlink()

    def __enter__(self) -> Virtuoso:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _answers(self) -> bool:
        try:
            return requests.get(self.query_url, params={"query": "ASK {}"}, timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def _accepts_sql(self) -> bool:
        try:
            socket.create_connection(("127.0.0.1", self.sql_port), timeout=2).close()
        except OSError:
            return False
        return True

    def _last_log_line(self) -> str:
        for name in ("virtuoso.out", "virtuoso.log"):
            path = self.folder / name
            lines = path.read_text(errors="replace").split("\n") if path.is_file() else []
            # the line before "Server exiting" says why
            lines = [line.strip() for line in lines if line.strip() and not line.endswith("Server exiting")]
            if lines:
                return lines[-1]
        return "no log"
