"""Constants of the Blue Ocean source: names the rest of BuildButler relies on, and page sizes."""

from __future__ import annotations

SOURCE_NAME = "blueocean"
DATASET_NAME = "blueocean_raw"

API_ROOT = "/blue/rest"

# pipelines/ and branches/ lists. Blue Ocean builds the whole list on every call, so few big pages.
CONTAINER_PAGE_LIMIT = 1000
# runs/ pages newest first. A sync that already knows the job asks for a small first page: with
# nothing new it stops there, so a no-change sync costs one small request per job.
RUNS_PAGE_LIMIT = 100
RUNS_FIRST_PAGE_LIMIT_KNOWN_JOB = 10
# nodes/ and steps/ are paged too (default 100, which cuts graphs off): ask once, big.
GRAPH_PAGE_LIMIT = 10_000

# tests/ lists: Blue Ocean builds the whole list on every call too. `failed` asks `status=FAILED` of
# the runs whose summary counts failures; `all` every case of the runs whose summary counts tests.
TEST_RESULTS_PAGE_LIMIT = 10_000
# Runs whose cases go out as one item (a run can have thousands of cases).
TEST_RUNS_PER_ITEM = 100

# Items handed from resource to transformer: jobs per `runs` call, runs per child call. dlt spends
# a fixed effort on every item (more on Arrow tables), so items should be big but bounded.
JOBS_PER_ITEM = 50
RUNS_PER_ITEM = 1000

LOG_CHUNK_BYTES = 64 * 1024
# run_logs rows go to dlt in batches of about this much text (logs are the big rows).
LOG_BATCH_BYTES = 8 * 2**20

# DuckDB while dlt loads and merges: memory (the default is 80% of RAM; beyond the cap it spills to
# disk) and no insertion order to keep, which lets big merges stream. The first load of 100k builds
# took 32 s at 1 GB (mostly spilling) and 13-16 s at 2 GB.
LOAD_DUCKDB_SETTINGS = {"memory_limit": "2GB", "preserve_insertion_order": False}
# Load jobs (copies and merges) at a time. DuckDB spreads each statement over its threads already;
# dlt's default of 20 only made them compete for that memory (the same load: 9-18 s, with 2: 9-10 s).
LOAD_PARALLEL_JOBS = 2

# Redirects a request follows (same host keeps the credentials; another host drops them).
MAX_REDIRECTS = 5

# Retry timing: exponential backoff from this factor (0.5 s, 1 s, 2 s, ...), capped per wait;
# Retry-After is honoured up to the same cap.
BACKOFF_FACTOR_S = 0.5
MAX_RETRY_DELAY_S = 60.0
