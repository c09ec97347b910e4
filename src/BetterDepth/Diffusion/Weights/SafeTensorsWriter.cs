using System.Buffers.Binary;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace BetterDepth.Diffusion;

/// <summary>
/// Writes tensors as a safetensors file: floating-point as F32, integers and bools in their own type.
/// Names are sorted, data is laid out back to back, the header is padded with spaces to 8 bytes.
/// The file appears atomically (<see cref="AtomicFile"/>).
/// </summary>
public static class SafeTensorsWriter
{
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var items = tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, Tensor: Prepare(kv.Key, kv.Value))).ToList();
        try
        {
            var header = new MemoryStream();
            using (var json = new Utf8JsonWriter(header))
            {
                json.WriteStartObject();
                if (metadata is { Count: > 0 })
                {
                    json.WriteStartObject("__metadata__");
                    foreach (var (k, v) in metadata) json.WriteString(k, v);
                    json.WriteEndObject();
                }
                long offset = 0;
                foreach (var (name, t) in items)
                {
                    var bytes = t.NumberOfElements * t.ElementSize;
                    json.WriteStartObject(name);
                    json.WriteString("dtype", DTypeName(t.dtype));
                    json.WriteStartArray("shape");
                    foreach (var d in t.shape) json.WriteNumberValue(d);
                    json.WriteEndArray();
                    json.WriteStartArray("data_offsets");
                    json.WriteNumberValue(offset);
                    json.WriteNumberValue(offset + bytes);
                    json.WriteEndArray();
                    json.WriteEndObject();
                    offset += bytes;
                }
                json.WriteEndObject();
            }
            while (header.Length % 8 != 0) header.WriteByte((byte)' ');

            AtomicFile.Write(path, file =>
            {
                Span<byte> prefix = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
                file.Write(prefix);
                header.Position = 0;
                header.CopyTo(file);
                foreach (var (_, t) in items) if (t.NumberOfElements > 0) file.Write(t.bytes);
            });
        }
        finally
        {
            foreach (var (_, t) in items) t.Dispose();
        }
    }

    /// <summary>A contiguous CPU copy in the stored type (floats as float32).</summary>
    static Tensor Prepare(string name, Tensor t)
    {
        var type = t.dtype switch
        {
            ScalarType.Float32 or ScalarType.Float64 or ScalarType.Float16 or ScalarType.BFloat16 => ScalarType.Float32,
            ScalarType.Int64 or ScalarType.Int32 or ScalarType.Int16 or ScalarType.Int8 or ScalarType.Byte or ScalarType.Bool => t.dtype,
            _ => throw new ArgumentException($"tensor '{name}': cannot store {t.dtype} in safetensors"),
        };
        if (t.device.type == DeviceType.META) throw new ArgumentException($"tensor '{name}' lives on the meta device and has no data");
        using var cpu = t.detach().to(CPU);
        using var typed = cpu.to_type(type);
        return typed.contiguous().clone();
    }

    static string DTypeName(ScalarType t) => t switch
    {
        ScalarType.Float32 => "F32", ScalarType.Int64 => "I64", ScalarType.Int32 => "I32", ScalarType.Int16 => "I16",
        ScalarType.Int8 => "I8", ScalarType.Byte => "U8", ScalarType.Bool => "BOOL",
        _ => throw new ArgumentException($"no safetensors name for {t}"),
    };
}
