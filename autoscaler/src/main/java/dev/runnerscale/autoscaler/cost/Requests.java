package dev.runnerscale.autoscaler.cost;

/**
 * CPU and memory as a scheduler counts them: what a pod requests, or what a node offers (allocatable).
 *
 * @param milliCpu thousandths of a vCPU
 * @param memoryBytes bytes
 */
public record Requests(long milliCpu, long memoryBytes) {

    public static final Requests NONE = new Requests(0, 0);

    public Requests {
        if (milliCpu < 0 || memoryBytes < 0) {
            throw new IllegalArgumentException("requests cannot be negative");
        }
    }

    public Requests plus(Requests other) {
        return new Requests(milliCpu + other.milliCpu, memoryBytes + other.memoryBytes);
    }

    /**
     * What a pod requests, from its containers as the scheduler counts them (Kubernetes' effective request): the
     * sum of the app containers and of the sidecars (init containers with {@code restartPolicy: Always}), or the
     * largest plain init container plus the sidecars started before it, whichever is larger.
     *
     * @param containers app containers
     * @param initContainers init containers in order, each flagged whether it is a sidecar
     */
    public static Requests ofPod(java.util.List<Requests> containers, java.util.List<InitContainer> initContainers) {
        Requests apps = NONE;
        for (Requests r : containers) {
            apps = apps.plus(r);
        }
        Requests sidecars = NONE;
        long maxInitCpu = 0;
        long maxInitMemory = 0;
        for (InitContainer init : initContainers) {
            if (init.sidecar()) {
                sidecars = sidecars.plus(init.requests());
            } else {
                maxInitCpu = Math.max(
                        maxInitCpu, sidecars.milliCpu() + init.requests().milliCpu());
                maxInitMemory = Math.max(
                        maxInitMemory, sidecars.memoryBytes() + init.requests().memoryBytes());
            }
        }
        Requests running = apps.plus(sidecars);
        return new Requests(Math.max(running.milliCpu(), maxInitCpu), Math.max(running.memoryBytes(), maxInitMemory));
    }

    /** An init container's requests and whether it is a native sidecar ({@code restartPolicy: Always}). */
    public record InitContainer(Requests requests, boolean sidecar) {}
}
