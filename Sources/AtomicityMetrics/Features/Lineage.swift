import LinearAlgebra
import MetaSAEStore

/// Where each latent comes from and goes, from the decoders alone. W_dec of
/// the SAE at depth d is [F_d × F_{d−1}]: row j is latent j's direction in
/// depth d−1's latent space.
enum Lineage {
    /// The `count` entries of largest |w| (earlier index first among equals), zeros left out.
    static func strongest(_ weights: some Collection<Float>, count: Int) -> [LatentLink] {
        weights.enumerated().filter { $0.element != 0 }
            .sorted { abs($0.element) > abs($1.element) || (abs($0.element) == abs($1.element) && $0.offset < $1.offset) }
            .prefix(count).map { LatentLink(latent: $0.offset, weight: $0.element) }
    }

    /// The depth-(d−1) latents row `latent` of `decoder` weighs most.
    static func parents(of latent: Int, decoder: SAEWeights, count: Int) -> [LatentLink] {
        let width = decoder.inputWidth
        return strongest(decoder.decoderWeight[(latent * width)..<((latent + 1) * width)], count: count)
    }

    /// The latents of `upper` (one depth up) whose rows weigh lower latent `latent` most.
    static func children(of latent: Int, upper: SAEWeights, count: Int) -> [LatentLink] {
        let width = upper.inputWidth
        return strongest((0..<upper.latentWidth).lazy.map { upper.decoderWeight[$0 * width + latent] }, count: count)
    }

    /// For every latent, the `count` others whose decoder rows have the
    /// largest cosine with its own (rows of zero norm have none).
    static func neighbours(_ decoder: SAEWeights, count: Int) -> [[LatentLink]] {
        let (rows, width) = (decoder.latentWidth, decoder.inputWidth)
        var unit = decoder.decoderWeight
        var live = [Bool](repeating: false, count: rows)
        for row in 0..<rows {
            let span = (row * width)..<((row + 1) * width)
            let norm = unit[span].reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
            guard norm > 0 else { continue }
            live[row] = true
            for index in span { unit[index] /= norm }
        }
        var cosine = [Float](repeating: 0, count: rows * rows)
        BLAS.multiply(unit, unit, into: &cosine, m: rows, k: width, n: rows, transposeB: true)
        return (0..<rows).map { row in
            guard live[row] else { return [] }
            return (0..<rows).filter { $0 != row && live[$0] }
                .sorted { cosine[row * rows + $0] > cosine[row * rows + $1] || (cosine[row * rows + $0] == cosine[row * rows + $1] && $0 < $1) }
                .prefix(count).map { LatentLink(latent: $0, weight: cosine[row * rows + $0]) }
        }
    }
}
