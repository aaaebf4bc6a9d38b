"""A single-node Apache Kafka 4.4.0 broker (KRaft, combined broker + controller) run with ``java``.

The jars come from Maven Central through ``deploy/local/kafka/pom.xml`` (resolved once into a cache
folder, never committed). Everything else lives in the broker's home folder::

    <home>/server.properties    generated from the ports and data folder
    <home>/log4j2.properties    copied from deploy/local/kafka/log4j2.properties
    <home>/cluster.json         cluster id and the ports the storage was formatted with
    <home>/data/                KRaft metadata and topic partitions (formatted once)

With :attr:`BrokerConfig.scram_admin` set (the ``vaxtrail up`` stack, tests/integration/test_kafka_acls.py) the client
listener is ``SASL_PLAINTEXT`` with SCRAM-SHA-512 and the broker runs Kafka's ``StandardAuthorizer`` with no access
without an ACL (:func:`server_properties`); the admin's SCRAM credential is written into the storage at format
time, every other principal's by the admin afterwards (:mod:`vaxtrail_cli.kafka_auth`). Without it (the test
suite's shared broker) the listener is ``PLAINTEXT`` and there is no authorizer.

The controller port is written into the storage at format time, so a formatted home folder keeps its
ports; :func:`start` refuses other ports rather than silently reformatting (delete ``<home>/data`` and
``cluster.json`` to start over). Every function takes an explicit :class:`BrokerConfig`, so the test
suite runs a throwaway broker in a temporary folder on free ports.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from vaxtrail_cli import processes
from vaxtrail_cli.paths import (
    DEFAULT_KAFKA_CONTROLLER_PORT,
    DEFAULT_KAFKA_PORT,
    KAFKA_POM,
    KAFKA_VERSION,
    LOG4J2_TEMPLATE,
    StackPaths,
)

Printer = Callable[[str], None]
SCRAM_MECHANISM = "SCRAM-SHA-512"
AUTHORIZER = "org.apache.kafka.metadata.authorizer.StandardAuthorizer"


class BrokerError(RuntimeError):
    """The broker could not be resolved, formatted, started or stopped."""


@dataclass(frozen=True)
class BrokerConfig:
    home: Path
    libs: Path
    log_file: Path
    pid_file: Path
    port: int = DEFAULT_KAFKA_PORT
    controller_port: int = DEFAULT_KAFKA_CONTROLLER_PORT
    heap_mb: int = 512
    fast_start: bool = False
    """Adds ``-XX:TieredStopAtLevel=1``: quicker start, slower peak. For tests only."""
    scram_admin: tuple[str, str] | None = field(default=None, repr=False)
    """(username, password) of the super user: turns on SASL/SCRAM and the authorizer (module docstring)."""

    @property
    def sasl(self) -> bool:
        return self.scram_admin is not None

    @property
    def admin_security(self) -> dict[str, str]:
        """The kafka-python options the admin connects with (empty: a plaintext broker)."""
        if self.scram_admin is None:
            return {}
        username, password = self.scram_admin
        return {"security_protocol": "SASL_PLAINTEXT", "sasl_mechanism": SCRAM_MECHANISM,
                "sasl_plain_username": username, "sasl_plain_password": password}

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    @property
    def server_properties(self) -> Path:
        return self.home / "server.properties"

    @property
    def log4j2_properties(self) -> Path:
        return self.home / "log4j2.properties"

    @property
    def cluster_file(self) -> Path:
        return self.home / "cluster.json"

    @property
    def marker(self) -> str:
        """Identifies this broker's java process in ``/proc/<pid>/cmdline``."""
        return str(self.server_properties)

    @classmethod
    def for_stack(cls, paths: StackPaths, *, scram_admin: tuple[str, str] | None = None) -> BrokerConfig:
        return cls(
            scram_admin=scram_admin,
            home=paths.kafka_home,
            libs=paths.kafka_libs,
            log_file=paths.logs / "kafka.log",
            pid_file=paths.run / "kafka.pid",
            port=paths.kafka_port,
            controller_port=paths.kafka_controller_port,
        )


@dataclass(frozen=True)
class BrokerStatus:
    pid: int | None
    bootstrap: str

    @property
    def running(self) -> bool:
        return self.pid is not None


def find_java() -> str:
    java_home = os.environ.get("JAVA_HOME")
    if java_home:
        candidate = Path(java_home) / "bin" / "java"
        if candidate.is_file():
            return str(candidate)
    found = shutil.which("java")
    if not found:
        raise BrokerError("java not found (install a JDK 17+ or set JAVA_HOME)")
    return found


def find_maven() -> str:
    for var in ("MAVEN_HOME", "M2_HOME"):
        home = os.environ.get(var)
        if home and (Path(home) / "bin" / "mvn").is_file():
            return str(Path(home) / "bin" / "mvn")
    found = shutil.which("mvn")
    if not found:
        raise BrokerError("mvn not found: Maven resolves the Kafka broker jars (install it or set MAVEN_HOME)")
    return found


def jar_problems(libs: Path) -> list[str]:
    """What is wrong with a jar folder (empty list when it can run the broker)."""
    if not libs.is_dir():
        return [f"{libs} does not exist"]
    names = [p.name for p in libs.glob("*.jar")]
    problems = []
    if f"kafka_2.13-{KAFKA_VERSION}.jar" not in names:
        problems.append(f"kafka_2.13-{KAFKA_VERSION}.jar missing")
    slf4j = [n for n in names if n.startswith("slf4j-api-")]
    if len(slf4j) != 1:
        problems.append(f"expected exactly one slf4j-api jar, found {slf4j or 'none'}")
    if not any(n.startswith("log4j-slf4j-impl-") for n in names):
        problems.append("log4j-slf4j-impl (SLF4J 1.x binding) missing: the broker would log nothing")
    return problems


def resolve_jars(libs: Path, *, pom: Path = KAFKA_POM, out: Printer = print) -> Path:
    """Make sure ``libs`` holds the broker's runtime jars, running Maven only when they are missing."""
    if not jar_problems(libs):
        out(f"Kafka {KAFKA_VERSION} jars: present in {libs}")
        return libs
    mvn = find_maven()
    libs.parent.mkdir(parents=True, exist_ok=True)
    partial = libs.parent / f"{libs.name}.partial-{os.getpid()}"
    shutil.rmtree(partial, ignore_errors=True)
    out(f"Kafka {KAFKA_VERSION} jars: resolving with Maven ({pom}) into {libs} ...")
    started = time.monotonic()
    cmd = [mvn, "-B", "-q", "-f", str(pom), "dependency:copy-dependencies",
           "-DincludeScope=runtime", f"-DoutputDirectory={partial}"]
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        shutil.rmtree(partial, ignore_errors=True)
        raise BrokerError(f"Maven failed (exit {result.returncode}): {' '.join(cmd)}\n"
                          f"{result.stdout[-4000:]}{result.stderr[-4000:]}")
    problems = jar_problems(partial)
    if problems:
        raise BrokerError(f"Maven resolved an unusable jar set in {partial}: {'; '.join(problems)}")
    if libs.exists():
        shutil.rmtree(libs)
    partial.rename(libs)
    count = len(list(libs.glob("*.jar")))
    out(f"Kafka {KAFKA_VERSION} jars: {count} jars in {libs} ({time.monotonic() - started:.1f}s)")
    return libs


def server_properties(cfg: BrokerConfig) -> str:
    """The broker's configuration. With SASL: the client listener ``SASL_PLAINTEXT`` (SCRAM-SHA-512), the
    ``StandardAuthorizer`` denying what no ACL allows, the admin a super user. The controller listener stays
    PLAINTEXT on 127.0.0.1 (KRaft cannot check SCRAM there: the credentials live in the metadata it serves), so
    its principal, ``User:ANONYMOUS``, is a super user too: the broker registers with its controller over it."""
    controller = f"127.0.0.1:{cfg.controller_port}"
    client = "SASL_PLAINTEXT" if cfg.sasl else "PLAINTEXT"
    lines = [
        "# Generated by vaxtrail_cli.kafka_broker; edits are overwritten on the next start.",
        "process.roles=broker,controller",
        "node.id=1",
        f"controller.quorum.bootstrap.servers={controller}",
        f"listeners={client}://127.0.0.1:{cfg.port},CONTROLLER://{controller}",
        f"advertised.listeners={client}://127.0.0.1:{cfg.port},CONTROLLER://{controller}",
        "controller.listener.names=CONTROLLER",
        f"inter.broker.listener.name={client}",
        f"listener.security.protocol.map=CONTROLLER:PLAINTEXT,{client}:{client}",
        f"log.dirs={cfg.data_dir}",
        "offsets.topic.replication.factor=1",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "share.coordinator.state.topic.replication.factor=1",
        "share.coordinator.state.topic.min.isr=1",
        "default.replication.factor=1",
        "# faster on 2 cores (defaults: 50, 50, 3000 ms, 3, 8, 10)",
        "offsets.topic.num.partitions=1",
        "transaction.state.log.num.partitions=1",
        "group.initial.rebalance.delay.ms=0",
        "num.network.threads=1",
        "num.io.threads=2",
        "background.threads=2",
        "auto.create.topics.enable=false",
    ]
    if cfg.scram_admin is not None:
        username, password = cfg.scram_admin
        lines += [
            f"sasl.enabled.mechanisms={SCRAM_MECHANISM}",
            f"sasl.mechanism.inter.broker.protocol={SCRAM_MECHANISM}",
            f"listener.name.sasl_plaintext.{SCRAM_MECHANISM.lower()}.sasl.jaas.config="
            f'org.apache.kafka.common.security.scram.ScramLoginModule required username="{username}" '
            f'password="{password}";',
            f"authorizer.class.name={AUTHORIZER}",
            f"super.users=User:{username};User:ANONYMOUS",
            "allow.everyone.if.no.acl.found=false",
        ]
    return "\n".join(lines) + "\n"


def write_config(cfg: BrokerConfig) -> None:
    cfg.home.mkdir(parents=True, exist_ok=True)
    cfg.log_file.parent.mkdir(parents=True, exist_ok=True)
    cfg.server_properties.touch(mode=0o600)
    cfg.server_properties.chmod(0o600)  # holds the admin's password when SASL is on
    cfg.server_properties.write_text(server_properties(cfg))
    shutil.copyfile(LOG4J2_TEMPLATE, cfg.log4j2_properties)


def _jvm_args(cfg: BrokerConfig) -> list[str]:
    args = [
        "-Xms256m",
        f"-Xmx{cfg.heap_mb}m",
        "-XX:+UseSerialGC",
        "-XX:+ExitOnOutOfMemoryError",
        "-Djava.awt.headless=true",
        f"-Dlog4j2.configurationFile={cfg.log4j2_properties}",
        f"-Dkafka.logs.dir={cfg.log_file.parent}",
    ]
    if cfg.fast_start:
        args.append("-XX:TieredStopAtLevel=1")
    return args


def _run_tool(cfg: BrokerConfig, *tool_args: str) -> str:
    cmd = [find_java(), *_jvm_args(cfg), "-cp", f"{cfg.libs}/*", "kafka.tools.StorageTool", *tool_args]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise BrokerError(f"StorageTool {tool_args[0]} failed (exit {result.returncode}):\n"
                          f"{result.stdout[-4000:]}{result.stderr[-4000:]}")
    return result.stdout


def new_cluster_id() -> str:
    """A cluster id as ``kafka-storage random-uuid`` makes it (URL-safe base64 of 16 random bytes, no
    padding, never starting with ``-``), without starting a JVM for it."""
    while True:
        cluster_id = base64.urlsafe_b64encode(os.urandom(16)).decode().rstrip("=")
        if not cluster_id.startswith("-"):
            return cluster_id


def read_cluster_file(cfg: BrokerConfig) -> dict[str, object] | None:
    try:
        return json.loads(cfg.cluster_file.read_text())
    except FileNotFoundError:
        return None


def ensure_formatted(cfg: BrokerConfig, *, out: Printer = print) -> str:
    """Format the data folder once (new cluster id); later calls check the ports. Returns the cluster id."""
    info = read_cluster_file(cfg)
    if info is not None and (cfg.data_dir / "meta.properties").is_file():
        if (info.get("port"), info.get("controller_port")) != (cfg.port, cfg.controller_port):
            raise BrokerError(
                f"{cfg.data_dir} was formatted for ports {info.get('port')}/{info.get('controller_port')}, "
                f"not {cfg.port}/{cfg.controller_port}; use those ports or delete {cfg.data_dir} and "
                f"{cfg.cluster_file} (this discards every topic)")
        if cfg.sasl and not info.get("scram_admin"):
            raise BrokerError(
                f"{cfg.data_dir} was formatted before the broker used SASL/SCRAM, so it holds no admin credential; "
                f"stop everything (`vaxtrail down`) and delete {cfg.data_dir} and {cfg.cluster_file} to start over "
                "(this discards every topic)")
        return str(info["cluster_id"])
    shutil.rmtree(cfg.data_dir, ignore_errors=True)
    started = time.monotonic()
    cluster_id = new_cluster_id()
    scram = []
    if cfg.scram_admin is not None:
        username, password = cfg.scram_admin
        scram = ["--add-scram", f"{SCRAM_MECHANISM}=[name={username},password={password}]"]
    _run_tool(cfg, "format", "--standalone", "-t", cluster_id, "-c", str(cfg.server_properties), *scram)
    cfg.cluster_file.write_text(json.dumps(
        {"cluster_id": cluster_id, "port": cfg.port, "controller_port": cfg.controller_port,
         "scram_admin": cfg.scram_admin[0] if cfg.scram_admin else None,
         "formatted_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}, indent=2) + "\n")
    out(f"Kafka: formatted {cfg.data_dir} (cluster {cluster_id}, {time.monotonic() - started:.1f}s)")
    return cluster_id


def _admin_ready(cfg: BrokerConfig) -> bool:
    from eventkit.kafka import kafka_reachable

    return kafka_reachable(cfg.bootstrap, client_id="vaxtrail-readiness", **cfg.admin_security)


def wait_ready(cfg: BrokerConfig, pid: int, *, timeout: float = 90.0) -> float:
    """Poll until an admin metadata call succeeds; fail fast if ``pid`` exits. Returns the seconds waited."""
    started = time.monotonic()
    deadline = started + timeout
    while True:
        if not processes.pid_alive(pid):
            raise BrokerError(f"Kafka (pid {pid}) exited during start-up; last lines of {cfg.log_file}:\n"
                              f"{processes.log_tail(cfg.log_file)}")
        if processes.port_in_use(cfg.port) and _admin_ready(cfg):
            return time.monotonic() - started
        if time.monotonic() > deadline:
            raise BrokerError(f"Kafka (pid {pid}) not ready on {cfg.bootstrap} after {timeout:.0f}s; last "
                              f"lines of {cfg.log_file}:\n{processes.log_tail(cfg.log_file)}")
        time.sleep(0.25)


def status(cfg: BrokerConfig) -> BrokerStatus:
    return BrokerStatus(pid=processes.running_pid(cfg.pid_file, cfg.marker), bootstrap=cfg.bootstrap)


def start(cfg: BrokerConfig, *, timeout: float = 90.0, out: Printer = print, check_ports: bool = True) -> int:
    """Start the broker (or reuse the one already running from ``cfg.home``) and wait until it serves.

    Returns the java process id. ``check_ports=False`` skips the check that the ports are free: a broker
    restarted right after it was killed finds its port held by connections in TIME_WAIT, which the broker
    itself binds through (``SO_REUSEADDR``) but the check's plain bind does not.
    """
    running = processes.running_pid(cfg.pid_file, cfg.marker)
    if running is not None:
        wait_ready(cfg, running, timeout=timeout)
        out(f"Kafka: already running (pid {running}) on {cfg.bootstrap}")
        return running
    for port in (cfg.port, cfg.controller_port) if check_ports else ():
        if processes.port_in_use(port):
            raise BrokerError(f"port 127.0.0.1:{port} is already in use by another process; pick other ports "
                              "(VAXTRAIL_KAFKA_PORT / VAXTRAIL_KAFKA_CONTROLLER_PORT) or stop that process")
    resolve_jars(cfg.libs, out=out)
    write_config(cfg)
    ensure_formatted(cfg, out=out)
    argv = [find_java(), *_jvm_args(cfg), "-cp", f"{cfg.libs}/*", "kafka.Kafka", str(cfg.server_properties)]
    proc = processes.spawn_detached(argv, log_file=cfg.log_file, pid_file=cfg.pid_file, cwd=cfg.home)
    try:
        waited = wait_ready(cfg, proc.pid, timeout=timeout)
    except BrokerError:
        processes.stop_pid_file(cfg.pid_file, marker=cfg.marker, timeout=10)
        raise
    out(f"Kafka: started (pid {proc.pid}) on {cfg.bootstrap} in {waited:.1f}s; log {cfg.log_file}")
    return proc.pid


def stop(cfg: BrokerConfig, *, timeout: float = 30.0, out: Printer = print) -> bool:
    """SIGTERM the broker (controlled shutdown), SIGKILL after ``timeout``. True if one was running."""
    pid = processes.stop_pid_file(cfg.pid_file, marker=cfg.marker, timeout=timeout)
    if pid is None:
        out("Kafka: not running")
        return False
    out(f"Kafka: stopped (pid {pid})")
    return True
