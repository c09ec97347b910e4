using BetterDepth.Diffusion;
using BetterDepth.Refinement;
using BetterDepth.Training;
using static TorchSharp.torch;

namespace BetterDepth.Tests.Refinement;

public class RefinerModelTests
{
    static Tensor Predict(RefinerModel model, int seed)
    {
        using var _ = no_grad();
        using var g = new Generator((ulong)seed, CPU);
        int c = model.Autoencoder.LatentChannels;
        using var zx = randn([1, c, 8, 8], generator: g);
        using var zc = randn([1, c, 8, 8], generator: g);
        using var zt = randn([2, c, 8, 8], generator: g);
        using var t = tensor(new long[] { 10, 900 });
        model.Unet.eval();
        return model.Predict(zx, model.Conditioning == Conditioning.ImageAndDepth ? zc : null, zt, t);
    }

    [Fact]
    public void ConditionSkipAddsTheConditionLatentAndSurvivesReload()
    {
        var x0 = SchedulerConfig.MarigoldV1_0 with { PredictionType = PredictionType.Sample };
        using var skip = RefinerModel.Create(ModelConfigs.Load("tiny"), Conditioning.ImageAndDepth, x0, 5, CPU, conditionSkip: true);
        var folder = SaveTo(skip);
        using var loaded = RefinerModel.Load(folder, CPU);
        Assert.True(loaded.ConditionSkip);
        // The same weights without the skip come from the same files with the manifest switched: two models created
        // from one seed could differ, because other tests draw from libtorch's global generator meanwhile.
        var plainFolder = Path.Combine(TestData.NewTempDir("refiner"), "plain");
        CopyFolder(folder, plainFolder);
        var manifest = Path.Combine(plainFolder, RefinerModel.ManifestName);
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("\"condition_skip\": true", "\"condition_skip\": false"));
        using var plain = RefinerModel.Load(plainFolder, CPU);
        Assert.False(plain.ConditionSkip);

        using var withSkip = Predict(loaded, 4);
        using var without = Predict(plain, 4);
        // the difference is z_c (drawn second in Predict), broadcast over the batch. z_c is N(0, 1); 1e-4 leaves room
        // for the forwards running at different libtorch thread counts (other tests set them).
        using var g = new Generator(4, CPU);
        int c = skip.Autoencoder.LatentChannels;
        using var zx = randn([1, c, 8, 8], generator: g);
        using var zc = randn([1, c, 8, 8], generator: g);
        Assert.True((withSkip - without).allclose(zc.expand(2, -1, -1, -1), rtol: 0, atol: 1e-4));
        using var original = Predict(skip, 4);
        Assert.True(withSkip.allclose(original, rtol: 0, atol: 1e-4));
    }

    static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    static string SaveTo(RefinerModel model)
    {
        var folder = Path.Combine(TestData.NewTempDir("refiner"), "model");
        model.Save(folder);
        return folder;
    }

    [Theory]
    [InlineData(Conditioning.ImageOnly, PredictionType.Sample)]
    [InlineData(Conditioning.ImageAndDepth, PredictionType.VPrediction)]
    public void ConditionSkipNeedsDepthConditioningAndX0Prediction(Conditioning conditioning, PredictionType prediction)
    {
        var e = Assert.Throws<ArgumentException>(() => RefinerModel.Create(ModelConfigs.Load("tiny"), conditioning,
            SchedulerConfig.MarigoldV1_0 with { PredictionType = prediction }, 1, CPU, conditionSkip: true));
        Assert.Contains("condition skip", e.Message);
    }

    [Fact]
    public void SaveThenLoadGivesBitIdenticalPredictions()
    {
        var folder = Path.Combine(TestData.NewTempDir("refiner"), "model");
        using var model = RefinementTestModels.Tiny();
        using var before = Predict(model, 3);
        model.Save(folder);
        using var loaded = RefinerModel.Load(folder, CPU);
        using var after = Predict(loaded, 3);
        Assert.Equal(Conditioning.ImageAndDepth, loaded.Conditioning);
        Assert.Equal(model.Scheduler, loaded.Scheduler);
        Assert.True(before.eq(after).all().item<bool>(), "reloaded U-Net gives different outputs");
        Assert.True(File.Exists(Path.Combine(folder, RefinerModel.ManifestName)));
        Assert.DoesNotContain(Directory.GetDirectories(Path.GetDirectoryName(folder)!), d => d != folder);
    }

    [Fact]
    public void ImageOnlyConditioningUsesTwoLatentsAndSurvivesReload()
    {
        var folder = Path.Combine(TestData.NewTempDir("refiner"), "model");
        using var model = RefinementTestModels.Tiny(Conditioning.ImageOnly);
        Assert.Equal(2 * model.Autoencoder.LatentChannels, model.Unet.Config.InChannels);
        using var before = Predict(model, 4);
        Assert.Equal(new long[] { 2, model.Autoencoder.LatentChannels, 8, 8 }, before.shape);
        model.Save(folder);
        using var loaded = RefinerModel.Load(folder, CPU);
        Assert.Equal(Conditioning.ImageOnly, loaded.Conditioning);
        using var after = Predict(loaded, 4);
        Assert.True(before.eq(after).all().item<bool>());
    }

    [Fact]
    public void TheModelSettingATrainedRefinerWasTrainedAsIsReadFromItsManifest()
    {
        var folder = Path.Combine(TestData.NewTempDir("refiner"), "model");
        using var model = RefinementTestModels.Tiny();
        model.Save(folder, new System.Text.Json.Nodes.JsonObject { ["model"] = "tiny", ["iterations"] = 3 });
        Assert.Equal("tiny", RefinerModel.TrainedModelSetting(folder));

        var untrained = SavedCopy(); // saved without training information
        Assert.Null(RefinerModel.TrainedModelSetting(untrained));
        Assert.Null(RefinerModel.TrainedModelSetting(TestData.NewTempDir("empty")));

        File.WriteAllText(Path.Combine(folder, RefinerModel.ManifestName), "{\"training\": ");
        var e = Assert.Throws<InvalidFileException>(() => RefinerModel.TrainedModelSetting(folder));
        Assert.Contains(RefinerModel.ManifestName, e.Message);
    }

    [Fact]
    public void DepthConditionedPredictNeedsAConditionLatent()
    {
        using var model = RefinementTestModels.Tiny();
        using var z = zeros(1, model.Autoencoder.LatentChannels, 8, 8);
        using var t = tensor(new long[] { 5 });
        Assert.Throws<ArgumentNullException>(() => model.Predict(z, null, z, t));
    }

    static string SavedCopy()
    {
        var folder = Path.Combine(TestData.NewTempDir("refiner"), "model");
        using var model = RefinementTestModels.Tiny();
        model.Save(folder);
        return folder;
    }

    [Fact]
    public void MissingFolderIsReported()
    {
        var missing = Path.Combine(TestData.NewTempDir("refiner"), "nothing-here");
        var e = Assert.Throws<InvalidFileException>(() => RefinerModel.Load(missing, CPU));
        Assert.Contains("nothing-here", e.Message);
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("[1, 2]")]
    [InlineData("{\"format\": \"something-else\", \"conditioning\": \"image_and_depth\"}")]
    [InlineData("{\"format\": \"betterdepth-refiner\", \"conditioning\": \"depth_only\"}")]
    [InlineData("{\"format\": \"betterdepth-refiner\", \"conditioning\": 3}")]
    public void CorruptManifestNamesTheFile(string manifest)
    {
        var folder = SavedCopy();
        var path = Path.Combine(folder, RefinerModel.ManifestName);
        File.WriteAllText(path, manifest);
        var e = Assert.Throws<InvalidFileException>(() => RefinerModel.Load(folder, CPU));
        Assert.Equal(path, e.FilePath);
    }

    [Fact]
    public void MissingManifestIsAnErrorUnlessLoadedAsABareCheckpointWithItsContextFile()
    {
        // A refiner folder without refiner.json used to load with the condition skip off, silently wrong (issue 15).
        // Only a bare diffusers checkpoint given its context file is read as plain depth conditioning.
        var folder = SavedCopy();
        File.Delete(Path.Combine(folder, RefinerModel.ManifestName));
        var e = Assert.Throws<InvalidFileException>(() => RefinerModel.Load(folder, CPU));
        Assert.Equal(folder, e.FilePath);
        using var loaded = RefinerModel.Load(folder, CPU, Path.Combine(folder, CrossAttentionContext.FileName));
        Assert.Equal(Conditioning.ImageAndDepth, loaded.Conditioning);
        Assert.False(loaded.ConditionSkip);
    }

    [Fact]
    public void MissingUNetWeightsNameTheFolder()
    {
        var folder = SavedCopy();
        foreach (var f in Directory.GetFiles(Path.Combine(folder, "unet"), "*.safetensors*")) File.Delete(f);
        var e = Assert.Throws<InvalidFileException>(() => RefinerModel.Load(folder, CPU));
        Assert.Contains("unet", e.Message);
    }

    [Fact]
    public void TruncatedUNetWeightsAreReported()
    {
        var folder = SavedCopy();
        var weights = Directory.GetFiles(Path.Combine(folder, "unet"), "*.safetensors").Single();
        var bytes = File.ReadAllBytes(weights);
        File.WriteAllBytes(weights, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<InvalidFileException>(() => RefinerModel.Load(folder, CPU));
        Assert.Contains("unet", e.Message);
    }

    [Fact]
    public void ConditioningThatDoesNotMatchTheWeightsIsReported()
    {
        // A depth-conditioned U-Net (3 latents in) whose manifest claims image-only conditioning (2 latents in).
        var folder = SavedCopy();
        var path = Path.Combine(folder, RefinerModel.ManifestName);
        File.WriteAllText(path, File.ReadAllText(path).Replace("image_and_depth", "image_only"));
        var e = Assert.Throws<InvalidFileException>(() => RefinerModel.Load(folder, CPU));
        Assert.Contains(folder, e.Message);
    }
}
