using BetterDepth.Imaging;

namespace BetterDepth.Tests.Imaging;

/// <summary>Grey or colour from the header alone (PNG colour type, JPEG frame components), for folder walks.</summary>
public class DeclaresGreyTests
{
    readonly string dir = TestData.NewTempDir("grey");

    string Write(string name, byte[] bytes) => TestData.Save(dir, name, bytes);

    /// <summary>A JPEG whose frame header declares <paramref name="components"/>, after an APP0 segment to seek over.</summary>
    public static byte[] JpegHeaderOnly(int components)
    {
        byte[] app0 = [0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0];
        var sof = new List<byte> { 0xFF, 0xC0, 0x00, (byte)(8 + 3 * components), 8, 0x00, 0x18, 0x00, 0x20, (byte)components };
        for (int c = 1; c <= components; c++) sof.AddRange([(byte)c, 0x11, 0]);
        return [0xFF, 0xD8, .. app0, .. sof, 0xFF, 0xD9];
    }

    static int[] Sample(int x, int y) => [x + y];

    [Theory]
    [InlineData(0, 8, true)]   // grey
    [InlineData(0, 16, true)]  // 16-bit grey: a depth map
    [InlineData(4, 8, true)]   // grey + alpha
    [InlineData(2, 8, false)]  // RGB
    [InlineData(6, 16, false)] // RGBA
    public void APngIsGreyByItsColourType(int colorType, int bitDepth, bool grey)
    {
        int channels = colorType switch { 0 => 1, 4 => 2, 2 => 3, _ => 4 };
        var path = Write($"t{colorType}-{bitDepth}.png", TestFiles.Png(4, 3, bitDepth, colorType, (x, y) => Enumerable.Repeat(x + y, channels).ToArray()));
        Assert.Equal(grey, ImageFile.DeclaresGrey(path));
    }

    [Fact]
    public void AJpegIsGreyWithOneComponent()
    {
        Assert.True(ImageFile.DeclaresGrey(Write("grey.jpg", JpegHeaderOnly(1))));
        Assert.False(ImageFile.DeclaresGrey(Write("colour.jpg", JpegHeaderOnly(3))));
        Assert.False(ImageFile.DeclaresGrey(TestData.Real("nyu-crop", "rgb.jpg")));
    }

    [Fact]
    public void RealDepthMapsAreGreyAndRealPhotosAreNot()
    {
        Assert.True(ImageFile.DeclaresGrey(TestData.Real("kitti-annotated", "depth.png")));
        Assert.True(ImageFile.DeclaresGrey(TestData.Real("nyu-crop", "depth.png")));
        Assert.False(ImageFile.DeclaresGrey(TestData.Real("kitti-annotated", "rgb.png")));
    }

    [Fact]
    public void WhatCannotBeReadIsNotCalledGrey()
    {
        // left to the decoder, which names the file and the problem
        Assert.False(ImageFile.DeclaresGrey(Write("short.png", [0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3])));
        Assert.False(ImageFile.DeclaresGrey(Write("empty.png", [])));
        Assert.False(ImageFile.DeclaresGrey(Write("cut.jpg", JpegHeaderOnly(1)[..12])));
        Assert.False(ImageFile.DeclaresGrey(Write("text.png", "not an image"u8.ToArray())));
        Assert.False(ImageFile.DeclaresGrey(Path.Combine(dir, "missing.png")));
    }
}
