using static TorchSharp.torch;

namespace BetterDepth.Diffusion;

static class ShapeChecks
{
    /// <summary>Throws when <paramref name="actual"/> does not have <paramref name="expected"/>'s shape.</summary>
    public static void RequireSameShape(Tensor actual, Tensor expected, string actualName, string expectedName)
    {
        if (!actual.shape.SequenceEqual(expected.shape))
            throw new ArgumentException($"{actualName} shape [{string.Join(",", actual.shape)}] differs from {expectedName} shape [{string.Join(",", expected.shape)}]", actualName);
    }
}
