import Foundation
import HDF5
import MetaSAEStore

/// Renders a `FileReport` as text: the canonical summary, then one line per
/// object (in the spirit of `h5ls -v` plus `h5dump -H`, on one screen).
struct DescribeRenderer {
    var attributeWidth: Int

    func render(_ report: FileReport) -> String {
        var out = "\(report.file)"
        if let bytes = report.fileBytes { out += "  (\(Self.bytes(bytes)))" }
        out += "\n"
        if let summary = report.canonical { out += renderSummary(summary) }
        out += "\n"
        for object in report.objects { out += renderObject(object) }
        return out
    }

    func renderSummary(_ summary: CanonicalSummary) -> String {
        var out = "canonical layout v\(summary.schemaVersion.map(String.init) ?? "?"): "
        out += summary.conforms ? "conforms (structure; run `metasae validate` to scan the data)\n" : "DOES NOT CONFORM\n"
        for violation in summary.violations { out += "  \(violation)\n" }
        if let count = summary.exampleCount { out += "examples: \(count)" }
        if let classes = summary.classCounts {
            out += "   per class: " + classes.enumerated().map { "\($0.offset):\($0.element)" }.joined(separator: " ")
        }
        out += "\n"
        var table = TextTable(header: ["depth", "width", "d_in", "chain", "encoder", "mean L0", "dead", "sample", "storage"])
        for depth in summary.depths {
            table.add([
                "\(depth.depth)",
                depth.width.map(String.init) ?? "?",
                depth.depth == 0 ? "-" : (depth.inputWidth.map(String.init) ?? "?"),
                depth.depth == 0 ? "-" : (depth.chainConsistent ? "ok" : "BROKEN"),
                depth.encoder.map { Display.cut($0, to: 24) } ?? "-",
                depth.meanL0.map { String(format: "%.1f", $0) } ?? "-",
                depth.deadFraction.map { String(format: "%.1f%%", $0 * 100) } ?? "-",
                depth.sampledRows > 0 ? "\(depth.sampledRows) rows" : "-",
                depth.sparseNonZeros.map { nnz in
                    "CSR nnz \(nnz), density " + (depth.sparseDensity.map { String(format: "%.3f", $0) } ?? "?")
                } ?? "dense",
            ])
        }
        out += table.render(indent: "  ")
        out += "null models: \(summary.nullModelCount)"
        if !summary.flatControlDepths.isEmpty { out += "   flat controls: depths \(summary.flatControlDepths.map(String.init).joined(separator: ", "))" }
        if summary.matchedNullCount > 0 { out += "   matched nulls: \(summary.matchedNullCount)" }
        if let architecture = summary.classifierArchitecture { out += "   classifier: \(architecture)" }
        if let accuracy = summary.classifierAccuracy { out += String(format: ", test accuracy %.4f", accuracy) }
        out += "\n"
        return out
    }

    /// Control characters in names (BEL, ESC, newlines) shown as escapes, so a
    /// hostile name cannot rewrite the terminal or forge lines.
    static func printable(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value) {
                out += String(format: "\\x%02x", scalar.value)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    func renderObject(_ object: ObjectDescription) -> String {
        var line = Self.printable(object.path)
        switch object.kind {
        case .group:
            line += (object.path == "/" ? "" : "/") + "  group"
        case .dataset:
            line += "  " + datasetSummary(object)
        case .softLink:
            line += "  -> \(Self.printable(object.target ?? "?"))  (soft link, not followed)"
        case .externalLink:
            line += "  -> \(Self.printable(object.target ?? "?"))  (external link, not followed)"
        case .namedDatatype:
            line += "  named datatype"
        case .unreadable:
            line += "  UNREADABLE"
        }
        var out = line + "\n"
        if let problem = object.problem { out += "    ! \(Self.printable(problem))\n" }
        for attribute in object.attributes {
            out += "    @\(Self.printable(attribute.name)) = \(elide(attribute.value.description))\n"
        }
        return out
    }

    func datasetSummary(_ object: ObjectDescription) -> String {
        var parts: [String] = []
        if let type = object.datatype { parts.append("\(type.displayName) [\(type.numpyCode)]") }
        if let shape = object.shape {
            var text = shape.isEmpty ? "scalar" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
            if let maxShape = object.maxShape, maxShape != shape.map({ Optional($0) }) {
                text += " max (" + maxShape.map { $0.map(String.init) ?? "∞" }.joined(separator: ", ") + ")"
            }
            parts.append(text)
        }
        if let layout = object.layout {
            if let chunks = layout.chunkDims {
                parts.append("chunks (" + chunks.map(String.init).joined(separator: ", ") + ")")
            } else {
                parts.append(layout.kind.rawValue)
            }
            if !layout.filters.isEmpty { parts.append(layout.filterSummary) }
            if layout.externalFileCount > 0 { parts.append("external storage (not read)") }
        }
        if let logical = object.logicalBytes, let stored = object.storedBytes {
            var text = "\(Self.bytes(logical)) → \(Self.bytes(stored)) stored"
            if stored > 0, stored != logical { text += String(format: " (%.2f×)", Double(logical) / Double(stored)) }
            parts.append(text)
        }
        return parts.joined(separator: "  ")
    }

    func elide(_ text: String) -> String {
        let clean = Self.printable(text)
        guard clean.count > attributeWidth else { return clean }
        return String(clean.prefix(attributeWidth)) + "… (\(clean.count) chars)"
    }

    static func bytes(_ count: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(count)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(count) B" : String(format: "%.1f %@", value, units[unit])
    }
}
