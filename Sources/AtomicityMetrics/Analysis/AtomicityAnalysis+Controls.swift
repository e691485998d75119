import MetaSAEStore

/// The controls measured like the cascade: each flat control as the one
/// depth of a cascade on depth 0, matched nulls like the null models.
extension AtomicityAnalysis {
    func measureControls(
        _ experiment: CheckedExperiment, trained: [DepthMetrics], nulls: NullModelSummary?, base: any RowBlockSource,
        labels: LabelReader, selected: [Int], seconds: inout [String: Double], progress: any ProgressSink
    ) throws -> [ControlResults] {
        var controls: [ControlResults] = []
        let baseODM = trained.first { $0.depth == 0 }?.ODM
        let flat = experiment.flatControls.filter { selected.contains($0.depth) }
        if !flat.isEmpty {
            var rows: [DepthMetrics] = []
            for control in flat {
                let decoder = try control.sae.load()
                let measured = try measureCascade(
                    sources: [base, control.activations.source], decoders: [decoder], labels: labels, selected: [1],
                    label: "flat control \(control.depth)", baseODM: baseODM, seconds: &seconds, progress: progress)
                guard var row = measured.first(where: { $0.depth == 1 }) else { continue }
                row.depth = control.depth
                rows.append(row)
            }
            // PDS across flat controls as across depths (control d − 1 before control d).
            var byDepth = Dictionary(uniqueKeysWithValues: rows.map { ($0.depth, $0) })
            DepthMetrics.fillPDS(&byDepth, at: rows.map(\.depth))
            rows = rows.map { byDepth[$0.depth]! }
            controls.append(ControlResults.comparing(
                trained, kind: .flat,
                description: "for each depth, an SAE of its width and architecture trained on depth 0 with its L0: what depth alone does, without the cascade",
                depths: rows, metrics: settings.metrics))
        }
        if let matched = try measureMatchedNulls(experiment, trained: trained, base: base, labels: labels, selected: selected,
                                                 seconds: &seconds, progress: progress) {
            controls.append(ControlResults.comparing(
                trained, kind: .matchedNull,
                description: "random-init cascades whose codes are TopK at the trained cascade's L0 per depth: firing frequency matched, nothing learned",
                statistics: matched.depths, seeds: matched.seeds, metrics: settings.metrics))
        }
        if let nulls {
            controls.append(ControlResults.comparing(
                trained, kind: .randomNull, description: "random-init cascades with ReLU codes (the seed's null): nothing learned, nothing matched",
                statistics: nulls.depths, seeds: nulls.seeds, metrics: settings.metrics))
        }
        return controls
    }

    /// Matched nulls: the file's, or `settings.matchedNullSeeds` generated
    /// with TopK at the trained cascade's rounded mean L0 per depth.
    func measureMatchedNulls(
        _ experiment: CheckedExperiment, trained: [DepthMetrics], base: any RowBlockSource, labels: LabelReader, selected: [Int],
        seconds: inout [String: Double], progress: any ProgressSink
    ) throws -> NullModelSummary? {
        var cascades: [(seed: UInt64, weights: [SAEWeights], stored: CheckedCascade?)] = []
        if let count = settings.matchedNullSeeds {
            let meanL0 = (1...experiment.depthCount).map { depth in trained.first { $0.depth == depth }?.meanL0 ?? 1 }
            for index in 0..<count {
                let seed = settings.nullSeedBase + 500 + UInt64(index)
                cascades.append((seed, RandomCascade.matched(widths: experiment.widths, seed: seed, meanL0: meanL0), nil))
            }
        } else {
            for cascade in experiment.matchedNulls {
                guard case .matchedNull(_, let seed) = cascade.role else { continue }
                cascades.append((seed, try cascade.saes.map { try $0.load() }, cascade))
            }
        }
        guard !cascades.isEmpty else { return nil }
        let baseODM = trained.first { $0.depth == 0 }?.ODM
        var measured: [[DepthMetrics]] = []
        for (index, cascade) in cascades.enumerated() {
            let sources = try nullSources(base: base, encoders: cascade.weights) { cascade.stored?.activations[$0]?.source }
            measured.append(try measureCascade(sources: sources, decoders: cascade.weights, labels: labels, selected: selected,
                                               label: "matched null \(index + 1)/\(cascades.count) depth", baseODM: baseODM,
                                               seconds: &seconds, progress: progress))
        }
        return summarize(measured, seeds: cascades.map(\.seed), origin: settings.matchedNullSeeds == nil ? "stored" : "generated",
                         selected: selected)
    }

    /// Mean ± sd of each metric (and ODM) over cascades, per selected depth.
    func summarize(_ cascades: [[DepthMetrics]], seeds: [UInt64], origin: String, selected: [Int]) -> NullModelSummary {
        let depths = selected.map { depth in
            var statistics: [String: NullStatistic] = [:]
            for name in settings.metrics.map(\.rawValue) + ["ODM"] {
                let values = cascades.compactMap { cascade -> Double? in
                    guard let row = cascade.first(where: { $0.depth == depth }) else { return nil }
                    return row.value(named: name)
                }
                if !values.isEmpty { statistics[name] = NullStatistic(values) }
            }
            return NullDepth(depth: depth, metrics: statistics)
        }
        return NullModelSummary(origin: origin, seeds: seeds, depths: depths, cascades: cascades)
    }
}
