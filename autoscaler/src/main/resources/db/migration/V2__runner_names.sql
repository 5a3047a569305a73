-- Whether an ended ephemeral runner ever took a job (runnersThatTookJobs): a refused registration, a deleted runner
-- and a session conflict all make run.sh exit 0, so the exit code cannot tell a runner that worked from one that
-- never did; the ledger can. Partial: queued jobs have no runner and are most of a burst's writes.
CREATE INDEX workflow_jobs_runner_name ON workflow_jobs (runner_name) WHERE runner_name IS NOT NULL;
