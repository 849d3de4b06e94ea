package dev.semstream.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The arrows between the packages, checked on the compiled main classes: the engine (kernels, tokenize,
 * model, store) knows nothing of Kafka or Avro, the search engine nothing of the models, and no two
 * packages depend on each other in a circle. A newcomer can then read each engine package on its own.
 */
class PackageArrowsTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.semstream");

    private static final String[] ENGINE = {"dev.semstream.kernels..", "dev.semstream.tokenize..",
            "dev.semstream.model..", "dev.semstream.train..", "dev.semstream.store.."};

    @Test
    void theEngineKnowsNothingOfKafkaOrAvro() {
        noClasses().that().resideInAnyPackage(ENGINE)
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", "org.apache.avro..",
                        "dev.semstream.avro..", "dev.semstream.registry..", "dev.semstream.topology..",
                        "dev.semstream.embedded..")
                .because("the engine runs without Kafka: in the CLI, in benchmarks, in other programs")
                .check(MAIN);
    }

    @Test
    void onlyTheMetricsPackageKnowsMicrometer() {
        noClasses().that().resideOutsideOfPackage("dev.semstream.metrics..")
                .should().dependOnClassesThat().resideInAPackage("io.micrometer..")
                .because("the registry and its binders live in one place; the engine times nothing itself, and "
                        + "the topology and the API record through the typed meter groups of dev.semstream.metrics")
                .check(MAIN);
    }

    @Test
    void theModelsKnowNothingOfTraining() {
        noClasses().that().resideInAnyPackage("dev.semstream.kernels..", "dev.semstream.tokenize..",
                        "dev.semstream.model..")
                .should().dependOnClassesThat().resideInAPackage("dev.semstream.train..")
                .because("training builds on the model and its kernels; serving a model needs no trainer")
                .check(MAIN);
    }

    @Test
    void searchKnowsNothingOfTheModels() {
        noClasses().that().resideInAPackage("dev.semstream.store..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.semstream.model..", "dev.semstream.tokenize..")
                .because("vector search works on any vectors; its maths comes from kernels")
                .check(MAIN);
    }

    @Test
    void kernelsStandAlone() {
        noClasses().that().resideInAPackage("dev.semstream.kernels..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.semstream.model..", "dev.semstream.store..",
                        "dev.semstream.tokenize..")
                .because("the transformer and the search are built on the kernels, not the other way round")
                .check(MAIN);
    }

    @Test
    void queryDoesNotReachIntoTheTopology() {
        noClasses().that().resideInAPackage("dev.semstream.query..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.semstream.app..", "dev.semstream.cli..")
                .because("the HTTP API is started by the app, not the other way round")
                .check(MAIN);
    }

    @Test
    void noPackageCycles() {
        slices().matching("dev.semstream.(*)..").should().beFreeOfCycles().check(MAIN);
    }
}
