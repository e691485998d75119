import Foundation
import LinearAlgebra
import MetaSAEStore

/// Answers the research question for one canonical file: the four metrics
/// per depth, ODM per depth, Spearman trends, null models and a verdict.
public struct AtomicityAnalysis: Sendable {
    public let settings: AnalysisSettings
    /// The processes sharing the work (one, unless run under MPI).
    public var exchange: any PartialStateExchange
    /// Which kernel the moments take (`METASAE_KERNEL`; by density unless forced).
    public var kernel = MomentAccumulator.Kernel.auto
    public static let toolName = "metasae"

    public init(settings: AnalysisSettings = AnalysisSettings(), exchange: any PartialStateExchange = SingleProcess()) {
        self.settings = settings
        self.exchange = exchange
    }

    /// Analyzes a checked experiment: every shape it relies on is proved,
    /// so it only reads data (and refuses non-finite weights as it loads them).
    public func run(_ experiment: CheckedExperiment, toolVersion: String, progress: any ProgressSink = SilentProgress()) throws -> AnalysisResults {
        let selected = try selectedDepths(available: experiment.depthCount)
        let labels = experiment.labels
        let sources = experiment.trained.activations.map { $0!.source }
        let base = sources[0]
        // Weights are loaded where something asked for uses them; the rest
        // (controls and nulls not measured; the cascade's when PDS and CSP,
        // which come from the latents alone, are all that is asked for) are
        // streamed through the finiteness check: non-finite SAE or
        // classifier weights anywhere in the file are refused whatever is
        // asked for.
        var decoders: [SAEWeights] = []
        if readsTrainedWeights {
            decoders = try experiment.trained.saes.map { try $0.load() }
        } else {
            for sae in experiment.trained.saes { try sae.requireFinite() }
        }
        var storedNulls: [[SAEWeights]] = []
        if settings.nullSeeds == nil {
            storedNulls = try experiment.nullModels.map { cascade in try cascade.saes.map { try $0.load() } }
        } else {
            for sae in experiment.nullModels.flatMap(\.saes) { try sae.requireFinite() }
        }
        for control in experiment.flatControls where !selected.contains(control.depth) { try control.sae.requireFinite() }
        try experiment.classifier?.requireFinite()
        if settings.matchedNullSeeds != nil {
            for sae in experiment.matchedNulls.flatMap(\.saes) { try sae.requireFinite() }
        }

        var seconds: [String: Double] = [:]
        let diagnosed = try settings.diagnostics.map { _ in
            Diagnosed(labelCounts: try LabelShuffle.classCounts(of: labels),
                      head: try experiment.classifier.flatMap { try ClassifierHead($0) })
        }
        let browser = (settings.featureExamples ?? 0) > 0 ? FeatureCollector() : nil
        let trained = try measureCascade(sources: sources, decoders: decoders, labels: labels, selected: selected,
                                         label: "depth", baseODM: nil, seconds: &seconds, progress: progress, diagnosed: diagnosed,
                                         browser: browser)
        let trends = Self.trends(trained, metrics: settings.metrics)
        let nulls = try measureNulls(experiment, storedWeights: storedNulls, base: base, labels: labels, selected: selected,
                                     baseODM: trained.first { $0.depth == 0 }?.ODM, seconds: &seconds, progress: progress)
        let controls = try measureControls(experiment, trained: trained, nulls: nulls, base: base, labels: labels,
                                           selected: selected, seconds: &seconds, progress: progress)
        let verdict = Verdict(depths: trained, trends: trends, nulls: nulls?.depths, metrics: settings.metrics)
        return AnalysisResults(
            tool: "\(Self.toolName) \(toolVersion)",
            blas: BLAS.coreName.map { "OpenBLAS \($0)" },
            input: provenance(experiment),
            settings: settings, depths: trained, trends: trends, nullModels: nulls,
            controls: controls.isEmpty ? nil : controls, verdict: verdict, seconds: seconds,
            features: browser.map { FeatureData(examples: settings.featureExamples!, depths: $0.depths) })
    }

    /// Class means and co-moments of one source in one streamed pass, with
    /// reads overlapped with compute: the kernel behind CSP and ODM.
    public static func moments(
        of source: any RowBlockSource, labels: LabelReader?, blockBytes: Int = 16 << 20,
        kernel: MomentAccumulator.Kernel = .auto, progress: any ProgressSink = SilentProgress()
    ) throws -> MomentAccumulator {
        var pass = DepthPass(depth: 0, source: source, base: source, labels: labels, stage: "moments")
        pass.blockBytes = blockBytes
        pass.kernel = kernel
        return try pass.run(progress: progress).moments!
    }

    /// Whether FRI or LTES is asked for: they probe through composed decoders.
    var probes: Bool { settings.metrics.contains(.FRI) || settings.metrics.contains(.LTES) }

    /// Whether the trained cascade's weights enter what is asked for: the
    /// probes and the diagnostics compose its decoders, the feature browser
    /// shows decoder lineage.
    var readsTrainedWeights: Bool {
        probes || settings.diagnostics != nil || (settings.featureExamples ?? 0) > 0
    }

    func selectedDepths(available deepest: Int) throws -> [Int] {
        guard let requested = settings.depths else { return Array(1...deepest) }
        let invalid = requested.filter { $0 < 1 || $0 > deepest }
        guard invalid.isEmpty else {
            throw SettingsError("--depths \(invalid.map(String.init).joined(separator: ",")): not SAE depths of this file, which has depths 1…\(deepest)")
        }
        return Array(Set(requested)).sorted()
    }

    /// Measures one cascade (trained or null). `sources[0]` is depth 0.
    func measureCascade(
        sources: [any RowBlockSource], decoders: [SAEWeights], labels: LabelReader, selected: [Int],
        label: String, baseODM: Double?, seconds: inout [String: Double], progress: any ProgressSink,
        diagnosed: Diagnosed? = nil, browser: FeatureCollector? = nil
    ) throws -> [DepthMetrics] {
        let metrics = Set(settings.metrics)
        let total = labels.count
        // ODM: every depth by default (PDS needs d − 1); CSP: the selected depths.
        var momentDepths = Set<Int>()
        if metrics.contains(.CSP) { momentDepths.formUnion(selected) }
        if metrics.contains(.PDS) { for depth in selected where depth >= 2 { momentDepths.formUnion([depth - 1, depth]) } }
        if settings.depths == nil { momentDepths.formUnion(0..<sources.count) }
        if baseODM != nil { momentDepths.remove(0) }
        // The diagnostics need depth 0's variance (FVU₀) and every selected depth's moments.
        if diagnosed != nil { momentDepths.formUnion([0] + selected) }

        // M_d and c_d of every depth, composed once for the probes and the diagnostics.
        let chains = probes || diagnosed != nil ? DecoderChain.prefixes(of: decoders) : []
        var results: [Int: DepthMetrics] = [:]
        var alive: [Int: [Bool]] = [:]
        var baseVariance: Double?
        for depth in momentDepths.union(selected).sorted() {
            var row = DepthMetrics(depth: depth, width: sources[depth].width)
            let probe = depth >= 1 && selected.contains(depth) && probes
            var pass = DepthPass(depth: depth, source: sources[depth], base: sources[0], labels: labels,
                                 stage: "\(label) \(depth)")
            pass.wantMoments = momentDepths.contains(depth)
            pass.kernel = kernel
            pass.blockBytes = settings.blockBytes
            pass.nonFinitePolicy = settings.nonFinite
            pass.exchange = exchange
            if let diagnosed {
                pass.diagnostics = diagnosticInputs(depth: depth, sources: sources, chain: depth >= 1 ? chains[depth - 1] : nil,
                                                    labelCounts: diagnosed.labelCounts, head: diagnosed.head)
            }
            if browser != nil, pass.wantMoments { pass.featureExamples = settings.featureExamples ?? 0 }
            if probe {
                pass.chain = chains[depth - 1]
                pass.friRows = metrics.contains(.FRI) ? settings.friExamples.rows(of: total) : 0
                pass.ltesRows = metrics.contains(.LTES) ? settings.ltesExamples.rows(of: total) : 0
            }
            let outcome = try pass.run(progress: progress)
            seconds.merge(outcome.seconds, uniquingKeysWith: +)
            if outcome.excludedRows > 0 { row.excludedRows = outcome.excludedRows }
            if let activity = outcome.activity {
                row.meanL0 = activity.meanL0
                row.aliveLatents = activity.aliveLatents
                alive[depth] = activity.fired
            }
            if let browser, let moments = outcome.moments, let activity = outcome.activity, let features = outcome.features {
                browser.depths.append(Self.depthFeatures(depth: depth, moments: moments, activity: activity, features: features,
                                                         decoders: decoders))
            }
            if depth == 0, let moments = outcome.moments {
                let settled = moments.settled
                baseVariance = (0..<settled.width).reduce(0) { $0 + settled.comoment[$1 * settled.width + $1] }
            }
            if let diagnosed {
                row.diagnostics = diagnostics(of: outcome, depth: depth, baseVariance: baseVariance, total: total,
                                              countsAccuracy: diagnosed.head != nil)
            }
            if let moments = outcome.moments {
                row.ODM = AtomicityFormulas.offDiagonalMass(moments)
                if depth >= 1 && selected.contains(depth) && metrics.contains(.CSP) {
                    row.CSP = AtomicityFormulas.conceptSelectivity(moments)
                }
            }
            if let fri = outcome.fri {
                row.FRI = fri.value
                row.friExamplesUsed = fri.examplesUsed
                row.friExamplesSeen = fri.examplesSeen
            }
            if let ltes = outcome.ltes {
                let minimum = settings.ltesMinimumActive(total: total)
                row.LTES = ltes.value(minimumActive: minimum)
                row.ltesLatentsUsed = ltes.usedLatents(minimumActive: minimum).count
                row.ltesExamples = ltes.rows
            }
            results[depth] = row
        }
        if let baseODM { results[0] = DepthMetrics(depth: 0, width: sources[0].width).with(odm: baseODM) }
        if diagnosed != nil { addComposition(&results, decoders: decoders, chains: chains, alive: alive) }
        if metrics.contains(.PDS) { DepthMetrics.fillPDS(&results, at: selected) }
        return results.keys.sorted().compactMap { results[$0] }
    }

    static func trends(_ rows: [DepthMetrics], metrics: [Metric]) -> [String: SpearmanTest] {
        var trends: [String: SpearmanTest] = [:]
        for metric in metrics {
            let points = rows.filter { $0.depth >= 1 }.compactMap { row in row.value(metric).map { (Double(row.depth), $0) } }
            guard points.count >= 2 else { continue }
            trends[metric.rawValue] = SpearmanTest(depths: points.map(\.0), values: points.map(\.1))
        }
        return trends
    }

    func measureNulls(
        _ experiment: CheckedExperiment, storedWeights: [[SAEWeights]], base: any RowBlockSource, labels: LabelReader, selected: [Int],
        baseODM: Double?, seconds: inout [String: Double], progress: any ProgressSink
    ) throws -> NullModelSummary? {
        var cascades: [[DepthMetrics]] = []
        var seeds: [UInt64] = []
        let origin: String
        if let count = settings.nullSeeds {
            guard count > 0 else { return nil }
            origin = "generated"
            for index in 0..<count {
                let seed = settings.nullSeedBase + UInt64(index)
                let encoders = RandomCascade.cascade(widths: experiment.widths, seed: seed)
                let sources = try nullSources(base: base, encoders: encoders) { _ in nil }
                seeds.append(seed)
                cascades.append(try measureCascade(sources: sources, decoders: encoders, labels: labels, selected: selected,
                                                   label: "null \(index + 1)/\(count) depth", baseODM: baseODM,
                                                   seconds: &seconds, progress: progress))
            }
        } else {
            guard !experiment.nullModels.isEmpty else { return nil }
            origin = "stored"
            for (cascade, decoders) in zip(experiment.nullModels, storedWeights) {
                guard case .null(let index, let seed) = cascade.role else { continue }
                // Stored latents when present, else recomputed through the stored encoders.
                let sources = try nullSources(base: base, encoders: decoders) { cascade.activations[$0]?.source }
                seeds.append(seed)
                cascades.append(try measureCascade(sources: sources, decoders: decoders, labels: labels, selected: selected,
                                                   label: "null \(index) depth", baseODM: baseODM,
                                                   seconds: &seconds, progress: progress))
            }
        }
        return summarize(cascades, seeds: seeds, origin: origin, selected: selected)
    }

    /// Null latents at most this large (all depths of one cascade) are
    /// kept in memory between depths.
    static let nullCacheBytes = 512 << 20

    /// Each depth's source for a null cascade: `stored(d)` where the file
    /// has the latents, else the encoders applied to the depth below. A
    /// single process whose latents fit `nullCacheBytes` keeps each depth in
    /// memory and encodes the next from it, D encoder passes per cascade;
    /// otherwise (MPI ranks stream only their share; large N) every depth is
    /// re-encoded from depth 0 as it streams, D(D+1)/2 passes but memory of
    /// one block.
    func nullSources(
        base: any RowBlockSource, encoders: [SAEWeights], stored: (Int) throws -> (any RowBlockSource)?
    ) throws -> [any RowBlockSource] {
        let bytes = encoders.reduce(0) { $0 + base.rowCount * $1.latentWidth * 4 }
        let cache = exchange.size == 1 && bytes <= Self.nullCacheBytes
        var sources: [any RowBlockSource] = [base]
        for depth in 1...encoders.count {
            if let source = try stored(depth) {
                sources.append(source)
            } else if cache {
                let next = EncodedActivations(base: sources[depth - 1], encoders: [encoders[depth - 1]])
                sources.append(try InMemoryActivations(next, blockBytes: settings.blockBytes))
            } else {
                sources.append(EncodedActivations(base: base, encoders: Array(encoders[0..<depth])))
            }
        }
        return sources
    }

    func provenance(_ experiment: CheckedExperiment) -> InputProvenance {
        let file = experiment.provenance
        return InputProvenance(
            path: experiment.path, bytes: experiment.fileBytes, schemaVersion: file.schemaVersion,
            created: file.created, source: file.source, writtenBy: file.writtenBy,
            examples: experiment.exampleCount, widths: experiment.widths,
            classifierAccuracy: file.classifierAccuracy, classifierArchitecture: file.classifierArchitecture)
    }
}

/// The feature browser's depths, gathered as the trained cascade's passes end.
final class FeatureCollector {
    var depths: [DepthFeatures] = []
}

/// What the trained cascade's diagnostics need beyond its passes.
struct Diagnosed {
    var labelCounts: [Int]
    var head: ClassifierHead?
}

extension DepthMetrics {
    /// PDS(d) = ODM(d − 1) − ODM(d) at `depths` of `rows` (by depth), nil
    /// where either ODM is missing; the seed defines PDS(1) = 0.
    static func fillPDS(_ rows: inout [Int: DepthMetrics], at depths: [Int]) {
        for depth in depths where rows[depth] != nil {
            if depth == 1 { rows[depth]!.PDS = 0; continue }
            rows[depth]!.PDS = rows[depth - 1]?.ODM.flatMap { previous in rows[depth]!.ODM.map { previous - $0 } }
        }
    }

    func with(odm: Double) -> DepthMetrics {
        var copy = self
        copy.ODM = odm
        return copy
    }
}
