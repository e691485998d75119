@testable import MetaSAEStore

/// The seed's algorithms written literally (a decoder pass per isolated
/// feature, per doubled latent), in Float64: the slow oracle for the
/// closed-form fast path.
enum LiteralOracle {
    /// x = z · W_dec + b_dec through depths d…1.
    static func decode(_ z: [Double], through saes: [SAEWeights]) -> [Double] {
        var current = z
        for sae in saes.reversed() {
            var next = sae.decoderBias.map(Double.init)
            for latent in 0..<sae.latentWidth where current[latent] != 0 {
                for output in 0..<sae.inputWidth {
                    next[output] += current[latent] * Double(sae.decoderWeight[latent * sae.inputWidth + output])
                }
            }
            current = next
        }
        return current
    }

    static func meanSquaredError(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) / Double(a.count)
    }

    static func fri(latents: [[Double]], base: [[Double]], saes: [SAEWeights], examples: Int = 1000) -> Double {
        var scores: [Double] = []
        for index in 0..<min(examples, latents.count) {
            let z = latents[index]
            let active = z.indices.filter { abs(z[$0]) > 1e-5 }
            if active.count <= 1 { continue }
            let full = meanSquaredError(decode(z, through: saes), base[index])
            var errors: [Double] = []
            for feature in active {
                var isolated = [Double](repeating: 0, count: z.count)
                isolated[feature] = z[feature]
                let error = meanSquaredError(decode(isolated, through: saes), base[index])
                errors.append((error - full) / Double(max(active.count - 1, 1)))
            }
            scores.append(errors.reduce(0, +) / Double(errors.count))
        }
        return scores.isEmpty ? -.infinity : -(scores.reduce(0, +) / Double(scores.count))
    }

    static func ltes(latents: [[Double]], saes: [SAEWeights], examples: Int = 100, minimumActive: Int = 10) -> Double {
        let rows = Array(latents.prefix(examples))
        let width = rows[0].count
        var effects: [Double] = []
        let baseline = rows.map { decode($0, through: saes) }
        for latent in 0..<width {
            if rows.filter({ abs($0[latent]) > 1e-5 }).count < minimumActive { continue }
            let diffs: [[Double]] = rows.indices.map { row in
                var modified = rows[row]
                modified[latent] *= 2
                return zip(decode(modified, through: saes), baseline[row]).map { $0 - $1 }
            }
            var significant = 0.0
            for (row, diff) in diffs.enumerated() {
                let values = baseline[row]
                let mean = values.reduce(0, +) / Double(values.count)
                let std = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1)).squareRoot()
                significant += Double(diff.filter { abs($0) / (std + 1e-8) > 0.5 }.count) / Double(diff.count)
            }
            let sparsity = 1 - significant / Double(rows.count)
            let meanDiff = (0..<diffs[0].count).map { k in diffs.map { $0[k] }.reduce(0, +) / Double(diffs.count) }
            let meanNorm = meanDiff.map { $0 * $0 }.reduce(0, +).squareRoot()
            let cosines = diffs.map { diff -> Double in
                let norm = diff.map { $0 * $0 }.reduce(0, +).squareRoot()
                let dot = zip(diff, meanDiff).map { $0 * $1 }.reduce(0, +)
                return dot / (max(norm, 1e-8) * max(meanNorm, 1e-8))
            }
            let consistency = cosines.reduce(0, +) / Double(cosines.count)
            effects.append((sparsity + consistency) / 2)
        }
        return effects.isEmpty ? 0 : effects.reduce(0, +) / Double(effects.count)
    }
}
