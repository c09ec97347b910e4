namespace BetterDepth.Tests.Priors.Learned;

/// <summary>Tests that seed libtorch's global generator run one at a time, so their initial weights are reproducible.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchSeeded
{
    public const string Name = "learned prior (seeded torch RNG)";
}
