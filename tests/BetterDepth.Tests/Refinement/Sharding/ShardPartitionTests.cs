using BetterDepth.Refinement.Sharding;

namespace BetterDepth.Tests.Refinement.Sharding;

/// <summary>The partition of inputs into shards: disjoint, complete, a pure function of the input and N.</summary>
public class ShardPartitionTests
{
    static readonly string[] Stems = Enumerable.Range(0, 3000).Select(i => $"seq{i % 17:D2}/frame_{i:D6}").ToArray();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(7)]
    [InlineData(16)]
    [InlineData(100)]
    public void EveryInputIsInExactlyOneShard(int n)
    {
        var shards = Enumerable.Range(0, n).Select(k => new ShardSpec(k, n)).ToArray();
        var seen = new Dictionary<string, int>();
        foreach (var shard in shards)
            foreach (var stem in Stems.Where(shard.Contains))
                seen[stem] = seen.GetValueOrDefault(stem) + 1;
        Assert.Equal(Stems.Length, seen.Count);          // complete
        Assert.All(seen.Values, c => Assert.Equal(1, c)); // disjoint
        Assert.All(Stems, s => Assert.InRange(ShardSpec.Of(s, n), 0, n - 1));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    public void ShardsAreNearlyEqual(int n)
    {
        var sizes = Stems.GroupBy(s => ShardSpec.Of(s, n)).Select(g => g.Count()).ToArray();
        Assert.Equal(n, sizes.Length);
        double mean = (double)Stems.Length / n;
        // binomial spread: 4 standard deviations, so the test does not depend on luck
        double tolerance = 4 * Math.Sqrt(mean * (1 - 1.0 / n));
        Assert.All(sizes, size => Assert.InRange(size, mean - tolerance, mean + tolerance));
    }

    [Fact]
    public void AnInputsShardDependsOnlyOnItselfAndN()
    {
        // the same stem gets the same shard whatever else is listed, in whatever order
        var shuffled = Stems.OrderBy(s => s.GetHashCode()).ToArray();
        var subset = Stems.Where((_, i) => i % 3 == 0).ToArray();
        foreach (var n in new[] { 3, 5, 64 })
        {
            var full = Stems.ToDictionary(s => s, s => ShardSpec.Of(s, n));
            Assert.All(shuffled, s => Assert.Equal(full[s], ShardSpec.Of(s, n)));
            Assert.All(subset, s => Assert.Equal(full[s], ShardSpec.Of(s, n)));
        }
        // and across processes, machines and versions: these values are what a rerun of an older job relies on
        Assert.Equal([1, 0, 2, 2, 0], new[] { "a", "sub/b", "000001", "000002", "x/y/z" }.Select(s => ShardSpec.Of(s, 4)));
    }

    [Fact]
    public void GrowingNMovesInputsOnlyToTheNewShard()
    {
        for (int n = 1; n < 12; n++)
        {
            int moved = 0;
            foreach (var s in Stems)
            {
                int before = ShardSpec.Of(s, n), after = ShardSpec.Of(s, n + 1);
                if (before == after) continue;
                Assert.Equal(n, after);
                moved++;
            }
            // about 1/(n+1) of the inputs move
            double expected = (double)Stems.Length / (n + 1);
            Assert.InRange(moved, expected - 4 * Math.Sqrt(expected), expected + 4 * Math.Sqrt(expected));
        }
    }

    [Fact]
    public void SeparatorsAndALeadingDotDoNotChangeTheShard()
    {
        foreach (var n in new[] { 2, 5, 9 })
        {
            Assert.Equal(ShardSpec.Of("a/b/c", n), ShardSpec.Of("a\\b\\c", n));
            Assert.Equal(ShardSpec.Of("a/b/c", n), ShardSpec.Of("./a/b/c", n));
        }
    }

    [Fact]
    public void ParsesKOfNAndRefusesWhatIsNotAShard()
    {
        Assert.Equal(new ShardSpec(2, 4), ShardSpec.Parse("2/4"));
        Assert.Equal(new ShardSpec(0, 1), ShardSpec.Parse("0/1"));
        foreach (var bad in new[] { "4/4", "-1/4", "1/0", "1", "a/b", "1/2/3", "", " 1/2" })
            Assert.Throws<ArgumentException>(() => ShardSpec.Parse(bad));
    }

    static Func<string, string?> Env(params (string Name, string Value)[] vars) =>
        name => vars.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void ReadsTheIndexFromSlurmOrKubernetes()
    {
        Assert.Equal(new ShardSpec(2, 4), ShardSpec.FromEnvironment(Env(("SLURM_ARRAY_TASK_ID", "2"), ("SLURM_ARRAY_TASK_COUNT", "4"), ("SLURM_ARRAY_TASK_MIN", "0"), ("SLURM_ARRAY_TASK_MAX", "3")), null));
        // a resubmission of index 2 alone: Slurm says COUNT=1, N must come from --shards
        var resubmitted = Env(("SLURM_ARRAY_TASK_ID", "2"), ("SLURM_ARRAY_TASK_COUNT", "1"), ("SLURM_ARRAY_TASK_MIN", "2"), ("SLURM_ARRAY_TASK_MAX", "2"));
        Assert.Throws<ArgumentException>(() => ShardSpec.FromEnvironment(resubmitted, null));
        Assert.Equal(new ShardSpec(2, 4), ShardSpec.FromEnvironment(resubmitted, 4));
        Assert.Throws<ArgumentException>(() => ShardSpec.FromEnvironment(resubmitted, 2));
        // Kubernetes indexed Job: the index only, N is given
        Assert.Equal(new ShardSpec(5, 8), ShardSpec.FromEnvironment(Env(("JOB_COMPLETION_INDEX", "5")), 8));
        Assert.Throws<ArgumentException>(() => ShardSpec.FromEnvironment(Env(("JOB_COMPLETION_INDEX", "5")), null));
        Assert.Throws<ArgumentException>(() => ShardSpec.FromEnvironment(Env(), 4));
        Assert.Throws<ArgumentException>(() => ShardSpec.FromEnvironment(Env(("SLURM_ARRAY_TASK_ID", "x")), 4));
    }
}
