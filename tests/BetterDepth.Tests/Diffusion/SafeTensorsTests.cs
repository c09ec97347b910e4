using System.Buffers.Binary;
using System.Text;
using BetterDepth.Diffusion;
using static TorchSharp.torch;
using static BetterDepth.Tests.Diffusion.DiffusionTestModels;

namespace BetterDepth.Tests.Diffusion;

public class SafeTensorsTests
{
    /// <summary>Builds a file by hand: header JSON as given, then the data bytes.</summary>
    static string RawFile(string header, byte[] data, ulong? claimedHeaderLength = null)
    {
        var path = Path.Combine(TestData.NewTempDir("st"), "x.safetensors");
        var h = Encoding.UTF8.GetBytes(header);
        var prefix = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, claimedHeaderLength ?? (ulong)h.Length);
        File.WriteAllBytes(path, [.. prefix, .. h, .. data]);
        return path;
    }

    [Fact]
    public void Write_then_read_returns_every_tensor_exactly_with_metadata()
    {
        var path = Path.Combine(TestData.NewTempDir("st"), "w.safetensors");
        using var a = randn(3, 4, 5);
        using var b = tensor(new long[] { -7, 1L << 40 });
        using var c = tensor(new[] { true, false, true });
        using var empty = zeros(0, 3);
        SafeTensorsWriter.Write(path, [new("b.int", b), new("a.float", a), new("c.bool", c), new("e", empty)], new Dictionary<string, string> { ["format"] = "pt" });
        using var file = SafeTensorsFile.Open(path);
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal(["a.float", "b.int", "c.bool", "e"], file.Entries.Keys.Order());
        using var a2 = file.Read("a.float");
        using var b2 = file.Read("b.int");
        using var c2 = file.Read("c.bool");
        using var e2 = file.Read("e");
        Assert.True(Same(a, a2));
        Assert.Equal(ScalarType.Int64, b2.dtype);
        Assert.True(Same(b, b2));
        Assert.True(Same(c, c2));
        Assert.Equal(new long[] { 0, 3 }, e2.shape);
        Assert.Equal(0L, (BinaryPrimitives.ReadInt64LittleEndian(File.ReadAllBytes(path).AsSpan(0, 8))) % 8);
    }

    [Fact]
    public void Half_precision_tensors_are_read_as_float32()
    {
        var values = new[] { 1.5f, -2.25f, 65504f, 0.000061035156f };
        var f16 = values.SelectMany(v => BitConverter.GetBytes((Half)v)).ToArray();
        var bf16 = values.SelectMany(v => BitConverter.GetBytes(BitConverter.SingleToInt32Bits(v) >> 16).Take(2)).ToArray();
        var path = RawFile("""{"h":{"dtype":"F16","shape":[2,2],"data_offsets":[0,8]},"b":{"dtype":"BF16","shape":[4],"data_offsets":[8,16]}}""", [.. f16, .. bf16]);
        using var file = SafeTensorsFile.Open(path);
        using var h = file.Read("h");
        using var b = file.Read("b");
        Assert.Equal(ScalarType.Float32, h.dtype);
        Assert.Equal(new long[] { 2, 2 }, h.shape);
        Assert.Equal(values, h.data<float>().ToArray());
        // bf16 is the upper half of the float32 bits
        var truncated = values.Select(v => BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(v) & unchecked((int)0xFFFF0000))).ToArray();
        Assert.Equal(truncated, b.data<float>().ToArray());
        Assert.Equal(65280f, truncated[2]);
    }

    public static TheoryData<string, string, int, string> Malformed => new()
    {
        { "truncated data", """{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""", 8, "past the end" },
        { "offsets overlap", """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12, "overlaps" },
        { "byte count lies", """{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", 8, "needs 12 bytes" },
        { "hole", """{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", 8, "unused bytes" },
        { "trailing bytes", """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", 8, "tensors cover 4" },
        { "unknown dtype", """{"a":{"dtype":"F8","shape":[1],"data_offsets":[0,1]}}""", 1, "dtype" },
        { "negative shape", """{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}""", 4, "non-negative" },
        { "reversed offsets", """{"a":{"dtype":"F32","shape":[0],"data_offsets":[4,0]}}""", 4, "invalid data_offsets" },
        { "not json", """{"a":""", 0, "not valid JSON" },
        { "not an object", """[1,2]""", 0, "not a JSON object" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_files_are_rejected_naming_file_and_problem(string what, string header, int dataBytes, string expected)
    {
        var path = RawFile(header, new byte[dataBytes]);
        var e = Assert.Throws<InvalidFileException>(() => SafeTensorsFile.Open(path));
        Assert.Equal(path, e.FilePath);
        Assert.True(e.Message.Contains(expected), $"{what}: {e.Message}");
    }

    [Fact]
    public void Header_length_beyond_the_file_and_tiny_files_are_rejected()
    {
        var lying = RawFile("{}", [], claimedHeaderLength: 1000);
        Assert.Contains("exceeds", Assert.Throws<InvalidFileException>(() => SafeTensorsFile.Open(lying)).Message);
        var tiny = Path.Combine(TestData.NewTempDir("st"), "t.safetensors");
        File.WriteAllBytes(tiny, [1, 2, 3]);
        Assert.Contains("truncated", Assert.Throws<InvalidFileException>(() => SafeTensorsFile.Open(tiny)).Message);
    }

    [Fact]
    public void Sharded_checkpoint_reads_through_its_index_and_rejects_missing_shards()
    {
        var dir = TestData.NewTempDir("st");
        using var a = randn(2, 3);
        using var b = randn(4);
        SafeTensorsWriter.Write(Path.Combine(dir, "m-00001-of-00002.safetensors"), [new("a", a)]);
        SafeTensorsWriter.Write(Path.Combine(dir, "m-00002-of-00002.safetensors"), [new("b", b)]);
        var index = Path.Combine(dir, "m.safetensors.index.json");
        File.WriteAllText(index, """{"metadata":{"total_size":40},"weight_map":{"a":"m-00001-of-00002.safetensors","b":"m-00002-of-00002.safetensors"}}""");
        using (var source = TensorSource.Open(index))
        {
            Assert.Equal(["a", "b"], source.Names.Order());
            using var b2 = source.Read("b");
            Assert.True(Same(b, b2));
        }
        File.WriteAllText(index, """{"weight_map":{"a":"m-00001-of-00002.safetensors","b":"gone.safetensors"}}""");
        Assert.Contains("gone.safetensors", Assert.Throws<InvalidFileException>(() => TensorSource.Open(index)).Message);
        File.WriteAllText(index, """{"weight_map":{"a":"m-00002-of-00002.safetensors","b":"m-00002-of-00002.safetensors"}}""");
        Assert.Contains("'a' is mapped", Assert.Throws<InvalidFileException>(() => TensorSource.Open(index)).Message);
    }
}
