// TEMPORARY: the Imaging module's CameraIntrinsics (see CONTRACTS.md) until it lands in main; delete on merge.
namespace BetterDepth.Imaging;

public sealed record CameraIntrinsics(double Fx, double Fy, double Cx, double Cy)
{
    public CameraIntrinsics Scaled(double sx, double sy) => new(Fx * sx, Fy * sy, Cx * sx, Cy * sy);
}
