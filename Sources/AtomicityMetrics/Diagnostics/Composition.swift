import Foundation
import LinearAlgebra
import MetaSAEStore

/// What a depth's latents are made of, from the weights alone: how many
/// lower latents each W_dec row draws on and with what signs, and how much
/// of each composite direction a few depth-1 directions explain.
public enum Composition {
    /// Median participation ratio (Σw²)²/Σw⁴ and median negative mass
    /// Σmin(w,0)²/Σw² of the W_dec rows of `latents` ([F × F_{d−1}]).
    public static func rowShape(decoder: [Float], width: Int, latents: [Int]) -> (participation: Double, negativeMass: Double)? {
        let shapes = latents.compactMap { rowShape(decoder: decoder, width: width, latent: $0) }
        guard !shapes.isEmpty else { return nil }
        return (median(shapes.map(\.participation)), median(shapes.map(\.negativeMass)))
    }

    /// One row's participation ratio and negative mass; nil for a zero row.
    static func rowShape(decoder: [Float], width: Int, latent: Int) -> (participation: Double, negativeMass: Double)? {
        let row = decoder[(latent * width)..<((latent + 1) * width)].map(Double.init)
        let squares = row.reduce(0) { $0 + $1 * $1 }
        guard squares > 0 else { return nil }
        return (squares * squares / row.reduce(0) { $0 + $1 * $1 * $1 * $1 },
                row.reduce(0) { $0 + min($1, 0) * min($1, 0) } / squares)
    }

    /// The middle value (mean of the two middle ones for an even count).
    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// `vector` scaled to unit norm; nil when its norm is 0 or not finite.
    public static func unit(_ vector: [Double]) -> [Double]? {
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 && norm.isFinite ? vector.map { $0 / norm } : nil
    }

    /// Rows of `matrix` ([rows × width]) scaled to unit norm; zero rows dropped.
    public static func unitRows(_ matrix: [Double], width: Int, rows: [Int]) -> [[Double]] {
        rows.compactMap { unit(Array(matrix[($0 * width)..<(($0 + 1) * width)])) }
    }

    /// `count` seeded random unit vectors of `width` (normal draws, normed).
    public static func randomUnitVectors(count: Int, width: Int, seed: UInt64) -> [[Double]] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).compactMap { _ in unit((0..<width).map { _ in Double(generator.normal()) }) }
    }

    /// Mean, over `targets` (unit vectors), of the share of each one's
    /// squared norm explained by orthogonal matching pursuit with `atoms`
    /// steps over `dictionary` (unit vectors of the same width): at each
    /// step the atom most correlated with the residual joins, and the
    /// target is projected onto the span of those chosen.
    public static func ompExplainedShare(targets: [[Double]], dictionary: [[Double]], atoms: Int) -> Double? {
        guard !targets.isEmpty, !dictionary.isEmpty, let width = targets.first?.count else { return nil }
        let size = dictionary.count
        // C = T·Aᵀ and G = A·Aᵀ, so every step works on inner products.
        let flatDictionary = dictionary.flatMap { $0 }
        var transposed = [Double](repeating: 0, count: width * size)
        for (atom, vector) in dictionary.enumerated() { for column in 0..<width { transposed[column * size + atom] = vector[column] } }
        var correlations = [Double](repeating: 0, count: targets.count * size)
        BLAS.multiply(targets.flatMap { $0 }, transposed, into: &correlations, m: targets.count, k: width, n: size)
        var gram = [Double](repeating: 0, count: size * size)
        BLAS.multiply(flatDictionary, transposed, into: &gram, m: size, k: width, n: size)
        var total = 0.0
        for target in targets.indices {
            let inner = Array(correlations[(target * size)..<((target + 1) * size)])
            let norm = targets[target].reduce(0) { $0 + $1 * $1 }
            total += pursue(inner: inner, gram: gram, size: size, steps: min(atoms, size)) / norm
        }
        return total / Double(targets.count)
    }

    /// ‖projection‖² after `steps` OMP steps, from ⟨t, aᵢ⟩ and the Gram.
    static func pursue(inner: [Double], gram: [Double], size: Int, steps: Int) -> Double {
        var chosen: [Int] = []
        var coefficients: [Double] = []
        var explained = 0.0
        for _ in 0..<steps {
            // ⟨r, a⟩ = ⟨t, a⟩ − Σᵢ cᵢ⟨aᵢ, a⟩ for the current residual r.
            var best = -1
            var bestValue = 0.0
            for atom in 0..<size where !chosen.contains(atom) {
                var value = inner[atom]
                for (index, picked) in chosen.enumerated() { value -= coefficients[index] * gram[picked * size + atom] }
                if abs(value) > bestValue + 1e-12 { best = atom; bestValue = abs(value) }
            }
            guard best >= 0 else { break }
            chosen.append(best)
            let system = chosen.map { i in chosen.map { j in gram[i * size + j] } }
            guard let solved = solve(system, chosen.map { inner[$0] }) else { chosen.removeLast(); break }
            coefficients = solved
            explained = zip(coefficients, chosen).reduce(0) { $0 + $1.0 * inner[$1.1] }
        }
        return explained
    }

    /// Gaussian elimination with partial pivoting; nil when singular.
    static func solve(_ matrix: [[Double]], _ rhs: [Double]) -> [Double]? {
        var a = matrix
        var b = rhs
        let n = b.count
        for column in 0..<n {
            guard let pivot = (column..<n).max(by: { abs(a[$0][column]) < abs(a[$1][column]) }), abs(a[pivot][column]) > 1e-12 else { return nil }
            a.swapAt(column, pivot)
            b.swapAt(column, pivot)
            for row in (column + 1)..<n {
                let factor = a[row][column] / a[column][column]
                for k in column..<n { a[row][k] -= factor * a[column][k] }
                b[row] -= factor * b[column]
            }
        }
        var x = [Double](repeating: 0, count: n)
        for row in stride(from: n - 1, through: 0, by: -1) {
            var sum = b[row]
            for k in (row + 1)..<n { sum -= a[row][k] * x[k] }
            x[row] = sum / a[row][row]
        }
        return x
    }
}
