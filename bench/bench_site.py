"""Django settings for the benchmarks: the project's own settings (read from the same environment
variables as a deployment), with two differences only:

- STATIC_ROOT is the run's temporary directory (BENCH_STATIC_ROOT), so `collectstatic` — needed
  with DEBUG=0, where the manifest storage serves hashed file names — writes nothing into the repo;
- with BENCH_BARE=1 the URLconf is bench/bare_insert.py: the project's URLs plus the bare reference
  endpoint /bare/<code>/.
"""

import os

from shuzhi.settings import *  # noqa: F403

STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]
if os.environ.get("BENCH_BARE") == "1":
    ROOT_URLCONF = "bare_insert"
