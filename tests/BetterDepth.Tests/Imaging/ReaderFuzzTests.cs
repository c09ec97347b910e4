using System.Diagnostics;
using System.Text;
using BetterDepth.Imaging;
using StbImageWriteSharp;
using Xunit.Abstractions;

namespace BetterDepth.Tests.Imaging;

/// <summary>
/// Throws thousands of mutated files (bit flips, byte overwrites, truncations, insertions, header field edits,
/// PNG chunks with repaired checksums) at every reader. The only acceptable outcomes are a decoded image or an
/// <see cref="InvalidFileException"/>: no other exception type, no hang, no giant allocation.
/// </summary>
public class ReaderFuzzTests(ITestOutputHelper output)
{
    sealed record Target(string Name, byte[] Seed, Action<byte[]> Read, bool IsPng = false, int Iterations = 900);

    static byte[] SmallJpeg(int width, int height, ColorComponents components, int channels)
    {
        var pixels = new byte[width * height * channels];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)(i * 31 % 251);
        var stream = new MemoryStream();
        new ImageWriter().WriteJpg(pixels, width, height, components, stream, 80);
        return stream.ToArray();
    }

    static IEnumerable<Target> Targets()
    {
        const string name = "fuzz";
        yield return new("png grey16", TestFiles.Png(16, 12, 16, 0, (x, y) => [x * 4000 + y * 77]), b => DepthFile.DecodePng16(b, name, 0.001), IsPng: true);
        yield return new("png rgb8 interlaced", TestFiles.Png(11, 9, 8, 2, (x, y) => [x * 20, y * 25, x ^ y], interlaced: true), b => ImageFile.DecodeRgb(b, name), IsPng: true);
        yield return new("png palette4", TestFiles.Png(10, 7, 4, 3, (x, y) => [(x + y) % 16], palette: Enumerable.Range(0, 48).Select(i => (byte)(i * 5)).ToArray()), b => ImageFile.DecodeRgb(b, name), IsPng: true);
        yield return new("png rgba16", TestFiles.Png(6, 5, 16, 6, (x, y) => [x * 9000, y * 9000, 300, 65535]), b => ImageFile.DecodeRgb(b, name), IsPng: true);
        yield return new("jpeg rgb", SmallJpeg(24, 16, ColorComponents.RedGreenBlue, 3), b => ImageFile.DecodeRgb(b, name), Iterations: 1200);
        yield return new("jpeg grey", SmallJpeg(17, 9, ColorComponents.Grey, 1), b => ImageFile.DecodeRgb(b, name));
        var floats = Enumerable.Range(0, 48).Select(i => i * 0.5f + 1).ToArray();
        yield return new("pfm", Encoding.ASCII.GetBytes("Pf\n8 6\n-1.0\n").Concat(TestFiles.Floats(floats)).ToArray(), b => Pfm.Decode(b, name));
        yield return new("npy v1 f4", TestFiles.Npy("<f4", "(6, 8)", TestFiles.Floats(floats)), b => DepthFile.DecodeNpy(b, name, DepthKind.Depth));
        yield return new("npy v2 u2", TestFiles.Npy("<u2", "(1, 4, 5)", new byte[40], major: 2), b => Npy.Decode(b, name), Iterations: 500);
        yield return new("npy v3 b1", TestFiles.Npy("|b1", "(4, 5, 1)", Enumerable.Repeat((byte)1, 20).ToArray(), major: 3), b => Npy.Decode(b, name), Iterations: 500);
        yield return new("raw f32", TestFiles.Floats(floats), b => DepthFile.DecodeRawFloat32(b, name, 8, 6), Iterations: 500);
    }

    static readonly uint[] InterestingValues = [0, 1, 0x7F, 0xFF, 0x7FFF, 0xFFFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 65000, 100000];

    static (byte[] Bytes, string How) Mutate(byte[] seed, Random rng, bool isPng)
    {
        var bytes = (byte[])seed.Clone();
        string how;
        switch (rng.Next(7))
        {
            case 0:
                int flips = rng.Next(1, 5);
                for (int i = 0; i < flips; i++) bytes[rng.Next(bytes.Length)] ^= (byte)(1 << rng.Next(8));
                how = $"{flips} bit flips";
                break;
            case 1:
                int writes = rng.Next(1, 5);
                for (int i = 0; i < writes; i++) bytes[rng.Next(bytes.Length)] = (byte)(rng.Next(3) switch { 0 => 0, 1 => 0xFF, _ => rng.Next(256) });
                how = $"{writes} byte writes";
                break;
            case 2:
                int keep = rng.Next(bytes.Length);
                bytes = bytes[..keep];
                how = $"truncated to {keep}";
                break;
            case 3:
                // Header fields: overwrite an aligned-or-not 2/4-byte window near the start with an extreme value.
                int at = rng.Next(Math.Min(bytes.Length - 4, 48));
                uint value = InterestingValues[rng.Next(InterestingValues.Length)];
                bool big = rng.Next(2) == 0;
                for (int k = 0; k < 4; k++) bytes[at + k] = (byte)(big ? value >> (24 - 8 * k) : value >> (8 * k));
                how = $"header field at {at} = {value:X} ({(big ? "BE" : "LE")})";
                break;
            case 4:
                int pos = rng.Next(bytes.Length), count = rng.Next(1, 9);
                var list = bytes.ToList();
                if (rng.Next(2) == 0) { list.InsertRange(pos, Enumerable.Range(0, count).Select(_ => (byte)rng.Next(256))); how = $"insert {count} at {pos}"; }
                else { list.RemoveRange(pos, Math.Min(count, list.Count - pos)); how = $"delete {count} at {pos}"; }
                bytes = [.. list];
                break;
            case 5:
                // Text headers (PFM, NPY dict): change a digit or a character.
                var digits = Enumerable.Range(0, Math.Min(bytes.Length, 128)).Where(i => bytes[i] is >= (byte)'0' and <= (byte)'9').ToArray();
                if (digits.Length == 0) goto case 0;
                int d = digits[rng.Next(digits.Length)];
                bytes[d] = (byte)"0123456789-.e9 "[rng.Next(15)];
                how = $"text edit at {d}";
                break;
            default:
                bytes = [.. bytes, .. Enumerable.Range(0, rng.Next(1, 64)).Select(_ => (byte)rng.Next(256))];
                how = "appended garbage";
                break;
        }
        if (isPng && rng.Next(4) != 0)
        {
            TestFiles.FixPngCrcs(bytes);
            how += " + CRCs fixed";
        }
        return (bytes, how);
    }

    [Fact]
    public void ReadersOnlyEverThrowInvalidFileException()
    {
        var failures = new List<string>();
        string current = "";
        double slowest = 0;
        string slowestInput = "";
        int total = 0, accepted = 0;
        var worker = new Thread(() =>
        {
            var rng = new Random(20241119);
            foreach (var target in Targets())
            {
                target.Read(target.Seed); // every seed itself is valid
                for (int i = 0; i < target.Iterations; i++)
                {
                    var (bytes, how) = Mutate(target.Seed, rng, target.IsPng);
                    current = $"{target.Name}: {how}";
                    long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
                    var watch = Stopwatch.StartNew();
                    try
                    {
                        target.Read(bytes);
                        accepted++;
                    }
                    catch (InvalidFileException e)
                    {
                        if (e.FilePath != "fuzz") failures.Add($"{current}: message does not name the file");
                    }
                    catch (Exception e)
                    {
                        failures.Add($"{current}: {e.GetType().Name}: {e.Message}");
                    }
                    total++;
                    long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
                    if (allocated > 64L << 20) failures.Add($"{current}: allocated {allocated >> 20} MB");
                    if (watch.Elapsed.TotalSeconds > slowest) (slowest, slowestInput) = (watch.Elapsed.TotalSeconds, current);
                }
            }
        }, maxStackSize: 16 << 20);
        worker.Start();
        Assert.True(worker.Join(TimeSpan.FromSeconds(60)), $"reader hung on {current}");

        output.WriteLine($"{total} inputs, {accepted} decoded, slowest {slowest * 1000:F0} ms ({slowestInput})");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
        Assert.True(slowest < 2, $"slowest input took {slowest:F2} s: {slowestInput}");
        Assert.True(total > 8000, $"only {total} inputs");
        // Mutations must mostly be caught, but some (a flipped pixel) legitimately still decode.
        Assert.InRange(accepted, total / 100, total * 9 / 10);
    }
}
