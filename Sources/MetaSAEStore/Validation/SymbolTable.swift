/// Values of the schema's shape symbols (`N`, `F{x}`, `nnz`) for one file,
/// and evaluation of a dimension expression under a placeholder binding.
struct SymbolTable {
    var exampleCount: Int?
    /// Width per depth; a null model's widths equal the trained cascade's.
    var widths: [Int: Int] = [:]

    /// Evaluates a dimension such as `N`, `N+1`, `F{d-1}` or `*` under
    /// `bindings` (`{d}` → 3). Returns nil when the value is unknowable
    /// (for example `nnz`, checked separately) or anything goes.
    func evaluate(_ symbol: String, bindings: [String: Int]) -> Int?? {
        switch symbol {
        case "*", "nnz": return .some(nil)
        case "N": return exampleCount.map { .some($0) } ?? .some(nil)
        case "N+1": return exampleCount.map { .some($0 + 1) } ?? .some(nil)
        default: break
        }
        guard symbol.hasPrefix("F{"), symbol.hasSuffix("}") else { return nil }
        let inner = symbol.dropFirst(2).dropLast()
        var name = String(inner)
        var offset = 0
        if let minus = inner.firstIndex(of: "-") {
            name = String(inner[..<minus])
            offset = -(Int(inner[inner.index(after: minus)...]) ?? 0)
        }
        guard let value = bindings["{\(name)}"] else { return nil }
        return .some(widths[value + offset])
    }
}
