"""With REDIS_URL set, the app's shared view cache lives in Redis: several gunicorn workers
use one cache, and keys carry the code version so a deploy never serves stale figures.

Needs Debian's `redis-server` (installed by .ci/run); skipped loudly without it, except in CI.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time

import pytest
from browser_helpers import AppServer, free_port, goto_and_wait

from components.cache import code_version

pytestmark = pytest.mark.browser

REDIS = shutil.which("redis-server")


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    if REDIS is None:
        if os.environ.get("CI"):
            pytest.fail("CI=true but redis-server is missing (apt-get install redis-server)", pytrace=False)
        pytest.skip("redis-server not installed: the Redis cache path is not tested here")
    redis = pytest.importorskip("redis")
    port = free_port()
    folder = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen([REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    client = redis.Redis(port=port)
    deadline = time.monotonic() + 15
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                proc.kill()
                pytest.fail("redis-server did not answer within 15 s", pytrace=False)
            time.sleep(0.1)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def redis_app(redis_url, tmp_path_factory):
    yield from AppServer(tmp_path_factory.mktemp("redis-app"), workers=2, name="gunicorn-redis",
                         env={"REDIS_URL": redis_url}).running()


@pytest.fixture
def base_url(redis_app) -> str:  # the `page` fixture opens pages on the Redis-backed server
    return redis_app.base_url


def test_views_are_cached_in_redis_under_the_code_version(page, redis_url, redis_app):
    import redis

    client = redis.from_url(redis_url)
    client.flushdb()
    goto_and_wait(page, "/?indikator=kinderarmut&jahr=2020")
    assert "Kinderarmut" in page.inner_text("#uebersicht-karte-titel")
    keys = [k.decode() for k in client.keys("*")]
    prefix = f"sozialraum-{code_version()}-"
    assert keys, f"nothing was cached in Redis; server log:\n{redis_app.log()}"
    assert all(k.startswith(prefix) for k in keys), keys
    # the second load is answered from the cache: same page, no new keys
    goto_and_wait(page, "/?indikator=kinderarmut&jahr=2020")
    assert "Kinderarmut" in page.inner_text("#uebersicht-karte-titel")
    assert sorted(k.decode() for k in client.keys("*")) == sorted(keys)
    assert not list((redis_app.tmp_dir / "instance" / "cache").glob("views-*/*")), \
        "with REDIS_URL the file-system view cache must stay empty"
