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
    /// Every dataset, soft links inside the file followed. Damaged objects,
    /// dangling or looping soft links and external links are refused rather
    /// than skipped: skipping would silently change what gets converted.
    static func datasets(in file: File) throws -> [SourceDataset] {
        let root = try file.root
        var paths: [String] = []
        for object in try file.describeObjects() {
            if object.isDamaged, let problem = object.problem {
                throw HDF5Error(.corrupt, operation: "read", file: file.path, object: object.path, detail: problem)
            }
            switch object.kind {
            case .dataset:
                paths.append(object.path)
            case .softLink:
                do {
                    _ = try root.dataset(object.path)
                    paths.append(object.path)
                } catch let error as HDF5Error where error.kind == .noSuchObject && (error.bottomMessage ?? "").contains("not a dataset") {
                    continue  // a soft link to a group: its datasets are listed under their own names
                } catch let error as HDF5Error {
                    let loops = (error.bottomMessage ?? "").contains("too many links")
                    throw HDF5Error(loops ? .corrupt : .noSuchObject, operation: "follow soft link", file: file.path, object: object.path,
                                    detail: "it points to \(object.target ?? "?"), which cannot be opened",
                                    bottomMessage: error.bottomMessage)
                }
            case .externalLink:
                throw HDF5Error(.unsupported, operation: "follow", file: file.path, object: object.path,
                                detail: "it is an external link to \(object.target ?? "?"), which is not followed; copy the data into the file")
            case .unreadable:
                throw HDF5Error(.corrupt, operation: "read", file: file.path, object: object.path, detail: object.problem ?? "unreadable")
            case .group, .namedDatatype:
                continue
            }
        }
        return try paths.map { path in
            let dataset = try root.dataset(path)
            let object = (path: path, shape: try dataset.shape.dims, datatype: try dataset.datatype)
            var marked = false
            for name in ["dtype", "torch_dtype", "original_dtype"] where dataset.hasAttribute(name) {
                let text = (try? dataset.attribute(name).stringValue)?.lowercased() ?? ""
                if text.contains("bfloat16") || text == "bf16" { marked = true }
            }
            return SourceDataset(path: object.path, dims: object.shape, type: object.datatype, markedBF16: marked)
        }
    }
}
