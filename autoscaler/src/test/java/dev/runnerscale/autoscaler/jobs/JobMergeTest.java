package dev.runnerscale.autoscaler.jobs;

import static dev.runnerscale.autoscaler.jobs.JobStatus.COMPLETED;
import static dev.runnerscale.autoscaler.jobs.JobStatus.IN_PROGRESS;
import static dev.runnerscale.autoscaler.jobs.JobStatus.QUEUED;
import static dev.runnerscale.autoscaler.jobs.JobStatus.WAITING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class JobMergeTest {

    private static final long JOB = 100;

    private static LedgerJob apply(List<JobStatus> sequence) {
        LedgerJob row = null;
        for (JobStatus s : sequence) {
            row = JobMerge.merge(
                    row,
                    Observations.of(JOB, s, Observations.deliveryId(JOB, s), Observations.receivedAt(s)),
                    "p",
                    false);
        }
        return row;
    }

    @Nested
    class WhateverTheOrder {

        @Test
        void everyOrderingOfTheFourActionsWithDuplicatesEndsInTheSameRow() {
            LedgerJob expected = apply(List.of(WAITING, QUEUED, IN_PROGRESS, COMPLETED));
            List<List<JobStatus>> orderings = Observations.orderingsWithDuplicates();
            assertThat(orderings).hasSize(24 + 24 * 4 * 5);
            for (List<JobStatus> ordering : orderings) {
                assertThat(apply(ordering)).as("ordering %s", ordering).isEqualTo(expected);
            }
        }

        @Test
        void theCompleteRowHasEveryFieldFromTheDeliveryAllowedToSetIt() {
            LedgerJob row = apply(List.of(COMPLETED, QUEUED, WAITING, IN_PROGRESS));
            assertThat(row.status()).isEqualTo(COMPLETED);
            assertThat(row.conclusion()).isEqualTo("success");
            assertThat(row.queuedAt()).isEqualTo(Observations.CREATED);
            assertThat(row.startedAt()).isEqualTo(Observations.STARTED);
            assertThat(row.completedAt()).isEqualTo(Observations.COMPLETED);
            assertThat(row.runnerId()).isEqualTo(42L);
            assertThat(row.runnerName()).isEqualTo("runner-42");
            assertThat(row.lastDeliveryId()).isEqualTo(Observations.deliveryId(JOB, COMPLETED));
            assertThat(row.firstReceivedAt()).isEqualTo(Observations.receivedAt(WAITING));
            assertThat(row.lastReceivedAt()).isEqualTo(Observations.receivedAt(COMPLETED));
        }

        @Test
        void mergingPreMergedRowsEqualsMergingOneObservationAtATime() {
            for (List<JobStatus> ordering : Observations.permutations(List.of(JobStatus.values()))) {
                LedgerJob left = apply(ordering.subList(0, 2));
                LedgerJob right = apply(ordering.subList(2, 4));
                assertThat(JobMerge.combine(left, right))
                        .as("ordering %s", ordering)
                        .isEqualTo(apply(ordering));
            }
        }
    }

    @Nested
    class StatusOnlyMovesForward {

        @Test
        void aLateQueuedAfterCompletedChangesNothing() {
            LedgerJob completed = apply(List.of(QUEUED, IN_PROGRESS, COMPLETED));
            LedgerJob late = JobMerge.merge(
                    completed, Observations.of(JOB, QUEUED, "late", Observations.receivedAt(QUEUED)), "p", false);
            assertThat(late).isEqualTo(completed);
        }

        @Test
        void aWaitingJobIsNotDemandUntilItIsQueued() {
            LedgerJob waiting = apply(List.of(WAITING));
            assertThat(JobMerge.isDemand(waiting)).isFalse();
            assertThat(JobMerge.isDemand(apply(List.of(WAITING, QUEUED)))).isTrue();
            assertThat(JobMerge.isDemand(apply(List.of(QUEUED, WAITING)))).isTrue();
            assertThat(JobMerge.isDemand(apply(List.of(QUEUED, IN_PROGRESS)))).isFalse();
        }
    }

    @Nested
    class FieldsComeOnlyFromDeliveriesThatKnowThem {

        @Test
        void runnerFieldsAndStartTimeOfAQueuedDeliveryAreIgnored() {
            LedgerJob queued = apply(List.of(QUEUED));
            assertThat(queued.runnerId()).isNull();
            assertThat(queued.runnerName()).isNull();
            assertThat(queued.startedAt()).isNull();
            assertThat(queued.conclusion()).isNull();
        }

        @Test
        void runnerFieldsComeFromInProgress() {
            LedgerJob running = apply(List.of(QUEUED, IN_PROGRESS));
            assertThat(running.runnerId()).isEqualTo(42L);
            assertThat(running.startedAt()).isEqualTo(Observations.STARTED);
            assertThat(running.completedAt()).isNull();
        }

        @Test
        void aRefusedJobStaysRefusedAndThePoolOfTheFirstRowStays() {
            LedgerJob first =
                    JobMerge.merge(null, Observations.of(JOB, QUEUED, "a", Observations.receivedAt(QUEUED)), "p", true);
            LedgerJob second = JobMerge.merge(
                    first, Observations.of(JOB, IN_PROGRESS, "b", Observations.receivedAt(IN_PROGRESS)), "q", false);
            assertThat(second.refused()).isTrue();
            assertThat(second.pool()).isEqualTo("p");
            assertThat(JobMerge.isDemand(second)).isFalse();
        }

        @Test
        void equalRanksKeepTheGreaterDeliveryIdSoReplicasAgree() {
            List<String> seen = new ArrayList<>();
            for (List<String> ids : Observations.permutations(List.of("b", "a", "c"))) {
                LedgerJob row = null;
                for (String id : ids) {
                    row = JobMerge.merge(row, Observations.of(JOB, QUEUED, id, Observations.CREATED), "p", false);
                }
                seen.add(row.lastDeliveryId());
            }
            assertThat(seen).containsOnly("c");
        }
    }

    @Test
    void refusesToMergeDifferentJobs() {
        LedgerJob a = apply(List.of(QUEUED));
        LedgerJob b = JobMerge.merge(null, Observations.of(JOB + 1, QUEUED, "x", Observations.CREATED), "p", false);
        assertThatThrownBy(() -> JobMerge.combine(a, b)).isInstanceOf(IllegalArgumentException.class);
    }
}
