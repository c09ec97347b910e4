using BetterDepth;
using BetterDepth.Imaging;
using BetterDepth.Refinement;

namespace BetterDepth.Tests.Refinement;

public class RefinerDefaultsTests
{
    static string Folder(string manifest)
    {
        var folder = Path.Combine(TestData.NewTempDir("defaults"), "refiner");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, RefinerModel.ManifestName), manifest);
        return folder;
    }

    const string Head = """{"format": "betterdepth-refiner", "version": 1, "conditioning": "image_and_depth", """;

    [Fact]
    public void ThePriorPathIsTakenRelativeToTheRefinerFolderNotTheWorkingDirectory()
    {
        var folder = Folder(Head + """
            "defaults": {"prior": {"kind": "learned", "path": "../prior-cnn"}, "denoising_steps": 3, "ensemble_size": 4, "processing_resolution": 320, "prior_layout_sigma": 8},
            "training": {"resolution": "256x192"}}
            """);
        var defaults = RefinerDefaults.Read(folder);
        Assert.Equal("learned:" + Path.Combine(Path.GetDirectoryName(folder)!, "prior-cnn"), defaults.Prior);
        Assert.Equal((3, 4, 320, 8.0), (defaults.Steps, defaults.EnsembleSize, defaults.ProcessingResolution, defaults.PriorLayoutSigma));
    }

    [Fact]
    public void AMissingPriorIsReportedAgainstTheRefinerJsonThatNamedItAndOnlyWhenItIsUsed()
    {
        var folder = Folder(Head + """ "defaults": {"prior": {"kind": "learned", "path": "../prior-cnn"}}} """);
        var defaults = RefinerDefaults.Read(folder);   // reading does not check: --prior may stand in
        Assert.Equal("file:x", PipelineOptions.PriorSpec("file:x", defaults));
        var e = Assert.Throws<InvalidFileException>(() => PipelineOptions.PriorSpec(null, defaults));
        Assert.Equal(Path.Combine(folder, RefinerModel.ManifestName), e.FilePath);
        var prior = Path.Combine(Path.GetDirectoryName(folder)!, "prior-cnn");
        Assert.Contains(prior, e.Message);
        Assert.Contains("--prior", e.Message);
        Assert.Throws<InvalidFileException>(() => new PipelineOptions().Resolve(defaults));

        Directory.CreateDirectory(prior);
        Assert.Equal("learned:" + prior, PipelineOptions.PriorSpec(null, defaults));
        Assert.Equal(PipelineOptions.FallbackPrior, PipelineOptions.PriorSpec(null, RefinerDefaults.None));
    }

    [Fact]
    public void APriorWithoutAPathIsItsKindAlone()
    {
        var defaults = RefinerDefaults.Read(Folder(Head + """ "defaults": {"prior": {"kind": "learned"}}} """));
        Assert.Equal("learned", defaults.Prior);
        Assert.Null(defaults.Steps);
    }

    [Fact]
    public void WithoutAProcessingResolutionTheTrainingResolutionStandsIn()
    {
        Assert.Equal(256, RefinerDefaults.Read(Folder(Head + """ "training": {"resolution": "256x192"}} """)).ProcessingResolution);
        Assert.Equal(160, RefinerDefaults.Read(Folder(Head + """ "defaults": {}, "training": {"resolution": "120x160"}} """)).ProcessingResolution);
        Assert.Equal(0, RefinerDefaults.Read(Folder(Head + """ "defaults": {"processing_resolution": 0}, "training": {"resolution": "120x160"}} """)).ProcessingResolution);
        Assert.Equal(RefinerDefaults.None, RefinerDefaults.Read(Folder(Head + "\"training\": {\"resolution\": \"big\"}}")));
        Assert.Equal(RefinerDefaults.None, RefinerDefaults.Read(TestData.NewTempDir("bare-diffusers")));
    }

    [Theory]
    [InlineData("learned")]
    [InlineData("learned:runs/prior-v11/prior.safetensors")]
    [InlineData("depth-anything-v2:../models/da2 vits.onnx")]
    public void APriorEntryWrittenForAFolderReadsBackAsTheSameSpec(string spec)
    {
        var folder = Path.Combine(TestData.NewTempDir("defaults"), "run", "final");
        var entry = RefinerDefaults.PriorEntry(spec, folder)!;
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, RefinerModel.ManifestName),
            Head + "\"defaults\": {\"prior\": " + entry.ToJsonString() + "}}");
        int colon = spec.IndexOf(':');
        var expected = colon < 0 ? spec : spec[..(colon + 1)] + Path.GetFullPath(spec[(colon + 1)..]);
        Assert.Equal(expected, RefinerDefaults.Read(folder).Prior);
        if (colon > 0) Assert.False(Path.IsPathRooted(entry["path"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("degraded:4")]
    [InlineData("flip:learned:prior.safetensors")]
    [InlineData("no-such-kind:x")]
    public void ASpecOnlyTrainingCanBuildOrTheEntryCannotSayHasNoEntry(string spec) =>
        Assert.Null(RefinerDefaults.PriorEntry(spec, TestData.NewTempDir("defaults")));

    [Theory]
    [InlineData("""{"steps": 2}""", "unknown key 'steps'")]
    [InlineData("""{"denoising_steps": 0}""", "denoising_steps must be >= 1")]
    [InlineData("""{"ensemble_size": 0}""", "ensemble_size must be >= 1")]
    [InlineData("""{"processing_resolution": -1}""", "processing_resolution must be >= 0")]
    [InlineData("""{"prior_layout_sigma": -1}""", "prior_layout_sigma must be from 0")]
    [InlineData("""{"denoising_steps": "two"}""", "")]
    [InlineData("""{"denoising_steps": 2.5}""", "")]
    [InlineData("""{"prior": "learned"}""", "defaults.prior must be an object")]
    [InlineData("""{"prior": {"path": "x"}}""", "defaults.prior.kind")]
    [InlineData("[]", "defaults must be an object")]
    public void ABadDefaultIsRefusedNamingTheFile(string defaults, string problem)
    {
        var folder = Folder(Head + "\"defaults\": " + defaults + "}");
        var e = Assert.Throws<InvalidFileException>(() => RefinerDefaults.Read(folder));
        Assert.Equal(Path.Combine(folder, RefinerModel.ManifestName), e.FilePath);
        Assert.Contains(problem, e.Message);
    }
}
