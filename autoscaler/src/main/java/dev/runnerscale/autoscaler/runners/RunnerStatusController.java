package dev.runnerscale.autoscaler.runners;

import dev.runnerscale.autoscaler.pools.PoolsProperties.Pool;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The operator's view of pools and runners, read live from the API server and the ledger on any replica. */
@RestController
@RequestMapping(path = "/api/v1", produces = MediaType.APPLICATION_JSON_VALUE)
class RunnerStatusController {

    private final RunnerReconciler reconciler;

    RunnerStatusController(RunnerReconciler reconciler) {
        this.reconciler = reconciler;
    }

    @GetMapping("/pools")
    Map<String, List<PoolStatus>> pools() {
        return Map.of(
                "items",
                reconciler.poolNames().stream()
                        .map(name -> reconciler.statusNow(reconciler.pool(name).orElseThrow()))
                        .toList());
    }

    @GetMapping("/pools/{name}")
    PoolStatus pool(@PathVariable String name) {
        Pool pool = reconciler.pool(name).orElseThrow(() -> new UnknownPoolException(name));
        return reconciler.statusNow(pool);
    }

    @GetMapping("/runners")
    Map<String, List<RunnerView>> runners() {
        return Map.of("items", reconciler.runnersNow());
    }

    @ExceptionHandler(UnknownPoolException.class)
    ProblemDetail unknownPool(UnknownPoolException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage());
        problem.setTitle("Unknown pool");
        problem.setType(URI.create("https://runnerscale.dev/problems/unknown-pool"));
        return problem;
    }

    static final class UnknownPoolException extends RuntimeException {
        UnknownPoolException(String name) {
            // Echo only a bounded, printable form of the client's input.
            super("no pool named '" + name.replaceAll("[^a-z0-9-]", "?").substring(0, Math.min(name.length(), 64))
                    + "' is configured");
        }
    }
}
