import Testing
@testable import MetaSAETraining

/// Independent replicates need independent randomness: no stream of one
/// master seed (classifier, SAEs, shuffles, nulls, controls) may equal a
/// stream of another, or another stream of its own.
@Suite struct SeedStreamTests {
    static func streams(_ seed: UInt64, depths: Int = 20, nulls: Int = 100) -> [UInt64] {
        var config = TrainingConfiguration()
        config.seed = seed
        return [config.classifierSeed]
            + (1...depths).flatMap { [config.saeSeed(depth: $0), config.flatSeed(depth: $0)] }
            + (0...depths).map { config.shuffleSeed(stage: $0) }
            + (0..<nulls).flatMap { [config.nullSeed($0), config.matchedNullSeed($0)] }
    }

    @Test func noTwoSeedsShareAStream() {
        var seen: [UInt64: UInt64] = [:]
        for seed in Array(0..<64) + [4_294_967_295] {
            for stream in Self.streams(UInt64(seed)) {
                #expect(seen[stream] == nil, "stream \(stream) of seed \(seed) is also seed \(seen[stream] ?? 0)'s")
                seen[stream] = UInt64(seed)
            }
        }
    }

    @Test func seedZeroKeepsItsStreams() {
        // The default run's published numbers stay reproducible.
        var config = TrainingConfiguration()
        config.seed = 0
        #expect(config.classifierSeed == 1)
        #expect(config.saeSeed(depth: 3) == 103)
        #expect(config.nullSeed(2) == 1_000_002)
        #expect(config.matchedNullSeed(1) == 2_000_001)
    }
}
