-- The durable job ledger: one row per GitHub workflow job, merged from every delivery we accept.
-- Status is stored as its rank (waiting 0 < queued 1 < in_progress 2 < completed 3) so that the merge can be
-- one conditional upsert (GREATEST) and two replicas writing the same job converge without explicit locks.
CREATE TABLE workflow_jobs (
    id                bigint      PRIMARY KEY,
    run_id            bigint      NOT NULL,
    run_attempt       integer     NOT NULL,
    owner             text        NOT NULL,
    repository        text        NOT NULL,
    workflow_name     text,
    job_name          text,
    labels            jsonb       NOT NULL,
    status_rank       smallint    NOT NULL CHECK (status_rank BETWEEN 0 AND 3),
    conclusion        text,
    queued_at         timestamptz,
    started_at        timestamptz,
    completed_at      timestamptz,
    runner_id         bigint,
    runner_name       text,
    pool              text,
    refused           boolean     NOT NULL,
    -- "C" collation: ties between deliveries of equal rank keep the greater id, compared byte-wise exactly as
    -- the Java merge (JobMerge) compares them, whatever the database's default collation.
    last_delivery_id  text COLLATE "C",
    first_received_at timestamptz NOT NULL,
    last_received_at  timestamptz NOT NULL,
    -- The rank before the last write (-1 after an insert). The upsert sets it from the locked old row, so its
    -- RETURNING tells the writer exactly whether this write moved the job: counters never count a job twice.
    prev_status_rank  smallint    NOT NULL
);

-- Demand per pool (countsByPool, the reconciler's every pass): only open, ours, not refused.
CREATE INDEX workflow_jobs_open_demand ON workflow_jobs (pool, status_rank)
    WHERE status_rank < 3 AND NOT refused AND pool IS NOT NULL;

-- Missed-event repair (unfinishedSince): queued / in progress jobs of a pool, oldest change first.
CREATE INDEX workflow_jobs_unfinished ON workflow_jobs (last_received_at)
    WHERE status_rank IN (1, 2) AND NOT refused AND pool IS NOT NULL;

-- Reports (finance compares a year per pool) and the retention purge of matched jobs.
CREATE INDEX workflow_jobs_pool_completed ON workflow_jobs (pool, completed_at);

-- Retention purge by age of our last receipt.
CREATE INDEX workflow_jobs_last_received ON workflow_jobs (last_received_at);

-- De-duplication of deliveries: GitHub reuses X-GitHub-Delivery on a redelivery.
CREATE TABLE webhook_deliveries (
    delivery_id text        PRIMARY KEY,
    event       text        NOT NULL,
    action      text,
    job_id      bigint,
    received_at timestamptz NOT NULL,
    outcome     text        NOT NULL
);

CREATE INDEX webhook_deliveries_received ON webhook_deliveries (received_at);
