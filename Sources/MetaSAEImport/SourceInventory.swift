import HDF5

/// The datasets of an input file, described once.
public struct SourceDataset: Sendable {
    public var path: String
    public var dims: [Int]
    public var type: DatatypeInfo
    /// A `dtype` / `torch_dtype` attribute naming bfloat16 marks bf16 bits.
    public var markedBF16: Bool

    /// Path components split further on dots: `/sae_1/encoder.weight` →
    /// `sae_1`, `encoder`, `weight`.
    public var tokens: [String] {
        path.split(separator: "/").flatMap { $0.split(separator: ".") }.map(String.init)
    }
}

enum SourceInventory {
    /// Every dataset reachable by hard links (links are not followed).
    static func datasets(in file: File) throws -> [SourceDataset] {
        let root = try file.root
        return try file.describeObjects().filter { $0.kind == .dataset && $0.problem == nil }.map { object in
            let dataset = try root.dataset(object.path)
            var marked = false
            for name in ["dtype", "torch_dtype", "original_dtype"] where dataset.hasAttribute(name) {
                let text = (try? dataset.attribute(name).stringValue)?.lowercased() ?? ""
                if text.contains("bfloat16") || text == "bf16" { marked = true }
            }
            return SourceDataset(path: object.path, dims: object.shape ?? [], type: object.datatype!, markedBF16: marked)
        }
    }
}
