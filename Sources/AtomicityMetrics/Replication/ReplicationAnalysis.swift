/// Pools the analyses of independent training seeds: the seed is the unit
/// of replication, depth the ordered treatment.
public enum ReplicationAnalysis {
    public static let bootstrapSeed: UInt64 = 20_240_601

    public static func run(_ seeds: [SeedResults], toolVersion: String) throws(ReplicationError) -> AggregateResults {
        try checkComparable(seeds)
        var aggregates = ReplicatedSeries.extract(from: seeds).map { SeriesAggregate($0, bootstrapSeed: bootstrapSeed) }
        for key in Set(aggregates.map(\.familyKey)) {
            let members = aggregates.indices.filter { aggregates[$0].familyKey == key }
            let adjusted = Holm.adjust(members.map { aggregates[$0].pooledP })
            for (index, p) in zip(members, adjusted) { aggregates[index].settle(pHolm: p) }
        }
        let verdict = ReplicatedVerdict(aggregates.filter { $0.family == .metric }, seeds: seeds.count)
        return AggregateResults(
            tool: "metasae \(toolVersion)",
            inputs: seeds.map { SeedInput(seed: $0.label, results: $0.path, file: $0.results.input.path,
                                          examples: $0.results.input.examples, classifierAccuracy: $0.results.input.classifierAccuracy) },
            settings: seeds[0].results.settings, alpha: SeriesAggregate.alpha,
            bootstrap: .init(resamples: Bootstrap.resamples, seed: bootstrapSeed),
            series: aggregates, references: ReferenceLevel.extract(from: seeds), verdict: verdict,
            notes: notes(seeds) + power(seeds: seeds.count, steps: aggregates.map(\.steps.count).max() ?? 0))
    }

    /// Seeds pool only when analyzed alike at the same depths, each once.
    static func checkComparable(_ seeds: [SeedResults]) throws(ReplicationError) {
        guard seeds.count >= 2 else {
            throw ReplicationError("aggregate needs the results of at least 2 seeds (got \(seeds.count)); one seed is not a replication")
        }
        let first = seeds[0]
        let depths = first.results.saeDepths.map(\.depth)
        let settings = first.results.settings
        var files: [String: String] = [:]
        for seed in seeds {
            let own = seed.results.saeDepths.map(\.depth)
            guard own == depths else {
                throw ReplicationError("\(seed.label) has SAE depths \(span(own)) but \(first.label) has \(span(depths)); "
                                       + "aggregate seeds of the same design")
            }
            guard seed.results.settings == settings else {
                throw ReplicationError("\(seed.label) was analyzed with other settings than \(first.label) "
                                       + "(see \"settings\" in their results.json); analyze every seed alike")
            }
            if let other = files[seed.results.input.path] {
                throw ReplicationError("\(seed.label) and \(other) are analyses of the same file \(seed.results.input.path)")
            }
            files[seed.results.input.path] = seed.label
        }
    }

    static func notes(_ seeds: [SeedResults]) -> [String] {
        var notes: [String] = []
        for kind in ControlResults.Kind.allCases {
            let having = seeds.filter { $0.results.controls?.contains { $0.kind == kind } ?? false }
            if !having.isEmpty && having.count < seeds.count {
                notes.append("the \(kind.rawValue) is in \(having.count) of \(seeds.count) seeds; its differences are left out")
            }
        }
        var seen: [[Double?]: String] = [:]
        for seed in seeds {
            let fingerprint = seed.results.saeDepths.flatMap { row in Metric.allCases.map(row.value) + [row.ODM] }
            if let other = seen[fingerprint] {
                notes.append("\(seed.label) has exactly the metrics of \(other): the same seed twice?")
            }
            seen[fingerprint] = seed.label
        }
        return notes
    }

    /// What S seeds cannot show: a one-sided signed-rank p is at least 2^−S,
    /// and Holm over k steps multiplies the smallest by k.
    static func power(seeds: Int, steps: Int) -> [String] {
        guard steps > 0 else { return [] }
        let smallest = 1 / Double(1 << min(seeds, 62))
        guard smallest * Double(steps) >= SeriesAggregate.alpha else { return [] }
        var needed = seeds
        while 1 / Double(1 << min(needed, 62)) * Double(steps) >= SeriesAggregate.alpha { needed += 1 }
        return ["with \(seeds) seeds the smallest one-sided signed-rank p is 2^-\(seeds) = \(format(smallest)), so no step "
                + "(or PDS depth) can be significant after Holm over \(steps): that needs at least \(needed) seeds"]
    }

    static func span(_ depths: [Int]) -> String {
        guard let first = depths.first, let last = depths.last else { return "none" }
        return depths == Array(first...last) ? "\(first)–\(last)" : depths.map(String.init).joined(separator: ",")
    }
}
