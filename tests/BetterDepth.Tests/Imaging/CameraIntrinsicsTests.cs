using BetterDepth.Imaging;

namespace BetterDepth.Tests.Imaging;

public class CameraIntrinsicsTests
{
    [Fact]
    public void SaveLoadRoundTripsAndUsesLowercaseKeys()
    {
        var dir = TestData.NewTempDir();
        var path = Path.Combine(dir, "k.json");
        var k = new CameraIntrinsics(518.8579, 519.4696, 325.5825 - 43, 253.7362 - 45);
        k.Save(path);
        Assert.Contains("\"fx\":518.8579", File.ReadAllText(path));
        Assert.Equal(k, CameraIntrinsics.Load(path));
    }

    [Fact]
    public void ScalingMapsImageEdgesNotPixelCentres()
    {
        // Halving a 640-wide image: the principal point at the image centre (319.5) stays at the centre (159.5).
        var k = new CameraIntrinsics(500, 400, 319.5, 239.5).Scaled(0.5, 0.5);
        Assert.Equal(new CameraIntrinsics(250, 200, 159.5, 119.5), k);
    }

    [Theory]
    [InlineData("{\"fx\": 1, \"fy\": 1, \"cx\": 0}")]
    [InlineData("{\"fx\": -5, \"fy\": 1, \"cx\": 0, \"cy\": 0}")]
    [InlineData("{\"fx\": \"a\", \"fy\": 1, \"cx\": 0, \"cy\": 0}")]
    [InlineData("not json")]
    public void BadFilesAreInvalidFileExceptions(string json)
    {
        var path = Path.Combine(TestData.NewTempDir(), "k.json");
        File.WriteAllText(path, json);
        var e = Assert.Throws<InvalidFileException>(() => CameraIntrinsics.Load(path));
        Assert.Equal(path, e.FilePath);
    }
}
