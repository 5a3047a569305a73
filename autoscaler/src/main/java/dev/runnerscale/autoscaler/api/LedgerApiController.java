package dev.runnerscale.autoscaler.api;

import dev.runnerscale.autoscaler.cost.accounting.CostAccountant;
import dev.runnerscale.autoscaler.jobs.JobLedger;
import dev.runnerscale.autoscaler.jobs.PoolJobCounts;
import dev.runnerscale.autoscaler.pools.PoolsProperties;
import dev.runnerscale.autoscaler.queuetime.recording.QueueTimes;
import dev.runnerscale.autoscaler.runners.RunnerReconciler;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The operator read API over the ledger (an operator token is required: {@code security.SecurityConfiguration}). */
@RestController
@RequestMapping("/api/v1")
class LedgerApiController {

    /** The pools answer: an object, so later fields (totals, runner capacity) can be added without a break. */
    record PoolsAnswer(List<PoolView> items) {}

    private final JobLedger ledger;
    private final PoolsProperties pools;
    private final ObjectProvider<RunnerReconciler> runners;
    private final ObjectProvider<CostAccountant> costs;
    private final ObjectProvider<QueueTimes> queueTimes;

    LedgerApiController(
            JobLedger ledger,
            PoolsProperties pools,
            ObjectProvider<RunnerReconciler> runners,
            ObjectProvider<CostAccountant> costs,
            ObjectProvider<QueueTimes> queueTimes) {
        this.ledger = ledger;
        this.pools = pools;
        this.runners = runners;
        this.costs = costs;
        this.queueTimes = queueTimes;
    }

    @GetMapping("/jobs/{id}")
    JobView job(@PathVariable long id) {
        CostAccountant accountant = costs.getIfAvailable();
        QueueTimes times = queueTimes.getIfAvailable();
        return ledger.find(id)
                .map(j -> JobView.of(
                        j,
                        accountant == null ? null : accountant.costOf(id).orElse(null),
                        times == null
                                ? null
                                : times.job(id)
                                        .map(QueueTimeViews.TimelineView::of)
                                        .orElse(null)))
                .orElseThrow(() -> new JobNotFoundException(id));
    }

    @GetMapping("/pools")
    PoolsAnswer pools() {
        Map<String, PoolJobCounts> counts = ledger.countsByPool();
        return new PoolsAnswer(pools.pools().stream().map(p -> view(p, counts)).toList());
    }

    @GetMapping("/pools/{name}")
    PoolView pool(@PathVariable String name) {
        PoolsProperties.Pool pool = pools.pools().stream()
                .filter(p -> p.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new PoolNotFoundException(name));
        PoolView view = view(pool, ledger.countsByPool());
        QueueTimes times = queueTimes.getIfAvailable();
        return times == null ? view : view.withQueueTime(QueueTimeViews.QueueTimeView.of(times.pool(name)));
    }

    private PoolView view(PoolsProperties.Pool pool, Map<String, PoolJobCounts> counts) {
        PoolJobCounts demand = counts.getOrDefault(pool.name(), PoolJobCounts.empty(pool.name()));
        RunnerReconciler reconciler = runners.getIfAvailable();
        return reconciler == null
                ? PoolView.of(pool, demand)
                : PoolView.of(pool, demand, reconciler.operatorView().statusNow(pool));
    }
}
