using BetterDepth.Imaging;

namespace BetterDepth.Synthetic;

/// <summary>
/// One rendered scene: RGB, exact metric depth along the optical axis (0 where invalid: sky, beyond the
/// range limit), its validity mask, the camera intrinsics, and the kind actually generated.
/// </summary>
public sealed record SyntheticSample(RgbImage Image, DepthMap Depth, bool[] Valid, CameraIntrinsics Intrinsics, SceneKind Kind);
