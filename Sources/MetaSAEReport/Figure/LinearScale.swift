import Foundation

/// Maps a data interval onto a pixel interval, with "nice" ticks.
public struct LinearScale: Sendable, Equatable {
    public var domain: ClosedRange<Double>
    public var range: ClosedRange<Double>
    /// Pixel axes grow downwards for y: map domain.lowerBound to range.upperBound.
    public var inverted: Bool

    public init(domain: ClosedRange<Double>, range: ClosedRange<Double>, inverted: Bool = false) {
        self.domain = domain
        self.range = range
        self.inverted = inverted
    }

    public func callAsFunction(_ value: Double) -> Double {
        let span = domain.upperBound - domain.lowerBound
        let unit = span > 0 ? (value - domain.lowerBound) / span : 0.5
        let position = inverted ? 1 - unit : unit
        return range.lowerBound + position * (range.upperBound - range.lowerBound)
    }

    /// A domain covering `values` with 8% padding; a flat or empty set gets
    /// a unit-wide window around its value so the axis never collapses.
    public static func paddedDomain(_ values: [Double]) -> ClosedRange<Double> {
        let finite = values.filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max() else { return 0...1 }
        if high - low < 1e-12 * max(1, abs(high)) {
            let half = max(abs(low) * 0.1, 0.05)
            return (low - half)...(high + half)
        }
        let pad = (high - low) * 0.08
        return (low - pad)...(high + pad)
    }

    /// About `count` round tick values (1, 2 or 5 × 10ᵏ steps) inside the domain.
    public func ticks(count: Int = 5) -> [Double] {
        let span = domain.upperBound - domain.lowerBound
        guard span > 0, span.isFinite else { return [domain.lowerBound] }
        let raw = span / Double(max(count, 1))
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2.0, 5.0, 10.0].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        var tick = ceil(domain.lowerBound / step) * step
        var ticks: [Double] = []
        while tick <= domain.upperBound + step * 1e-9 {
            ticks.append(abs(tick) < step * 1e-9 ? 0 : tick)
            tick += step
        }
        return ticks
    }
}
