#:project ../src/BetterDepth/BetterDepth.csproj
#:property JsonSerializerIsReflectionEnabledByDefault=true
#:property PublishAot=false
// TAEF2 (TinyAutoencoder, models/taef2) measured on this machine: the fixture check, raw latent statistics over synthetic
// RGB images and normalised depth maps (from which the config's scaling_factor and shift_factor come), the round-trip
// PSNR on the real samples, and encode/decode times at 256x192 and 768x576 (batch 1, float32, median of the runs).
// Usage (from the repository root):
//   ./betterdepth synth -o /tmp/taef2-synth --count 200 --size 256x192 --seed 424242
//   dotnet run -c Release bench/taef2.cs -- /tmp/taef2-synth ../shared/data/real-rgbd [timing runs = 5]
using System.Diagnostics;
using BetterDepth;
using BetterDepth.Compute;
using BetterDepth.Diffusion;
using BetterDepth.Geometry;
using BetterDepth.Imaging;
using BetterDepth.Refinement;
using static TorchSharp.torch;

var synth = args.Length > 0 ? args[0] : "/tmp/taef2-synth";
var real = args.Length > 1 ? args[1] : "../shared/data/real-rgbd";
var runs = args.Length > 2 ? int.Parse(args[2]) : 5;
Console.WriteLine($"torch threads {get_num_threads()}, load average {File.ReadAllText("/proc/loadavg").Trim()}");

// Raw network: scale 1, shift 0, so the latents below are Encoder((x + 1) / 2) itself.
using var raw = TinyAutoencoder.Load(new TinyAutoencoderConfig { ScalingFactor = 1, ShiftFactor = 0 }, "models/taef2");
using var noGrad = no_grad();

// 1. Fixtures.
Tensor Npy4(string name)
{
    var a = Npy.Read(Path.Combine("models/taef2", name));
    return tensor(a.Values, a.Shape.Select(d => (long)d).ToArray());
}
using (var scope = NewDisposeScope())
{
    var input = Npy4("fixture_input.npy");
    var latent = raw.Encoder.forward(input);
    var decoded = raw.Decoder.forward(Npy4("fixture_latent.npy"));
    Console.WriteLine($"fixture: encoder max |err| {latent.sub(Npy4("fixture_latent.npy")).abs().max().item<float>():E2}, decoder max |err| {decoded.sub(Npy4("fixture_decoded.npy")).abs().max().item<float>():E2}");
}

// 2. Latent statistics over the synthetic set.
DepthMap NormalisedDisparity(DepthMap depth)
{
    var disparity = new float[depth.PixelCount];
    var valid = new bool[depth.PixelCount];
    for (int i = 0; i < disparity.Length; i++)
        if (depth.Values[i] > 0 && float.IsFinite(depth.Values[i])) { valid[i] = true; disparity[i] = 1f / depth.Values[i]; }
    return QuantileNormalization.Normalize(new DepthMap(depth.Width, depth.Height, DepthKind.Disparity, disparity), valid).normalized;
}
var ids = Directory.GetFiles(Path.Combine(synth, "rgb"), "*.png").Select(Path.GetFileNameWithoutExtension).Order().ToArray();
var imageLatents = new List<Tensor>();
var depthLatents = new List<Tensor>();
foreach (var id in ids)
{
    using var rgb = TensorConversions.ToTensor(ImageFile.ReadRgb(Path.Combine(synth, "rgb", id + ".png")), CPU);
    imageLatents.Add(raw.EncodeImage(rgb));
    var depth = NormalisedDisparity(DepthFile.ReadNpy(Path.Combine(synth, "depth", id + ".npy"), DepthKind.Depth));
    using var d = TensorConversions.ToTensor(depth, CPU);
    depthLatents.Add(raw.EncodeDepth(d));
}
(double Mean, double Std, double ChannelMeanSpread, double MinChannelStd, double MaxChannelStd) Stats(List<Tensor> latents)
{
    using var scope = NewDisposeScope();
    var all = cat(latents, 0).to(ScalarType.Float64);
    var perChannel = all.transpose(0, 1).flatten(1);
    var channelStd = perChannel.std(1);
    return (all.mean().item<double>(), all.std().item<double>(), perChannel.mean([1]).std().item<double>(),
        channelStd.min().item<double>(), channelStd.max().item<double>());
}
var img = Stats(imageLatents);
var dep = Stats(depthLatents);
Console.WriteLine($"raw latents of {ids.Length} synthetic 256x192 samples (mean, std, std of the 32 channel means, channel std min..max):");
Console.WriteLine($"  RGB images:               mean {img.Mean:F4}, std {img.Std:F4}, channel-mean spread {img.ChannelMeanSpread:F4}, channel std {img.MinChannelStd:F3}..{img.MaxChannelStd:F3}");
Console.WriteLine($"  normalised depth (x3):    mean {dep.Mean:F4}, std {dep.Std:F4}, channel-mean spread {dep.ChannelMeanSpread:F4}, channel std {dep.MinChannelStd:F3}..{dep.MaxChannelStd:F3}");
double shift = Math.Round(dep.Mean, 2), scale = Math.Round(1 / dep.Std, 2);
Console.WriteLine($"depth-based factors: shift_factor {shift}, scaling_factor {scale}");
Console.WriteLine($"  -> depth latents std {dep.Std * scale:F3} (mean {(dep.Mean - shift) * scale:F3}); image latents std {img.Std * scale:F3} (mean {(img.Mean - shift) * scale:F3})");
foreach (var t in imageLatents.Concat(depthLatents)) t.Dispose();

// 3. Round-trip PSNR on the real samples (on the [0, 1] scale, decoded output clipped to [0, 1]; peak 1).
double Psnr(Tensor a, Tensor b)
{
    using var scope = NewDisposeScope();
    var mse = ((a + 1.0) * 0.5).clamp(0, 1).sub(((b + 1.0) * 0.5).clamp(0, 1)).square().mean().item<float>();
    return 10 * Math.Log10(1 / mse);
}
Tensor Crop8(Tensor t) => t.narrow(2, 0, t.shape[2] / 8 * 8).narrow(3, 0, t.shape[3] / 8 * 8);
using (var scope = NewDisposeScope())
{
    var nyuRgb = Crop8(TensorConversions.ToTensor(ImageFile.ReadRgb(Path.Combine(real, "nyu-crop", "rgb.jpg")), CPU));
    var back = raw.DecodeImage(raw.EncodeImage(nyuRgb));
    Console.WriteLine($"PSNR NYU rgb.jpg ({nyuRgb.shape[3]}x{nyuRgb.shape[2]}): {Psnr(back, nyuRgb):F2} dB");
    foreach (var (name, file, metres) in new[] { ("NYU", "nyu-crop/depth.png", 1 / 1000.0), ("TUM", "tum-fr1/1_depth.png", 1 / 5000.0) })
    {
        var depth = Crop8(TensorConversions.ToTensor(NormalisedDisparity(DepthFile.ReadPng16(Path.Combine(real, file), metres)), CPU));
        var decoded = raw.DecodeDepth(raw.EncodeDepth(depth));
        var mae = decoded.clamp(-1, 1).sub(depth).abs().mean().item<float>() / 2;
        Console.WriteLine($"PSNR {name} normalised disparity ({depth.shape[3]}x{depth.shape[2]}, 3 identical channels, mean decoded): {Psnr(decoded, depth):F2} dB, MAE {mae:F4} of the range");
    }
}

// 4. Times, batch 1 (and the encoder at batch 2).
foreach (var (w, h) in new[] { (256, 192), (768, 576) })
{
    using var x = rand(1, 3, h, w) * 2 - 1;
    using var z = raw.EncodeImage(x);
    double Median(Func<Tensor> f)
    {
        f().Dispose();
        var times = new List<double>();
        for (int i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            f().Dispose();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }
    var enc = Median(() => raw.EncodeImage(x));
    var dec = Median(() => raw.DecodeDepth(z));
    // A refinement encodes two images (the photo and the prior's condition): as one batch of two, or as two of one.
    using var pair = cat([x, x.flip(3)], 0);
    var encPair = Median(() => raw.EncodeImage(pair));
    Console.WriteLine($"{w}x{h}: encode {enc:F1} ms (two as one batch: {encPair:F1} ms), decode {dec:F1} ms (median of {runs}), load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
}
