import Foundation

extension LayoutSchema {
    /// The canonical layout, version 1.
    public static let canonicalV1: LayoutSchema = {
        let sae = "depths/{d}/sae"
        let saeAttributes = [
            AttributeRule("activation_fn", "string", required: true, "encoder nonlinearity: `relu`, `topk` (the k largest pre-activations of a row, ReLU'd) or `jumprelu` (pre where pre > threshold_j); BatchTopK SAEs are stored as `jumprelu` with one threshold repeated"),
            AttributeRule("k", "integer", required: false, "TopK only, and required there: active latents per row, 1 ≤ k ≤ d_sae"),
            AttributeRule("architecture", "string", required: false, "training: how the SAE was trained (`relu-l1`, `topk`, `batchtopk`, `jumprelu`)"),
            AttributeRule("d_in", "integer", required: true, "input width = F{d-1}"),
            AttributeRule("d_sae", "integer", required: true, "latent width = F{d}"),
            AttributeRule("apply_b_dec_to_input", "integer", required: true, "1 if the encoder sees x - b_dec (SAELens, dictionary_learning), else 0"),
            AttributeRule("l1_coefficient", "float", required: false, "training: L1 penalty on latents"),
            AttributeRule("learning_rate", "float", required: false, "training: Adam learning rate"),
            AttributeRule("epochs", "integer", required: false, "training: passes over the data"),
            AttributeRule("batch_size", "integer", required: false, "training: rows per step"),
            AttributeRule("seed", "integer", required: false, "training: random seed"),
            AttributeRule("init", "string", required: false, "how weights were initialised (for null models: `torch.nn.Linear default`)"),
        ]
        var objects: [ObjectRule] = [
            ObjectRule("labels", .dataset, .required, dtype: "integer", shape: ["N"],
                       checks: ["labels_in_range"], description: "class label of each example, 0–9; N is its length"),
            ObjectRule("images", .dataset, .optional, dtype: "uint8", shape: ["N", "*"],
                       description: "optional input images, one row per example (MNIST: 784 pixels)"),
            ObjectRule("depths/{depth}", .group, .required,
                       description: "one group per depth, named 0, 1, …, D with no gaps; depth 0 is the base model"),
            ObjectRule("depths/{depth}/activations", .dataset, .required, unlessPresent: "depths/{depth}/sparse",
                       dtype: "float", shape: ["N", "F{depth}"], chunking: "rows",
                       checks: ["finite"], description: "dense activations: row i is example i; depth 0 is the base model's hidden layer, depth d ≥ 1 the SAE latents"),
            ObjectRule("depths/{depth}/sparse", .group, .optional,
                       attributes: [AttributeRule("shape", "integer", required: true, "[N, F{depth}] of the dense matrix")],
                       checks: ["csr_structure"], description: "compressed-row form of the same activations"),
            ObjectRule("depths/{depth}/sparse/indptr", .dataset, .required, dtype: "int64", shape: ["N+1"],
                       description: "row i's entries are indptr[i] ..< indptr[i+1]; non-decreasing, starts at 0, ends at nnz"),
            ObjectRule("depths/{depth}/sparse/indices", .dataset, .required, dtype: "int32", shape: ["nnz"],
                       description: "column of each stored value, 0 ≤ index < F, strictly increasing within a row"),
            ObjectRule("depths/{depth}/sparse/values", .dataset, .required, dtype: "float", shape: ["nnz"],
                       checks: ["finite"], description: "the stored values"),
            ObjectRule(sae, .group, .required, attributes: saeAttributes,
                       description: "the SAE trained at depth d ≥ 1, mapping F{d-1} → F{d} → F{d-1}"),
            ObjectRule("\(sae)/W_enc", .dataset, .required, dtype: "float", shape: ["F{d-1}", "F{d}"],
                       checks: ["finite"], description: "encoder weight [d_in, d_sae]"),
            ObjectRule("\(sae)/b_enc", .dataset, .required, dtype: "float", shape: ["F{d}"],
                       checks: ["finite"], description: "encoder bias [d_sae]"),
            ObjectRule("\(sae)/W_dec", .dataset, .required, dtype: "float", shape: ["F{d}", "F{d-1}"],
                       checks: ["finite"], description: "decoder weight [d_sae, d_in]"),
            ObjectRule("\(sae)/b_dec", .dataset, .required, dtype: "float", shape: ["F{d-1}"],
                       checks: ["finite"], description: "decoder bias [d_in]"),
            ObjectRule("\(sae)/threshold", .dataset, .optional, dtype: "float", shape: ["F{d}"],
                       checks: ["finite"], description: "JumpReLU only, and required there: threshold of each latent [d_sae]"),
            ObjectRule("classifier", .group, .optional,
                       attributes: [
                           AttributeRule("architecture", "string", required: false, "e.g. `784-256-128-10 relu`"),
                           AttributeRule("hidden_layer", "integer", required: false, "which hidden layer (1-based) gives depth 0"),
                           AttributeRule("test_accuracy", "float", required: false, "accuracy on the test set"),
                       ],
                       description: "optional base classifier"),
            ObjectRule("classifier/layers/{i}/weight", .dataset, .required, dtype: "float", shape: ["*", "*"],
                       checks: ["finite"], description: "layer i weight, nn.Linear orientation [out, in]"),
            ObjectRule("classifier/layers/{i}/bias", .dataset, .required, dtype: "float", shape: ["*"],
                       checks: ["finite"], description: "layer i bias [out]"),
            ObjectRule("null_models/{k}", .group, .optional,
                       attributes: [
                           AttributeRule("seed", "integer", required: true, "seed of this random-init cascade"),
                           AttributeRule("init", "string", required: false, "initialisation rule"),
                       ],
                       description: "random-init null cascade k: same widths, same depth-0 input, depths 1…D"),
        ]
        // A null cascade repeats the trained cascade's per-depth SAE layout.
        for rule in objects where rule.path.hasPrefix("depths/{d}/sae") {
            var copy = rule
            copy.path = "null_models/{k}/" + rule.path
            objects.append(copy)
        }
        objects.append(ObjectRule("null_models/{k}/depths/{d}/activations", .dataset, .optional,
                                  dtype: "float", shape: ["N", "F{d}"], chunking: "rows", checks: ["finite"],
                                  description: "latents of null SAE d on the chain fed from depth 0; when absent, readers recompute them from depths/0/activations through the stored encoders"))
        // Controls: flat SAEs on depth 0 matched to each depth, and matched-L0 null cascades.
        objects.append(ObjectRule("controls/flat/{f}", .group, .optional,
                                  attributes: [AttributeRule("target_l0", "float", required: false, "the cascade depth's mean L0 this control was matched to")],
                                  description: "flat control f: an SAE of depth f's width and architecture trained on depth 0, its L0 matched to depth f's"))
        objects.append(ObjectRule("controls/flat/{f}/activations", .dataset, .required, dtype: "float", shape: ["N", "F{f}"],
                                  chunking: "rows", checks: ["finite"], description: "the flat control's codes of depth 0"))
        for rule in objects where rule.path.hasPrefix("depths/{d}/sae") {
            var copy = rule
            copy.path = rule.path.replacingOccurrences(of: "depths/{d}", with: "controls/flat/{f}")
            copy.shape = rule.shape?.map { $0.replacingOccurrences(of: "F{d-1}", with: "F{0}").replacingOccurrences(of: "F{d}", with: "F{f}") }
            objects.append(copy)
        }
        objects.append(ObjectRule("controls/matched_null/{m}", .group, .optional,
                                  attributes: [AttributeRule("seed", "integer", required: true, "seed of this cascade")],
                                  description: "matched null m: a random-init cascade with TopK codes at the trained cascade's per-depth L0 (k = its rounded mean L0)"))
        for rule in objects where rule.path.hasPrefix("depths/{d}/sae") {
            var copy = rule
            copy.path = "controls/matched_null/{m}/" + rule.path
            objects.append(copy)
        }
        return LayoutSchema(
            schema: CanonicalPaths.schemaName,
            version: CanonicalPaths.version,
            conventions: [
                "row_order": "row i of every [N, …] dataset is example i",
                "orientation": "SAELens: W_enc is [d_in, d_sae], W_dec is [d_sae, d_in]; z = act((x - b_dec·apply_b_dec_to_input) @ W_enc + b_enc), x̂ = z @ W_dec + b_dec",
                "classifier_orientation": "nn.Linear: weight is [out, in], y = x @ weight.T + bias",
                "dtype": "floating datasets are float32 (float64 allowed); labels any integer type, int64 written",
                "chunking": "activation datasets are chunked by blocks of whole rows",
            ],
            placeholders: [
                "{depth}": "0, 1, …, D: every group under depths/",
                "{d}": "1, …, D: every depth that has an SAE",
                "{k}": "every group under null_models/",
                "{i}": "every group under classifier/layers/",
                "{f}": "every group under controls/flat/: a depth 1…D of the cascade",
                "{m}": "every group under controls/matched_null/",
            ],
            symbols: [
                "N": "number of examples: the length of labels",
                "N+1": "N plus one",
                "F{x}": "width of depth x: the second dimension of depths/x/activations (or the sparse shape attribute)",
                "nnz": "number of stored values of that sparse form: indptr[N]",
                "*": "any extent",
            ],
            rootAttributes: [
                AttributeRule(CanonicalPaths.schemaAttribute, "string", required: true, "always `metasae/canonical`"),
                AttributeRule(CanonicalPaths.versionAttribute, "integer", required: true, "layout version, 1"),
                AttributeRule("tool_version", "string", required: true, "version of the program that wrote the file"),
                AttributeRule("created", "string", required: true, "creation time, ISO 8601 UTC"),
                AttributeRule("source", "string", required: false, "where the data came from (input path, `metasae train`)"),
                AttributeRule("seed", "integer", required: false, "master random seed"),
            ],
            objects: objects,
            fileChecks: [
                "contiguous_depths": "depth groups are exactly 0…D, D ≥ 1",
                "chain": "F{d-1} = d_in and F{d} = d_sae for every SAE, and the weight shapes agree",
                "labels_in_range": "every label lies in 0…9",
                "finite": "no NaN or ±Inf values",
                "csr_structure": "indptr starts at 0, never decreases, ends at nnz; 0 ≤ index < F, no index twice in a row",
            ])
    }()
}
