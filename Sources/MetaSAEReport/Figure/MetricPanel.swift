import AtomicityMetrics
import Foundation

/// One panel of the figure: a metric against depth, points joined by lines,
/// the dashed least-squares trend, the null band, a ρ/p box and notes.
public struct MetricPanel: Sendable {
    public struct NullBand: Sendable {
        public var depth: Int
        public var mean: Double
        public var std: Double
    }

    public var metric: String
    public var expectation: String
    /// (depth, value); values may be NaN or ±∞, which are noted, not drawn.
    public var points: [(Int, Double)]
    public var nulls: [NullBand]
    /// Controls drawn beside the null: a band (mean ± 1 sd) or, with no
    /// spread (a flat control), a dotted line with markers.
    public struct ControlBand: Sendable {
        public var name: String
        public var color: String
        public var points: [NullBand]
        public init(name: String, color: String, points: [NullBand]) {
            self.name = name
            self.color = color
            self.points = points
        }
    }
    public var controls: [ControlBand] = []
    public var trend: SpearmanTest?
    /// Replicated experiments: one thin line per seed, and the band of the
    /// mean (its 95% interval, as `mean ± std` with std the half-width).
    public var seedLines: [[(Int, Double)]] = []
    public var meanBand: [NullBand] = []
    /// The statistics box's text, when not the single trend's.
    public var statisticsText: String?

    /// Where the panel's plotting area sits in the figure, in pixels.
    public struct Frame: Sendable { public var x, y, width, height: Double }

    public init(metric: String, expectation: String, points: [(Int, Double)], nulls: [NullBand], trend: SpearmanTest?) {
        self.metric = metric
        self.expectation = expectation
        self.points = points
        self.nulls = nulls
        self.trend = trend
    }

    /// Least-squares slope and intercept over the finite points (nil below 2).
    public static func leastSquares(_ points: [(Double, Double)]) -> (slope: Double, intercept: Double)? {
        guard points.count >= 2 else { return nil }
        let n = Double(points.count)
        let meanX = points.map(\.0).reduce(0, +) / n
        let meanY = points.map(\.1).reduce(0, +) / n
        let sxx = points.map { ($0.0 - meanX) * ($0.0 - meanX) }.reduce(0, +)
        guard sxx > 0 else { return nil }
        let sxy = points.map { ($0.0 - meanX) * ($0.1 - meanY) }.reduce(0, +)
        let slope = sxy / sxx
        return (slope, meanY - slope * meanX)
    }

    /// The notes a reader must see: what is not drawn and why.
    public var notes: [String] {
        var notes: [String] = []
        let finite = points.filter { $0.1.isFinite }
        for (depth, value) in points where !value.isFinite {
            let reason = metric == "FRI" && value == -.infinity ? " (no example had ≥ 2 active latents)" : ""
            notes.append("depth \(depth): \(metric) = \(format(value))\(reason), not plotted")
        }
        if points.isEmpty {
            notes.append("no values")
        } else if finite.count == 1 && points.count == 1 {
            notes.append("one depth only: no trend")
        } else if finite.count >= 2, Set(finite.map(\.1)).count == 1 {
            notes.append("constant across depths: ρ undefined")
        }
        return notes
    }

    public func render(in frame: Frame) -> SVGElement {
        let finite = points.filter { $0.1.isFinite }
        let depths = points.map(\.0) + nulls.map(\.depth)
        let xDomain = Double((depths.min() ?? 1)) - 0.5 ... Double((depths.max() ?? 1)) + 0.5
        var yValues = finite.map(\.1) + seedLines.joined().map(\.1).filter(\.isFinite)
        for band in nulls + controls.flatMap(\.points) + meanBand where band.mean.isFinite && band.std.isFinite {
            yValues += [band.mean - band.std, band.mean + band.std]
        }
        let yDomain = LinearScale.paddedDomain(yValues)
        let x = LinearScale(domain: xDomain, range: frame.x...(frame.x + frame.width))
        let y = LinearScale(domain: yDomain, range: frame.y...(frame.y + frame.height), inverted: true)

        var group = SVGElement("g", [
            ("class", "panel"), ("data-metric", metric),
            ("data-plot", [frame.x, frame.y, frame.width, frame.height].map(SVG.number).joined(separator: " ")),
            ("data-x-domain", "\(xDomain.lowerBound) \(xDomain.upperBound)"),
            ("data-y-domain", "\(yDomain.lowerBound) \(yDomain.upperBound)"),
        ])
        group.append(SVG.rect(frame.x, frame.y, frame.width, frame.height, [("class", "plot-area"), ("fill", "#ffffff"), ("stroke", "#444444")]))
        // Grid and ticks.
        let yTicks = y.ticks(count: 5)
        let step = yTicks.count > 1 ? yTicks[1] - yTicks[0] : 1
        let decimals = max(0, min(6, Int(-floor(log10(step)))))
        for tick in yTicks {
            let py = y(tick)
            group.append(SVG.line(frame.x, py, frame.x + frame.width, py, [("stroke", "#e6e6e6")]))
            group.append(SVG.text(frame.x - 6, py + 4, String(format: "%.\(decimals)f", tick),
                                  [("class", "tick"), ("text-anchor", "end"), ("font-size", "11")]))
        }
        for depth in Set(depths).sorted() {
            let px = x(Double(depth))
            group.append(SVG.line(px, frame.y + frame.height, px, frame.y + frame.height + 5, [("stroke", "#444444")]))
            group.append(SVG.text(px, frame.y + frame.height + 18, "\(depth)", [("class", "tick"), ("text-anchor", "middle"), ("font-size", "11")]))
        }
        // Null band: mean ± 1 sd, shaded, with its mean dotted.
        let band = nulls.filter { $0.mean.isFinite && $0.std.isFinite }.sorted { $0.depth < $1.depth }
        if !band.isEmpty {
            let upper = band.map { (x(Double($0.depth)), y($0.mean + $0.std)) }
            let lower = band.reversed().map { (x(Double($0.depth)), y($0.mean - $0.std)) }
            if band.count == 1 {
                let px = x(Double(band[0].depth))
                group.append(SVG.rect(px - 8, y(band[0].mean + band[0].std), 16,
                                      max(1, y(band[0].mean - band[0].std) - y(band[0].mean + band[0].std)),
                                      [("class", "null-band"), ("fill", "#9e9e9e"), ("fill-opacity", "0.3")]))
            } else {
                group.append(SVG.polygon(upper + lower, [("class", "null-band"), ("fill", "#9e9e9e"), ("fill-opacity", "0.3"), ("stroke", "none")]))
                group.append(SVG.polyline(band.map { (x(Double($0.depth)), y($0.mean)) },
                                          [("class", "null-mean"), ("fill", "none"), ("stroke", "#757575"), ("stroke-dasharray", "2 3")]))
            }
        }
        for control in controls { group.append(Self.render(control, x: x, y: y)) }
        if !seedLines.isEmpty || !meanBand.isEmpty { group.append(Self.render(seedLines: seedLines, band: meanBand, x: x, y: y)) }
        // Trend: least squares over the finite points, dashed.
        if let fit = Self.leastSquares(finite.map { (Double($0.0), $0.1) }) {
            let first = Double(finite.map(\.0).min()!)
            let last = Double(finite.map(\.0).max()!)
            group.append(SVG.line(x(first), y(fit.intercept + fit.slope * first), x(last), y(fit.intercept + fit.slope * last),
                                  [("class", "trend"), ("stroke", "#d62728"), ("stroke-width", "1.5"),
                                   ("stroke-dasharray", "6 4"), ("stroke-opacity", "0.8")]))
        }
        // The metric: points joined by lines.
        if finite.count >= 2 {
            group.append(SVG.polyline(finite.map { (x(Double($0.0)), y($0.1)) },
                                      [("class", "series"), ("fill", "none"), ("stroke", "#1f77b4"), ("stroke-width", "2")]))
        }
        for (depth, value) in finite {
            group.append(SVG.circle(x(Double(depth)), y(value), 5, [
                ("class", "point"), ("data-depth", "\(depth)"), ("data-value", "\(value)"), ("fill", "#1f77b4"),
            ]))
        }
        // Titles and labels.
        group.append(SVG.text(frame.x + frame.width / 2, frame.y - 34, "\(metric) vs depth",
                              [("class", "title"), ("text-anchor", "middle"), ("font-size", "15"), ("font-weight", "bold")]))
        group.append(SVG.text(frame.x + frame.width / 2, frame.y + frame.height + 38, "Depth",
                              [("class", "axis-label"), ("text-anchor", "middle"), ("font-size", "12")]))
        let labelX = frame.x - 52
        let labelY = frame.y + frame.height / 2
        group.append(SVG.text(labelX, labelY, "\(metric) score",
                              [("class", "axis-label"), ("text-anchor", "middle"), ("font-size", "12"),
                               ("transform", "rotate(-90 \(SVG.number(labelX)) \(SVG.number(labelY)))")]))
        // ρ / p box, between the title and the plot, so it never hides data.
        let statistics: String
        if let statisticsText {
            statistics = statisticsText
        } else if let trend, !trend.rho.isNaN {
            statistics = "ρ = \(format(trend.rho))  ·  t-test p = \(format(trend.pValue))  ·  exact p = \(format(trend.pExact))"
                + (trend.exact ? "" : " (sampled)")
        } else {
            statistics = "ρ undefined"
        }
        group.append(SVG.rect(frame.x, frame.y - 24, frame.width, 18,
                              [("class", "stats-box"), ("fill", "#f4f6fa"), ("stroke", "#c5cbd6"), ("rx", "3")]))
        group.append(SVG.text(frame.x + frame.width / 2, frame.y - 11, statistics,
                              [("class", "stats"), ("text-anchor", "middle"), ("font-size", "11")]))
        // Notes, under the axis label, where they cannot hide data.
        if !notes.isEmpty {
            let height = Double(notes.count) * 14 + 6
            group.append(SVG.rect(frame.x, frame.y + frame.height + 46, frame.width, height,
                                  [("class", "note-box"), ("fill", "#fff8e1"), ("stroke", "#e0a800"), ("rx", "3")]))
        }
        for (index, note) in notes.enumerated() {
            group.append(SVG.text(frame.x + 6, frame.y + frame.height + 59 + Double(index) * 14, "⚠ " + note,
                                  [("class", "note"), ("font-size", "10.5"), ("fill", "#8a4500")]))
        }
        return group
    }

    /// Per-seed lines, thin and pale, under the mean's 95% band.
    static func render(seedLines: [[(Int, Double)]], band: [NullBand], x: LinearScale, y: LinearScale) -> SVGElement {
        var group = SVGElement("g", [("class", "replicates")])
        let points = band.filter { $0.mean.isFinite && $0.std.isFinite }.sorted { $0.depth < $1.depth }
        if points.count > 1 {
            let upper = points.map { (x(Double($0.depth)), y($0.mean + $0.std)) }
            let lower = points.reversed().map { (x(Double($0.depth)), y($0.mean - $0.std)) }
            group.append(SVG.polygon(upper + lower, [("class", "mean-band"), ("fill", "#1f77b4"), ("fill-opacity", "0.2"), ("stroke", "none")]))
        }
        for line in seedLines {
            let finite = line.filter { $0.1.isFinite }
            guard finite.count > 1 else { continue }
            group.append(SVG.polyline(finite.map { (x(Double($0.0)), y($0.1)) },
                                      [("class", "seed-line"), ("fill", "none"), ("stroke", "#1f77b4"), ("stroke-width", "0.8"), ("stroke-opacity", "0.35")]))
        }
        return group
    }

    static func render(_ control: ControlBand, x: LinearScale, y: LinearScale) -> SVGElement {
        var group = SVGElement("g", [("class", "control"), ("data-control", control.name)])
        let points = control.points.filter { $0.mean.isFinite && $0.std.isFinite }.sorted { $0.depth < $1.depth }
        guard !points.isEmpty else { return group }
        if points.contains(where: { $0.std > 0 }) && points.count > 1 {
            let upper = points.map { (x(Double($0.depth)), y($0.mean + $0.std)) }
            let lower = points.reversed().map { (x(Double($0.depth)), y($0.mean - $0.std)) }
            group.append(SVG.polygon(upper + lower, [("class", "control-band"), ("fill", control.color), ("fill-opacity", "0.18"), ("stroke", "none")]))
        }
        group.append(SVG.polyline(points.map { (x(Double($0.depth)), y($0.mean)) },
                                  [("class", "control-mean"), ("fill", "none"), ("stroke", control.color), ("stroke-dasharray", "3 3")]))
        for point in points {
            group.append(SVG.circle(x(Double(point.depth)), y(point.mean), 3, [("class", "control-point"), ("fill", control.color)]))
        }
        return group
    }
}
