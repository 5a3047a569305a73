package dev.runnerscale.taskapi.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runnerscale.taskapi.testsupport.ApiTest;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class TaskRepositoryTest extends ApiTest {

    private static final Instant T1 = Instant.parse("2026-11-21T12:00:00Z");
    private static final Instant T2 = T1.plusMillis(1);

    @Autowired
    TaskRepository repository;

    private static TaskContent content(String title) {
        return new TaskContent(title, "d", TaskStatus.DONE, TaskPriority.LOW, T1);
    }

    @Test
    void conditionalUpsertAppliesOnlyAGreaterVersion() {
        UUID id = UUID.randomUUID();
        TaskContent newer = content("newer");
        TaskContent older = content("older");

        assertThat(repository.upsert("alice", id, T2, newer, newer.hash())).isPresent();
        assertThat(repository.upsert("alice", id, T1, older, older.hash())).isEmpty();
        assertThat(repository.upsert("alice", id, T2, newer, newer.hash()))
                .as("an equal version is not re-applied")
                .isEmpty();

        Task stored = repository.findLive("alice", id).orElseThrow();
        assertThat(stored.title()).isEqualTo("newer");
        assertThat(stored.status()).isEqualTo(TaskStatus.DONE);
        assertThat(stored.dueAt()).isEqualTo(T1);
    }

    @Test
    void neverOverwritesAnotherOwnersRowEvenWithANewerWrite() {
        UUID id = UUID.randomUUID();
        TaskContent mine = content("mine");
        TaskContent theirs = content("theirs");
        repository.upsert("alice", id, T1, mine, mine.hash());

        assertThat(repository.upsert("mallory", id, T2, theirs, theirs.hash())).isEmpty();
        assertThat(repository.delete("mallory", id, T2)).isEmpty();

        assertThat(repository.findLive("alice", id).orElseThrow().title()).isEqualTo("mine");
        assertThat(repository.findLive("mallory", id)).isEmpty();
    }

    @Test
    void purgeRemovesOnlyTombstonesOlderThanTheRetention() {
        UUID deleted = UUID.randomUUID();
        UUID live = UUID.randomUUID();
        TaskContent content = content("x");
        repository.upsert("alice", live, T1, content, content.hash());
        repository.delete("alice", deleted, T1);

        assertThat(repository.purgeTombstones(Duration.ofDays(1))).isZero();
        jdbc.sql("UPDATE tasks SET deleted_at = now() - interval '2 days' WHERE id = :id")
                .param("id", deleted)
                .update();
        assertThat(repository.purgeTombstones(Duration.ofDays(1))).isOne();

        assertThat(repository.findAnyOwner(deleted)).isEmpty();
        assertThat(repository.findLive("alice", live)).isPresent();
    }
}
