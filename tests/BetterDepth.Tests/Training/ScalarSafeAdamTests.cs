using BetterDepth.Compute;
using BetterDepth.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BetterDepth.Tests.Training;

/// <summary>
/// Tests that run TorchSharp's own Adam.step, which lets its Scalars go: alone, so that no other test's allocations
/// start a collection while it runs.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchSharpAdamReference
{
    public const string Name = "TorchSharp's Adam.step as the reference";
}

/// <summary>
/// <see cref="ScalarSafeAdam.SafeStep"/> against TorchSharp 0.107's <c>Adam.step()</c> on a two-layer network: the same
/// parameters, moments and step counts to the bit after every step, with each step's learning rate set in the param
/// groups as the trainers do; checkpoints in the same bytes, and a resumed run equal to an uninterrupted one.
/// </summary>
[Collection(TorchSharpAdamReference.Name)]
public class ScalarSafeAdamTests
{
    const int Steps = 8;

    [Fact]
    public void StepsAsTorchSharpsAdamDoesInTheTrainersSetting() => AssertStepsAlike(static p => optim.Adam(p, lr: 1e-2));

    [Fact]
    public void EachParamGroupKeepsItsOwnBetasAndEps() => AssertStepsAlike(TwoGroups);

    /// <summary>TorchSharp's step and ours on equal parameters, compared after every step; the unused parameter never steps.</summary>
    static void AssertStepsAlike(Func<Parameter[], Adam> create)
    {
        using var scope = NewDisposeScope();
        var reference = NewParameters();
        var ours = Copy(reference);
        using var torchSharp = create(reference);
        using var safe = create(ours);
        for (int step = 0; step < Steps; step++)
        {
            Step(torchSharp, reference, step, static o => o.step());
            Step(safe, ours, step, static o => o.SafeStep());
            AssertSame(torchSharp, reference, safe, ours, $"after step {step + 1}");
        }
        Assert.Equal([Steps, Steps, Steps, Steps, 0], States(safe).Select(s => s.step));
    }

    /// <summary>
    /// The checkpoint after our steps is byte for byte the one TorchSharp's steps write (so checkpoints made before this
    /// step existed load as ever), and a fresh Adam that loads it and goes on matches a run never interrupted.
    /// </summary>
    [Fact]
    public void CheckpointsKeepTheirBytesAndResumeAsAnUninterruptedRun()
    {
        using var scope = NewDisposeScope();
        const int saveAt = 3;
        var folder = TestData.NewTempDir("adam");
        var reference = NewParameters();
        var ours = Copy(reference);
        var uninterrupted = Copy(reference);
        using var torchSharp = optim.Adam(reference, lr: 1e-2);
        using var safe = optim.Adam(ours, lr: 1e-2);
        using var whole = optim.Adam(uninterrupted, lr: 1e-2);
        for (int step = 0; step < saveAt; step++)
        {
            Step(torchSharp, reference, step, static o => o.step());
            Step(safe, ours, step, static o => o.SafeStep());
        }
        var torchSharpFile = Path.Combine(folder, "torchsharp.dat");
        var safeFile = Path.Combine(folder, "safe.dat");
        torchSharp.save_state_dict(torchSharpFile);
        safe.save_state_dict(safeFile);
        Assert.Equal(File.ReadAllBytes(torchSharpFile), File.ReadAllBytes(safeFile));

        var resumed = Copy(ours);
        using var loaded = optim.Adam(resumed, lr: 1e-2);
        loaded.load_state_dict(safeFile);
        for (int step = saveAt; step < Steps; step++) Step(loaded, resumed, step, static o => o.SafeStep());
        for (int step = 0; step < Steps; step++) Step(whole, uninterrupted, step, static o => o.SafeStep());
        AssertSame(whole, uninterrupted, loaded, resumed, "resumed against uninterrupted");
    }

    /// <summary>The second group asks for it, and the first is left as it was: no half-done step.</summary>
    [Theory]
    [InlineData("amsgrad")]
    [InlineData("maximize")]
    [InlineData("weight_decay")]
    public void OptionsItDoesNotImplementAreRefusedBeforeAnyChange(string option)
    {
        using var scope = NewDisposeScope();
        var parameters = NewParameters();
        using var optimizer = optim.Adam([
            new Adam.ParamGroup(parameters[..2], lr: 1e-2),
            new Adam.ParamGroup(parameters[2..], lr: 1e-2, weight_decay: option == "weight_decay" ? 1e-2 : 0,
                amsgrad: option == "amsgrad", maximize: option == "maximize"),
        ]);
        Backward(parameters, 0);
        var before = Copy(parameters);
        var e = Assert.Throws<NotSupportedException>(optimizer.SafeStep);
        Assert.Contains(option, e.Message);
        Assert.All(States(optimizer), s => Assert.Equal(0, s.step));
        Assert.All(parameters.Zip(before), p => Assert.Equal(Values(p.Second), Values(p.First)));
    }

    /// <summary>w1 [4, 6], b1 [6], w2 [6, 3], b2 [3], and a [2] the loss never uses: no gradient, so no step for it.</summary>
    static Parameter[] NewParameters()
    {
        using var generator = new Generator(7);
        long[][] shapes = [[4, 6], [6], [6, 3], [3], [2]];
        return shapes.Select(shape => new Parameter(randn(shape, generator: generator))).ToArray();
    }

    static Parameter[] Copy(Parameter[] parameters) => parameters.Select(p => new Parameter(p.detach().clone())).ToArray();

    /// <summary>Groups with their own learning rate, betas and eps.</summary>
    static Adam TwoGroups(Parameter[] p) => optim.Adam([
        new Adam.ParamGroup(p[..2], lr: 2e-2),
        new Adam.ParamGroup(p[2..], lr: 5e-3, beta1: 0.8, beta2: 0.95, eps: 1e-3),
    ]);

    /// <summary>Mean squared error of tanh(x w1 + b1) w2 + b2 on step <paramref name="step"/>'s batch, backward.</summary>
    static void Backward(Parameter[] p, int step)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)(100 + step));
        var x = randn([5, 4], generator: generator);
        var y = randn([5, 3], generator: generator);
        var output = x.matmul(p[0]).Plus(p[1]).tanh().matmul(p[2]).Plus(p[3]);
        output.Plus(y.neg()).Squared().mean().backward();
    }

    /// <summary>One training iteration: gradients, this step's learning rate in every group (it changes each step), the update.</summary>
    static void Step(Adam optimizer, Parameter[] p, int step, Action<Adam> update)
    {
        optimizer.zero_grad();
        Backward(p, step);
        foreach (var group in optimizer.ParamGroups) group.LearningRate = group.InitialLearningRate * (Steps - step) / Steps;
        update(optimizer);
    }

    static List<Adam.State> States(Adam optimizer) => optimizer.state_dict().State.Cast<Adam.State>().ToList();

    static float[] Values(Tensor t) => t.detach().data<float>().ToArray();

    /// <summary>Equal step counts, and parameters and moments equal to the bit (the largest difference is in the message).</summary>
    static void AssertSame(Adam expectedOptimizer, Parameter[] expected, Adam actualOptimizer, Parameter[] actual, string when)
    {
        var expectedStates = States(expectedOptimizer);
        var actualStates = States(actualOptimizer);
        Assert.Equal(expectedStates.Select(s => s.step), actualStates.Select(s => s.step));
        static IEnumerable<Tensor> All(Parameter[] p, List<Adam.State> s) => p.Concat(s.SelectMany(x => new[] { x.exp_avg, x.exp_avg_sq }));
        var pairs = All(expected, expectedStates).Zip(All(actual, actualStates))
            .SelectMany(t => Values(t.First).Zip(Values(t.Second))).ToList();
        int differing = pairs.Count(v => BitConverter.SingleToInt32Bits(v.First) != BitConverter.SingleToInt32Bits(v.Second));
        double largest = pairs.Max(v => Math.Abs((double)v.First - v.Second));
        Assert.True(differing == 0, $"{when}: {differing} of {pairs.Count} values differ from TorchSharp's, by up to {largest:G3}");
    }
}
