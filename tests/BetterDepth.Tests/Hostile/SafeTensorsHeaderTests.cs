using System.Buffers.Binary;
using System.Text;
using BetterDepth.Diffusion;

namespace BetterDepth.Tests.Hostile;

/// <summary>Safetensors headers the fuzzer found crashing the reader with InvalidOperationException (issue 15).</summary>
public class SafeTensorsHeaderTests
{
    static string RawFile(byte[] header, byte[] data)
    {
        var path = Path.Combine(TestData.NewTempDir("st-hostile"), "x.safetensors");
        var prefix = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
        File.WriteAllBytes(path, [.. prefix, .. header, .. data]);
        return path;
    }

    static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    [Theory]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":["0",4]}}""")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,null]}}""")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[{},4]}}""")]
    public void NonNumericDataOffsetsAreRefused(string header)
    {
        var path = RawFile(Utf8(header), new byte[4]);
        Refused.By(() => SafeTensorsFile.Open(path).Dispose(), path);
    }

    [Fact]
    public void InvalidUtf8InANameOrADtypeIsRefused()
    {
        foreach (var (before, after) in new[] { ("{\"a", "\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}"), ("{\"a\":{\"dtype\":\"F", "\",\"shape\":[1],\"data_offsets\":[0,4]}}"),
                     ("{\"__metadata__\":{\"k\":\"", "\"},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}") })
        {
            var path = RawFile([.. Utf8(before), 0xFF, 0xC3, .. Utf8(after)], new byte[4]);
            Refused.By(() => SafeTensorsFile.Open(path).Dispose(), path);
        }
    }

    [Fact]
    public void ANewlineInATensorNameStaysOnOneLine()
    {
        var path = RawFile(Utf8("""{"a\nb":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"""), new byte[4]);
        var e = Refused.By(() => SafeTensorsFile.Open(path).Dispose(), path);
        Assert.Contains("a\\nb", e.Message);
    }
}
