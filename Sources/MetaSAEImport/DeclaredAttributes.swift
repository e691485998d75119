import Foundation
import HDF5

/// Encoder settings an exporter declared on an SAE's group, as attributes
/// or inside a JSON `cfg` / `config` string (SAELens writes its config so).
struct DeclaredAttributes: Sendable {
    var activationFunction: String?
    var applyDecoderBias: Int?
    /// TopK's k.
    var k: Int?

    static func read(_ group: Group) -> DeclaredAttributes? {
        var found = DeclaredAttributes()
        if let text = try? group.attribute("activation_fn").stringValue { found.activationFunction = text }
        if let value = try? group.attribute("apply_b_dec_to_input").intValue { found.applyDecoderBias = value != 0 ? 1 : 0 }
        if let value = try? group.attribute("k").intValue { found.k = Int(exactly: value) }
        if found.activationFunction == nil, let text = try? group.attribute("architecture").stringValue { found.activationFunction = text }
        for name in ["cfg", "config"] {
            guard let text = try? group.attribute(name).stringValue,
                  let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { continue }
            // SAELens: `architecture` (standard, topk, jumprelu) now; `activation_fn(_str)` before.
            if found.activationFunction == nil,
               let function = object["architecture"] as? String ?? object["activation_fn"] as? String ?? object["activation_fn_str"] as? String {
                found.activationFunction = function
            }
            if found.k == nil, let k = object["k"] as? Int ?? (object["activation_fn_kwargs"] as? [String: Any])?["k"] as? Int {
                found.k = k
            }
            if found.applyDecoderBias == nil, let flag = object["apply_b_dec_to_input"] {
                found.applyDecoderBias = ((flag as? Bool) ?? ((flag as? Int).map { $0 != 0 }) ?? false) ? 1 : 0
            }
        }
        return found.activationFunction == nil && found.applyDecoderBias == nil && found.k == nil ? nil : found
    }

    /// Declared attributes of every group holding a dataset.
    static func collect(_ file: File, datasets: [SourceDataset]) -> [String: DeclaredAttributes] {
        guard let root = try? file.root else { return [:] }
        var result: [String: DeclaredAttributes] = [:]
        for parent in Set(datasets.map { LayoutDetector.parent(of: $0.path) }) {
            if let group = try? root.group(parent), let declared = read(group) { result[parent] = declared }
        }
        return result
    }
}
