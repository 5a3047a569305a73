package dev.runnerscale.autoscaler.runners;

import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The operator's view of runners, read live from the API server and the ledger on any replica (the pools view,
 * with runner counts, is {@code GET /api/v1/pools} of the api feature).
 */
@RestController
@RequestMapping(path = "/api/v1", produces = MediaType.APPLICATION_JSON_VALUE)
class RunnerStatusController {

    record RunnersAnswer(List<RunnerView> items) {}

    private final RunnerReconciler reconciler;

    RunnerStatusController(RunnerReconciler reconciler) {
        this.reconciler = reconciler;
    }

    @GetMapping("/runners")
    RunnersAnswer runners() {
        return new RunnersAnswer(reconciler.operatorView().runnersNow());
    }
}
