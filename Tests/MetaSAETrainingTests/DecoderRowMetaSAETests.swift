import Testing
import TestSupport
@testable import MetaSAETraining

/// The decoder-row meta-SAE on planted data: 64 atoms, 256 unit-normed
/// composites of three of them. With k = 3 and 64 meta-latents it can
/// represent every composite exactly, so it explains nearly all their
/// variance; random unit vectors have no such structure.
@Suite struct DecoderRowMetaSAETests {
    @Test func plantedCompositesAreExplainedAndRandomOnesAreNot() throws {
        var meta = DecoderRowMetaSAE()
        meta.settings.k = 3
        meta.settings.epochs = 200
        let outcome = try #require(meta.fit(rows: PlantedComposites.make(seed: 21).composites))
        #expect(outcome.rows == 256 && outcome.width == 64)
        #expect(outcome.explained > 0.9, "planted \(outcome.explained)")
        #expect(outcome.random < outcome.explained - 0.3, "random \(outcome.random) vs planted \(outcome.explained)")
    }

    @Test func fewerThanTwoRowsGiveNothing() {
        #expect(DecoderRowMetaSAE().fit(rows: [[1, 0]]) == nil)
        #expect(DecoderRowMetaSAE().fit(rows: [[0, 0], [0, 0], [1, 1]]) == nil)
    }
}
