/// Text that came from a file, made fit for one line of a message.
public enum Display {
    /// Control characters escaped (`\u{1B}` → `\x1b`), and anything longer
    /// than `limit` characters cut in the middle with "…", so a hostile
    /// name can neither fill the terminal nor drive it.
    public static func cut(_ text: String, to limit: Int = 80) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                escaped += "\\x" + String(scalar.value, radix: 16).leftPadded(to: 2)
            } else {
                escaped.unicodeScalars.append(scalar)
            }
        }
        guard escaped.count > limit, limit >= 5 else { return escaped }
        let keep = (limit - 1) / 2
        return String(escaped.prefix(keep)) + "…" + String(escaped.suffix(limit - 1 - keep))
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
