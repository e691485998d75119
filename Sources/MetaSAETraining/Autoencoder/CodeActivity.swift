import CVectorKernels

/// What a step's bookkeeping reads from a batch's codes: which latents
/// fired (a code > 0), how many codes are positive and the smallest of them.
/// Each half of a batch counts its own rows on its own thread; merged, the
/// halves give exactly what the whole batch gives (an or, a sum, a minimum).
struct CodeActivity: Equatable {
    var fired: [UInt8]
    var positives: Int64 = 0
    /// +infinity when no code is positive.
    var smallest = Float.infinity

    init(_ codes: [Float], rows: Int, width: Int) {
        precondition(codes.count == rows * width, "codes do not hold rows × width values")
        fired = [UInt8](repeating: 0, count: width)
        smallest = metasae_positive_columns(codes, Int64(rows), Int64(width), &fired, &positives)
    }

    mutating func merge(_ other: CodeActivity) {
        precondition(fired.count == other.fired.count, "activities of different widths")
        for latent in fired.indices { fired[latent] |= other.fired[latent] }
        positives += other.positives
        smallest = min(smallest, other.smallest)
    }
}
