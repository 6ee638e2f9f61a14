"""The bundled local Neo4j: genuine Neo4j Community 5.26 assembled from Maven Central.

``neo4j-local/pom.xml`` copies the server's jars (plus the Browser jar, on the classpath so that
``/browser/`` is served) into ``neo4j-local/target/neo4j-home/lib`` and APOC into ``plugins``.
This module builds that once (cached until the pom changes), writes ``conf/neo4j.conf`` into the
server home (``TRACEGRAPH_NEO4J_HOME``, default ``neo4j-local/home``), sets the initial password,
and runs the stock entry point ``org.neo4j.server.CommunityEntryPoint`` in the background.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from neo4j import GraphDatabase
from neo4j.exceptions import AuthError, ServiceUnavailable

from resolution.errors import LocalNeo4jError
from resolution.settings import ResolutionSettings

ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
ADMIN_ENTRY_POINT = "org.neo4j.server.startup.Neo4jAdminCommand"
# The JVM flags the stock neo4j.conf sets (server.jvm.additional).
JVM_FLAGS = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+AlwaysPreTouch",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.tls.ephemeralDHKeySize=2048",
    "-Djdk.tls.rejectClientInitiatedRenegotiation=true",
    "-XX:FlightRecorderOptions=stackdepth=256",
    "-XX:+UnlockDiagnosticVMOptions",
    "-XX:+DebugNonSafepoints",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-Dlog4j2.disable.jmx=true",
)


@dataclass(frozen=True)
class ServerStatus:
    running: bool
    pid: int | None
    bolt_uri: str
    browser_url: str
    home: Path
    message: str


class LocalNeo4j:
    """Build, start, stop and inspect the local server described by ``settings``."""

    def __init__(self, settings: ResolutionSettings) -> None:
        self.settings = settings
        self.project = settings.neo4j_project_dir.resolve()
        self.dist = self.project / "target" / "neo4j-home"
        self.home = settings.neo4j_home.resolve()  # the server runs with its home as cwd
        self.pid_file = self.home / "run" / "tracegraph-neo4j.pid"
        self.console_log = self.home / "logs" / "console.log"

    # ---- build -------------------------------------------------------------------------------
    @property
    def bolt_uri(self) -> str:
        return f"bolt://127.0.0.1:{self.settings.neo4j_bolt_port}"

    @property
    def browser_url(self) -> str:
        return f"http://localhost:{self.settings.neo4j_http_port}/browser/"

    def _built_marker(self) -> Path:
        return self.dist / ".built-from-pom"

    def is_built(self) -> bool:
        marker = self._built_marker()
        pom = self.project / "pom.xml"
        return (
            marker.exists()
            and (self.dist / "lib").is_dir()
            and marker.read_text() == pom.read_text()
        )

    def build(self) -> None:
        """Run Maven once to assemble lib/ and plugins/ (skipped when the pom has not changed)."""
        if self.is_built():
            return
        mvn = shutil.which("mvn")
        if mvn is None:
            raise LocalNeo4jError("Maven (mvn) is not on PATH: install Maven 3.8+ and Java 17")
        if self.dist.exists():
            shutil.rmtree(self.dist)
        result = subprocess.run(
            [mvn, "-B", "-q", "package"], cwd=self.project, capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
            raise LocalNeo4jError(f"building the local Neo4j with Maven failed:\n{tail}")
        self._built_marker().write_text((self.project / "pom.xml").read_text())

    # ---- process -----------------------------------------------------------------------------
    def _java(self) -> str:
        java_home = os.environ.get("JAVA_HOME")
        if java_home and (Path(java_home) / "bin" / "java").exists():
            return str(Path(java_home) / "bin" / "java")
        java = shutil.which("java")
        if java is None:
            raise LocalNeo4jError("Java 17 is not installed (no java on PATH and no JAVA_HOME)")
        return java

    def _classpath(self) -> str:
        return f"{self.dist / 'plugins'}/*:{self.dist / 'lib'}/*"

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["NEO4J_HOME"] = str(self.home)
        env["NEO4J_CONF"] = str(self.home / "conf")
        return env

    def write_config(self) -> None:
        s = self.settings
        for sub in ("conf", "data", "logs", "run", "import"):
            (self.home / sub).mkdir(parents=True, exist_ok=True)
        lines = [
            "# Written by tracegraph (resolution.graph.local_server); edits are overwritten on start.",
            "server.default_listen_address=127.0.0.1",
            f"server.bolt.listen_address=:{s.neo4j_bolt_port}",
            f"server.http.listen_address=:{s.neo4j_http_port}",
            "server.https.enabled=false",
            f"server.memory.heap.initial_size={s.neo4j_heap}",
            f"server.memory.heap.max_size={s.neo4j_heap}",
            f"server.memory.pagecache.size={s.neo4j_pagecache}",
            "dbms.security.auth_enabled=true",
            "dbms.usage_report.enabled=false",
            "dbms.security.procedures.unrestricted=apoc.*",
            f"server.directories.plugins={self.dist / 'plugins'}",
            "db.transaction.timeout=60s",
            f"db.tx_log.rotation.retention_policy={s.neo4j_tx_log_retention}",
        ]
        (self.home / "conf" / "neo4j.conf").write_text("\n".join(lines) + "\n", encoding="utf-8")

    def _set_initial_password(self) -> None:
        if (self.home / "data" / "dbms" / "auth.ini").exists():
            return
        password = self.settings.neo4j_password.get_secret_value()
        if len(password) < 8:
            raise LocalNeo4jError("NEO4J_PASSWORD must have at least 8 characters for Neo4j 5")
        result = subprocess.run(
            [self._java(), "-cp", self._classpath(), ADMIN_ENTRY_POINT, "dbms", "set-initial-password", password],
            env=self._env(), capture_output=True, text=True, check=False,
        )
        if result.returncode != 0:
            raise LocalNeo4jError(f"setting the initial password failed: {result.stderr.strip()[-500:]}")

    def _pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            return pid
        return pid

    def bolt_answers(self) -> bool:
        driver = GraphDatabase.driver(
            self.bolt_uri,
            auth=(self.settings.neo4j_user, self.settings.neo4j_password.get_secret_value()),
            connection_timeout=2,
        )
        try:
            driver.verify_connectivity()
            return True
        except AuthError as exc:
            raise LocalNeo4jError(
                f"Neo4j at {self.bolt_uri} refused NEO4J_USER/NEO4J_PASSWORD: {exc.message}. "
                f"The password was fixed when {self.home / 'data'} was created; use that one or "
                "delete the data folder to start afresh."
            ) from exc
        except (ServiceUnavailable, OSError):
            return False
        finally:
            driver.close()

    def start(self) -> ServerStatus:
        """Start in the background and wait until Bolt answers (idempotent)."""
        if self._pid() is not None and self.bolt_answers():
            return self.status()
        self.build()
        self.write_config()
        self._set_initial_password()
        command = [
            self._java(), f"-Xms{self.settings.neo4j_heap}", f"-Xmx{self.settings.neo4j_heap}", *JVM_FLAGS,
            "-cp", self._classpath(), ENTRY_POINT,
            f"--home-dir={self.home}", f"--config-dir={self.home / 'conf'}",
        ]
        self.console_log.parent.mkdir(parents=True, exist_ok=True)
        with self.console_log.open("ab") as log:
            process = subprocess.Popen(
                command, cwd=self.home, env=self._env(), stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )
        self.pid_file.write_text(str(process.pid))
        deadline = time.monotonic() + self.settings.neo4j_start_timeout_s
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise LocalNeo4jError(
                    f"Neo4j exited with status {process.returncode} while starting; "
                    f"last lines of {self.home / 'logs' / 'neo4j.log'}:\n{self._log_tail()}"
                )
            if self.bolt_answers():
                return self.status()
            time.sleep(0.5)
        raise LocalNeo4jError(
            f"Neo4j did not answer on {self.bolt_uri} within {self.settings.neo4j_start_timeout_s:.0f} s:\n"
            f"{self._log_tail()}"
        )

    def _log_tail(self, lines: int = 20) -> str:
        for path in (self.home / "logs" / "neo4j.log", self.console_log):
            if path.exists():
                return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
        return "(no log written)"

    def stop(self, timeout_s: float = 60.0) -> ServerStatus:
        """Stop cleanly (SIGTERM, then SIGKILL after ``timeout_s``)."""
        pid = self._pid()
        if pid is None:
            return self.status()
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and self._pid() is not None:
            self._reap(pid)
            time.sleep(0.3)
        if self._pid() is not None:
            os.kill(pid, signal.SIGKILL)
            time.sleep(0.5)
            self._reap(pid)
        self.pid_file.unlink(missing_ok=True)
        return self.status()

    @staticmethod
    def _reap(pid: int) -> None:
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass

    def status(self) -> ServerStatus:
        pid = self._pid()
        answers = pid is not None and self.bolt_answers()
        if answers:
            message = f"running (pid {pid}), Bolt {self.bolt_uri}, Browser {self.browser_url}"
        elif pid is not None:
            message = f"process {pid} is alive but Bolt does not answer yet"
        else:
            message = "not running"
        return ServerStatus(answers, pid, self.bolt_uri, self.browser_url, self.home, message)
