import Testing
@testable import HDF5

/// Names from files, made fit for one line of a message.
@Suite struct DisplayTests {
    @Test func controlCharactersAreEscaped() {
        #expect(Display.cut("a\u{1B}[31mred\u{07}\n") == "a\\x1b[31mred\\x07\\x0a")
        #expect(Display.cut("\u{9B}") == "\\x9b")
    }

    @Test func longNamesAreCutInTheMiddle() {
        let cut = Display.cut(String(repeating: "a", count: 100) + String(repeating: "z", count: 100), to: 21)
        #expect(cut == String(repeating: "a", count: 10) + "…" + String(repeating: "z", count: 10))
        #expect(cut.count == 21)
        #expect(Display.cut("short", to: 21) == "short")
    }

    @Test func errorMessagesCutTheObjectsTheyName() {
        let error = HDF5Error(.corrupt, operation: "open dataset", file: "f.h5", object: "/" + String(repeating: "x", count: 5_000))
        #expect(error.description.count < 200, "\\(error.description.count)")
    }
}
