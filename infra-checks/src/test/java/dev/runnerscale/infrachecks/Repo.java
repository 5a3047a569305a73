package dev.runnerscale.infrachecks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** Paths of the repository the checks read (the tests run with infra-checks/ as working directory). */
final class Repo {

    static final Path ROOT = Tools.CHECKS_DIR.getParent();
    static final Path TERRAFORM = ROOT.resolve("terraform");
    static final Path WORKFLOWS = ROOT.resolve(".github/workflows");
    static final Path SCRIPTS = ROOT.resolve("scripts");
    static final Path AUTOSCALER_VALUES = ROOT.resolve("helm/autoscaler/values.yaml");

    private Repo() {}

    static List<Path> files(Path dir, Predicate<Path> filter) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> !p.toString().contains("/.terraform/"))
                    .filter(filter)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String relative(Path file) {
        return ROOT.relativize(file).toString();
    }
}
