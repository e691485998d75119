@testable import AtomicityMetrics

/// Results built by hand, with trends and verdict computed as `analyze` does.
enum HandMade {
    static func results(_ values: [Metric: [Double]], depths: [Int]? = nil, nulls: [Metric: [(Double, Double)]] = [:]) -> AnalysisResults {
        let count = values.values.first?.count ?? 0
        let depthNumbers = depths ?? Array(1...max(count, 1)).prefix(count).map { $0 }
        var rows = [DepthMetrics(depth: 0, width: 8)]
        rows[0].ODM = 0.3
        for (index, depth) in depthNumbers.enumerated() {
            var row = DepthMetrics(depth: depth, width: 16)
            row.FRI = values[.FRI]?[index]
            row.CSP = values[.CSP]?[index]
            row.PDS = values[.PDS]?[index]
            row.LTES = values[.LTES]?[index]
            row.ODM = 0.2
            row.ltesLatentsUsed = 5
            row.friExamplesUsed = 90
            row.friExamplesSeen = 100
            rows.append(row)
        }
        let metrics = Metric.allCases.filter { values[$0] != nil }
        let trends = AtomicityAnalysis.trends(rows, metrics: metrics)
        var nullSummary: NullModelSummary?
        if !nulls.isEmpty {
            let nullDepths = depthNumbers.enumerated().map { index, depth in
                NullDepth(depth: depth, metrics: Dictionary(uniqueKeysWithValues: nulls.map { metric, bands in
                    let (mean, std) = bands[index]
                    return (metric.rawValue, NullStatistic([mean - std, mean + std].map { $0 }))
                }))
            }
            nullSummary = NullModelSummary(origin: "generated", seeds: [1, 2], depths: nullDepths, cascades: [])
        }
        var settings = AnalysisSettings()
        settings.metrics = metrics
        return AnalysisResults(
            tool: "test", input: InputProvenance(path: "hand-made.h5", bytes: nil, schemaVersion: 1, created: nil, source: nil,
                                                 writtenBy: nil, examples: 100, widths: [8] + depthNumbers.map { _ in 16 },
                                                 classifierAccuracy: nil, classifierArchitecture: nil),
            settings: settings, depths: rows, trends: trends, nullModels: nullSummary,
            verdict: Verdict(depths: rows, trends: trends, nulls: nullSummary?.depths, metrics: metrics), seconds: [:])
    }
}
