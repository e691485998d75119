import ArrayFiles
import Foundation
import MetaSAEStore

/// An SAE's cfg.json as SAELens reads it (`SAE.load_from_disk`): v6 when
/// `metadata.sae_lens_version` (or a top-level one) is at least 6, else the
/// flat v5 layout SAELens upgrades. Unknown keys are ignored, as SAELens
/// ignores them; what this tool cannot honour is refused, never guessed.
public struct SAELensConfig: Sendable, Equatable {
    public var dIn: Int
    public var dSAE: Int
    /// As the file names it: standard, topk, jumprelu or batchtopk (after
    /// `parse`, one of these four).
    public var architecture: String
    /// TopK's k (SAELens's default 100 when a topk cfg omits it).
    public var k: Int?
    public var applyDecoderBias: Bool
    /// The dtype SAELens casts every tensor to on load.
    public var dtype: String
    public var normalizeActivations: String
    /// TopK: pre-activations scaled by each decoder row's norm (folded on import).
    public var rescaleByDecoderNorm: Bool
    public var version: String?
    public var hookName: String?

    /// Largest cfg.json read: configs are a few kB.
    public static let maximumBytes = 1 << 20

    public static func parse(_ data: Data, path: String) throws(ArrayFileError) -> SAELensConfig {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw ArrayFileError(.layout, path, "cfg.json is not a JSON object")
        }
        func integer(_ key: String) throws(ArrayFileError) -> Int? {
            guard let value = object[key], !(value is NSNull) else { return nil }
            guard let number = value as? NSNumber, !(value is Bool), let exact = Int(exactly: number.doubleValue), exact > 0,
                  Double(exact) == number.doubleValue else {
                throw ArrayFileError(.layout, path, "cfg.json \(key) is \(value), expected a positive integer")
            }
            return exact
        }
        guard let dIn = try integer("d_in"), let dSAE = try integer("d_sae") else {
            throw ArrayFileError(.layout, path, "cfg.json lacks d_in or d_sae")
        }
        let metadata = object["metadata"] as? [String: Any] ?? [:]
        let version = object["sae_lens_version"] as? String ?? metadata["sae_lens_version"] as? String
        let major = version.flatMap { Int($0.split(separator: ".").first ?? "") } ?? 0
        var config = SAELensConfig(
            dIn: dIn, dSAE: dSAE, architecture: "standard", k: nil,
            applyDecoderBias: object["apply_b_dec_to_input"] as? Bool ?? true,
            dtype: (object["dtype"] as? String ?? "float32").replacingOccurrences(of: "torch.", with: ""),
            normalizeActivations: "none", rescaleByDecoderNorm: object["rescale_acts_by_decoder_norm"] as? Bool ?? false,
            version: version,
            hookName: metadata["hook_name"] as? String ?? object["hook_name"] as? String)
        if major >= 6 {
            guard let architecture = object["architecture"] as? String else {
                throw ArrayFileError(.layout, path, "a SAELens \(version ?? "") cfg.json without architecture")
            }
            config.architecture = architecture
            config.k = try integer("k")
        } else {
            // v5: activation_fn_str (or activation_fn) with activation_fn_kwargs; SAELens's upgrade reads them so.
            let function = object["activation_fn_str"] as? String ?? object["activation_fn"] as? String ?? "relu"
            let kwargs = object["activation_fn_kwargs"] as? [String: Any] ?? [:]
            config.architecture = object["architecture"] as? String ?? (function == "topk" ? "topk" : "standard")
            if function == "topk" || config.architecture == "topk" {
                config.architecture = "topk"
                let declared = try integer("k")
                config.k = (kwargs["k"] as? NSNumber).flatMap { Int(exactly: $0.doubleValue) } ?? declared
            } else if function != "relu" {
                throw ArrayFileError(.unsupported, path, "activation function \(function) (SAELens 6 reads only ReLU here, and so does this tool)")
            }
            if object["finetuning_scaling_factor"] as? Bool == true {
                throw ArrayFileError(.unsupported, path, "finetuning_scaling_factor is set (SAELens 6 cannot load it either)")
            }
        }
        switch object["normalize_activations"] {
        case nil, is NSNull: config.normalizeActivations = "none"
        case let flag as Bool: config.normalizeActivations = flag ? "expected_average_only_in" : "none"
        case let text as String: config.normalizeActivations = text
        default: throw ArrayFileError(.layout, path, "cfg.json normalize_activations is neither a string nor a flag")
        }
        switch config.normalizeActivations {
        case "none", "expected_average_only_in": break   // the latter is the identity at inference
        case "constant_norm_rescale", "layer_norm":
            throw ArrayFileError(.unsupported, path, "normalize_activations = \(config.normalizeActivations) rescales every row inside the SAE, "
                               + "which a canonical file cannot express; normalise the activations yourself and set it to none")
        default:
            throw ArrayFileError(.layout, path, "normalize_activations = \(config.normalizeActivations) is not one SAELens knows")
        }
        switch config.architecture {
        case "standard", "jumprelu", "batchtopk": break
        case "topk":
            config.k = config.k ?? 100
            guard config.k! <= dSAE else { throw ArrayFileError(.layout, path, "k = \(config.k!) exceeds d_sae = \(dSAE)") }
        default:
            throw ArrayFileError(.unsupported, path, "architecture \(config.architecture); this tool reads standard, topk, jumprelu "
                               + "and batchtopk checkpoints")
        }
        guard ["float32", "float64", "float16", "bfloat16"].contains(config.dtype) else {
            throw ArrayFileError(.unsupported, path, "dtype \(config.dtype); SAELens loads float32, float64, float16 or bfloat16")
        }
        return config
    }

    /// How the SAE activates: a BatchTopK checkpoint as the JumpReLU with
    /// one threshold SAELens saves it as.
    public var activation: SAEActivation.Kind {
        switch architecture {
        case "topk": return .topK
        case "jumprelu", "batchtopk": return .jumpReLU
        default: return .relu
        }
    }

    /// A BatchTopK training checkpoint (threshold in `topk_threshold`).
    public var batchTopKCheckpoint: Bool { architecture == "batchtopk" }
}
