package dev.runnerscale.autoscaler.interruptions;

/**
 * A node that is going away or was advised to: no new runner goes there, its idle runners are replaced elsewhere,
 * and the jobs running there are recorded as interrupted.
 *
 * @param detail the taint key or lifecycle state it was read from
 */
public record NodeNotice(String nodeName, NoticeKind kind, String detail) {}
