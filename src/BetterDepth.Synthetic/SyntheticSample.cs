using BetterDepth.Imaging;

namespace BetterDepth.Synthetic;

/// <summary>
/// One rendered scene: RGB, exact metric depth along the optical axis (0 where invalid: sky, beyond the
/// range limit), its validity mask, the camera intrinsics, the kind actually generated and the camera
/// (pose and intrinsics) in the scene's world frame (y up, the floor or ground at y = 0).
/// </summary>
public sealed record SyntheticSample(RgbImage Image, DepthMap Depth, bool[] Valid, CameraIntrinsics Intrinsics, SceneKind Kind, PinholeCamera Camera);
