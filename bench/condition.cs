#:project ../src/BetterDepth.Synthetic/BetterDepth.Synthetic.csproj
#:property JsonSerializerIsReflectionEnabledByDefault=true
#:property PublishAot=false
#:property TieredCompilationQuickJitForLoops=false
// Time of turning a prior's prediction into the refiner's condition (DepthCondition.FromPrior: order, shift, 2% / 98%
// quantiles, scaling) on a rendered indoor scene's disparity, best and median of 30 after a warm-up, at 256, 512 and
// 768 px. Usage (from the repository root): dotnet run -c Release bench/condition.cs
using System.Diagnostics;
using BetterDepth;
using BetterDepth.Refinement;
using BetterDepth.Synthetic;

foreach (int size in new[] { 256, 512, 768 })
{
    var scene = SceneRenderer.Render(5, SceneKind.Indoor, size, size);
    var prior = new DepthMap(size, size, DepthKind.AffineDisparity, scene.Depth.Values.Select(v => 1f / v).ToArray());
    DepthCondition.FromPrior(prior);
    var times = new List<double>();
    for (int i = 0; i < 30; i++)
    {
        var clock = Stopwatch.StartNew();
        DepthCondition.FromPrior(prior);
        times.Add(clock.Elapsed.TotalMilliseconds);
    }
    times.Sort();
    Console.WriteLine($"{size} px: best {times[0]:F2} ms, median {times[15]:F2} ms");
}
