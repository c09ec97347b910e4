using BetterDepth.Priors;

namespace BetterDepth.Tests.Priors;

public class FlipAveragedPriorTests
{
    /// <summary>A prior that maps each pixel's brightness with a scale and shift of its own choosing, plus an error fixed to the left columns.</summary>
    sealed class ScaledPrior(Func<RgbImage, (float Scale, float Shift)> affine, float leftError = 0) : IDepthPrior
    {
        public int Calls { get; private set; }
        public string Name => "scaled";
        public DepthKind OutputKind => DepthKind.AffineDisparity;
        public DepthMap Predict(RgbImage image, CancellationToken ct = default)
        {
            Calls++;
            var (scale, shift) = affine(image);
            var brightness = Brightness(image);
            for (int y = 0; y < image.Height; y++)
                for (int x = 0; x < image.Width; x++)
                    brightness[y * image.Width + x] = scale * brightness[y * image.Width + x] + shift + (x < 2 ? leftError : 0);
            return new DepthMap(image.Width, image.Height, OutputKind, brightness);
        }
        public void Dispose() { }
    }

    static float[] Brightness(RgbImage image) => new CountingPrior().Predict(image).Values;

    [Fact]
    public void Mirroring_twice_gives_back_the_image_and_moves_the_first_column_last()
    {
        var image = PriorTestImages.Random(5, 3, seed: 1);
        var mirrored = FlipAveragedPrior.Mirror(image);
        Assert.Equal(image.Data[..3], mirrored.Data[12..15]);
        Assert.Equal(image.Data, FlipAveragedPrior.Mirror(mirrored).Data);
        var map = new DepthMap(3, 1, DepthKind.AffineDepth, [1, 2, 3]);
        Assert.Equal([3f, 2f, 1f], FlipAveragedPrior.Mirror(map).Values);
        Assert.Equal(DepthKind.AffineDepth, FlipAveragedPrior.Mirror(map).Kind);
    }

    [Fact]
    public void A_mirror_equivariant_prior_is_unchanged_even_when_it_picks_another_scale_for_the_mirror_image()
    {
        // The scale depends on whether the image's first pixel is brighter than its last, which the mirror swaps:
        // without the least-squares fit the average would be a blend of two scales.
        var image = PriorTestImages.Random(16, 12, seed: 2);
        var inner = new ScaledPrior(img => img.Data[0] > img.Data[^3] ? (2f, 5f) : (-0.5f, 100f));
        using var flip = new FlipAveragedPrior(inner);
        var direct = inner.Predict(image).Values;
        var averaged = flip.Predict(image);
        Assert.Equal(3, inner.Calls);
        Assert.Equal(DepthKind.AffineDisparity, averaged.Kind);
        for (int i = 0; i < direct.Length; i++) Assert.Equal(direct[i], averaged.Values[i], 3);
    }

    [Fact]
    public void An_error_fixed_to_one_side_of_the_frame_is_halved()
    {
        var image = PriorTestImages.Random(16, 12, seed: 3);
        var truth = Brightness(image);
        using var flip = new FlipAveragedPrior(new ScaledPrior(_ => (1f, 0f), leftError: 40));
        var averaged = flip.Predict(image).Values;
        var errors = averaged.Select((v, i) => Math.Abs(v - truth[i])).ToArray();
        Assert.InRange(errors.Max(), 15, 25);
        Assert.InRange(errors.Average(), 0, 40 * 4.0 / 16 / 2 + 3);
    }

    [Fact]
    public void The_registry_builds_it_around_any_spec_and_caches_tell_it_apart()
    {
        var dir = TestData.NewTempDir("priors-flip");
        try
        {
            var model = TestData.Save(dir, "m.onnx", PriorRegistryTests.MeanOfChannels());
            using var plain = PriorRegistry.Create($"midas-small:{model}", new PriorOptions { Threads = 1 });
            using var flipped = PriorRegistry.Create($"flip:midas-small:{model}", new PriorOptions { Threads = 1 });
            Assert.IsType<OnnxDepthPrior>(Assert.IsType<FlipAveragedPrior>(flipped).Inner);
            Assert.NotEqual(plain.CacheIdentity, flipped.CacheIdentity);
            Assert.Equal("flip:" + plain.Name, flipped.Name);
            var image = PriorTestImages.Random(16, 12, seed: 4);
            var a = plain.Predict(image).Values;
            var b = flipped.Predict(image).Values;
            for (int i = 0; i < a.Length; i++) Assert.Equal(a[i], b[i], 3);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void A_prior_that_answers_by_file_name_is_refused()
    {
        var dir = TestData.NewTempDir("priors-flip-file");
        try
        {
            var e = Assert.Throws<ArgumentException>(() => PriorRegistry.Create($"flip:file:{dir}"));
            Assert.Contains("file name", e.Message);
        }
        finally { Directory.Delete(dir, true); }
    }
}
