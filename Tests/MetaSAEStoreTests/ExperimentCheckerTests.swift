import Foundation
import HDF5
import Testing
import TestSupport
@testable import MetaSAEStore

/// The checker on files made by make_corpus.py (h5py): each once crashed a
/// command, stalled it or was accepted wrongly.
@Suite struct ExperimentCheckerTests {
    static func outcome(_ name: String, memoryBudget: Int = SizeBudget.memory) throws -> CheckOutcome {
        try CanonicalFile(path: TestSupport.fixtures.appendingPathComponent("corpus/" + name).path).check(memoryBudget: memoryBudget)
    }

    static func errors(_ name: String) throws -> [Violation] { try outcome(name).errors }

    @Test func theValidFileIsProvedWithItsFacts() throws {
        let experiment = try #require(try Self.outcome("valid.h5").experiment)
        #expect(experiment.exampleCount == 64 && experiment.widths == [6, 10, 8] && experiment.nullModels.isEmpty)
        #expect(experiment.trained.saes.map(\.activation) == [.relu, .relu])
        #expect(experiment.trained.activations.allSatisfy { $0?.dense != nil && $0?.sparse == nil })
    }

    @Test func everythingOptionalIsProvedToo() throws {
        let experiment = try #require(try Self.outcome("valid_everything.h5").experiment)
        #expect(experiment.nullModels.map(\.role) == [.null(index: 0, seed: 5), .null(index: 1, seed: 6)])
        // The CSR form holds the dense form's non-zeros (h5py wrote both: 426).
        let dense = try #require(experiment.trained.activations[1]?.dense).rows(0..<64)
        #expect(experiment.trained.activations[1]?.sparse?.nonZeros == dense.filter { $0 != 0 }.count)
        #expect(experiment.trained.activations[1]?.sparse != nil && experiment.trained.activations[2]?.sparse != nil)
        #expect(experiment.nullModels[0].activations[1] == nil && experiment.nullModels[1].activations[1]?.dense != nil)
        #expect(experiment.images?.storedDims == [64, 16])
        let classifier = try #require(experiment.classifier)
        #expect(classifier.layers.map { [$0.inputs, $0.outputs] } == [[16, 6], [6, 10]] && classifier.hiddenLayer == 1)
    }

    @Test func depthNamesBeyondTheCapOrWithLeadingZerosAreViolations() throws {
        let huge = try Self.errors("depth_name_huge.h5")
        #expect(huge.contains { $0.path == "/depths/9223372036854775807" && $0.message.contains("beyond the limit of 1000") }, "\(huge)")
        let zero = try Self.errors("depth_name_leading_zero.h5")
        #expect(zero.contains { $0.path == "/depths/01" && $0.check == "contiguous_depths" }, "\(zero)")
        let nulls = try Self.errors("null_depth_huge.h5")
        #expect(nulls.contains { $0.path == "/null_models/9223372036854775807" }, "\(nulls)")
    }

    @Test func aTransposedEncoderIsBlamedOnTheEncoder() throws {
        let errors = try Self.errors("transposed_w_enc.h5")
        #expect(errors.contains { $0.path == "/depths/1/sae/W_enc" && $0.check == "chain" && $0.message.contains("transpose") }, "\(errors)")
        #expect(!errors.contains { $0.path.hasSuffix("b_enc") }, "\(errors)")
    }

    @Test func sparseShapesThatOverflowAreRefusedNotComputed() throws {
        let errors = try Self.errors("sparse_shape_overflow.h5")
        #expect(errors.contains { $0.path == "/depths/1/sparse" && $0.message.contains("4611686018427387904 rows, expected N = 64") }, "\(errors)")
        let disagree = try Self.errors("sparse_dense_disagree.h5")
        #expect(disagree.contains { $0.path == "/depths/1/sparse" && $0.message.contains("9 columns, expected F = 10") }, "\(disagree)")
    }

    @Test func nullModelsAreCheckedLikeTheTrainedCascade() throws {
        let widths = try Self.errors("null_width_mismatch.h5")
        #expect(widths.contains { $0.path == "/null_models/0/depths/1/sae/W_enc" && $0.message.contains("expected F{d} = 10") }, "\(widths)")
        let short = try Self.errors("null_missing_depth.h5")
        #expect(short.contains { $0.path == "/null_models/0" && $0.message.contains("depths 1…2") }, "\(short)")
    }

    @Test func declaredSizesBeyondWhatTheFileStoresAreDamage() throws {
        for (file, path) in [("labels_declared_huge.h5", "/labels"), ("activations_declared_huge.h5", "/depths/1/activations")] {
            let outcome = try Self.outcome(file)
            #expect(outcome.experiment == nil)
            let leading = try #require(Violation.mostSevere(outcome.violations))
            #expect(leading.check == "budget" && leading.path == path && leading.problem == .damaged, "\(leading)")
        }
    }

    @Test func theMemoryBudgetComesFromTheMachine() throws {
        #expect(try Self.outcome("valid.h5", memoryBudget: 1 << 30).experiment != nil)
        let tight = try Self.outcome("valid.h5", memoryBudget: 1_000)
        #expect(tight.errors.contains { $0.check == "memory" && $0.problem == .unsupported }, "\(tight.errors)")
    }

    @Test(arguments: [("vds_missing_source.h5", "virtual dataset"), ("vds_present_source.h5", "virtual dataset"),
                      ("external_storage.h5", "external raw files")])
    func storageOutsideTheFileIsRefused(file: String, words: String) throws {
        let errors = try Self.errors(file)
        #expect(errors.contains { $0.path == "/depths/0/activations" && $0.problem == .unsupported && $0.message.contains(words) }, "\(errors)")
    }

    @Test func unknownActivationFunctionsAndVersionsAreUnsupported() throws {
        let gelu = try Self.errors("activation_gelu.h5")
        #expect(gelu.contains { $0.path == "/depths/1/sae" && $0.problem == .unsupported && $0.message.contains("'gelu'") }, "\(gelu)")
        let version = try Self.errors("schema_version_9.h5")
        #expect(version.contains { $0.problem == .unsupported && $0.message.contains("version 9") }, "\(version)")
    }

    @Test func theClassifierChainIsChecked() throws {
        #expect(try Self.errors("classifier_chain_broken.h5").contains { $0.path == "/classifier/layers/1/weight" })
        #expect(try Self.errors("classifier_hidden_wrong.h5").contains { $0.path == "/classifier" && $0.message.contains("hidden_layer = 2") })
        #expect(try Self.errors("images_short.h5").contains { $0.path == "/images" && $0.message.contains("expected N = 64") })
    }

    @Test func twentyOneDepthsAreFine() throws {
        #expect(try Self.outcome("deep_21.h5").experiment?.depthCount == 21)
    }

    @Test func depthNamesAreStrictDecimals() {
        #expect(Numbering.parse("0", limit: 10) == 0 && Numbering.parse("10", limit: 10) == 10)
        for name in ["", "01", "-1", "+1", "1e3", " 1", "11", "١", "9223372036854775807", "99999999999999999999"] {
            #expect(Numbering.parse(name, limit: 10) == nil, "\(name)")
        }
        #expect(Numbering.isDense([0, 1, 2], from: 0) && !Numbering.isDense([0, 2], from: 0) && !Numbering.isDense([1, 2], from: 0))
    }
}
