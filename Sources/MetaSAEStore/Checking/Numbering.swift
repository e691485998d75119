/// How canonical files number their depths, null models and layers, and
/// the caps that keep a hostile name from sizing anything.
public enum Numbering {
    /// Deepest SAE depth a file may have.
    public static let maximumDepth = 1_000
    /// Highest null-model or classifier-layer index a file may have.
    public static let maximumIndex = 10_000

    /// A group name as a number: plain decimal digits, no sign, no leading
    /// zeros ("0", "17"), at most `limit`; nil for anything else.
    public static func parse(_ name: String, limit: Int) -> Int? {
        guard !name.isEmpty, name.count <= 12, name.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        guard name == "0" || !name.hasPrefix("0"), let value = Int(name), value <= limit else { return nil }
        return value
    }

    /// Whether sorted `numbers` are exactly `first, first + 1, …`.
    public static func isDense(_ numbers: [Int], from first: Int) -> Bool {
        numbers.enumerated().allSatisfy { $0.element == first + $0.offset }
    }
}
