using System.Buffers.Binary;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace BetterDepth.Diffusion;

/// <summary>One tensor's entry in a safetensors header; offsets are relative to the data section.</summary>
public sealed record SafeTensorEntry(string Name, string DType, long[] Shape, long Begin, long End)
{
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);
}

/// <summary>
/// A safetensors file opened for random access: an 8-byte little-endian header length, a JSON header
/// (name -> dtype, shape, data_offsets; optional __metadata__ of strings), then the raw data.
/// The header is checked completely on open, so reading a tensor later cannot run off the file:
/// byte counts must match dtype and shape, and entries must tile the data section without overlap or holes.
/// Floating-point tensors (F64/F32/F16/BF16) are read as float32, integers keep their type.
/// </summary>
public sealed class SafeTensorsFile : IDisposable
{
    const long MaxHeaderBytes = 100L << 20;

    static readonly Dictionary<string, (ScalarType Type, int Bytes)> DTypes = new()
    {
        ["F64"] = (ScalarType.Float64, 8), ["F32"] = (ScalarType.Float32, 4), ["F16"] = (ScalarType.Float16, 2),
        ["BF16"] = (ScalarType.BFloat16, 2), ["I64"] = (ScalarType.Int64, 8), ["I32"] = (ScalarType.Int32, 4),
        ["I16"] = (ScalarType.Int16, 2), ["I8"] = (ScalarType.Int8, 1), ["U8"] = (ScalarType.Byte, 1), ["BOOL"] = (ScalarType.Bool, 1),
    };

    readonly FileStream stream;
    readonly long dataStart;

    public string Path { get; }
    public IReadOnlyDictionary<string, SafeTensorEntry> Entries { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }

    SafeTensorsFile(string path, FileStream stream, long dataStart, Dictionary<string, SafeTensorEntry> entries, Dictionary<string, string> metadata)
    {
        Path = path;
        this.stream = stream;
        this.dataStart = dataStart;
        Entries = entries;
        Metadata = metadata;
    }

    public static SafeTensorsFile Open(string path)
    {
        FileStream stream;
        try { stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.RandomAccess); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new InvalidFileException(path, $"cannot open: {e.Message}", e); }
        try
        {
            var length = stream.Length;
            if (length < 8) throw Bad(path, $"truncated: {length} bytes, shorter than the 8-byte header length");
            Span<byte> prefix = stackalloc byte[8];
            stream.ReadExactly(prefix);
            var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
            if (headerLength > (ulong)(length - 8)) throw Bad(path, $"header length {headerLength} exceeds the {length - 8} bytes after it (truncated or not safetensors)");
            if (headerLength > MaxHeaderBytes) throw Bad(path, $"header of {headerLength} bytes is implausibly large");
            var header = new byte[headerLength];
            stream.ReadExactly(header);
            var dataStart = 8 + (long)headerLength;
            var (entries, metadata) = ParseHeader(path, header, length - dataStart);
            return new SafeTensorsFile(path, stream, dataStart, entries, metadata);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    static (Dictionary<string, SafeTensorEntry>, Dictionary<string, string>) ParseHeader(string path, byte[] header, long dataLength)
    {
        // JsonDocument checks the UTF-8 of strings only when they are read (names, dtypes, metadata), and then
        // throws InvalidOperationException: that is still the file's fault, not ours.
        try { return ParseHeaderJson(path, header, dataLength); }
        catch (InvalidOperationException e) { throw Bad(path, $"header is not valid safetensors JSON: {e.Message}", e); }
    }

    static (Dictionary<string, SafeTensorEntry>, Dictionary<string, string>) ParseHeaderJson(string path, byte[] header, long dataLength)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(header); }
        catch (JsonException e) { throw Bad(path, $"header is not valid JSON: {e.Message}", e); }
        using var _ = doc;
        if (doc.RootElement.ValueKind != JsonValueKind.Object) throw Bad(path, "header is not a JSON object");

        var entries = new Dictionary<string, SafeTensorEntry>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in doc.RootElement.EnumerateObject())
        {
            if (item.Name == "__metadata__")
            {
                if (item.Value.ValueKind != JsonValueKind.Object) throw Bad(path, "__metadata__ is not an object");
                foreach (var m in item.Value.EnumerateObject())
                    metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString()! : throw Bad(path, $"metadata '{m.Name}' is not a string");
                continue;
            }
            var entry = ParseEntry(path, item.Name, item.Value);
            if (!entries.TryAdd(entry.Name, entry)) throw Bad(path, $"tensor '{entry.Name}' appears twice in the header");
        }

        // The entries must tile [0, dataLength) exactly: no overlap, no holes, nothing past the end.
        long expected = 0;
        foreach (var e in entries.Values.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (e.Begin < expected) throw Bad(path, $"tensor '{e.Name}' data [{e.Begin}, {e.End}) overlaps another tensor");
            if (e.Begin > expected) throw Bad(path, $"unused bytes [{expected}, {e.Begin}) before tensor '{e.Name}'");
            if (e.End > dataLength) throw Bad(path, $"tensor '{e.Name}' data [{e.Begin}, {e.End}) runs past the end of the file ({dataLength} data bytes; truncated?)");
            expected = e.End;
        }
        if (expected != dataLength) throw Bad(path, $"data section has {dataLength} bytes but the tensors cover {expected}");
        return (entries, metadata);
    }

    static SafeTensorEntry ParseEntry(string path, string name, JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object) throw Bad(path, $"tensor '{name}': entry is not an object");
        if (!e.TryGetProperty("dtype", out var dt) || dt.ValueKind != JsonValueKind.String || !DTypes.TryGetValue(dt.GetString()!, out var info))
            throw Bad(path, $"tensor '{name}': missing or unsupported dtype (supported: {string.Join(", ", DTypes.Keys)})");
        if (!e.TryGetProperty("shape", out var sh) || sh.ValueKind != JsonValueKind.Array)
            throw Bad(path, $"tensor '{name}': missing shape");
        var shape = new long[sh.GetArrayLength()];
        var i = 0;
        foreach (var d in sh.EnumerateArray())
            shape[i++] = d.ValueKind == JsonValueKind.Number && d.TryGetInt64(out var v) && v >= 0 ? v : throw Bad(path, $"tensor '{name}': shape entries must be non-negative integers");
        if (!e.TryGetProperty("data_offsets", out var off) || off.ValueKind != JsonValueKind.Array || off.GetArrayLength() != 2)
            throw Bad(path, $"tensor '{name}': data_offsets must be [begin, end]");
        var begin = off[0].ValueKind == JsonValueKind.Number && off[0].TryGetInt64(out var b) ? b : -1;
        var end = off[1].ValueKind == JsonValueKind.Number && off[1].TryGetInt64(out var en) ? en : -1;
        if (begin < 0 || end < begin) throw Bad(path, $"tensor '{name}': invalid data_offsets {off.GetRawText()} (need two integers, 0 <= begin <= end)");
        long bytes;
        try { bytes = checked(shape.Aggregate(1L, (a, s) => checked(a * s)) * info.Bytes); }
        catch (OverflowException) { throw Bad(path, $"tensor '{name}': shape [{string.Join(", ", shape)}] is too large"); }
        if (end - begin != bytes)
            throw Bad(path, $"tensor '{name}': {dt.GetString()} [{string.Join(", ", shape)}] needs {bytes} bytes but data_offsets span {end - begin}");
        return new SafeTensorEntry(name, dt.GetString()!, shape, begin, end);
    }

    /// <summary>Reads one tensor (float types as float32) onto <paramref name="device"/>.</summary>
    public Tensor Read(string name, Device? device = null)
    {
        if (!Entries.TryGetValue(name, out var e)) throw new KeyNotFoundException($"{Path}: no tensor named '{name}'");
        var byteCount = e.End - e.Begin;
        if (byteCount > Array.MaxLength) throw Bad(Path, $"tensor '{name}' ({byteCount} bytes) is too large to read in one piece");
        var raw = new byte[byteCount];
        lock (stream)
        {
            stream.Position = dataStart + e.Begin;
            try { stream.ReadExactly(raw); }
            catch (EndOfStreamException ex) { throw Bad(Path, $"tensor '{name}': file ended while reading its data", ex); }
        }
        var type = DTypes[e.DType].Type;
        var t = empty(e.Shape, type);
        if (byteCount > 0) t.bytes = raw;
        if (type is ScalarType.Float64 or ScalarType.Float16 or ScalarType.BFloat16)
        {
            var f = t.to_type(ScalarType.Float32);
            t.Dispose();
            t = f;
        }
        if (device is null || device.type == DeviceType.CPU) return t;
        var moved = t.to(device);
        t.Dispose();
        return moved;
    }

    static InvalidFileException Bad(string path, string problem, Exception? inner = null) => new(path, problem, inner);

    public void Dispose() => stream.Dispose();
}
