"""Start and stop a real `celery -A jjjtalent worker` process for integration tests and benchmarks.

The worker runs from the repository root with the settings module and environment given (DATABASE_URL must name
the database the caller uses: pytest-django's test database is ``test_<name>``). Each worker is its own process
group, stopped by its id (SIGTERM, then SIGKILL) or killed outright by a fault test.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def database_url(settings_dict: dict) -> str:
    """A DATABASE_URL for the database Django is connected to (the test database under pytest)."""
    from urllib.parse import quote

    user = quote(settings_dict.get("USER") or "")
    password = quote(settings_dict.get("PASSWORD") or "")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{settings_dict['NAME']}"


class Worker:
    def __init__(self, *, env: dict[str, str], log_path: Path, pool: str = "threads", concurrency: int = 8,
                 settings_module: str = "tests.notifications.worker_settings", name: str = "notif"):
        self.log_path = Path(log_path)
        full_env = {**os.environ, **env, "DJANGO_SETTINGS_MODULE": settings_module, "PYTHONUNBUFFERED": "1"}
        full_env.pop("JJJ_REQUIRE_SERVICES", None)
        self.name = f"{name}-{os.getpid()}-{int(time.time() * 1000) % 100000}"
        command = [sys.executable, "-m", "celery", "-A", "jjjtalent", "worker", "--pool", pool, "--concurrency", str(concurrency),
                   "--loglevel", "INFO", "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"{self.name}@%h"]
        self._log = open(self.log_path, "ab")
        self.process = subprocess.Popen(command, cwd=ROOT, env=full_env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self, timeout: float = 60) -> Worker:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited with {self.process.returncode}:\n{self.log()}")
            if f"{self.name}@" in self.log() and " ready." in self.log():
                return self
            time.sleep(0.1)
        raise TimeoutError(f"worker not ready after {timeout}s:\n{self.log()}")

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def kill(self) -> None:
        """SIGKILL, as a crash: no warm shutdown, no acknowledgement, no cleanup."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self._log.close()

    def stop(self, timeout: float = 15, *, warm: bool = False) -> None:
        """SIGQUIT (cold shutdown: unacknowledged messages stay in Redis for redelivery), or SIGTERM to finish running tasks."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM if warm else signal.SIGQUIT)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        if not self._log.closed:
            self._log.close()


def reset_broker(redis_url: str) -> None:
    """Empty this Redis database's Celery queue and unacked bookkeeping (only the database in redis_url)."""
    import redis

    client = redis.Redis.from_url(redis_url)
    priority_queues = list(client.scan_iter(match="celery\x06\x16*"))
    client.delete("celery", "unacked", "unacked_index", "unacked_mutex", *priority_queues)
