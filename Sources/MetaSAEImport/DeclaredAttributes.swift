import Foundation
import HDF5

/// Encoder settings an exporter declared on an SAE's group, as attributes
/// or inside a JSON `cfg` / `config` string (SAELens writes its config so).
struct DeclaredAttributes: Sendable {
    var activationFunction: String?
    var applyDecoderBias: Int?

    static func read(_ group: Group) -> DeclaredAttributes? {
        var found = DeclaredAttributes()
        if let text = try? group.attribute("activation_fn").stringValue { found.activationFunction = text }
        if let value = try? group.attribute("apply_b_dec_to_input").intValue { found.applyDecoderBias = value != 0 ? 1 : 0 }
        for name in ["cfg", "config"] {
            guard let text = try? group.attribute(name).stringValue,
                  let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { continue }
            if found.activationFunction == nil, let function = object["activation_fn"] as? String ?? object["activation_fn_str"] as? String {
                found.activationFunction = function
            }
            if found.applyDecoderBias == nil, let flag = object["apply_b_dec_to_input"] {
                found.applyDecoderBias = ((flag as? Bool) ?? ((flag as? Int).map { $0 != 0 }) ?? false) ? 1 : 0
            }
        }
        return found.activationFunction == nil && found.applyDecoderBias == nil ? nil : found
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
