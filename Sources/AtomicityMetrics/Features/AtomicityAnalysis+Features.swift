import MetaSAEStore

extension AtomicityAnalysis {
    /// How many links of each kind a latent's card lists.
    static let lineageLinks = 8
    static let neighbourLinks = 6

    /// The feature browser's view of one depth of the trained cascade: its
    /// pass's moments, firing counts and feature state, and the decoders
    /// around it (`decoders[d − 1]` is depth d's SAE).
    static func depthFeatures(
        depth: Int, moments state: MomentAccumulator, activity: ActivityCount, features: FeatureState, decoders: [SAEWeights]
    ) -> DepthFeatures {
        let moments = state.settled
        let width = moments.width
        let classMeans = moments.classMeans
        let own = depth >= 1 ? decoders[depth - 1] : nil
        let upper = depth < decoders.count ? decoders[depth] : nil
        let neighbours = own.map { Lineage.neighbours($0, count: neighbourLinks) }
        let twins = strongestCorrelations(moments)
        let latents = (0..<width).map { latent in
            let selectivity = AtomicityFormulas.selectivity(classMeans: classMeans, width: width, latent: latent)
            let ranked = features.top.ranked(latent)
            let histogram = features.histogram.histogram(latent)
            let used = histogram.indices.filter { histogram[$0] > 0 }
            let shape = own.flatMap { Composition.rowShape(decoder: $0.decoderWeight, width: $0.inputWidth, latent: latent) }
            return LatentFeatures(
                latent: latent,
                frequency: activity.rows > 0 ? Double(activity.firings[latent]) / Double(activity.rows) : 0,
                meanActivation: Float(moments.mean[latent]),
                classMeans: (0..<MomentAccumulator.classCount).map { Float(classMeans[$0 * width + latent]) },
                selectivity: selectivity.score, topClass: selectivity.topClass,
                maxCorrelation: twins[latent]?.r, twin: twins[latent]?.latent,
                top: ranked.map(\.row), topValues: ranked.map(\.value),
                histogramStart: (used.first ?? histogram.startIndex) - histogram.startIndex,
                histogram: used.isEmpty ? [] : Array(histogram[used.first!...used.last!]),
                parents: own.map { Lineage.parents(of: latent, decoder: $0, count: lineageLinks) } ?? [],
                children: upper.map { Lineage.children(of: latent, upper: $0, count: lineageLinks) } ?? [],
                neighbours: neighbours?[latent] ?? [],
                participation: shape?.participation, negativeMass: shape?.negativeMass)
        }
        return DepthFeatures(depth: depth, width: width, rows: moments.count, latents: latents)
    }

    /// Each latent's largest Pearson r with another latent of its depth
    /// (latents that never vary have none).
    static func strongestCorrelations(_ moments: MomentAccumulator) -> [(latent: Int, r: Double)?] {
        var best = [(latent: Int, r: Double)?](repeating: nil, count: moments.width)
        guard moments.count >= 2 else { return best }
        CovarianceDiagnostics.forEachCorrelation(moments, latents: Array(0..<moments.width)) { i, j, r in
            if best[i].map({ r > $0.r }) ?? true { best[i] = (j, r) }
            if best[j].map({ r > $0.r }) ?? true { best[j] = (i, r) }
        }
        return best
    }
}
