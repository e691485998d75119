import Foundation

/// The standard normal distribution's upper tail.
public enum Normal {
    /// P(Z > z), as scipy's `norm.sf`.
    public static func sf(_ z: Double) -> Double { 0.5 * erfc(z / 2.0.squareRoot()) }
}
