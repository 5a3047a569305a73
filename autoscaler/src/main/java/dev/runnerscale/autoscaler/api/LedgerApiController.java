package dev.runnerscale.autoscaler.api;

import dev.runnerscale.autoscaler.jobs.JobLedger;
import dev.runnerscale.autoscaler.jobs.PoolJobCounts;
import dev.runnerscale.autoscaler.pools.PoolsProperties;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The operator read API over the ledger (guarded by {@link ApiTokenFilter} when a token is configured). */
@RestController
@RequestMapping("/api/v1")
class LedgerApiController {

    /** The pools answer: an object, so later fields (totals, runner capacity) can be added without a break. */
    record PoolsAnswer(List<PoolView> items) {}

    private final JobLedger ledger;
    private final PoolsProperties pools;

    LedgerApiController(JobLedger ledger, PoolsProperties pools) {
        this.ledger = ledger;
        this.pools = pools;
    }

    @GetMapping("/jobs/{id}")
    JobView job(@PathVariable long id) {
        return ledger.find(id).map(JobView::of).orElseThrow(() -> new JobNotFoundException(id));
    }

    @GetMapping("/pools")
    PoolsAnswer pools() {
        Map<String, PoolJobCounts> counts = ledger.countsByPool();
        return new PoolsAnswer(pools.pools().stream()
                .map(p -> PoolView.of(p, counts.getOrDefault(p.name(), PoolJobCounts.empty(p.name()))))
                .toList());
    }
}
