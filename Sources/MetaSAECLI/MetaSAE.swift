import ArgumentParser

public struct MetaSAE: ParsableCommand {
    public init() {}
}
