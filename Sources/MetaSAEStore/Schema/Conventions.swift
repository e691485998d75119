/// The seed's conventions that every reader, writer and metric shares.
public enum Conventions {
    /// A latent counts as active when |z| exceeds this (the seed's 1e-5).
    public static let activeThreshold: Float = 1e-5
    /// MNIST class labels.
    public static let labels: ClosedRange<Int64> = 0...9
}
