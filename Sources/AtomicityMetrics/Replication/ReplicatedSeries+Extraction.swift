extension ReplicatedSeries {
    /// The seed's metrics, the diagnostics and each control's differences
    /// present in every seed. PDS is tested from depth 2 (PDS(1) = 0 by
    /// definition); everything else over every SAE depth.
    static func extract(from seeds: [SeedResults]) -> [ReplicatedSeries] {
        let labels = seeds.map(\.label)
        let depths = seeds[0].results.saeDepths.map(\.depth)
        var series: [ReplicatedSeries] = []
        func add(_ name: String, _ family: Family, control: String? = nil, direction: Direction,
                 _ value: (SeedResults, Int) -> Double?) {
            let used = direction == .positive ? depths.filter { $0 >= 2 } : depths
            let rows = seeds.map { seed in used.map { value(seed, $0) } }
            guard !used.isEmpty, rows.allSatisfy({ $0.allSatisfy { $0 != nil } }) else { return }
            series.append(ReplicatedSeries(name: name, family: family, control: control, direction: direction, depths: used,
                                           seeds: labels, values: rows.map { $0.map { $0! } }))
        }
        func row(_ seed: SeedResults, _ depth: Int) -> DepthMetrics? { seed.results.depths.first { $0.depth == depth } }
        for metric in Metric.allCases {
            add(metric.rawValue, .metric, direction: direction(of: metric.rawValue)) { row($0, $1)?.value(metric) }
        }
        add("ODM", .diagnostic, direction: direction(of: "ODM")) { row($0, $1)?.ODM }
        add("mean L0", .diagnostic, direction: .falling) { row($0, $1)?.meanL0 }
        add("alive latents", .diagnostic, direction: .falling) { row($0, $1)?.aliveLatents.map(Double.init) }
        // Each diagnostic in the direction "more atomic" would move it.
        for (name, direction) in Self.diagnosticDirections {
            add(name, .diagnostic, direction: direction) { seed, depth in
                row(seed, depth)?.diagnostics?.fields.first { $0.name == name }?.value ?? nil
            }
        }
        for kind in ControlResults.Kind.allCases {
            for name in Metric.allCases.map(\.rawValue) + ["ODM"] {
                add("\(name) − \(kind.rawValue)", .controlDifference, control: kind.rawValue, direction: direction(of: name)) { seed, depth in
                    seed.results.controls?.first { $0.kind == kind }?.differences.first { $0.depth == depth }?.values[name]
                }
            }
        }
        return series
    }

    /// What "more atomic" predicts for a metric, or ODM, and for a
    /// cascade's difference from a control in it: PDS positive, ODM
    /// falling, FRI, CSP and LTES rising.
    static func direction(of name: String) -> Direction {
        switch name {
        case Metric.PDS.rawValue: return .positive
        case "ODM": return .falling
        default: return .rising
        }
    }

    /// The diagnostics pooled over seeds, and the direction a cascade
    /// growing more atomic would move each.
    static let diagnosticDirections: [(String, Direction)] = [
        ("interferenceRatio", .falling), ("cumulativeFVU", .falling), ("odmPositive", .falling),
        ("odmAlive", .falling), ("duplicatePairs", .falling), ("inheritedShare", .falling), ("cspAlive", .rising),
        ("ltesMeanFrequency", .falling), ("ltesMeanSpread", .falling),
        ("reconstructionAccuracy", .rising), ("participationRatio", .falling), ("negativeMass", .falling),
        ("ompExplainedShare", .rising), ("metaSAEExplained", .rising),
    ]
}
