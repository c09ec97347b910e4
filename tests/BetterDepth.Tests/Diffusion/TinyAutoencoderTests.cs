using BetterDepth.Compute;
using BetterDepth.Diffusion;
using BetterDepth.Imaging;
using static TorchSharp.torch;
using static BetterDepth.Tests.Diffusion.DiffusionTestModels;

namespace BetterDepth.Tests.Diffusion;

/// <summary>TAEF2 (<see cref="TinyAutoencoder"/>) against the reference fixtures and its weight files, read from the repository's models/taef2.</summary>
public class TinyAutoencoderTests
{
    static string Weights => Path.Combine(TestData.RepoRoot, TinyAutoencoder.DefaultWeights);

    static Tensor Fixture(string name)
    {
        var a = Npy.Read(Path.Combine(Weights, name));
        return tensor(a.Values, a.Shape.Select(d => (long)d).ToArray());
    }

    static float MaxAbsDiff(Tensor a, Tensor b)
    {
        using var d = a.sub(b);
        using var abs = d.abs();
        using var max = abs.max();
        return max.item<float>();
    }

    static string CopyWeights(string dir)
    {
        foreach (var f in new[] { TinyAutoencoder.EncoderFile, TinyAutoencoder.DecoderFile, TinyAutoencoder.LicenseFile })
            File.Copy(Path.Combine(Weights, f), Path.Combine(dir, f));
        return dir;
    }

    [Fact]
    public void Encoder_and_decoder_match_the_reference_fixtures()
    {
        using var ae = TinyAutoencoder.Load(new TinyAutoencoderConfig(), Weights);
        using var input = Fixture("fixture_input.npy");
        using var expectedLatent = Fixture("fixture_latent.npy");
        using var expectedDecoded = Fixture("fixture_decoded.npy");
        using var noGrad = no_grad();
        using var latent = ae.Encoder.forward(input);
        using var decoded = ae.Decoder.forward(expectedLatent);
        Assert.Equal(new long[] { 1, 32, 8, 12 }, latent.shape);
        Assert.True(latent.is_contiguous() && decoded.is_contiguous(), "channels-last stays inside the networks");
        Assert.True(MaxAbsDiff(latent, expectedLatent) <= 1e-3, $"encoder max |error| {MaxAbsDiff(latent, expectedLatent)}");
        Assert.True(MaxAbsDiff(decoded, expectedDecoded) <= 1e-3, $"decoder max |error| {MaxAbsDiff(decoded, expectedDecoded)}");
    }

    [Fact]
    public void Interface_works_on_minus_one_to_one_with_scale_and_shift()
    {
        var config = new TinyAutoencoderConfig { ScalingFactor = 1.7, ShiftFactor = 0.25 };
        using var ae = TinyAutoencoder.Load(config, Weights);
        using var scope = NewDisposeScope();
        var unit = Fixture("fixture_input.npy");
        var latent = ae.EncodeImage(unit.Times(2.0).Minus(1.0));
        var expected = Fixture("fixture_latent.npy").Minus(0.25).Times(1.7);
        Assert.True(MaxAbsDiff(latent, expected) <= 1e-3);

        // depth: one channel fed as three identical ones, decoded as the mean of the three outputs on [-1, 1], unclipped
        var depth = unit.narrow(1, 1, 1).Times(2.0).Minus(1.0);
        var depthLatent = ae.EncodeDepth(depth);
        var viaRgb = ae.EncodeImage(depth.expand(-1, 3, -1, -1));
        Assert.True(MaxAbsDiff(depthLatent, viaRgb) == 0);
        var decoded = ae.DecodeDepth(Fixture("fixture_latent.npy").Minus(0.25).Times(1.7));
        var reference = Fixture("fixture_decoded.npy").mean([1], keepdim: true).Times(2.0).Minus(1.0);
        Assert.Equal(new long[] { 1, 1, 64, 96 }, decoded.shape);
        Assert.True(MaxAbsDiff(decoded, reference) <= 1e-3);
        Assert.Throws<ArgumentException>(() => ae.EncodeImage(zeros(1, 3, 60, 96)));
    }

    [Fact]
    public void Every_key_of_both_files_is_a_weight_used_once_and_parameters_are_frozen()
    {
        using var ae = TinyAutoencoder.Load(new TinyAutoencoderConfig(), Weights);
        foreach (var (module, file, parameters) in new (TorchSharp.torch.nn.Module, string, long)[]
                 { (ae.Encoder, TinyAutoencoder.EncoderFile, 1_338_528), (ae.Decoder, TinyAutoencoder.DecoderFile, 1_338_499) })
        {
            using var st = SafeTensorsFile.Open(Path.Combine(Weights, file));
            var keys = module.state_dict().Keys.ToList();
            Assert.Equal(keys.Count, keys.Distinct().Count());
            Assert.Equal(st.Entries.Keys.Order(StringComparer.Ordinal), keys.Order(StringComparer.Ordinal));
            Assert.Equal(79, keys.Count);
            Assert.Equal(parameters, module.parameters().Sum(p => p.numel()));
            Assert.All(module.parameters(), p => Assert.False(p.requires_grad));
            Assert.All(module.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
        }
        Assert.Contains("12.pool.1.weight", ae.Encoder.state_dict().Keys);
        // a block whose channel count changes has the bias-free 1x1 skip (the shipped weights have none)
        using var widening = new TinyAutoencoderBlock(32, 64, pool: false);
        Assert.Equal(["conv.0.bias", "conv.0.weight", "conv.2.bias", "conv.2.weight", "conv.4.bias", "conv.4.weight", "skip.weight"],
            widening.state_dict().Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("missing", "missing weight '3.conv.2.bias'")]
    [InlineData("extra", "unexpected weight 'extra.weight'")]
    [InlineData("shape", "weight '3.conv.2.bias' has shape [65]")]
    public void A_bad_weights_file_is_rejected_naming_the_file(string fault, string expected)
    {
        var dir = TestData.NewTempDir("taef2");
        CopyWeights(dir);
        var path = Path.Combine(dir, TinyAutoencoder.DecoderFile);
        var tensors = new Dictionary<string, Tensor>();
        using (var st = SafeTensorsFile.Open(Path.Combine(Weights, TinyAutoencoder.DecoderFile)))
            foreach (var key in st.Entries.Keys) tensors[key] = st.Read(key);
        switch (fault)
        {
            case "missing": tensors.Remove("3.conv.2.bias"); break;
            case "extra": tensors["extra.weight"] = zeros(2); break;
            case "shape": tensors["3.conv.2.bias"] = zeros(65); break;
        }
        File.Delete(path);
        SafeTensorsWriter.Write(path, tensors);
        foreach (var t in tensors.Values) t.Dispose();

        var e = Assert.Throws<InvalidFileException>(() => TinyAutoencoder.Load(new TinyAutoencoderConfig(), dir));
        Assert.Equal(path, e.FilePath);
        Assert.Contains(expected, e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Missing_files_are_named()
    {
        var dir = TestData.NewTempDir("taef2");
        File.Copy(Path.Combine(Weights, TinyAutoencoder.EncoderFile), Path.Combine(dir, TinyAutoencoder.EncoderFile));
        var e = Assert.Throws<InvalidFileException>(() => TinyAutoencoder.Load(new TinyAutoencoderConfig(), dir));
        Assert.Equal(Path.Combine(dir, TinyAutoencoder.DecoderFile), e.FilePath);
        File.Copy(Path.Combine(Weights, TinyAutoencoder.DecoderFile), Path.Combine(dir, TinyAutoencoder.DecoderFile));
        e = Assert.Throws<InvalidFileException>(() => TinyAutoencoder.Load(new TinyAutoencoderConfig(), dir));
        Assert.Equal(Path.Combine(dir, TinyAutoencoder.LicenseFile), e.FilePath);
    }

    [Fact]
    public void Refiner_vae_folder_round_trips_config_weights_and_licence()
    {
        var dir = TestData.NewTempDir("ckpt");
        var config = new TinyAutoencoderConfig { ScalingFactor = 1.25, ShiftFactor = -0.5, Weights = Weights };
        using var unet = new UNet2DConditionModel(Named("tiny-taef2").UNet);
        using var ae = TinyAutoencoder.Load(config, Weights);
        DiffusersCheckpoint.Save(dir, unet, ae);

        var vae = Path.Combine(dir, "vae");
        Assert.Equal(["LICENSE", "config.json", TinyAutoencoder.DecoderFile, TinyAutoencoder.EncoderFile],
            Directory.GetFiles(vae).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var f in new[] { TinyAutoencoder.EncoderFile, TinyAutoencoder.DecoderFile, TinyAutoencoder.LicenseFile })
            Assert.Equal(File.ReadAllBytes(Path.Combine(Weights, f)), File.ReadAllBytes(Path.Combine(vae, f)));
        Assert.DoesNotContain("weights", File.ReadAllText(Path.Combine(vae, "config.json")));
        Assert.Equal((32, 8), DiffusionModelConfig.AutoencoderLayout(File.ReadAllText(Path.Combine(vae, "config.json")), "vae"));

        using var loaded = DiffusersCheckpoint.Load(dir);
        var tiny = Assert.IsType<TinyAutoencoder>(loaded.Autoencoder);
        Assert.Equal(config with { Weights = null }, tiny.Config);
        using var scope = NewDisposeScope();
        var z = Fixture("fixture_latent.npy").narrow(2, 0, 4).narrow(3, 0, 6);
        Assert.True(MaxAbsDiff(ae.DecodeDepth(z), tiny.DecodeDepth(z)) == 0);

        // saving the loaded one again (its source folder may be the one being replaced) needs no source files
        var again = TestData.NewTempDir("ckpt");
        DiffusersCheckpoint.Save(again, loaded.UNet, loaded.Autoencoder);
        Assert.Equal(File.ReadAllBytes(Path.Combine(vae, TinyAutoencoder.EncoderFile)), File.ReadAllBytes(Path.Combine(again, "vae", TinyAutoencoder.EncoderFile)));
    }

    [Fact]
    public void Model_setting_takes_weights_relative_to_its_file_or_the_shipped_default()
    {
        var shipped = Named("tiny-taef2");
        Assert.Equal(TinyAutoencoder.ClassName, shipped.AutoencoderClass);
        Assert.Equal(32, shipped.LatentChannels);
        Assert.Equal(Path.GetFullPath(Weights), Path.GetFullPath(shipped.TinyWeightsFolder()));
        using (var ae = shipped.CreateAutoencoder())
        {
            var tiny = Assert.IsType<TinyAutoencoder>(ae);
            Assert.Equal(TinyAutoencoderConfig.DefaultScalingFactor, tiny.Config.ScalingFactor);
            Assert.Equal(8, tiny.DownscaleFactor);
        }

        // "weights" resolves against the setting's folder
        var root = TestData.NewTempDir("cfg");
        var configs = Directory.CreateDirectory(Path.Combine(root, "configs", "models")).FullName;
        CopyWeights(Directory.CreateDirectory(Path.Combine(root, "models", "mine")).FullName);
        var path = Path.Combine(configs, "mine.json");
        File.WriteAllText(path, File.ReadAllText(ConfigPath("tiny-taef2")).Replace("\"_class_name\": \"TinyAutoencoder\",", "\"_class_name\": \"TinyAutoencoder\", \"weights\": \"../../models/mine\","));
        var mine = DiffusionModelConfig.Load(path);
        Assert.Equal(Path.Combine(root, "models", "mine"), mine.TinyWeightsFolder());
        using (var ae = mine.CreateAutoencoder()) Assert.IsType<TinyAutoencoder>(ae);

        File.WriteAllText(path, File.ReadAllText(path).Replace("../../models/mine", "../../models/none"));
        var e = Assert.Throws<InvalidFileException>(() => DiffusionModelConfig.Load(path).CreateAutoencoder());
        Assert.Contains(Path.Combine(root, "models", "none"), e.Message);
    }

    [Theory]
    [InlineData("tiny", 1_413_040)]
    [InlineData("small", 9_922_064)]
    public void Taef2_settings_widen_only_conv_in_and_conv_out(string name, long plainParameters)
    {
        var plain = Named(name).UNet;
        var wide = Named(name + "-taef2").UNet;
        Assert.Equal((plain with { InChannels = 96, OutChannels = 32 }).ToJson(), wide.ToJson());
        using var unet = new UNet2DConditionModel(wide, Meta);
        var c0 = plain.BlockOutChannels[0];
        Assert.Equal(plainParameters + (96 - 48) * c0 * 9 + (32 - 16) * (c0 * 9 + 1), unet.ParameterCount());
    }

    [Theory]
    [InlineData("\"latent_channels\": 32", "\"latent_channels\": 16", "latent_channels must be 32")]
    [InlineData("\"downscale_factor\": 8", "\"downscale_factor\": 4", "downscale_factor must be 8")]
    [InlineData("\"scaling_factor\": 1.49", "\"scaling_factor\": -1", "scaling_factor must be positive")]
    [InlineData("\"scaling_factor\": 1.49", "\"scaling_factor\": \"big\"", "not a valid TinyAutoencoder config")]
    public void Bad_autoencoder_values_in_a_setting_are_rejected(string from, string to, string expected)
    {
        var path = Path.Combine(TestData.NewTempDir("cfg"), "bad.json");
        var text = File.ReadAllText(ConfigPath("tiny-taef2"));
        Assert.Contains(from, text);
        File.WriteAllText(path, text.Replace(from, to));
        var e = Assert.Throws<InvalidFileException>(() => DiffusionModelConfig.Load(path));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Vae_config_parses_with_defaults_and_round_trips()
    {
        var c = TinyAutoencoderConfig.Parse("""{"_class_name": "TinyAutoencoder"}""", "test");
        Assert.Equal(new TinyAutoencoderConfig(), c);
        Assert.Equal(1.49, c.ScalingFactor);
        Assert.Equal(0.0, c.ShiftFactor);
        var json = System.Text.Json.JsonSerializer.Serialize(c with { ShiftFactor = 0.125 });
        Assert.Equal(c with { ShiftFactor = 0.125 }, TinyAutoencoderConfig.Parse(json, "test"));
        Assert.Throws<ArgumentException>(() => TinyAutoencoderConfig.Parse("""{"_class_name": "TinyAutoencoder", "shift_factor": "x"}""", "test"));
    }
}
