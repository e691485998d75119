import ArrayFiles
import Foundation
import HDF5
import MetaSAEImport

/// `describe` for what SAELens users keep: a .safetensors file, an SAE
/// folder, or a folder of SAE folders (one per depth).
struct SAELensReport: Codable {
    struct TensorEntry: Codable {
        var name: String
        var dtype: String
        var shape: [Int]
        var bytes: Int
    }

    struct SAEEntry: Codable {
        var folder: String
        var depth: Int?
        var architecture: String
        var dIn: Int
        var dSAE: Int
        var k: Int?
        var applyDecoderBias: Bool
        var dtype: String
        var normalizeActivations: String
        var saeLensVersion: String?
        var hookName: String?
        var tensors: [TensorEntry]
    }

    var path: String
    var safetensors: [TensorEntry]?
    var metadata: [String: String]?
    var saes: [SAEEntry]?

    /// A report when `path` is one of these; nil for anything else (HDF5).
    static func ifApplicable(_ path: String) throws -> SAELensReport? {
        if InputFile.isFolder(path) {
            let folders = try SAELensExperiment.depthFolders(in: path)
            return SAELensReport(path: path, saes: try folders.enumerated().map { index, folder in
                let sae = try SAELensFolder(path: folder)
                let config = sae.config
                return SAEEntry(folder: folder, depth: folders.count > 1 || folder != path ? index + 1 : nil, architecture: config.architecture,
                                dIn: config.dIn, dSAE: config.dSAE, k: config.k, applyDecoderBias: config.applyDecoderBias,
                                dtype: config.dtype, normalizeActivations: config.normalizeActivations, saeLensVersion: config.version,
                                hookName: config.hookName, tensors: entries(sae.tensors))
            })
        }
        // A pipe or device is refused before anything reads from it.
        try File.checkInput(path)
        guard looksLikeSafeTensors(path) else { return nil }
        let file = try SafeTensorsFile(path: path)
        return SAELensReport(path: path, safetensors: entries(file), metadata: file.metadata)
    }

    /// By name, or by a header that cannot be HDF5's: a small length, then '{'.
    static func looksLikeSafeTensors(_ path: String) -> Bool {
        if path.lowercased().hasSuffix(".safetensors") { return true }
        guard let handle = FileHandle(forReadingAtPath: path), let head = try? handle.read(upToCount: 9) else { return false }
        try? handle.close()
        return head.count == 9 && head[8] == UInt8(ascii: "{") && head[4..<8].allSatisfy { $0 == 0 }
    }

    static func entries(_ file: SafeTensorsFile) -> [TensorEntry] {
        file.order.map { name in
            let tensor = file.tensors[name]!
            return TensorEntry(name: name, dtype: tensor.dtype.spelling, shape: tensor.shape, bytes: tensor.bytes.count)
        }
    }

    var text: String {
        var out = ""
        func table(_ tensors: [TensorEntry], indent: String) {
            let width = tensors.map(\.name.count).max() ?? 0
            for tensor in tensors {
                out += indent + tensor.name.padding(toLength: width, withPad: " ", startingAt: 0)
                    + "  \(tensor.dtype)  [\(tensor.shape.map(String.init).joined(separator: ", "))]  \(tensor.bytes) bytes\n"
            }
        }
        if let safetensors {
            out += "\(path): safetensors, \(safetensors.count) tensors\n"
            table(safetensors, indent: "  ")
            for (key, value) in (metadata ?? [:]).sorted(by: { $0.key < $1.key }) { out += "  __metadata__ \(key) = \(value)\n" }
        }
        for sae in saes ?? [] {
            out += (sae.depth.map { "depth \($0): " } ?? "") + "\(sae.folder): SAELens SAE, \(sae.architecture)"
                + (sae.k.map { " k=\($0)" } ?? "") + ", d_in \(sae.dIn) → d_sae \(sae.dSAE), \(sae.dtype), apply_b_dec_to_input \(sae.applyDecoderBias), "
                + "normalize_activations \(sae.normalizeActivations)" + (sae.saeLensVersion.map { ", SAELens \($0)" } ?? ", SAELens 5 layout")
                + (sae.hookName.map { ", hook \($0)" } ?? "") + "\n"
            table(sae.tensors, indent: "  ")
        }
        return out
    }
}
