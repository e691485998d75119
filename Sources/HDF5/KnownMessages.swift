/// What libhdf5's innermost error messages mean, in one table: the kind of
/// failure a user can act on (`HDF5Call` classifies with it) and, for the
/// messages users meet most, plain words (`HDF5Error.description`). The
/// first entry whose patterns occur in the lowercased message wins.
struct KnownMessage {
    /// Any of these substrings.
    let patterns: [String]
    /// All of these too (for phrases whose words libhdf5 varies).
    var alsoAll: [String] = []
    let kind: HDF5Error.Kind
    var words: String?

    static let damaged = "its HDF5 metadata is damaged or truncated"
    static let missingFilter = "it needs an HDF5 compression filter this build does not have (lzf, blosc, …); rewrite it with gzip"

    static let table: [KnownMessage] = [
        KnownMessage(patterns: ["plugin"], kind: .unsupported, words: missingFilter),
        KnownMessage(patterns: ["not available", "can't be found", "not registered", "not found"], alsoAll: ["filter"],
                     kind: .unsupported, words: missingFilter),
        KnownMessage(patterns: ["not a dataset"], kind: .noSuchObject, words: "the object is not a dataset (a group?)"),
        KnownMessage(patterns: ["not a group"], kind: .noSuchObject),
        KnownMessage(patterns: ["too many links"], kind: .corrupt, words: "soft links form a loop or nest too deeply"),
        KnownMessage(patterns: ["ring type mismatch", "addr overflow"], kind: .corrupt, words: damaged),
        KnownMessage(patterns: ["component not found"], kind: .noSuchObject,
                     words: "a path or soft link points to an object that does not exist"),
        KnownMessage(patterns: ["no such file"], kind: .notFound),
        KnownMessage(patterns: ["permission"], kind: .access),
        KnownMessage(patterns: ["truncated", "bad ", "signature"], kind: .corrupt, words: damaged),
        KnownMessage(patterns: ["corrupt", "eof", "checksum", "unable to decode", "wrong version"], kind: .corrupt),
        KnownMessage(patterns: ["doesn't exist", "does not exist", "not found"], kind: .noSuchObject),
    ]

    /// The entry describing `message`, if any.
    static func entry(for message: String) -> KnownMessage? {
        let text = message.lowercased()
        return table.first { entry in
            entry.patterns.contains { text.contains($0) } && entry.alsoAll.allSatisfy { text.contains($0) }
        }
    }
}
