namespace BetterDepth.Priors.Learned;

/// <summary>
/// Shape of the learned prior network: channel width of its first stage (doubled at each downsampling stage up
/// to 8x), the fixed working resolution images are resized to before the forward pass, and the residual blocks
/// added at each of the 1/32, 1/16 and 1/8 levels, where the layout is decided (0: architecture 2 as first trained), and
/// the self-attention blocks after them at 1/32 and 1/16, which let every position see every other one (0: none), and the
/// base channels of a <see cref="LayoutCorrector"/> on the network's output (0: none), and the residual blocks after the
/// encoder's 1/8 and 1/16 stages, where the image's content is recognised (0: two convolutions per stage, as first trained).
/// Stored in the weights file so a checkpoint rebuilds the network it was trained with.
/// </summary>
public sealed record PriorCnnConfig(int BaseChannels = 32, int Width = 256, int Height = 192, int ResidualBlocks = 0, int AttentionBlocks = 0, int LayoutChannels = 0, int EncoderBlocks = 0)
{
    /// <summary>Five stride-2 stages: the working size must divide by 32.</summary>
    public const int Stride = 32;

    /// <summary>
    /// Bounds checked before the network is built: the default is 16 channels at 256x192, and 1e6 channels (a file's
    /// metadata says so, nothing stops it) made libtorch ask for terabytes.
    /// </summary>
    public const int MaxBaseChannels = 1024, MaxSide = 8192, MaxResidualBlocks = 16, MaxAttentionBlocks = 8;

    public void Validate()
    {
        if (BaseChannels <= 0 || BaseChannels % 8 != 0 || BaseChannels > MaxBaseChannels)
            throw new ArgumentException($"base channels must be a positive multiple of 8 (GroupNorm uses 8 groups) up to {MaxBaseChannels}, got {BaseChannels}", nameof(BaseChannels));
        if (Width < Stride || Height < Stride || Width % Stride != 0 || Height % Stride != 0 || Width > MaxSide || Height > MaxSide)
            throw new ArgumentException($"working size must be a positive multiple of {Stride} on both sides, at most {MaxSide}, got {Width}x{Height}", nameof(Width));
        if (ResidualBlocks < 0 || ResidualBlocks > MaxResidualBlocks)
            throw new ArgumentException($"residual blocks per level must be 0 to {MaxResidualBlocks}, got {ResidualBlocks}", nameof(ResidualBlocks));
        if (EncoderBlocks < 0 || EncoderBlocks > MaxResidualBlocks)
            throw new ArgumentException($"encoder residual blocks per level must be 0 to {MaxResidualBlocks}, got {EncoderBlocks}", nameof(EncoderBlocks));
        if (AttentionBlocks < 0 || AttentionBlocks > MaxAttentionBlocks)
            throw new ArgumentException($"attention blocks per level must be 0 to {MaxAttentionBlocks}, got {AttentionBlocks}", nameof(AttentionBlocks));
        if (LayoutChannels != 0) LayoutCorrector.ValidateChannels(LayoutChannels);
    }

    /// <summary>Parses "WxH" (for example "256x192").</summary>
    public static (int Width, int Height) ParseSize(string text)
    {
        var parts = text.Trim().ToLowerInvariant().Split('x');
        if (parts.Length != 2 || !int.TryParse(parts[0], out var w) || !int.TryParse(parts[1], out var h) || w <= 0 || h <= 0)
            throw new ArgumentException($"size '{text}' is not of the form WIDTHxHEIGHT (for example 256x192)");
        return (w, h);
    }
}
