-- Cost stream: what every runner and job cost, idle node cost per pool, and interruptions with their re-run claim.
-- Money is stored as exact integers of millionths of a USD (*_usd_micros, 6 decimals, no floating point); a null
-- amount is an unknown price, never zero.

-- One row per runner registration (runner names are unique per registration); at most one per job. A row with
-- job_id NULL is a runner that ran no job: its cost is the pool's idle cost. Repository, workflow and pool are
-- copied from the job when the row is written, so the finance report reads this table alone.
CREATE TABLE runner_costs (
    runner_name              text        PRIMARY KEY,
    job_id                   bigint      UNIQUE,
    pool                     text        NOT NULL,
    repository               text,
    workflow                 text,
    pod_name                 text        NOT NULL,
    node_name                text,
    instance_type            text,
    zone                     text,
    capacity_type            text        NOT NULL,
    cpu_millis               bigint      NOT NULL,
    memory_bytes             bigint      NOT NULL,
    runner_started_at        timestamptz NOT NULL,
    ended_at                 timestamptz NOT NULL,
    job_started_at           timestamptz,
    job_ended_at             timestamptz,
    runner_ms                bigint      NOT NULL,
    job_ms                   bigint      NOT NULL,
    usd_micros               bigint,
    running_usd_micros       bigint,
    on_demand_usd_micros     bigint,
    github_hosted_usd_micros bigint,
    recorded_at              timestamptz NOT NULL
);

-- The finance report: jobs ended in a window, grouped by repository / workflow / pool / day / month. The index
-- carries every column the report reads, so a month of jobs is one index range scan (index-only once vacuumed).
CREATE INDEX runner_costs_report ON runner_costs (ended_at)
    INCLUDE (repository, workflow, pool, usd_micros, on_demand_usd_micros, github_hosted_usd_micros)
    WHERE job_id IS NOT NULL;

-- Month-to-date spend per pool (budget gauge) and jobless runners (idle).
CREATE INDEX runner_costs_pool_ended ON runner_costs (pool, ended_at);

-- A runner's job by the runner's name (pricing an ended runner, the jobs of an interrupted node) uses
-- workflow_jobs_runner_name of V2.

-- The unrequested part of runner nodes, metered per node and period (periods on a fixed grid, so a replica or a
-- restart metering the same period again inserts nothing).
CREATE TABLE idle_costs (
    node_name     text        NOT NULL,
    period_start  timestamptz NOT NULL,
    period_end    timestamptz NOT NULL,
    pool          text        NOT NULL,
    instance_type text,
    zone          text,
    capacity_type text        NOT NULL,
    usd_micros    bigint      NOT NULL,
    PRIMARY KEY (node_name, period_start)
);

CREATE INDEX idle_costs_period ON idle_costs (period_start, pool);

-- A node of a pool got an interruption or rebalance notice (counted once per node and pool, across replicas).
CREATE TABLE node_interruptions (
    node_name  text        NOT NULL,
    pool       text        NOT NULL,
    kind       text        NOT NULL,
    noticed_at timestamptz NOT NULL,
    PRIMARY KEY (node_name, pool)
);

-- Jobs that were running on such a node. rerun_requested_at is the claim: set by one conditional UPDATE
-- (... WHERE rerun_requested_at IS NULL), so exactly one thread of one replica asks GitHub for the re-run.
CREATE TABLE job_interruptions (
    job_id             bigint      PRIMARY KEY,
    pool               text        NOT NULL,
    node_name          text        NOT NULL,
    kind               text        NOT NULL,
    interrupted_at     timestamptz NOT NULL,
    rerun_requested_at timestamptz,
    rerun_reason       text,
    rerun_outcome      text,
    rerun_outcome_at   timestamptz
);

CREATE INDEX job_interruptions_unclaimed ON job_interruptions (interrupted_at) WHERE rerun_requested_at IS NULL;
