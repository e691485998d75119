import MetaSAEStore

/// The trained cascade's diagnostics: what each depth pass streams for
/// them, and what they read from its results and from the weights.
extension AtomicityAnalysis {
    /// What the pass over `depth` streams for the diagnostics.
    func diagnosticInputs(
        depth: Int, sources: [any RowBlockSource], chain: DecoderChain?, labelCounts: [Int], head: ClassifierHead?
    ) -> DiagnosticInputs? {
        guard let options = settings.diagnostics else { return nil }
        var inputs = DiagnosticInputs()
        inputs.shuffle = LabelShuffle(classCounts: labelCounts, seed: options.permutationSeed)
        if depth >= 1 {
            inputs.previous = sources[depth - 1]
            inputs.chain = chain
            inputs.head = head
        }
        return inputs
    }

    /// The diagnostics one depth's pass yields. `baseVariance` is
    /// Σ‖a0 − ā0‖², FVU₀'s denominator; `countsAccuracy` says whether the
    /// pass had a classifier head to count correct answers with.
    func diagnostics(of outcome: DepthPass.Outcome, depth: Int, baseVariance: Double?, total: Int,
                     countsAccuracy: Bool) -> DepthDiagnostics? {
        guard let options = settings.diagnostics else { return nil }
        var result = DepthDiagnostics()
        if let moments = outcome.moments, let activity = outcome.activity {
            CovarianceDiagnostics.fill(&result, moments: moments, alive: activity.fired, threshold: options.duplicateThreshold)
            if depth == 0 { result.cspAllLatents = AtomicityFormulas.conceptSelectivity(moments) }
            if let state = outcome.diagnostics {
                result.cspPermutedLabels = state.shuffled?.conceptSelectivity
                result.inheritedShare = state.cross?.inheritedShare(alive: activity.fired, threshold: options.duplicateThreshold)
                if let fidelity = state.fidelity, fidelity.rows > 0 {
                    result.cumulativeFVU = baseVariance.flatMap { $0 > 0 ? fidelity.squaredError / $0 : nil }
                    if countsAccuracy {
                        result.reconstructionAccuracy = Double(fidelity.correctOnReconstruction) / Double(fidelity.rows)
                        result.baseAccuracy = Double(fidelity.correctOnBase) / Double(fidelity.rows)
                    }
                }
            }
        }
        result.interferenceRatio = outcome.fri?.interferenceRatio
        outcome.ltes?.fillParts(&result, minimumActive: settings.ltesMinimumActive(total: total))
        return result
    }

    /// Composition from the weights, for depths ≥ 2 with diagnostics:
    /// W_dec rows' shape, and OMP against the alive depth-1 directions.
    func addComposition(_ rows: inout [Int: DepthMetrics], decoders: [SAEWeights], chains: [DecoderChain], alive: [Int: [Bool]]) {
        guard let options = settings.diagnostics, decoders.count >= 2 else { return }
        let first = decoders[0]
        let dictionaryRows = (0..<first.latentWidth).filter { alive[1]?[$0] ?? true }
        let dictionary = Composition.unitRows(first.decoderWeight.map(Double.init), width: first.inputWidth, rows: dictionaryRows)
        let random = Composition.randomUnitVectors(count: options.randomDirections, width: first.inputWidth, seed: options.permutationSeed)
        let chance = Composition.ompExplainedShare(targets: random, dictionary: dictionary, atoms: options.ompAtoms)
        for depth in rows.keys.sorted() where depth >= 2 && rows[depth]?.diagnostics != nil {
            let sae = decoders[depth - 1]
            let latents = (0..<sae.latentWidth).filter { alive[depth]?[$0] ?? true }
            if let shape = Composition.rowShape(decoder: sae.decoderWeight, width: sae.inputWidth, latents: latents) {
                rows[depth]!.diagnostics!.participationRatio = shape.participation
                rows[depth]!.diagnostics!.negativeMass = shape.negativeMass
            }
            let chain = chains[depth - 1]
            let targets = Composition.unitRows(chain.linear, width: chain.outputWidth, rows: latents)
            rows[depth]!.diagnostics!.ompExplainedShare = Composition.ompExplainedShare(targets: targets, dictionary: dictionary, atoms: options.ompAtoms)
            rows[depth]!.diagnostics!.ompRandomShare = chance
        }
    }
}
