using System.Text.Json;
using System.Text.Json.Serialization;
using BetterDepth.Imaging;

namespace BetterDepth.Diffusion;

/// <summary>Reading diffusers-style config JSON: parse errors become ArgumentException naming the source, file errors InvalidFileException.</summary>
static class ConfigJson
{
    public static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public static T Deserialize<T>(string json, string source, string what) where T : class
    {
        try { return JsonSerializer.Deserialize<T>(json) ?? throw new ArgumentException($"{source}: empty {what}"); }
        catch (JsonException e) { throw new ArgumentException($"{source}: not a valid {what}: {e.Message}", e); }
    }

    public static T Load<T>(string path, Func<string, string, T> parse)
    {
        string json;
        try { json = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new InvalidFileException(path, $"cannot read: {e.Message}", e); }
        try { return parse(json, path); }
        catch (ArgumentException e) { throw new InvalidFileException(path, e.Message, e); }
    }
}
