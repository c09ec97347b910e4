using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace BetterDepth.Evaluation.Datasets;

/// <summary>
/// A dataset described by a JSON file (docs/dev/CONTRACTS.md, "User dataset JSON"), such as the one
/// <c>betterdepth synth</c> writes. Its crop is an evaluation region (pixels removed from each side do not count).
/// </summary>
internal static class UserDataset
{
    public static SplitDataset Open(string jsonPath, string? dataDir, string? splitFile)
    {
        var description = DatasetDescription.Load(jsonPath);
        var folder = dataDir ?? Path.GetDirectoryName(Path.GetFullPath(jsonPath))!;
        var split = splitFile ?? Path.Combine(folder, description.Split);
        return new SplitDataset(description.ToProtocol(jsonPath), folder, split);
    }
}

/// <summary>The user dataset JSON, field for field.</summary>
public sealed record DatasetDescription
{
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("split")] public string Split { get; init; } = "";
    [JsonPropertyName("depth")] public DepthDescription? Depth { get; init; }
    [JsonPropertyName("min_depth")] public double MinDepth { get; init; } = 1e-3;
    [JsonPropertyName("max_depth")] public double MaxDepth { get; init; } = double.PositiveInfinity;
    [JsonPropertyName("crop")] public CropDescription? Crop { get; init; }
    [JsonPropertyName("mask_column")] public int? MaskColumn { get; init; }

    public sealed record DepthDescription
    {
        [JsonPropertyName("encoding")] public string Encoding { get; init; } = "";
        [JsonPropertyName("metres_per_unit")] public double MetresPerUnit { get; init; } = 1.0;
        [JsonPropertyName("width")] public int Width { get; init; }
        [JsonPropertyName("height")] public int Height { get; init; }
    }

    public sealed record CropDescription
    {
        [JsonPropertyName("top")] public int Top { get; init; }
        [JsonPropertyName("bottom")] public int Bottom { get; init; }
        [JsonPropertyName("left")] public int Left { get; init; }
        [JsonPropertyName("right")] public int Right { get; init; }
    }

    /// <summary>A split line with more columns than this is not a dataset anyone wrote; beyond it lies int overflow.</summary>
    public const int MaxMaskColumn = 1024;

    static readonly JsonSerializerOptions Options = new()
    {
        RespectNullableAnnotations = true,
        AllowDuplicateProperties = false,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Reads and checks a description; every problem is an <see cref="InvalidFileException"/> naming the file.</summary>
    public static DatasetDescription Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"dataset description not found: {path}", path);
        DatasetDescription? description;
        try { description = JsonSerializer.Deserialize<DatasetDescription>(File.ReadAllText(path), Options); }
        catch (JsonException e) { throw new InvalidFileException(path, $"not a dataset description: {e.Message}", e); }
        if (description is null) throw new InvalidFileException(path, "empty dataset description");
        description.Check(path);
        return description;
    }

    void Check(string path)
    {
        void Require([DoesNotReturnIf(false)] bool ok, string problem) { if (!ok) throw new InvalidFileException(path, problem); }
        Require(!string.IsNullOrWhiteSpace(Split), "\"split\" (the split file, relative to the dataset folder) is missing");
        Require(Depth is not null, "\"depth\" (encoding and scale) is missing");
        Require(Depth!.Encoding is not null, "depth.encoding must be a string, got null");
        try { DepthEncoding.ParseKind(Depth!.Encoding); }
        catch (ArgumentException e) { throw new InvalidFileException(path, e.Message, e); }
        Require(Depth.MetresPerUnit > 0 && double.IsFinite(Depth.MetresPerUnit), $"depth.metres_per_unit must be positive, got {Depth.MetresPerUnit}");
        Require(DepthEncoding.ParseKind(Depth.Encoding) != DepthEncodingKind.RawFloat32 || (Depth.Width > 0 && Depth.Height > 0),
            "raw_float32 depth needs depth.width and depth.height");
        Require(MinDepth >= 0 && double.IsFinite(MinDepth) && MaxDepth > MinDepth, $"need 0 <= min_depth < max_depth, got {MinDepth} and {MaxDepth}");
        Require(Crop is null || (Crop.Top >= 0 && Crop.Bottom >= 0 && Crop.Left >= 0 && Crop.Right >= 0), "crop margins must not be negative");
        Require(MaskColumn is null || MaskColumn is >= 2 and <= MaxMaskColumn, $"mask_column must be 2 to {MaxMaskColumn} (columns 0 and 1 are RGB and depth), got {MaskColumn}");
    }

    public DatasetProtocol ToProtocol(string path)
    {
        var kind = DepthEncoding.ParseKind(Depth!.Encoding);
        var crop = Crop;
        return new DatasetProtocol(Name ?? Path.GetFileNameWithoutExtension(path), new DepthEncoding(kind, Depth.MetresPerUnit, Depth.Width, Depth.Height),
            new DepthRange(MinDepth, MaxDepth))
        {
            MaskColumn = MaskColumn,
            EvaluationRegion = crop is null ? null : (w, h) => CropBox.FromSlices(crop.Top, h - crop.Bottom, crop.Left, w - crop.Right, w, h),
        };
    }
}
