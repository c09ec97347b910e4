using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace BetterDepth.Diffusion;

/// <summary>Reading diffusers-style config JSON: parse errors become ArgumentException naming the source, file errors InvalidFileException.</summary>
static class ConfigJson
{
    public static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>
    /// Duplicate keys are refused (the second would silently win), and JSON null in a non-nullable field is a
    /// JsonException naming it instead of a null that fails later.
    /// </summary>
    static readonly JsonSerializerOptions Reading = new() { AllowDuplicateProperties = false, RespectNullableAnnotations = true };

    /// <summary>For JsonNode.Parse: a duplicate key is a JsonException, not .NET's "An item with the same key has already been added" on first access.</summary>
    public static readonly JsonDocumentOptions NoDuplicates = new() { AllowDuplicateProperties = false };

    public static T Deserialize<T>(string json, string source, string what) where T : class
    {
        try { return JsonSerializer.Deserialize<T>(json, Reading) ?? throw new ArgumentException($"{source}: empty {what}"); }
        catch (JsonException e) { throw new ArgumentException($"{source}: not a valid {what}: {OneLine.Escape(e.Message)}", e); }
    }

    /// <summary>Refuses a config that leaves out a field whose default would build a different model than the file meant.</summary>
    public static void RequireFields(string json, string source, string what, IEnumerable<string> fields)
    {
        JsonNode? node;
        try { node = JsonNode.Parse(json, documentOptions: NoDuplicates); }
        catch (JsonException e) { throw new ArgumentException($"{source}: not a valid {what}: {OneLine.Escape(e.Message)}", e); }
        if (node is not JsonObject obj) throw new ArgumentException($"{source}: {what} is not a JSON object");
        var missing = fields.Where(f => !obj.ContainsKey(f)).ToList();
        if (missing.Count > 0) throw new ArgumentException($"{source}: {what} does not state {string.Join(", ", missing)} (no default is assumed)");
    }

    public static T Load<T>(string path, Func<string, string, T> parse)
    {
        string json;
        try { json = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new InvalidFileException(path, $"cannot read: {OneLine.Escape(e.Message)}", e); }
        try { return parse(json, path); }
        // the parsers name their source (here the path) first; the exception names it once
        catch (ArgumentException e) { throw new InvalidFileException(path, e.Message.StartsWith(path + ": ", StringComparison.Ordinal) ? e.Message[(path.Length + 2)..] : e.Message, e); }
    }
}
