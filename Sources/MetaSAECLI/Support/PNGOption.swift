import ArgumentParser
import Foundation

/// `--png`: PNG copies of the figures, made by `rsvg-convert` (a process of
/// its own, ~0.1–0.3 s), only when asked; report.md and report.html use the SVGs.
struct PNGOption: ParsableArguments {
    @Flag(help: "Also write a PNG copy of each figure (needs rsvg-convert: apt-get install librsvg2-bin).")
    var png = false

    /// The PNG beside `svg` when asked; a warning when rsvg-convert cannot make it.
    func copy(of svg: String) -> String? {
        guard png else { return nil }
        if let written = PNGConversion.convert(svg: svg) { return written }
        let reason = PNGConversion.locate("rsvg-convert") == nil ? "rsvg-convert is not installed" : "rsvg-convert failed"
        FileHandle.standardError.write(Data("warning: no PNG copy of \(svg): \(reason)\n".utf8))
        return nil
    }
}
