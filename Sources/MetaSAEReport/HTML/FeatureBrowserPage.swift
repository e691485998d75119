import AtomicityMetrics
import Foundation

/// report.html: one self-contained page with the report (verdict, figures,
/// tables, trend tests, diagnostics, provenance) and a browser of every
/// latent of the trained cascade. Everything is inline: the figures as SVG,
/// the images as one PNG data URL, the per-latent data as JSON, and a
/// content security policy that lets the page load nothing else.
public enum FeatureBrowserPage {
    public static let fileName = "report.html"

    /// The page of one analysis, from documents already rendered: its
    /// report.md, its figures by file name and features.json's bytes.
    static func render(_ results: AnalysisResults, markdown: String, figures: [String: String], featuresJSON: Data?) -> String {
        let note = featuresJSON == nil
            ? "<p class=\"hint\">These results carry no per-latent data (analyze with --feature-examples above 0 to add it).</p>\n" : ""
        return page(title: URL(fileURLWithPath: results.input.path).lastPathComponent, subtitle: results.input.path,
                    overview: MarkdownHTML.render(markdown, figures: figures.mapValues(inline)) + note,
                    data: featuresJSON.map(embedded) ?? "{}")
    }

    /// The aggregate's page: its report and figure (each seed's own page holds its latents).
    public static func render(aggregate: AggregateResults) -> String {
        let figures = ["aggregate.svg": inline(AggregateFigure.svg(for: aggregate))]
        let note = "<p class=\"hint\">Each seed's folder holds its own report.html, with the browser of that seed's latents.</p>\n"
        return page(title: "aggregate of \(aggregate.inputs.count) seeds", subtitle: "aggregate of \(aggregate.inputs.count) seeds",
                    overview: MarkdownHTML.render(AggregateReport.render(aggregate), figures: figures) + note, data: "{}")
    }

    static func page(title: String, subtitle: String, overview: String, data: String) -> String {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>metasae: \(Markup.escape(title))</title>
        <style>
        \(BrowserStyle.css)
        </style>
        </head>
        <body>
        <header>
        <h1>Do meta-SAEs become more atomic with depth? <span class="hint">\(Markup.escape(subtitle))</span></h1>
        <nav id="depth-tabs"></nav>
        </header>
        <main>
        <section id="overview">
        \(overview)
        </section>
        <section id="browser" hidden>
        <h2 id="depth-title"></h2>
        <div class="spreads" id="depth-spread"></div>
        <div class="controls">
        <label>top class <select id="filter-class"></select></label>
        <label>frequency ≥ <input id="filter-frequency" type="number" min="0" max="100" step="0.1" value="0"> %</label>
        <label><input id="filter-dead" type="checkbox" checked> hide latents that never fire</label>
        <span id="latent-count"></span>
        </div>
        <div class="split">
        <div id="latent-table"></div>
        <aside id="card"></aside>
        </div>
        </section>
        </main>
        <script id="feature-data" type="application/json">\(data)</script>
        <script>
        \(BrowserScript.source)
        </script>
        </body>
        </html>

        """
    }

    /// An SVG document as inline markup: no XML declaration and no
    /// namespace attribute (HTML places <svg> in its namespace).
    static func inline(_ svg: String) -> String {
        var text = svg
        if text.hasPrefix("<?xml"), let end = text.range(of: "?>") { text = String(text[end.upperBound...]) }
        return text.replacing(" xmlns=\"http://www.w3.org/2000/svg\"", with: "")
    }

    /// The data as JSON that cannot end the script element early.
    static func embedded(_ json: Data) -> String {
        String(decoding: json, as: UTF8.self).replacing("</", with: "<\\/")
    }
}
