using BetterDepth.Compute;
using TorchSharp;

namespace BetterDepth.Tests.Compute;

public class NativeBackendTests
{
    [Fact]
    public void LibtorchLoadsAndComputes()
    {
        using var a = torch.tensor(new float[] { 1, 2, 3, 4 }).reshape(2, 2);
        using var b = torch.matmul(a, a);
        Assert.Equal(new float[] { 7, 10, 15, 22 }, b.data<float>().ToArray());
    }

    [Fact]
    public void DeviceParsingRejectsUnknownAndUnavailable()
    {
        Assert.Equal(DeviceType.CPU, TorchDevice.Parse("cpu").type);
        Assert.Throws<ArgumentException>(() => TorchDevice.Parse("tpu"));
        if (!torch.cuda.is_available()) Assert.Throws<ArgumentException>(() => TorchDevice.Parse("cuda"));
    }
}
