-- Queue time by stage: when each step between a job's queueing and its start happened, stored with the job.
-- queued_at, first_received_at and started_at are the ledger's own; the columns below are written by the reconciling
-- replica, never by the webhook intake, so the intake's upsert (which does not name them) and its cost are unchanged.
--
-- No index is added: every new index would be maintained by the intake's upsert, its hot path. The reads below use the
-- existing ones: demand-seen stamps and the stuck-demand check go through workflow_jobs_open_demand (pool, status),
-- linking a job to its runner pod through workflow_jobs_runner_name, the pool's recent stage figures through
-- workflow_jobs_pool_completed.
ALTER TABLE workflow_jobs
    -- the first reconcile pass that counted the job as queued demand (null: no stamp while it was queued)
    ADD COLUMN demand_seen_at       timestamptz,
    -- the runner pod that took the job, and that pod's own stages (null until linked, or when no pod of ours ran it)
    ADD COLUMN runner_pod           text,
    ADD COLUMN pod_created_at       timestamptz,
    ADD COLUMN pod_scheduled_at     timestamptz,
    -- whether the pod's node was created after the pod (a new node was needed); null when unknown
    ADD COLUMN pod_new_node         boolean,
    ADD COLUMN runner_registered_at timestamptz,
    ADD COLUMN runner_started_at    timestamptz,
    -- the part of the queue wait during which the job's pool was at its max (waiting for capacity)
    ADD COLUMN capacity_wait_ms     bigint,
    -- the claim: set once, by the one conditional UPDATE that stored the pod stages; only that writer records the
    -- job's stage samples, so two replicas (or a repeated pass) never count a job twice
    ADD COLUMN timeline_recorded_at timestamptz,
    -- the stuck-demand detector's first verdict on the job (set once: the job is logged once)
    ADD COLUMN stuck_reason         text,
    ADD COLUMN stuck_at             timestamptz;
