/// One control measured beside the cascade, and the cascade's difference
/// from it: the control a statement about depth rests on.
public struct ControlResults: Codable, Sendable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// SAEs trained on depth 0 with each depth's width, architecture and L0.
        case flat = "flat control"
        /// Random-init cascades with TopK codes at the cascade's L0.
        case matchedNull = "matched null"
        /// Random-init cascades (PyTorch init, ReLU), the seed's null.
        case randomNull = "random-init null"
    }

    public var kind: Kind
    /// What the control holds fixed, in a sentence.
    public var description: String
    /// Flat controls: their metrics at each depth they match.
    public var depths: [DepthMetrics]?
    /// Null controls: mean ± sd over cascades, per depth.
    public var statistics: [NullDepth]?
    public var seeds: [UInt64]?
    /// cascade − control at each depth, per metric (and ODM); for nulls,
    /// minus their mean.
    public var differences: [ControlDifference]
    /// Spearman's test of each difference against depth.
    public var trends: [String: SpearmanTest]

    /// The control's value of `name` at `depth`: its own, or its mean.
    public func value(_ name: String, depth: Int) -> Double? {
        if let row = depths?.first(where: { $0.depth == depth }) {
            return row.value(named: name)
        }
        return statistics?.statistic(name, depth: depth)?.mean
    }
}

public struct ControlDifference: Codable, Sendable, Equatable {
    public var depth: Int
    public var values: [String: Double]
}

extension ControlResults {
    /// The differences and their trends, against the cascade's `rows`.
    static func comparing(_ rows: [DepthMetrics], kind: Kind, description: String, depths: [DepthMetrics]? = nil,
                          statistics: [NullDepth]? = nil, seeds: [UInt64]? = nil, metrics: [Metric]) -> ControlResults {
        var control = ControlResults(kind: kind, description: description, depths: depths, statistics: statistics, seeds: seeds,
                                     differences: [], trends: [:])
        let names = metrics.map(\.rawValue) + ["ODM"]
        for row in rows where row.depth >= 1 {
            var values: [String: Double] = [:]
            for name in names {
                let own = row.value(named: name)
                if let own, let other = control.value(name, depth: row.depth) { values[name] = own - other }
            }
            control.differences.append(ControlDifference(depth: row.depth, values: values))
        }
        for name in names {
            let points = control.differences.compactMap { difference in difference.values[name].map { (Double(difference.depth), $0) } }
            if points.count >= 2 { control.trends[name] = SpearmanTest(depths: points.map(\.0), values: points.map(\.1)) }
        }
        return control
    }
}
