using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BetterDepth.Imaging;

namespace BetterDepth.Priors.Learned;

/// <summary>
/// Float32-only safetensors reading and writing (8-byte little-endian header length, JSON header with
/// dtype / shape / data_offsets per tensor and a string-to-string "__metadata__", then the raw data).
/// Kept private to the learned prior until the project's general safetensors code
/// (src/BetterDepth/Diffusion/Weights) lands; then this file goes.
/// </summary>
internal static class SafeTensorsLite
{
    public sealed record Entry(long[] Shape, float[] Values);

    public static void Write(Stream stream, IReadOnlyDictionary<string, Entry> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        var header = new JsonObject { ["__metadata__"] = new JsonObject(metadata.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value)))) };
        long offset = 0;
        foreach (var (name, entry) in tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var bytes = entry.Values.LongLength * 4;
            header[name] = new JsonObject
            {
                ["dtype"] = "F32",
                ["shape"] = new JsonArray(entry.Shape.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray()),
                ["data_offsets"] = new JsonArray(JsonValue.Create(offset), JsonValue.Create(offset + bytes)),
            };
            offset += bytes;
        }
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        // The format pads the header with spaces to a multiple of 8 bytes so the data is aligned.
        var padded = (json.Length + 7) / 8 * 8;
        Span<byte> len = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)padded);
        stream.Write(len);
        stream.Write(json);
        for (int i = json.Length; i < padded; i++) stream.WriteByte((byte)' ');
        foreach (var (_, entry) in tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var bytes = new byte[entry.Values.Length * 4];
            for (int i = 0; i < entry.Values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), entry.Values[i]);
            stream.Write(bytes);
        }
    }

    public static (Dictionary<string, Entry> Tensors, Dictionary<string, string> Metadata) Read(string path)
    {
        if (!File.Exists(path)) throw new InvalidFileException(path, "weights file not found");
        var data = File.ReadAllBytes(path);
        if (data.Length < 8) throw new InvalidFileException(path, $"too short for a safetensors file ({data.Length} bytes)");
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(data);
        if (headerLength == 0 || headerLength > (ulong)(data.Length - 8))
            throw new InvalidFileException(path, $"header length {headerLength} does not fit in a file of {data.Length} bytes (not safetensors, or truncated)");
        JsonObject header;
        try
        {
            header = JsonNode.Parse(data.AsSpan(8, (int)headerLength))?.AsObject()
                ?? throw new InvalidFileException(path, "header is not a JSON object");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new InvalidFileException(path, $"header is not valid JSON: {e.Message}", e);
        }
        var dataStart = 8 + (long)headerLength;
        var dataLength = data.Length - dataStart;
        var tensors = new Dictionary<string, Entry>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, node) in header)
        {
            try
            {
                if (name == "__metadata__")
                {
                    foreach (var (k, v) in node!.AsObject()) metadata[k] = v!.GetValue<string>();
                    continue;
                }
                var obj = node!.AsObject();
                var dtype = obj["dtype"]!.GetValue<string>();
                if (dtype != "F32") throw new InvalidFileException(path, $"tensor '{name}' has dtype {dtype}; only F32 is supported here");
                var shape = obj["shape"]!.AsArray().Select(s => s!.GetValue<long>()).ToArray();
                var offsets = obj["data_offsets"]!.AsArray().Select(s => s!.GetValue<long>()).ToArray();
                long count = 1;
                foreach (var s in shape)
                {
                    if (s < 0) throw new InvalidFileException(path, $"tensor '{name}' has a negative dimension");
                    count = checked(count * s);
                }
                if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0] || offsets[1] > dataLength)
                    throw new InvalidFileException(path, $"tensor '{name}' has data offsets [{string.Join(", ", offsets)}] outside the {dataLength} data bytes (truncated?)");
                if (offsets[1] - offsets[0] != count * 4)
                    throw new InvalidFileException(path, $"tensor '{name}' has {offsets[1] - offsets[0]} bytes for shape [{string.Join(", ", shape)}] of F32");
                var values = new float[count];
                var src = data.AsSpan((int)(dataStart + offsets[0]), (int)(count * 4));
                for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(src[(i * 4)..]);
                tensors[name] = new Entry(shape, values);
            }
            catch (Exception e) when (e is InvalidOperationException or NullReferenceException or FormatException or OverflowException or KeyNotFoundException)
            {
                throw new InvalidFileException(path, $"header entry '{name}' is malformed: {e.Message}", e);
            }
        }
        return (tensors, metadata);
    }
}
