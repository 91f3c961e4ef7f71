package org.sdlgm;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import org.sdlgm.eval.ModelEvaluator;
import org.sdlgm.model.TrainedModel;
import org.sdlgm.train.Trainer;

/**
 * The package layering of sdlgm-core, enforced on its main classes (tests may cross layers). From
 * the bottom: {@code org.sdlgm} itself (exception, runtime) and {@code util}; {@code engine} (the
 * tape, kernels, workers, Adam and every libtorch-specific call) beside {@code data}; {@code
 * model}; {@code io} (the on-disk form of models, including the training settings and history rows
 * it persists) and {@code encode} (code and prediction writers); {@code eval}; {@code train} on
 * top. No packages may depend on each other in a cycle, and the rules below forbid the wrong-way
 * dependencies that once made such cycles. Both tasks go through the same contracts: every trained
 * model is a {@link TrainedModel}, every trainer a {@link Trainer}, every evaluator a {@link
 * ModelEvaluator}.
 */
@AnalyzeClasses(packages = "org.sdlgm", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  /** No cycle between any two packages (each package, subpackages included, is a slice). */
  @ArchTest
  static final ArchRule noPackageCycles =
      slices().matching("org.sdlgm.(**)").should().beFreeOfCycles();

  /** No cycle between the top-level packages either (a package with its subpackages). */
  @ArchTest
  static final ArchRule noTopLevelCycles =
      slices().matching("org.sdlgm.(*)..").should().beFreeOfCycles();

  /** The root package is the bottom layer. */
  @ArchTest
  static final ArchRule rootDependsOnNoSubpackage =
      noClasses()
          .that()
          .resideInAPackage("org.sdlgm")
          .should()
          .dependOnClassesThat(
              resideInAPackage("org.sdlgm..").and(not(resideInAPackage("org.sdlgm"))))
          .as("classes of org.sdlgm itself should not depend on its subpackages");

  @ArchTest
  static final ArchRule utilDependsOnNothingAbove =
      noClasses()
          .that()
          .resideInAPackage("org.sdlgm.util..")
          .should()
          .dependOnClassesThat(
              resideInAPackage("org.sdlgm..")
                  .and(not(resideInAnyPackage("org.sdlgm", "org.sdlgm.util.."))))
          .as("org.sdlgm.util should depend on nothing of sdlgm but the root package");

  /** libtorch is reached through the engine package only; the rest uses DJL's neutral API. */
  @ArchTest
  static final ArchRule onlyTheEngineUsesLibtorch =
      noClasses()
          .that()
          .resideOutsideOfPackage("org.sdlgm.engine..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("ai.djl.pytorch..")
          .as("only org.sdlgm.engine should depend on ai.djl.pytorch");

  @ArchTest
  static final ArchRule engineDependsOnNothingAbove =
      noClasses()
          .that()
          .resideInAPackage("org.sdlgm.engine..")
          .should()
          .dependOnClassesThat(
              resideInAPackage("org.sdlgm..")
                  .and(
                      not(
                          resideInAnyPackage(
                              "org.sdlgm", "org.sdlgm.util..", "org.sdlgm.engine.."))))
          .as("org.sdlgm.engine should depend on nothing of sdlgm but the root package and util");

  @ArchTest
  static final ArchRule dataIsBelowModels =
      noClasses()
          .that()
          .resideInAPackage("org.sdlgm.data..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "org.sdlgm.model..",
              "org.sdlgm.io..",
              "org.sdlgm.encode..",
              "org.sdlgm.eval..",
              "org.sdlgm.train..");

  @ArchTest
  static final ArchRule modelIsBelowIoAndTraining =
      noClasses()
          .that()
          .resideInAPackage("org.sdlgm.model..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "org.sdlgm.io..", "org.sdlgm.encode..", "org.sdlgm.eval..", "org.sdlgm.train..");

  @ArchTest
  static final ArchRule ioIsBelowTraining =
      noClasses()
          .that()
          .resideInAPackage("org.sdlgm.io..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("org.sdlgm.train..");

  /** A trained model of any task is a {@link TrainedModel}, and lives with the other models. */
  @ArchTest
  static final ArchRule trainedModelsLiveInModel =
      classes().that().implement(TrainedModel.class).should().resideInAPackage("org.sdlgm.model..");

  /** Each task's trainer implements the one trainer contract. */
  @ArchTest
  static final ArchRule trainersImplementTheContract =
      classes()
          .that()
          .resideInAPackage("org.sdlgm.train..")
          .and()
          .areTopLevelClasses()
          .and()
          .haveSimpleNameEndingWith("Trainer")
          .and()
          .areNotInterfaces()
          .should()
          .implement(Trainer.class);

  /** Each task's evaluator implements the one evaluator contract. */
  @ArchTest
  static final ArchRule evaluatorsImplementTheContract =
      classes()
          .that()
          .resideInAPackage("org.sdlgm.eval..")
          .and()
          .areTopLevelClasses()
          .and()
          .haveSimpleNameEndingWith("Evaluator")
          .and()
          .areNotInterfaces()
          .should()
          .implement(ModelEvaluator.class);
}
