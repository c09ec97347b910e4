using BetterDepth.Diffusion;

namespace BetterDepth.Tests.Diffusion.Schedulers;

public class SchedulerConfigTests
{
    // The shape of Stable Diffusion 2's scheduler/scheduler_config.json, with diffusers' bookkeeping keys.
    const string StableDiffusion2Json = """
        {
          "_class_name": "DDIMScheduler",
          "_diffusers_version": "0.8.0",
          "beta_end": 0.012,
          "beta_schedule": "scaled_linear",
          "beta_start": 0.00085,
          "clip_sample": false,
          "num_train_timesteps": 1000,
          "prediction_type": "v_prediction",
          "set_alpha_to_one": false,
          "skip_prk_steps": true,
          "steps_offset": 1,
          "trained_betas": null
        }
        """;

    [Fact]
    public void ParsesDiffusersConfigAndIgnoresBookkeepingKeys()
    {
        var c = SchedulerConfig.Parse(StableDiffusion2Json);
        Assert.Equal(SchedulerConfig.StableDiffusion2, c);
        var v11 = SchedulerConfig.Parse(StableDiffusion2Json.Replace("\"trained_betas\": null", "\"trained_betas\": null, \"timestep_spacing\": \"trailing\", \"rescale_betas_zero_snr\": true"));
        Assert.Equal(SchedulerConfig.MarigoldV1_1, v11);
    }

    [Fact]
    public void MissingKeysTakeDiffusersDefaults()
    {
        var c = SchedulerConfig.Parse("{}");
        Assert.Equal(BetaSchedule.Linear, c.BetaSchedule);
        Assert.Equal(0.0001, c.BetaStart);
        Assert.Equal(PredictionType.Epsilon, c.PredictionType);
        Assert.Equal(TimestepSpacing.Leading, c.TimestepSpacing);
        Assert.True(c.SetAlphaToOne);
        Assert.True(c.ClipSample);
    }

    [Fact]
    public void WrittenJsonReadsBack()
    {
        foreach (var c in new[] { SchedulerConfig.MarigoldV1_0, SchedulerConfig.MarigoldV1_1, new SchedulerConfig() })
            Assert.Equal(c, SchedulerConfig.Parse(c.ToJson()));
    }

    [Theory]
    [InlineData("{\"beta_schedule\": \"squaredcos_cap_v2\"}", "beta_schedule")]
    [InlineData("{\"prediction_type\": \"flow\"}", "prediction_type")]
    [InlineData("{\"timestep_spacing\": 3}", "timestep_spacing")]
    [InlineData("{\"num_train_timesteps\": 0}", "num_train_timesteps")]
    [InlineData("{\"beta_end\": 1.5}", "beta_end")]
    [InlineData("{\"steps_offset\": -1}", "steps_offset")]
    [InlineData("{\"trained_betas\": [0.1, 0.2]}", "trained_betas")]
    [InlineData("{\"clip_sample\": \"yes\"}", "clip_sample")]
    [InlineData("{\"thresholding\": true}", "thresholding")]
    [InlineData("{\"beta_start\": 1e400}", "beta_start")]
    public void BadValuesAreNamedInTheError(string json, string key)
    {
        var dir = TestData.NewTempDir();
        var path = Path.Combine(dir, "scheduler_config.json");
        File.WriteAllText(path, json);
        var e = Assert.Throws<InvalidFileException>(() => SchedulerConfig.Load(path));
        Assert.Contains(key, e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void TruncatedOrMissingFileIsInvalidFile()
    {
        var dir = TestData.NewTempDir();
        var path = Path.Combine(dir, "scheduler_config.json");
        File.WriteAllText(path, StableDiffusion2Json[..40]);
        Assert.Throws<InvalidFileException>(() => SchedulerConfig.Load(path));
        Assert.Throws<InvalidFileException>(() => SchedulerConfig.Load(Path.Combine(dir, "missing.json")));
        Assert.Throws<InvalidFileException>(() => SchedulerConfig.Load(Path.Combine(dir, "no-such-folder", "scheduler_config.json")));
        Assert.Throws<InvalidFileException>(() => SchedulerConfig.Load(dir)); // a folder, not a file
        File.WriteAllText(path, "[1, 2]");
        Assert.Throws<InvalidFileException>(() => SchedulerConfig.Load(path));
    }
}
