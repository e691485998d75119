import CZlib
import Foundation
import Testing

/// report.html and features.json as a user gets them from `analyze` and
/// `report`: self-contained, the stored images in the atlas, redrawn the
/// same, and clear refusals of a features.json that is not this analysis's.
@Suite struct FeatureBrowserCommandTests {
    static let file = CLI.repository.appendingPathComponent("Tests/Fixtures/browser/browser.h5").path

    static func analyze(_ scratch: URL, _ extra: [String] = []) throws -> URL {
        let out = scratch.appendingPathComponent("out")
        let run = try CLI.run(["analyze", file, "--out", out.path, "--null-seeds", "0", "--quiet"] + extra)
        #expect(run.status == 0, "\(run.stderr)")
        return out
    }

    @Test func thePageLoadsNothingFromOutside() throws {
        let scratch = try CLI.scratch("browser-page")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let page = try String(contentsOf: try Self.analyze(scratch).appendingPathComponent("report.html"), encoding: .utf8)
        for needle in ["http:", "https:", "ftp:", "//cdn", "src=\"//", "url(//", "@import", "<link", "<iframe"] {
            #expect(!page.lowercased().contains(needle), "the page contains \(needle)")
        }
        // Every src and href stays in the page: a fragment or a data URL (an
        // empty value is the script building one from href(), which returns fragments).
        let attributes = try Regex(#"(?:src|href)\s*=\s*["']([^"']*)["']"#)
        for match in page.matches(of: attributes) {
            let value = String(match.output[1].substring ?? "")
            #expect(value.isEmpty || value.hasPrefix("#") || value.hasPrefix("data:"), "link \(value)")
        }
        #expect(page.contains("default-src 'none'"), "the content security policy is missing")
        #expect(page.contains("<svg") && page.contains("Do meta-SAEs become more atomic with depth?"))
    }

    /// The atlas holds, for each row a card shows, the pixels h5py read from the file.
    @Test func theAtlasHoldsTheStoredImages() throws {
        let scratch = try CLI.scratch("browser-atlas")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let features = try JSONSerialization.jsonObject(
            with: Data(contentsOf: try Self.analyze(scratch).appendingPathComponent("features.json"))) as! [String: Any]
        let images = try #require(features["images"] as? [String: Any])
        let (side, columns) = (images["side"] as! Int, images["columns"] as! Int)
        let rows = images["rows"] as! [Int]
        let png = try #require(Data(base64Encoded: images["png"] as! String))
        let (width, pixels) = try Self.decodeGrayscale(png)
        let expected = try JSONSerialization.jsonObject(
            with: Data(contentsOf: CLI.repository.appendingPathComponent("Tests/Fixtures/browser/expected.json"))) as! [String: Any]
        let reference = expected["imagesOfDepth1Latent0"] as! [String: Any]
        #expect(side == reference["side"] as! Int)
        for (row, wanted) in zip(reference["rows"] as! [Int], reference["pixels"] as! [[Int]]) {
            let tile = try #require(rows.firstIndex(of: row), "row \(row) is not in the atlas")
            let (x, y) = ((tile % columns) * side, (tile / columns) * side)
            let got = (0..<(side * side)).map { Int(pixels[(y + $0 / side) * width + x + $0 % side]) }
            #expect(got == wanted, "row \(row)")
        }
    }

    /// Width and pixels of an 8-bit grayscale PNG whose scanlines are unfiltered.
    static func decodeGrayscale(_ png: Data) throws -> (Int, [UInt8]) {
        let bytes = [UInt8](png)
        #expect(Array(bytes[0..<8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        func word(_ at: Int) -> Int { bytes[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
        var cursor = 8
        var (width, height) = (0, 0)
        var compressed: [UInt8] = []
        while cursor < bytes.count {
            let length = word(cursor)
            let type = String(decoding: bytes[(cursor + 4)..<(cursor + 8)], as: UTF8.self)
            let body = Array(bytes[(cursor + 8)..<(cursor + 8 + length)])
            let crc = bytes[(cursor + 4)..<(cursor + 8 + length)].withContiguousStorageIfAvailable { crc32(0, $0.baseAddress, uInt($0.count)) }
            #expect(crc.map { Int($0) } == word(cursor + 8 + length), "\(type) CRC")
            if type == "IHDR" { (width, height) = (word(cursor + 8), word(cursor + 12)); #expect(body[8] == 8 && body[9] == 0) }
            if type == "IDAT" { compressed += body }
            cursor += 12 + length
        }
        var size = uLongf((width + 1) * height)
        var raw = [UInt8](repeating: 0, count: Int(size))
        #expect(uncompress(&raw, &size, compressed, uLong(compressed.count)) == Z_OK)
        var pixels: [UInt8] = []
        for line in 0..<height {
            #expect(raw[line * (width + 1)] == 0, "scanline \(line) filter")
            pixels += raw[(line * (width + 1) + 1)..<((line + 1) * (width + 1))]
        }
        return (width, pixels)
    }

    @Test func reportRedrawsThePageFromResultsAndFeatures() throws {
        let scratch = try CLI.scratch("browser-report")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let out = try Self.analyze(scratch)
        let page = out.appendingPathComponent("report.html")
        let written = try Data(contentsOf: page)
        try FileManager.default.removeItem(at: page)
        let redrawn = try CLI.run(["report", out.appendingPathComponent("results.json").path, "--quiet"])
        #expect(redrawn.status == 0, "\(redrawn.stderr)")
        #expect(try Data(contentsOf: page) == written)
    }

    @Test func aFeaturesFileThatIsNotTheseResultsIsRefused() throws {
        let scratch = try CLI.scratch("browser-refuse")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let out = try Self.analyze(scratch)
        let features = out.appendingPathComponent("features.json")
        let results = out.appendingPathComponent("results.json").path
        try Data("{\"depths\": 3}".utf8).write(to: features)
        let corrupt = try CLI.run(["report", results, "--quiet"])
        #expect(corrupt.status == 65 && corrupt.stderr.contains("is not a metasae features.json"), "\(corrupt.status) \(corrupt.stderr)")
        // Another file's features: its depths have other widths.
        let other = scratch.appendingPathComponent("other")
        let run = try CLI.run(["analyze", CLI.repository.appendingPathComponent("Tests/Fixtures/diagnostics/diagnostics.h5").path,
                               "--out", other.path, "--null-seeds", "0", "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        try FileManager.default.removeItem(at: features)
        try FileManager.default.copyItem(at: other.appendingPathComponent("features.json"), to: features)
        let foreign = try CLI.run(["report", results, "--quiet"])
        #expect(foreign.status == 65 && foreign.stderr.contains("belongs to other results"), "\(foreign.status) \(foreign.stderr)")
    }

    @Test func theBrowserDataCanBeLeftOut() throws {
        let scratch = try CLI.scratch("browser-none")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let out = try Self.analyze(scratch, ["--feature-examples", "0"])
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("features.json").path))
        let page = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(page.contains("carry no per-latent data"))
        let bad = try CLI.run(["analyze", Self.file, "--out", scratch.appendingPathComponent("x").path, "--feature-examples", "-1"])
        #expect(bad.status == 64 && bad.stderr.contains("--feature-examples"), "\(bad.status) \(bad.stderr)")
    }
}
