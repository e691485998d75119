import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import AtomicityMetrics
@testable import MetaSAEReport

/// Reads an SVG back: panels with their plot frame and domains, points,
/// trend lines, notes.
final class SVGReader: NSObject, XMLParserDelegate {
    struct Panel {
        var metric: String
        var plot: [Double]
        var xDomain: [Double]
        var yDomain: [Double]
        var points: [(cx: Double, cy: Double, depth: Int)] = []
        var trend: [Double]?
        var notes: [String] = []
        var texts: [String] = []
        /// Elements inside the panel by class (seed lines, bands, controls).
        var classes: [String: Int] = [:]
    }
    var panels: [Panel] = []
    var allNumbers: [String] = []
    private var inPanel = false
    /// Open groups inside the current panel (controls, replicates).
    private var nesting = 0
    private var currentText: String?
    private var currentClass: String?

    static func read(_ svg: String) throws -> SVGReader {
        let reader = SVGReader()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = reader
        guard parser.parse() else { throw parser.parserError ?? CocoaError(.fileReadCorruptFile) }
        return reader
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        for key in ["x", "y", "cx", "cy", "x1", "x2", "y1", "y2", "width", "height", "points"] {
            if let value = attributes[key] { allNumbers.append(value) }
        }
        if name == "g", attributes["class"] == "panel" {
            let numbers = { (key: String) in (attributes[key] ?? "").split(separator: " ").compactMap { Double($0) } }
            panels.append(Panel(metric: attributes["data-metric"] ?? "?", plot: numbers("data-plot"),
                                xDomain: numbers("data-x-domain"), yDomain: numbers("data-y-domain")))
            inPanel = true
            nesting = 0
        } else if name == "g", inPanel {
            nesting += 1
        }
        guard inPanel, !panels.isEmpty else { return }
        if let kind = attributes["class"] { panels[panels.count - 1].classes[kind, default: 0] += 1 }
        if name == "circle", attributes["class"] == "point" {
            panels[panels.count - 1].points.append((Double(attributes["cx"]!)!, Double(attributes["cy"]!)!, Int(attributes["data-depth"]!)!))
        }
        if name == "line", attributes["class"] == "trend" {
            panels[panels.count - 1].trend = ["x1", "y1", "x2", "y2"].map { Double(attributes[$0]!)! }
        }
        if name == "text" {
            currentText = ""
            currentClass = attributes["class"]
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        currentText? += string
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "text", let text = currentText, inPanel, !panels.isEmpty {
            panels[panels.count - 1].texts.append(text)
            if currentClass == "note" { panels[panels.count - 1].notes.append(text) }
            currentText = nil
        }
        if name == "g" {
            if nesting == 0 { inPanel = false } else { nesting -= 1 }
        }
    }

    /// Pixel → data, inverting the panel's axis mapping (y grows downwards).
    static func data(_ panel: Panel, x: Double, y: Double) -> (Double, Double) {
        let (left, top, width, height) = (panel.plot[0], panel.plot[1], panel.plot[2], panel.plot[3])
        let dataX = panel.xDomain[0] + (x - left) / width * (panel.xDomain[1] - panel.xDomain[0])
        let dataY = panel.yDomain[0] + (top + height - y) / height * (panel.yDomain[1] - panel.yDomain[0])
        return (dataX, dataY)
    }
}

@Suite struct FigureTests {
    static let typical = HandMade.results([
        .FRI: [-0.30, -0.37, -0.41, -0.47, -0.53, -0.56],
        .CSP: [0.58, 0.73, 0.87, 0.88, 0.87, 0.80],
        .PDS: [0, -0.002, 0.008, 0.0076, 0.0046, 0.007],
        .LTES: [0.57, 0.555, 0.553, 0.545, 0.549, 0.556],
    ], nulls: [.CSP: Array(repeating: (0.33, 0.02), count: 6), .LTES: (0..<6).map { (0.77 + 0.03 * Double($0), 0.01) }])

    @Test func svgParsesWithFourPanels() throws {
        let reader = try SVGReader.read(AtomicityFigure.svg(for: Self.typical))
        #expect(reader.panels.map(\.metric) == ["FRI", "CSP", "PDS", "LTES"])
        for panel in reader.panels {
            #expect(panel.texts.contains("\(panel.metric) vs depth"))
            #expect(panel.texts.contains("Depth"))
            #expect(panel.texts.contains { $0.hasPrefix("ρ = ") && $0.contains("t-test p = ") && $0.contains("exact p = ") })
            // Integer depth ticks 1…6.
            #expect(Set(panel.texts).isSuperset(of: (1...6).map(String.init)))
        }
    }

    @Test func pointsLandWhereTheDataSays() throws {
        let reader = try SVGReader.read(AtomicityFigure.svg(for: Self.typical))
        for panel in reader.panels {
            let metric = Metric(rawValue: panel.metric)!
            let expected = Self.typical.saeDepths.map { ($0.depth, $0.value(metric)!) }
            #expect(panel.points.count == expected.count)
            for point in panel.points {
                let (x, y) = SVGReader.data(panel, x: point.cx, y: point.cy)
                let truth = try #require(expected.first { $0.0 == point.depth }).1
                #expect(abs(x - Double(point.depth)) < 0.01, "\(panel.metric) x")
                // Coordinates are written to 0.01 px.
                let tolerance = 0.01 / panel.plot[3] * (panel.yDomain[1] - panel.yDomain[0]) * 1.01
                #expect(abs(y - truth) <= tolerance, "\(panel.metric) depth \(point.depth): \(y) vs \(truth)")
            }
        }
    }

    @Test func trendSlopeIsTheLeastSquaresSlope() throws {
        let reader = try SVGReader.read(AtomicityFigure.svg(for: Self.typical))
        for panel in reader.panels {
            let metric = Metric(rawValue: panel.metric)!
            let values = Self.typical.saeDepths.map { (Double($0.depth), $0.value(metric)!) }
            // Independent least squares: slope = cov(x, y) / var(x).
            let meanX = values.map(\.0).reduce(0, +) / Double(values.count)
            let meanY = values.map(\.1).reduce(0, +) / Double(values.count)
            let slope = values.map { ($0.0 - meanX) * ($0.1 - meanY) }.reduce(0, +) / values.map { ($0.0 - meanX) * ($0.0 - meanX) }.reduce(0, +)
            let line = try #require(panel.trend)
            let start = SVGReader.data(panel, x: line[0], y: line[1])
            let end = SVGReader.data(panel, x: line[2], y: line[3])
            let drawn = (end.1 - start.1) / (end.0 - start.0)
            let tolerance = 0.02 / panel.plot[3] * (panel.yDomain[1] - panel.yDomain[0]) / (end.0 - start.0) + 1e-9
            #expect(abs(drawn - slope) <= tolerance + 1e-3 * abs(slope), "\(panel.metric): \(drawn) vs \(slope)")
        }
    }

    @Test(arguments: [
        ("single depth", HandMade.results([.FRI: [-0.2], .CSP: [0.4], .PDS: [0], .LTES: [0.5]]), "one depth only"),
        ("constant", HandMade.results([.FRI: [0.5, 0.5, 0.5], .CSP: [0.1, 0.2, 0.3], .PDS: [0, 0.1, 0.2], .LTES: [0.5, 0.6, 0.7]]), "constant across depths"),
        ("-inf FRI", HandMade.results([.FRI: [-0.2, -.infinity, -0.4], .CSP: [0.1, 0.2, 0.3], .PDS: [0, 0.1, 0.2], .LTES: [0.5, 0.6, 0.7]]), "no example had ≥ 2 active latents"),
        ("NaN", HandMade.results([.FRI: [-0.2, -0.3, -0.4], .CSP: [0.1, .nan, 0.3], .PDS: [0, 0.1, 0.2], .LTES: [0.5, 0.6, 0.7]]), "not plotted"),
        ("negative", HandMade.results([.FRI: [-5, -7, -9], .CSP: [-0.1, -0.2, -0.3], .PDS: [0, -0.1, -0.2], .LTES: [-0.5, -0.6, -0.7]]), ""),
    ])
    func edgeCasesGiveAFigureWithANote(name: String, results: AnalysisResults, note: String) throws {
        let svg = AtomicityFigure.svg(for: results)
        let reader = try SVGReader.read(svg)
        #expect(reader.panels.count == 4, "\(name)")
        for value in reader.allNumbers {
            for part in value.split(whereSeparator: { $0 == " " || $0 == "," }) {
                #expect(Double(part)?.isFinite == true, "\(name): bad coordinate \(part)")
            }
        }
        if !note.isEmpty {
            #expect(reader.panels.contains { $0.notes.contains { $0.contains(note) } }, "\(name): \(reader.panels.map(\.notes))")
        }
        for panel in reader.panels {
            #expect(panel.yDomain[0] < panel.yDomain[1], "\(name) \(panel.metric): collapsed axis")
        }
    }
}

@Suite struct VerdictTests {
    @Test func allMetricsSignificant() {
        let results = HandMade.results([
            .FRI: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6], .CSP: [0.2, 0.3, 0.4, 0.5, 0.6, 0.7],
            .PDS: [0, 0.01, 0.02, 0.01, 0.03, 0.02], .LTES: [0.5, 0.55, 0.6, 0.65, 0.7, 0.75],
        ])
        #expect(results.verdict.supporting == 4)
        #expect(results.verdict.conclusion == "supported")
        #expect(results.verdict.findings.allSatisfy { $0.significant })
    }

    @Test func noneSignificant() {
        let results = HandMade.results([
            .FRI: [0.6, 0.5, 0.4, 0.3, 0.2, 0.1], .CSP: [0.5, 0.2, 0.6, 0.1, 0.4, 0.3],
            .PDS: [0, -0.01, 0.02, -0.01, 0.03, 0.02], .LTES: [0.7, 0.6, 0.65, 0.5, 0.55, 0.4],
        ])
        #expect(results.verdict.supporting == 0)
        #expect(results.verdict.conclusion == "not supported")
        let pds = results.verdict.findings.first { $0.metric == .PDS }!
        #expect(!pds.expectedPattern)
    }

    @Test func mixed() {
        let results = HandMade.results([
            .FRI: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6], .CSP: [0.5, 0.2, 0.6, 0.1, 0.4, 0.3],
            .PDS: [0, 0.01, 0.02, 0.01, 0.03, 0.02], .LTES: [0.5, 0.55, 0.52, 0.6, 0.58, 0.62],
        ], nulls: [.PDS: Array(repeating: (0.05, 0.01), count: 6)])
        let findings = Dictionary(uniqueKeysWithValues: results.verdict.findings.map { ($0.metric, $0) })
        #expect(findings[.FRI]!.significant)
        #expect(!findings[.CSP]!.significant)
        // Positive at every depth ≥ 2, but below the null mean: not significant.
        #expect(findings[.PDS]!.expectedPattern && !findings[.PDS]!.significant)
        // ρ = 0.886 with 6 depths: exact p = 0.033 < 0.05.
        #expect(findings[.LTES]!.significant, "\(findings[.LTES]!.explanation)")
        #expect(results.verdict.conclusion == "partially supported")
    }

    @Test func tooFewDepthsIsInconclusive() {
        let results = HandMade.results([.FRI: [0.1, 0.2], .CSP: [0.1, 0.2], .PDS: [0, 0.1], .LTES: [0.1, 0.2]])
        #expect(results.verdict.conclusion == "inconclusive")
        #expect(Caveats.list(for: results).contains { $0.contains("can never reach 0.05") })
    }
}

/// aggregate.svg read back: each panel's points are the seeds' means, one
/// thin line per seed, the mean's band, and the pooled test in the box.
@Suite struct AggregateFigureTests {
    static let offsets = [0.0, 0.02, -0.015]

    static func aggregate() throws -> AggregateResults {
        let seeds = offsets.enumerated().map { index, offset in
            var results = HandMade.results(FigureTests.typical.saeDepths.reduce(into: [Metric: [Double]]()) { values, row in
                for metric in Metric.allCases { values[metric, default: []].append(row.value(metric)! + offset * Double(row.depth)) }
            })
            results.input.path = "seed-\(index).h5"
            return SeedResults(label: "seed-\(index)", path: "seed-\(index)/results.json", results: results)
        }
        return try ReplicationAnalysis.run(seeds, toolVersion: "test")
    }

    @Test func panelsShowEverySeedAndTheirMean() throws {
        let reader = try SVGReader.read(AggregateFigure.svg(for: try Self.aggregate()))
        #expect(reader.panels.map(\.metric) == ["FRI", "CSP", "PDS", "LTES"])
        for panel in reader.panels {
            let metric = Metric(rawValue: panel.metric)!
            let depths = FigureTests.typical.saeDepths.filter { metric != .PDS || $0.depth >= 2 }
            #expect(panel.classes["seed-line"] == Self.offsets.count, "\(panel.metric) \(panel.classes)")
            #expect(panel.classes["mean-band"] == 1, "\(panel.metric)")
            #expect(panel.texts.contains { $0.hasPrefix("ρ̄ = ") && $0.contains("Holm p = ") })
            #expect(panel.points.count == depths.count)
            for point in panel.points {
                let row = try #require(depths.first { $0.depth == point.depth })
                // The mean of the three seeds, computed here.
                let truth = Self.offsets.map { row.value(metric)! + $0 * Double(row.depth) }.reduce(0, +) / Double(Self.offsets.count)
                let (_, y) = SVGReader.data(panel, x: point.cx, y: point.cy)
                let tolerance = 0.01 / panel.plot[3] * (panel.yDomain[1] - panel.yDomain[0]) * 1.01
                #expect(abs(y - truth) <= tolerance, "\(panel.metric) depth \(point.depth): \(y) vs \(truth)")
            }
        }
    }
}
