import ArgumentParser
import Foundation

/// `--seeds 0-9`, `--seeds 3,5,8-10`: distinct seeds in the order given.
struct SeedList: ExpressibleByArgument, Equatable {
    var seeds: [UInt64]

    /// Seeds stay below 2³² so that every seed's derived streams (classifier,
    /// SAEs, nulls, controls) differ from every other seed's.
    static let limit: UInt64 = 1 << 32
    /// More seeds than anyone trains on one machine: a typo, not a plan.
    static let most = 10_000

    init?(argument: String) {
        var seeds: [UInt64] = []
        var seen = Set<UInt64>()
        for part in argument.split(separator: ",", omittingEmptySubsequences: false) {
            let bounds = part.trimmingCharacters(in: .whitespaces).split(separator: "-", omittingEmptySubsequences: false)
            guard (1...2).contains(bounds.count), let low = UInt64(bounds[0]), let high = UInt64(bounds[bounds.count - 1]),
                  low <= high, high < Self.limit, high - low < UInt64(Self.most) else { return nil }
            for seed in low...high where seen.insert(seed).inserted { seeds.append(seed) }
            guard seeds.count <= Self.most else { return nil }
        }
        guard !seeds.isEmpty else { return nil }
        self.seeds = seeds
    }
}
