namespace BetterDepth.Refinement;

/// <summary>What the refiner's U-Net sees besides the noisy depth latent.</summary>
public enum Conditioning
{
    /// <summary>BetterDepth: concat(image latent, condition latent, noisy latent), 3 x latent channels.</summary>
    ImageAndDepth,
    /// <summary>Marigold-style ablation: concat(image latent, noisy latent), 2 x latent channels.</summary>
    ImageOnly,
}
