using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BetterDepth.Compute;

/// <summary>Normalisation layers with PyTorch's initial values.</summary>
internal static class Norms
{
    /// <summary>
    /// GroupNorm with weight 1 and bias 0. TorchSharp 0.107's nn.GroupNorm leaves its affine parameters
    /// uninitialised (garbage, often NaN), so every group norm in the project goes through here.
    /// </summary>
    public static GroupNorm GroupNorm(long groups, long channels, double eps, Device? device)
    {
        var norm = nn.GroupNorm(groups, channels, eps, device: device);
        using var noGrad = no_grad();
        nn.init.ones_(norm.weight!);
        nn.init.zeros_(norm.bias!);
        return norm;
    }
}
