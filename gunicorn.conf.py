"""gunicorn settings for production: `gunicorn shuzhi.wsgi` run from the project root reads this file.

The figures in docs/benchmarks.md were measured with these settings (sync workers, one request at a
time each; the ballot's requests take a few milliseconds of CPU, so more workers than cores only
add switching). Override any of them on the command line or with GUNICORN_CMD_ARGS.
"""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", max(2, 2 * multiprocessing.cpu_count())))
worker_class = "sync"
# A room of phones submits within seconds: let the kernel queue them instead of refusing connections.
backlog = 2048
timeout = 60
graceful_timeout = 20
# Load the application, and jieba's dictionary for the report quality check (~3 s of CPU and ~200 MB),
# once in the master; the workers share it copy-on-write, and a worker restarted during a vote starts
# at once instead of taking CPU from the voters.
preload_app = True
os.environ.setdefault("SHUZHI_WARM_UP", "now")
# Restart workers now and then (with jitter, so not all at once) to bound memory growth.
max_requests = 20_000
max_requests_jitter = 2_000
accesslog = None  # the ballot must not leave client addresses in an access log; the proxy decides its own
errorlog = "-"


def pre_fork(server, worker):
    """Before each worker is forked: move everything the master has loaded (the application and jieba's
    dictionary, about 140,000 objects the collector tracks) out of the garbage collector's reach. The
    workers never free those objects, yet each full collection walked them all (about 100 ms, twice per
    3,000 ballot pages per worker, see docs/benchmarks.md) and wrote to their pages, which undid the
    copy-on-write sharing that preload_app is for. Objects made after the fork are collected as usual."""
    import gc

    gc.collect()
    gc.freeze()
