using BetterDepth.Diffusion;

namespace BetterDepth.Tests.Hostile;

/// <summary>
/// Inputs the coverage-guided fuzzer (fuzz/BetterDepth.Fuzz, scripts/fuzz.sh) found, kept in fuzz/regressions/TARGET/.
/// First find: a syntax error inside a multi-line JSON token made System.Text.Json quote the token with its newlines,
/// and the config parsers passed that message on unescaped: a multi-line error from UNetConfig.Parse,
/// DiffusionModelConfig.AutoencoderLayout and DiffusionModelConfig.Parse.
/// </summary>
public class FuzzRegressionTests
{
    static IEnumerable<string> Inputs(string target) =>
        Directory.EnumerateFiles(Path.Combine(TestData.RepoRoot, "fuzz", "regressions", target)).Order();

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var target in new[] { "unet-config", "vae-config", "model-config" })
            foreach (var file in Inputs(target)) data.Add(target, Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ConfigParsersRefuseFuzzFindsOnOneLine(string target, string file)
    {
        var json = File.ReadAllText(Path.Combine(TestData.RepoRoot, "fuzz", "regressions", target, file));
        const string source = "dir/config.json";
        Action parse = target switch
        {
            "unet-config" => () => UNetConfig.Parse(json, source),
            "vae-config" => () => DiffusionModelConfig.AutoencoderLayout(json, source),
            _ => () => DiffusionModelConfig.Parse(json, source),
        };
        Refused.By(parse, source);
    }

    [Fact]
    public void ConfigLoadRefusesTheSameFileOnOneLine()
    {
        var folder = TestData.NewTempDir("fuzzreg");
        var path = Path.Combine(folder, "config.json");
        File.Copy(Inputs("unet-config").First(), path);
        Refused.By(() => UNetConfig.Load(path), path);
    }
}
