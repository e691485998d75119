import Foundation

/// The Markdown subset report.md is written in, as HTML: headings, pipe
/// tables, bullet lists, paragraphs, `**bold**` and `` `code` ``, and
/// figures on their own line (`![alt](name)`), replaced by `figures[name]`
/// (inline SVG) so the page needs no other file.
enum MarkdownHTML {
    static func render(_ markdown: String, figures: [String: String]) -> String {
        var out = ""
        var table: [[String]] = []
        var list: [String] = []
        func flush() {
            if !table.isEmpty { out += tableHTML(table); table = [] }
            if !list.isEmpty { out += "<ul>\n" + list.map { "<li>\(inline($0))</li>\n" }.joined() + "</ul>\n"; list = [] }
        }
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("|") {
                if !list.isEmpty { flush() }
                table.append(cells(line))
                continue
            }
            if line.hasPrefix("- ") {
                if !table.isEmpty { flush() }
                list.append(String(line.dropFirst(2)))
                continue
            }
            flush()
            if line.isEmpty { continue }
            if let level = headingLevel(line) {
                out += "<h\(level)>\(inline(String(line.dropFirst(level + 1))))</h\(level)>\n"
            } else if let name = figureName(line) {
                out += "<figure>\(figures[name] ?? "<p>(\(Markup.escape(name)) is not in this page)</p>")</figure>\n"
            } else {
                out += "<p>\(inline(line))</p>\n"
            }
        }
        flush()
        return out
    }

    static func headingLevel(_ line: String) -> Int? {
        let hashes = line.prefix { $0 == "#" }.count
        return (1...4).contains(hashes) && line.dropFirst(hashes).hasPrefix(" ") ? hashes : nil
    }

    /// `name` of a line that is exactly `![alt](name)`.
    static func figureName(_ line: String) -> String? {
        guard line.hasPrefix("!["), line.hasSuffix(")"), let open = line.range(of: "](") else { return nil }
        return String(line[open.upperBound..<line.index(before: line.endIndex)])
    }

    static func cells(_ line: String) -> [String] {
        var parts = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        if parts.first == "" { parts.removeFirst() }
        if parts.last == "" { parts.removeLast() }
        return parts
    }

    /// The first row is the header; a `---` row after it is the separator.
    static func tableHTML(_ rows: [[String]]) -> String {
        var body = rows
        let header = body.removeFirst()
        if let separator = body.first, separator.allSatisfy({ $0.allSatisfy { $0 == "-" || $0 == ":" } }) { body.removeFirst() }
        var out = "<div class=\"scroll\"><table>\n<thead><tr>" + header.map { "<th>\(inline($0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
        for row in body { out += "<tr>" + row.map { "<td>\(inline($0))</td>" }.joined() + "</tr>\n" }
        return out + "</tbody></table></div>\n"
    }

    /// Escapes the text, then turns `code` and **bold** spans into elements.
    static func inline(_ text: String) -> String {
        var out = ""
        var bold = false
        var code = false
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character == "`" {
                out += code ? "</code>" : "<code>"
                code.toggle()
            } else if !code, text[index...].hasPrefix("**") {
                out += bold ? "</strong>" : "<strong>"
                bold.toggle()
                index = text.index(after: index)
            } else {
                out += Markup.escape(String(character))
            }
            index = text.index(after: index)
        }
        if code { out += "</code>" }
        if bold { out += "</strong>" }
        return out
    }
}
