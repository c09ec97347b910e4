#:project ../../src/BetterDepth/BetterDepth.csproj
#:project ../../src/BetterDepth.Training/BetterDepth.Training.csproj
#:property JsonSerializerIsReflectionEnabledByDefault=true
#:property PublishAot=false
// What the frozen autoencoder alone allows: each ground-truth depth map of a synthetic set, as normalised disparity in
// three identical channels (the refiner's own labels, TrainingTargets.Label), through TAEF2's encoder and decoder, written as a
// prediction. Scoring these with `eval --detail` bounds what any refiner over these latents can reach on the boundary
// metrics: a refined map cannot keep an edge the decoder cannot draw.
// Usage (repository root):
//   dotnet run experiments/autoencoder-ceiling/ceiling.cs -- runs/heldout-a OUT/pred/rgb
//   ./betterdepth eval --dataset runs/heldout-a/dataset.json --predictions OUT/pred --detail -o OUT/eval
using BetterDepth;
using BetterDepth.Diffusion;
using BetterDepth.Imaging;
using BetterDepth.Refinement;
using BetterDepth.Training;
using static TorchSharp.torch;

if (args.Length != 2) { Console.Error.WriteLine("usage: ceiling.cs SYNTH-DATASET-FOLDER OUTPUT-FOLDER"); return 2; }
var (set, output) = (args[0], args[1]);
Directory.CreateDirectory(output);
// Scale and shift cancel between encoder and decoder, so the raw network is measured.
using var autoencoder = TinyAutoencoder.Load(new TinyAutoencoderConfig { ScalingFactor = 1, ShiftFactor = 0 }, "models/taef2");
using var noGrad = no_grad();
var files = Directory.GetFiles(Path.Combine(set, "depth"), "*.npy").Order().ToArray();
foreach (var file in files)
{
    using var scope = NewDisposeScope();
    var depth = DepthFile.ReadNpy(file, DepthKind.Depth);
    var label = TrainingTargets.Label(depth, Enumerable.Repeat(true, depth.PixelCount).ToArray());
    using var input = TensorConversions.ToTensor(label, CPU);
    var decoded = autoencoder.DecodeDepth(autoencoder.EncodeDepth(input)).clamp(-1, 1).add(1.0).mul(0.5);
    Npy.WriteFloat32(Path.Combine(output, Path.GetFileName(file)), decoded.flatten().data<float>().ToArray(), depth.Height, depth.Width);
}
Console.WriteLine($"{files.Length} round trips written to {output}");
return 0;
