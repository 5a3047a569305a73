package dev.runnerscale.autoscaler.jobs;

/** An in-progress job of a pool and the runner it runs on ({@code runnerName} null until a delivery names it). */
public record RunningJob(String pool, String runnerName) {}
