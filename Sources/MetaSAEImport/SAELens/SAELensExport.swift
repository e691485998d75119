import ArrayFiles
import Foundation
import MetaSAEStore

/// An SAE as a SAELens 6 folder: `cfg.json` (an inference config) and
/// `sae_weights.safetensors`, which `SAE.load_from_disk` loads.
public enum SAELensExport {
    /// The folder's two files for `sae`, with `metadata` added to the cfg's.
    public static func files(_ sae: SAEWeights, metadata: [String: Any]) throws -> (config: Data, weights: Data) {
        var config: [String: Any] = [
            "d_in": sae.inputWidth, "d_sae": sae.latentWidth, "dtype": "float32", "device": "cpu",
            "apply_b_dec_to_input": sae.subtractsDecoderBias, "normalize_activations": "none", "reshape_activations": "none",
            // The cfg layout is SAELens 6's, which SAELens reads only when told.
            "metadata": metadata.merging(["sae_lens_version": formatVersion, "sae_lens_training_version": formatVersion]) { $1 },
        ]
        let tensors = sae.arrays.map { SafeTensorsWriter.Tensor(name: $0.name, values: $0.values, shape: $0.shape) }
        switch sae.activation {
        case .relu:
            config["architecture"] = "standard"
        case .topK(let k):
            config["architecture"] = "topk"
            config["k"] = k
            config["rescale_acts_by_decoder_norm"] = false
        case .jumpReLU:
            config["architecture"] = "jumprelu"
        }
        let json = try JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return (json, SafeTensorsWriter.encode(tensors))
    }

    /// The SAELens version whose on-disk layout the folders follow.
    public static let formatVersion = "6.0.0"
}
