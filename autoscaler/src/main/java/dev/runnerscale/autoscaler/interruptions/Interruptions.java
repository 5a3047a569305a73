package dev.runnerscale.autoscaler.interruptions;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens on a notice and after: the reconciler reports noticed nodes with the runners on them
 * ({@link #nodeNoticed}); a sweep ({@link #sweepReruns}, on a schedule, on every replica) re-runs each interrupted
 * job that then ended failed or cancelled, exactly once (the ledger's claim), and counts it.
 */
public class Interruptions {

    private static final Logger log = LoggerFactory.getLogger(Interruptions.class);

    private final JdbcInterruptionLedger ledger;
    private final JobRerunner rerunner;
    private final MeterRegistry registry;
    private final Clock clock;

    public Interruptions(JdbcInterruptionLedger ledger, JobRerunner rerunner, MeterRegistry registry, Clock clock) {
        this.ledger = ledger;
        this.rerunner = rerunner;
        this.registry = registry;
        this.clock = clock;
    }

    /** Registers the pool's counters at zero. */
    public void registerPool(String pool) {
        interruptions(pool);
        for (NoticeKind kind : NoticeKind.values()) {
            reruns(pool, kind.tag());
        }
    }

    private Counter interruptions(String pool) {
        return Counter.builder("runnerscale_spot_interruptions")
                .description("Runner nodes of the pool that got an interruption or rebalance notice")
                .tag("pool", pool)
                .register(registry);
    }

    private Counter reruns(String pool, String reason) {
        return Counter.builder("runnerscale_job_reruns")
                .description("Interrupted jobs re-run through GitHub, by notice kind")
                .tag("pool", pool)
                .tag("reason", reason)
                .register(registry);
    }

    /**
     * A node hosting the pool's runners got a notice. Call it for every pool with runners (busy or idle) on the node,
     * on every pass while the notice lasts: it records and counts once. The busy runners' jobs are recorded as
     * interrupted.
     *
     * @param busyRunnerNames the runner names of the pool's busy runners on the node
     * @return the job ids newly recorded as interrupted
     */
    public List<Long> nodeNoticed(NodeNotice notice, String pool, List<String> busyRunnerNames) {
        if (ledger.recordNodeNotice(notice.nodeName(), pool, notice.kind(), clock.instant())) {
            interruptions(pool).increment();
            log.warn(
                    "node {} of pool {}: {} ({}): no new runners there, idle runners move elsewhere",
                    notice.nodeName(),
                    pool,
                    notice.kind().tag(),
                    notice.detail());
        }
        List<Long> jobs = new java.util.ArrayList<>();
        for (String runner : busyRunnerNames) {
            Optional<Long> job =
                    ledger.recordInterruptedJob(runner, pool, notice.nodeName(), notice.kind(), clock.instant());
            job.ifPresent(id -> {
                jobs.add(id);
                log.info("job {} on runner {} (node {}) recorded as interrupted", id, runner, notice.nodeName());
            });
        }
        return jobs;
    }

    /** One sweep: claims and re-runs eligible jobs; returns how many re-runs this replica requested. */
    public int sweepReruns(int limit) {
        int requested = 0;
        for (JdbcInterruptionLedger.PendingRerun p : ledger.unclaimed(limit)) {
            Optional<String> eligible =
                    RerunRule.eligible(new RerunRule.InterruptedJob(p.jobId(), p.completed(), p.conclusion(), false));
            if (eligible.isEmpty()) {
                ledger.settleWithoutRerun(p.jobId(), "not_needed", clock.instant());
                continue;
            }
            if (!ledger.claimRerun(p.jobId(), eligible.get(), clock.instant())) {
                continue; // another thread or replica claimed it
            }
            try {
                JobRerunner.Outcome outcome = rerunner.rerun(p.owner(), p.repository(), p.jobId());
                ledger.recordOutcome(p.jobId(), outcome.name().toLowerCase(java.util.Locale.ROOT), clock.instant());
                if (outcome == JobRerunner.Outcome.REQUESTED) {
                    reruns(p.pool(), p.kind()).increment();
                    requested++;
                    log.info(
                            "job {} of {}/{} ended {} after a {}: re-run requested",
                            p.jobId(),
                            p.owner(),
                            p.repository(),
                            p.conclusion(),
                            p.kind());
                } else {
                    log.warn("job {} of {}/{}: re-run {}", p.jobId(), p.owner(), p.repository(), outcome);
                }
            } catch (JobRerunner.NotSent e) {
                ledger.releaseClaim(p.jobId());
                log.warn("job {}: re-run request not sent, will ask again: {}", p.jobId(), e.toString());
            } catch (RuntimeException e) {
                // sent but unanswered: asking again could re-run the job twice, so the claim stays
                ledger.recordOutcome(p.jobId(), "unknown", clock.instant());
                log.error("job {}: re-run request failed after sending; not asking again", p.jobId(), e);
            }
        }
        return requested;
    }
}
