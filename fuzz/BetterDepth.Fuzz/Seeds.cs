using System.Buffers.Binary;
using System.Text;
using BetterDepth.Diffusion;
using BetterDepth.Imaging;
using BetterDepth.Imaging.Png;
using StbImageWriteSharp;
using static TorchSharp.torch;

namespace BetterDepth.Fuzz;

/// <summary>
/// The seed corpus (fuzz/corpus/TARGET/): tiny valid files made with the library's own writers (and StbImageWriteSharp
/// for JPEG), plus the repository's real config files. `BetterDepth.Fuzz seeds fuzz/corpus` rewrites it.
/// </summary>
public static class Seeds
{
    public static void Write(string corpus, string repoRoot)
    {
        string Dir(string target) { var d = Path.Combine(corpus, target); Directory.CreateDirectory(d); return d; }
        void Bytes(string target, string name, byte[] bytes) => File.WriteAllBytes(Path.Combine(Dir(target), name), bytes);
        void Copy(string target, string name, string from) => File.Copy(Path.Combine(repoRoot, from), Path.Combine(Dir(target), name), overwrite: true);
        byte[] Via(Action<string> write) { var p = Path.GetTempFileName(); try { write(p); return File.ReadAllBytes(p); } finally { File.Delete(p); } }

        var depth = new DepthMap(7, 5, DepthKind.Depth, Enumerable.Range(0, 35).Select(i => 0.5f + i * 0.25f).ToArray());
        var rgb = new RgbImage(6, 4, Enumerable.Range(0, 72).Select(i => (byte)(i * 37)).ToArray());

        // PNG: 16-bit grey (the depth writer), 8-bit RGB, 8-bit palette (the colour-map writer).
        Bytes("png", "grey16.png", Via(p => DepthFile.WritePng16(p, depth, 1000)));
        Bytes("png", "rgb8.png", Via(p => ImageFile.WritePng(p, rgb)));
        Bytes("png", "palette8.png", Via(p => DepthFile.WriteColorPng(p, depth)));

        // JPEG: colour and grey, baseline, as StbImageWriteSharp writes them.
        Bytes("jpeg", "rgb.jpg", Jpeg(16, 8, ColorComponents.RedGreenBlue, 3));
        Bytes("jpeg", "grey.jpg", Jpeg(9, 7, ColorComponents.Grey, 1));

        Bytes("pfm", "depth.pfm", Via(p => DepthFile.WritePfm(p, depth)));
        Bytes("pfm", "colour-big-endian.pfm", [.. Encoding.ASCII.GetBytes("PF\n2 1\n1.0\n"), .. Enumerable.Range(0, 6).SelectMany(i => BigEndian(i * 0.5f))]);

        Bytes("npy", "depth-f4.npy", Via(p => DepthFile.WriteNpy(p, depth)));
        Bytes("npy", "u2-v2.npy", Npy("<u2", "(1, 3, 4)", new byte[24], major: 2));
        Bytes("npy", "f8-fortran.npy", Npy("<f8", "(2, 3)", Enumerable.Range(0, 6).SelectMany(i => BitConverter.GetBytes(i + 1.0)).ToArray(), fortran: true));
        Bytes("npy", "b1-v3.npy", Npy("|b1", "(3, 4, 1)", Enumerable.Repeat((byte)1, 12).ToArray(), major: 3));

        Bytes("safetensors", "two-tensors.safetensors", Via(p =>
        {
            using var a = arange(6, dtype: ScalarType.Float32).reshape(2, 3);
            using var b = ones(new long[] { 4 }, dtype: ScalarType.Int64);
            SafeTensorsWriter.Write(p, [new("conv.weight", a), new("step", b)], new Dictionary<string, string> { ["format"] = "pt" });
        }));
        Bytes("safetensors", "f16.safetensors", Via(p =>
        {
            using var h = full(new long[] { 2, 2 }, 1.5, dtype: ScalarType.Float16);
            SafeTensorsWriter.Write(p, [new("h", h)]);
        }));

        Copy("unet-config", "refiner-unet.json", "models/refiner/unet/config.json");
        Copy("vae-config", "refiner-vae.json", "models/refiner/vae/config.json");
        Bytes("vae-config", "autoencoder-kl.json", Encoding.UTF8.GetBytes("""
            {"_class_name": "AutoencoderKL", "latent_channels": 4, "block_out_channels": [128, 256, 512, 512], "up_block_types": ["UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D"], "scaling_factor": 0.18215}
            """));
        foreach (var name in new[] { "tiny", "small-taef2", "sd2" }) Copy("model-config", $"{name}.json", $"configs/models/{name}.json");
        Copy("refiner-json", "refiner.json", "models/refiner/refiner.json");
        Bytes("refiner-json", "minimal.json", Encoding.UTF8.GetBytes("""{"format": "betterdepth-refiner", "version": 1, "conditioning": "image_only"}"""));
        Copy("train-config", "default.json", "configs/train/default.json");
        Copy("train-config", "miniature-skip.json", "configs/train/miniature/full-skip.json");
        Bytes("dataset-json", "png16.json", Encoding.UTF8.GetBytes("""
            {"name": "mine", "split": "split.txt", "depth": {"encoding": "png16", "metres_per_unit": 0.001}, "min_depth": 0.1, "max_depth": 80, "crop": {"top": 1, "bottom": 2, "left": 3, "right": 4}, "mask_column": 2}
            """));
        Bytes("dataset-json", "raw.json", Encoding.UTF8.GetBytes("""
            {"split": "s.txt", "depth": {"encoding": "raw_float32", "width": 8, "height": 6}, "max_depth": 10}
            """));
    }

    static byte[] Jpeg(int width, int height, ColorComponents components, int channels)
    {
        var pixels = new byte[width * height * channels];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)(i * 31 % 251);
        var stream = new MemoryStream();
        new ImageWriter().WriteJpg(pixels, width, height, components, stream, 75);
        return stream.ToArray();
    }

    static byte[] BigEndian(float v) { var b = new byte[4]; BinaryPrimitives.WriteSingleBigEndian(b, v); return b; }

    static byte[] Npy(string descr, string shape, byte[] data, int major = 1, bool fortran = false)
    {
        var dict = $"{{'descr': '{descr}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': {shape}, }}";
        int prefix = major == 1 ? 10 : 12;
        int total = (prefix + dict.Length + 1 + 63) / 64 * 64;
        var header = Encoding.ASCII.GetBytes(dict.PadRight(total - prefix - 1) + "\n");
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)major, 0 };
        bytes.AddRange(major == 1 ? BitConverter.GetBytes((ushort)header.Length) : BitConverter.GetBytes((uint)header.Length));
        bytes.AddRange(header);
        bytes.AddRange(data);
        return [.. bytes];
    }
}
